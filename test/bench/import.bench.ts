/**
 * npm run bench:import — the civil-affairs list of 50,000 seniors through `POST /api/v1/seniors/import`, as xlsx and
 * as csv, on MariaDB (BENCH_DATABASE=sqlite for the embedded database).
 *
 * The files are generated here, at run time (the xlsx with exceljs's streaming writer, through server/lib): every
 * row a different person in one of the demo district's four communities, with phones, categories, valid-until
 * dates and an emergency contact, and a few rows wrong on purpose (a bad ID check digit every 500th row, the
 * previous row's ID number again every 1,000th). The real server runs in a child process (`npm start`'s Node
 * options, sandbox mode, demo-seeded) and the district administrator uploads each file as the console would.
 *
 * Baseline, in the same run: reading the file alone, row by row, with the same streaming readers the import uses
 * (no checks, no database), in this process. Each phase prints its time, rows per second, the ratio to reading the
 * file alone, the server's CPU time and its resident memory (the peak since it started, and now). Phases: a dry
 * run, the apply (which reads the file twice: once through before writing anything, then to write), the same file
 * again (must change nothing), for xlsx then csv (other people). Target: the apply of 50,000 rows under a minute.
 *
 * Memory: the server's resident size includes whatever V8 keeps of its young generation (`npm start` gives it up
 * to 64 MB semi-spaces), so each file is also dry-run in this process (the same service, the same database) with
 * the heap sampled every 20 ms: its peak over a collected baseline, and what is still held once collected (the
 * report, which has one entry per row not unchanged). Compare BENCH_ROWS=10000.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createPool, type RowDataPacket } from 'mysql2/promise';
import pino from 'pino';
import { Account } from '../../entities';
import { loadConfig } from '../../server/config';
import { buildServices, type Services } from '../../server/container';
import { openDatabase } from '../../server/db/open';
import { systemClock } from '../../server/lib/clock';
import { idCheckCharacter } from '../../server/lib/id-card';
import { actorForAccount } from '../../server/services/access/actor';
import { idHashKeyFor, loadOrCreateSandboxCredentials, sandboxSettings } from '../../server/wechat-settings';
import { csvFileRecords } from '../../server/lib/csv-reader';
import { writeXlsxFile, xlsxRows, type SheetCell } from '../../server/lib/spreadsheet';
import { addDays } from '../../server/lib/time';
import { cpuSeconds, freshDatabase, startMulin, waitForServer } from './lib';

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const PORT = Number(process.env.BENCH_PORT ?? 3941);
const KIND = process.env.BENCH_DATABASE === 'sqlite' ? 'sqlite' : 'mariadb';
const DB = 'mulin_bench_import';
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'mulin-bench-import-'));
const DATA_DIR = path.join(WORK, 'data');
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const HEADER = [
  '姓名',
  '性别',
  '身份证号',
  '出生日期',
  '联系电话',
  '住址',
  '所属社区',
  '人员类别',
  '类别有效期至',
  '紧急联系人',
  '与老人关系',
  '紧急联系人电话',
  '饮食备注',
];
const COMMUNITIES = ['嘉新社区', '左家新村社区', '卖鱼桥社区', '信义坊社区'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢';
const GIVEN = ['桂英', '秀英', '玉兰', '凤英', '素珍', '建国', '国华', '志明', '根福', '阿毛', '德明', '永康', '金林', '福生', '美华', '月娥'];
const CATEGORIES = ['', '', '', '低保', '独居', '空巢、独居', '低收入', '特困', '高龄', '失能、低保'];

/** Row i of a list of people born 1930–1962 (area code `area`): each (birth day, sequence) pair once. */
function person(i: number, area: string): SheetCell[] {
  const birth = addDays('1930-01-01', i % 12_000);
  const seq = 2 + 2 * Math.floor(i / 12_000) + (i % 2); // the parity is the gender
  const first17 = `${area}${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  let id = first17 + idCheckCharacter(first17);
  if (i % 500 === 499) id = first17 + (id[17] === '1' ? '2' : '1'); // a wrong check digit
  const name = SURNAMES[i % SURNAMES.length] + GIVEN[(i * 7) % GIVEN.length];
  const cats = CATEGORIES[i % CATEGORIES.length];
  return [
    name,
    i % 2 ? '男' : '女',
    id,
    birth,
    `13${String(100_000_000 + ((i * 7919) % 899_999_999)).padStart(9, '0')}`,
    `${COMMUNITIES[i % 4]} ${1 + (i % 40)} 幢 ${1 + (i % 4)} 单元 ${100 + (i % 600)} 室`,
    COMMUNITIES[i % 4],
    cats,
    cats ? '2027-12-31' : '',
    `${name[0]}${['伟', '芳', '军', '静'][i % 4]}`,
    ['儿子', '女儿', '侄子', '邻居'][i % 4],
    `139${String(i).padStart(8, '0')}`,
    ['', '', '少盐', '软食', '糖尿病，低糖'][i % 5],
  ];
}

function* list(area: string): Generator<SheetCell[]> {
  yield HEADER;
  for (let i = 0; i < ROWS; i++) yield i % 1000 === 250 ? person(i - 1, area) : person(i, area); // every 1,000th: the row before, again
}

async function writeCsv(file: string, rows: Iterable<SheetCell[]>): Promise<void> {
  const out = fs.createWriteStream(file);
  out.write('\uFEFF');
  for (const r of rows) {
    const line = `${r.map((c) => (c === null ? '' : String(c))).join(',')}\r\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

/** Reading the file alone: every row through the streaming reader, nothing else. */
async function readAlone(file: string, format: 'xlsx' | 'csv'): Promise<{ seconds: number; rows: number }> {
  const t = process.hrtime.bigint();
  let rows = 0;
  for await (const r of format === 'xlsx' ? xlsxRows(file) : csvFileRecords(file)) if (r.cells.length > 0) rows++;
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, rows: rows - 1 };
}

function memoryMb(pid: number): { peak: number; now: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf-8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { peak: kb('VmHWM'), now: kb('VmRSS') };
}

interface Report {
  summary: Record<string, number>;
  rows: unknown[];
}

/** Uploads a file as the console does (the body is the file, streamed from disk) and reads the JSON report. */
function upload(file: string, type: string, dryRun: boolean, token: string): Promise<{ status: number; report: Report; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: PORT,
        method: 'POST',
        path: `/api/v1/seniors/import?dryRun=${dryRun}&fileName=${encodeURIComponent(path.basename(file))}`,
        headers: { 'content-type': type, 'content-length': fs.statSync(file).size, authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const json = JSON.parse(body.toString('utf-8')) as Report & { error?: unknown };
          if (res.statusCode !== 200) reject(new Error(`import answered ${res.statusCode}: ${JSON.stringify(json.error)}`));
          else resolve({ status: res.statusCode, report: json, bytes: body.length });
        });
      },
    );
    req.on('error', reject);
    fs.createReadStream(file).pipe(req);
  });
}

/** The import service in this process, on the server's database and ID-hash key. */
async function localServices(url: string): Promise<{ services: Services; close: () => Promise<void> }> {
  const config = loadConfig({ ...(url ? { DATABASE_URL: url } : {}), MULIN_DATA_DIR: DATA_DIR, LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  const db = await openDatabase(config.database);
  const wechat = sandboxSettings(loadOrCreateSandboxCredentials(DATA_DIR), 'http://127.0.0.1:1/sandbox', 'http://127.0.0.1:1');
  const services = buildServices({ config, db, clock: systemClock, logger: pino({ level: 'silent' }), wechat, idHashKey: idHashKeyFor(config) });
  return { services, close: () => db.ds.destroy() };
}

/** A dry run in this process with the heap sampled: its peak over a collected baseline, and what the report keeps. */
async function heapOfDryRun(services: Services, file: string, type: string): Promise<{ peakMb: number; heldMb: number; seconds: number }> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const admin = await services.deps.db.manager.findOneByOrFail(Account, { username: 'admin' });
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
  const t = process.hrtime.bigint();
  const report = await services.seniorImport.run(actorForAccount(admin, '127.0.0.1'), {
    body: fs.createReadStream(file),
    contentType: type,
    contentLength: fs.statSync(file).size,
    dryRun: true,
    fileName: path.basename(file),
  });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  clearInterval(timer);
  gc();
  const held = process.memoryUsage().heapUsed - base;
  if (report.summary.rows !== ROWS) throw new Error('the in-process dry run read a different number of rows');
  return { peakMb: (peak - base) / 1024 / 1024, heldMb: held / 1024 / 1024, seconds };
}

async function main(): Promise<void> {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const url = KIND === 'mariadb' ? await freshDatabase(DB) : '';
  const server = startMulin(url, PORT, DATA_DIR, KIND === 'sqlite' ? { DATABASE_URL: '' } : {});
  const pid = server.pid!;
  try {
    await waitForServer(server, PORT);
    const password = /password for every account below: (\S+)/.exec(fs.readFileSync(path.join(DATA_DIR, 'demo-accounts.txt'), 'utf-8'))![1];
    const login = await fetch(`http://127.0.0.1:${PORT}/api/v1/auth/password-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    const token = ((await login.json()) as { token: string }).token;
    const idle = memoryMb(pid);
    console.log(`bench:import — ${ROWS.toLocaleString('en')} rows per file, ${KIND}, server pid ${pid}; server RSS at rest ${idle.now.toFixed(0)} MB`);

    const pool = KIND === 'mariadb' ? createPool({ uri: url, connectionLimit: 1 }) : null;
    const count = async () => (pool ? Number((await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM senior'))[0][0].n) : NaN);

    for (const [format, area] of [
      ['xlsx', '330105'],
      ['csv', '330106'],
    ] as const) {
      const file = path.join(WORK, `seniors-${ROWS}.${format}`);
      const g = process.hrtime.bigint();
      if (format === 'xlsx') await writeXlsxFile(file, '老人名单', list(area));
      else await writeCsv(file, list(area));
      const size = fs.statSync(file).size;
      console.log(`\n${format}: generated ${(size / 1024 / 1024).toFixed(1)} MB in ${(Number(process.hrtime.bigint() - g) / 1e9).toFixed(1)} s`);

      const base = await readAlone(file, format);
      console.log(`  read alone (baseline)  ${base.seconds.toFixed(2)} s  ${Math.round(base.rows / base.seconds).toLocaleString('en')} rows/s`);
      const type = format === 'xlsx' ? XLSX_TYPE : 'text/csv';
      const local = await localServices(url);
      const heap = await heapOfDryRun(local.services, file, type);
      await local.close();
      console.log(
        `  heap, dry run in-process peak +${heap.peakMb.toFixed(0)} MB over a collected baseline, +${heap.heldMb.toFixed(1)} MB held once collected ` +
          `(${((heap.heldMb * 1024 * 1024) / ROWS).toFixed(0)} bytes per row: the report); ${heap.seconds.toFixed(1)} s`,
      );
      const seniorsBefore = await count();
      for (const [label, dryRun] of [
        ['dry run', true],
        ['apply', false],
        ['same file again', false],
      ] as const) {
        const cpu0 = cpuSeconds(pid)!;
        const t = process.hrtime.bigint();
        const { report, bytes } = await upload(file, type, dryRun, token);
        const seconds = Number(process.hrtime.bigint() - t) / 1e9;
        const cpu = cpuSeconds(pid)! - cpu0;
        const mem = memoryMb(pid);
        const s = report.summary;
        console.log(
          `  ${label.padEnd(22)} ${seconds.toFixed(2)} s  ${Math.round(ROWS / seconds).toLocaleString('en')} rows/s  ${(seconds / base.seconds).toFixed(1)} × read alone  ` +
            `server CPU ${cpu.toFixed(1)} s  RSS peak ${mem.peak.toFixed(0)} MB, now ${mem.now.toFixed(0)} MB  ` +
            `[create ${s.create}, update ${s.update}, unchanged ${s.unchanged}, error ${s.error}, duplicate ${s.duplicate}; report ${(bytes / 1024 / 1024).toFixed(1)} MB, ${report.rows.length} rows]`,
        );
        if (label === 'same file again' && (s.create !== 0 || s.update !== 0)) throw new Error('importing the same file again changed something');
      }
      if (pool) console.log(`  seniors in the database: ${seniorsBefore.toLocaleString('en')} → ${(await count()).toLocaleString('en')}`);
      fs.rmSync(file, { force: true });
    }
    await pool?.end();
  } finally {
    server.kill('SIGTERM');
    await new Promise<void>((resolve) => server.once('exit', () => resolve()));
    fs.rmSync(WORK, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
