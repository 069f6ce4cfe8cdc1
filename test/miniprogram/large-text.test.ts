/** @jest-environment ./test/miniprogram/jsdom-with-node.js */
import fs from 'node:fs';
import path from 'node:path';
import { Booking, Senior } from '../../entities';
import { JIAXIN, loginConsole, loginWechat, seen, slotOf } from '../helpers/actors';
import { TODAY } from '../helpers/harness';
import { effectiveFontSizePx, MP_ROOT, type PageHandle } from './runtime';
import { useMiniProgramServer } from './setup';

// Large-text mode, measured on the rendered pages (the real .wxss through jsdom's computed styles): body text at
// least 20 px and headings larger, every tap target at least 48 px high, dark text on a light ground at 7:1 or
// better, nothing that scrolls sideways. It is the default for a senior and a switch for everyone else.

const { h, as } = useMiniProgramServer();

function luminance(css: string): number {
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function background(el: Element | null): string {
  for (let e = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (bg && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
  }
  return 'rgb(255, 255, 255)';
}

function color(el: Element | null): string {
  for (let e = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).color;
    if (c) return c;
  }
  return 'rgb(0, 0, 0)';
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** Every element showing text of its own, with the size, colour and ground it is drawn in. */
function textElements(page: PageHandle): Array<{ el: Element; text: string; px: number; ratio: number }> {
  const root = page.comp.dom as Element;
  return [root, ...root.querySelectorAll('*')]
    .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()))
    .map((el) => ({ el, text: el.textContent!.trim().slice(0, 20), px: effectiveFontSizePx(el), ratio: contrast(color(el), background(el)) }));
}

function expectLargeText(page: PageHandle): void {
  const root = page.comp.dom!.firstElementChild!;
  expect(root.className).toMatch(/--large\b/);
  const texts = textElements(page);
  expect(texts.length).toBeGreaterThan(0);
  const small = texts.filter((t) => t.px < 20).map((t) => `${t.text} (${t.px}px)`);
  expect(small).toEqual([]);
  const lowContrast = texts.filter((t) => t.ratio < 7).map((t) => `${t.text} (${t.ratio.toFixed(1)}:1)`);
  expect(lowContrast).toEqual([]);
  const body = Math.max(...texts.filter((t) => !/--h[12]\b/.test(t.el.className)).map((t) => t.px));
  for (const heading of root.querySelectorAll('[class*="--h1"], [class*="--h2"]')) {
    expect(effectiveFontSizePx(heading)).toBeGreaterThanOrEqual(24);
  }
  for (const h1 of root.querySelectorAll('[class*="--h1"]')) expect(effectiveFontSizePx(h1)).toBeGreaterThan(Math.min(body, 22));
  const targets = [...root.querySelectorAll('[class*="--tap"], [class*="--help-btn"]')];
  expect(targets.length).toBeGreaterThan(0);
  const short = targets.filter((el) => parseFloat(getComputedStyle(el).minHeight || '0') < 48).map((el) => el.textContent!.trim().slice(0, 12));
  expect(short).toEqual([]);
  expect(getComputedStyle(root).overflowX).toBe('hidden');
  expect(getComputedStyle(root).maxWidth).toBe('100%');
}

test('no page scrolls sideways: no horizontal scroll-view, no fixed widths wider than a phone, no nowrap', () => {
  const files: string[] = [];
  const walk = (d: string) =>
    fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name))));
  walk(MP_ROOT);
  for (const f of files.filter((x) => x.endsWith('.wxml'))) expect([f, /scroll-x/.test(fs.readFileSync(f, 'utf8'))]).toEqual([f, false]);
  for (const f of files.filter((x) => x.endsWith('.wxss'))) {
    const css = fs.readFileSync(f, 'utf8');
    expect([f, /white-space:\s*nowrap/.test(css)]).toEqual([f, false]);
    for (const m of css.matchAll(/(?:^|[;{\s])(?:min-)?width:\s*(\d+)px/g)) expect(Number(m[1])).toBeLessThanOrEqual(320);
  }
});

describe('a senior books for herself in large-text mode', () => {
  test('large text is her default: home, one service per tap, the 助急 button', async () => {
    const mp = as('o_mini_senior_01');
    const home = await mp.launch('/pages/index/index');
    expect(home.text('#greeting')).toBe('张桂英，您好');
    expectLargeText(home);
    expect(home.texts('.service')).toEqual(['助餐', '助浴', '上门服务']);
    expect(parseFloat(getComputedStyle(home.el('#help')).minHeight)).toBeGreaterThanOrEqual(80);
    expect(effectiveFontSizePx(home.el('#help'))).toBeGreaterThanOrEqual(32);
  });

  test('one decision per screen: centre, slot (a tap goes on), how to eat, then the quote; pays', async () => {
    const mp = as('o_mini_senior_01');
    const home = await mp.launch('/pages/index/index');
    await home.tapText('.service', '助餐');
    expect(mp.page.path).toBe('pages/book/centres');
    expectLargeText(mp.page);
    await mp.page.tap('.centre', 0);

    const slots = mp.page;
    expect(slots.path).toBe('pages/book/slots');
    expectLargeText(slots);
    expect(slots.has('#next')).toBe(false); // no multi-select for her: tapping a slot is the decision
    const i = slots.texts('.slot').findIndex((t) => t.startsWith('午餐') && t.includes('还剩'));
    await slots.tap('.slot', i + 1 < slots.all('.slot').length ? slots.texts('.slot').findIndex((t, k) => k > i && t.startsWith('午餐')) : i);

    const confirm = mp.page;
    expect(confirm.path).toBe('pages/book/confirm');
    expect(confirm.data.step).toBe('delivery');
    expectLargeText(confirm);
    expect(confirm.has('#book')).toBe(false); // the quote is the next screen
    await confirm.tapText('.mode', '堂食');
    expect(confirm.data.step).toBe('quote');
    expectLargeText(confirm);
    expect(confirm.has('.mode')).toBe(false);
    expect(confirm.texts('.quote')).toHaveLength(1);
    await confirm.tap('#book');
    expectLargeText(confirm);
    expect(confirm.text('#result-title')).toBe('预约成功');
    await confirm.tap('#remind-no');
    expect(mp.subscribeCalls).toEqual([]);
    // What she booked herself, as her own booking list shows it.
    const mine = (await seen(h(), `Bearer ${mp.sessionToken()}`, '/bookings')).items.filter((b: { bookedBy: string }) => b.bookedBy === 'self');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ deliveryMode: 'dine_in', channel: 'miniprogram' });
  });

  test('助急 asks once, then tells her who was told', async () => {
    const mp = as('o_mini_senior_01');
    const home = await mp.launch('/pages/index/index');
    // The district's open alerts, as its administrator sees them (every centre's).
    const admin = await loginConsole(h(), 'admin');
    const alerts = async (): Promise<Array<{ id: number; channel: string; status: string; senior: { name: string } }>> =>
      (await seen(h(), admin, '/emergencies')).items;
    const before = (await alerts()).length;

    mp.answerModal(false);
    await home.tap('#help');
    expect(mp.modals).toHaveLength(1);
    expect(await alerts()).toHaveLength(before); // "不用了": nothing raised

    mp.answerModal(true);
    await home.tap('#help');
    expect(mp.modals[1].content).toBe('要叫人来帮忙吗？会马上通知您的家人和站点工作人员。');
    const raised = (await alerts()).slice(before);
    expect(raised).toEqual([expect.objectContaining({ channel: 'miniprogram', status: 'open', senior: expect.objectContaining({ name: '张桂英' }) })]);
    expect(mp.modals[2].content).toMatch(/^已经通知：.*女儿.*。如果情况危险，请马上打 120。$/);

    // The centre's worker sees it on the workbench and takes it.
    const staff = as('o_staff_jiaxin');
    const bench = await staff.launch('/pages/staff/workbench');
    expect(bench.text('#emergencies')).toMatch(/紧急求助（\d+）/);
    await bench.tap('#emergencies');
    const list = staff.page;
    expect(list.path).toBe('pages/staff/emergency');
    const idx = (list.data.items as Array<{ id: number }>).findIndex((a) => a.id === raised[0].id);
    expect(list.texts('.alert')[idx]).toContain('张桂英');
    await list.tap(
      '.ack',
      list
        .all('.alert')
        .slice(0, idx)
        .filter((a) => a.querySelector('.ack')).length,
    );
    expect(staff.lastToast).toBe('已接手');
    expect((await alerts()).find((a) => a.id === raised[0].id)).toMatchObject({ status: 'acknowledged' });
  });
});

describe('tomorrow as usual, on her home screen', () => {
  test('the meal she had last time (same centre, same way of eating) is one tap and a confirm away; once booked it is gone', async () => {
    // 李建国 had today's lunch brought home (booked through the API).
    const li = await h().db.manager.findOneByOrFail(Senior, { name: '李建国' });
    const auth = await loginWechat(h(), 'o_mini_senior_02');
    const today = await slotOf(h(), JIAXIN, 'lunch', TODAY);
    await h().http.post('/api/v1/bookings').set('authorization', auth).send({ seniorId: li.id, slotId: today.id, deliveryMode: 'delivery' }).expect(201);

    const mp = as('o_mini_senior_02');
    const home = await mp.launch('/pages/index/index');
    expectLargeText(home);
    expect(home.text('#usual-what')).toBe('明天 11:00 午饭，送到家');
    expect(home.text('#usual-price')).toBe('您付 7.50 元'); // 15 元 with 李建国's 低保 subsidy

    // One tap: the quote, the way of eating already chosen (no "how to eat" screen); booking it is the confirm.
    await home.tap('#usual-book');
    const confirm = mp.page;
    expect(confirm.path).toBe('pages/book/confirm');
    expect(confirm.data.step).toBe('quote');
    expect(confirm.data.mode).toBe('delivery');
    expectLargeText(confirm);
    await confirm.tap('#book');
    expect(confirm.text('#result-title')).toBe('预约成功');
    const tomorrow = await h().db.manager.findBy(Booking, { seniorId: li.id, serviceDate: '2026-12-02', kind: 'lunch' });
    expect(tomorrow).toHaveLength(1);
    expect(tomorrow[0]).toMatchObject({ deliveryMode: 'delivery', channel: 'miniprogram', centreId: today.centreId });

    // Booked: the card does not offer it twice.
    const again = await as('o_mini_senior_02').launch('/pages/index/index');
    expect(again.has('#usual')).toBe(false);
  });

  test('no last time, no card: the four screens are still there', async () => {
    const home = await as('o_mini_senior_03').launch('/pages/index/index');
    expect(home.has('#usual')).toBe(false);
    expect(home.texts('.service')).toEqual(['助餐', '助浴', '上门服务']);
  });
});

describe('everyone else: large text is a switch', () => {
  test('a family member starts in normal size, switches, and every page after is large', async () => {
    const mp = as('o_family_01');
    const home = await mp.launch('/pages/index/index');
    expect(home.comp.dom!.firstElementChild!.className).not.toMatch(/--large\b/);
    expect(effectiveFontSizePx(home.el('.h2'))).toBeLessThan(20);
    expect(home.text('#large-switch')).toBe('大字模式：关');
    await home.tap('#large-switch');
    expect(home.text('#large-switch')).toBe('大字模式：开');
    expectLargeText(home);
    await home.tap('.bookings-of', 0);
    expect(mp.page.path).toBe('pages/bookings/list');
    expectLargeText(mp.page);
    await mp.page.tap('.booking', 0); // the lunch 张桂英 booked for herself above
    expect(mp.page.path).toBe('pages/bookings/detail');
    expectLargeText(mp.page);
    expect(effectiveFontSizePx(mp.page.el('#code'))).toBeGreaterThanOrEqual(32);
    // The QR code's modules are 8 px in large-text mode: 21 × 8 = 168 px, well inside a 320 px-wide phone.
    const cell = mp.page.el('#qr').firstElementChild!.firstElementChild!;
    expect(getComputedStyle(cell).width).toBe('8px');
  });
});
