import fs from 'node:fs';
import path from 'node:path';

// What may import what (server/README.md explains the layers). Every relative import in server/, jobs/ and
// entities/ is read, type-only imports included: a lower layer never imports a higher one, not even for a type.
// Import circles are dpdm's job (`npm run check:circles`, part of `npm test`).

const ROOT = path.resolve(__dirname, '../..');

/** The layer a file belongs to, by where it lives. */
function layerOf(file: string): string {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  const rules: Array<[RegExp, string]> = [
    [/^entities\//, 'entities'],
    [/^jobs\//, 'jobs'],
    [/^server\/lib\//, 'lib'],
    [/^server\/contracts\//, 'contracts'],
    [/^server\/words\//, 'words'],
    [/^server\/language\//, 'language'],
    [/^server\/db\/seed\//, 'db-tools'],
    [/^server\/db\//, 'db'],
    [/^server\/repositories\//, 'repositories'],
    [/^server\/gateways\//, 'gateways'],
    [/^server\/services\//, 'services'],
    [/^server\/http\//, 'http'],
    [/^server\/sandbox\//, 'sandbox'],
    [/^server\/cli\//, 'entry'],
    [/^server\/container\.ts$/, 'root'],
    [/^server\/(main|app|bootstrap)\.ts$/, 'entry'],
    [/^server\/(config|errors|logger|wechat-settings|wechat-templates)\.ts$/, 'foundation'],
  ];
  for (const [re, layer] of rules) if (re.test(rel)) return layer;
  throw new Error(`${rel} is in no layer: add it to the architecture test and server/README.md`);
}

/** Each layer and the layers it may import (itself always). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  entities: [],
  lib: [],
  // The /api/v1 answer types: pure declarations the mini-program compiles too, so they import nothing.
  contracts: [],
  foundation: ['lib', 'entities', 'foundation'],
  words: ['entities', 'lib'],
  language: ['lib', 'entities'],
  db: ['entities', 'lib', 'foundation'],
  repositories: ['entities', 'db', 'lib', 'foundation'],
  gateways: ['lib', 'foundation', 'contracts'],
  services: ['entities', 'db', 'repositories', 'gateways', 'lib', 'language', 'words', 'foundation', 'contracts'],
  jobs: ['services'],
  // Routes take the built services; they may name the composition root's `Services` type, and only the type.
  http: ['services', 'entities', 'lib', 'words', 'foundation', 'gateways', 'contracts', 'root:type'],
  root: ['entities', 'db', 'repositories', 'gateways', 'services', 'sandbox', 'lib', 'foundation'],
  sandbox: ['gateways', 'lib', 'words', 'foundation', 'entities', 'repositories', 'language'],
  'db-tools': ['entities', 'db', 'lib', 'foundation', 'services', 'repositories'],
  entry: ['root', 'entities', 'db', 'db-tools', 'repositories', 'gateways', 'services', 'http', 'sandbox', 'lib', 'foundation', 'jobs', 'words', 'language'],
};

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(ROOT, dir, f));
}

function resolveImport(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return null;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

test('every import in server/, jobs/ and entities/ goes to a layer it may use', () => {
  const files = [...sources('server'), ...sources('jobs'), ...sources('entities')];
  const broken: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const target = resolveImport(file, m[2] ?? m[3]);
      if (!target) continue;
      const to = layerOf(target);
      const allowed = MAY_IMPORT[from].includes(to) || (m[1] !== undefined && MAY_IMPORT[from].includes(`${to}:type`));
      if (to !== from && !allowed) broken.push(`${path.relative(ROOT, file)} (${from}) imports ${path.relative(ROOT, target)} (${to})`);
    }
  }
  expect(broken).toEqual([]);
});

test('the layer rules themselves can fail: a repository importing a service is caught', () => {
  const repo = path.join(ROOT, 'server/repositories/x.repository.ts');
  expect(layerOf(repo)).toBe('repositories');
  expect(MAY_IMPORT.repositories).not.toContain(layerOf(path.join(ROOT, 'server/services/booking/booking.service.ts')));
  expect(MAY_IMPORT.gateways).not.toContain('repositories');
});

test('services name no ORM: transactions are the db layer Tx, queries live in repositories', () => {
  const offenders = sources('server/services').flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    const found: string[] = [];
    if (/from ['"]typeorm['"]/.test(text)) found.push('imports typeorm');
    if (/\.manager\s*\.\s*(find|save|create|insert|update|delete|query|count|createQueryBuilder|increment|decrement)\w*\(/.test(text))
      found.push('queries db.manager');
    if (/\bem\s*\.\s*(find|save|create|insert|update|delete|query|count|createQueryBuilder|increment|decrement)\w*\(/.test(text))
      found.push('queries a transaction directly');
    return found.map((f) => `${path.relative(ROOT, file)} ${f}`);
  });
  expect(offenders).toEqual([]);
});

test('each outside SDK is imported by exactly one file of ours (its gateway)', () => {
  const owners: Record<string, string> = {
    'wechatpay-node-v3': 'server/gateways/wechat-pay.gateway.ts',
    'co-wechat-api': 'server/gateways/wechat-messenger.gateway.ts',
    'node-cron': 'server/services/scheduler/scheduler.ts',
    exceljs: 'server/lib/spreadsheet.ts',
  };
  const files = [...sources('server'), ...sources('jobs')];
  for (const [sdk, owner] of Object.entries(owners)) {
    const importers = files.filter((f) => new RegExp(`from ['"]${sdk}['"]|require\\(['"]${sdk}['"]\\)`).test(fs.readFileSync(f, 'utf8')));
    expect(importers.map((f) => path.relative(ROOT, f))).toEqual([owner]);
  }
});
