import fs from 'node:fs';
import path from 'node:path';
import { MINI_PAGES } from '../../server/wechat-templates';
import { T, VIEW_TEXTS } from '../../miniprogram/utils/texts';

// What DevTools needs to open the project, what the server's subscribe messages link to, and the rule that
// nothing the mini-program says itself is in English.

const ROOT = path.resolve(__dirname, '../../miniprogram');
const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8')) as { pages: string[] };

test('project.config.json: a TypeScript project DevTools compiles itself, with a placeholder appid', () => {
  const project = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'));
  expect(project.setting.useCompilerPlugins).toEqual(['typescript']);
  expect(project.compileType).toBe('miniprogram');
  expect(project.appid).toBe('touristappid');
});

test('every page has its four files, built with Component() and declaring its components', () => {
  for (const page of app.pages) {
    for (const ext of ['ts', 'wxml', 'wxss', 'json']) expect([page, ext, fs.existsSync(path.join(ROOT, `${page}.${ext}`))]).toEqual([page, ext, true]);
    const json = JSON.parse(fs.readFileSync(path.join(ROOT, `${page}.json`), 'utf8'));
    expect(json.usingComponents).toBeDefined();
    expect(fs.readFileSync(path.join(ROOT, `${page}.ts`), 'utf8')).toMatch(/^Component\(\{/m);
  }
});

test("the pages the server's subscribe messages open exist", () => {
  const targets = [
    MINI_PAGES.emergency(1),
    MINI_PAGES.booking(1),
    MINI_PAGES.conversation(1),
    MINI_PAGES.centreDay(1, '2026-12-01'),
    MINI_PAGES.notice(1),
    MINI_PAGES.visits(),
  ];
  for (const t of targets) expect(app.pages).toContain(t.split('?')[0]);
});

test('no English in what the pages say: WXML text and every sentence in utils/texts.ts', () => {
  const english = /\b[A-Za-z]{3,}\b/;
  for (const page of app.pages) {
    const wxml = fs.readFileSync(path.join(ROOT, `${page}.wxml`), 'utf8');
    const text = wxml.replace(/\{\{[^}]*\}\}/g, ' ').replace(/<[^>]*>/g, ' ');
    expect([page, text.match(english)?.[0] ?? null]).toEqual([page, null]);
  }
  const sentences: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') sentences.push(v);
    else if (typeof v === 'function') sentences.push(String((v as (...a: unknown[]) => unknown)(1, 2, 3)));
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (k === 'category' ? undefined : collect(x)));
  };
  collect(T);
  expect(sentences.length).toBeGreaterThan(80);
  expect(sentences.filter((s) => english.test(s))).toEqual([]);
  expect(Object.values(VIEW_TEXTS).every((v) => typeof v === 'string')).toBe(true);
});

test('every element that takes a tap is a tap target (the class large-text mode sizes to 64 px)', () => {
  const files = [...app.pages.map((p) => `${p}.wxml`), 'components/state-view/index.wxml'];
  for (const f of files) {
    const wxml = fs.readFileSync(path.join(ROOT, f), 'utf8').replace(/\{\{[^}]*\}\}/g, 'X');
    for (const tag of wxml.match(/<[a-z-]+\b[^>]*\b(?:bind|catch)tap=[^>]*>/g) ?? []) {
      const cls = /class="([^"]*)"/.exec(tag)?.[1] ?? '';
      expect([f, tag, /\b(tap|help-btn)\b/.test(cls)]).toEqual([f, tag, true]);
    }
  }
});
