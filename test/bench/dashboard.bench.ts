/**
 * npm run bench:dashboard — every dashboard through the real API on MariaDB with a year of one district's data:
 * ~1,000,000 bookings (40 centres, 30,000 seniors, their ratings, a year of 助急 alerts), bulk-inserted by
 * dashboard-seed.ts, not through the API. Target: p95 under 200 ms for each dashboard and scope.
 *
 * The real server (server/main.ts) runs in a child process, scheduled jobs off. In the same run, as baselines:
 * a bare indexed COUNT of today's bookings over mysql2 (the cheapest question the database can answer about the
 * bookings) and GET /healthz through the same server (the cheapest HTTP round trip); each figure is printed as
 * a ratio to them. Phases:
 *   1. before the roll-up: the meals dashboard with every day counted live from the bookings (what a dashboard
 *      without the daily roll-up would cost: the reason the roll-up exists);
 *   2. the dashboard-rollup job catching up on the year (once), then one ordinary run (every 15 minutes);
 *   3. each dashboard for a district administrator, a street administrator and a centre's staff, ITERATIONS
 *      sequential requests each after a warm-up, then the district's set again from CONCURRENT clients at once;
 *   4. a subsidy-policy preview over the district (an administrator's occasional action: reported, no target).
 * BENCH_BOOKINGS changes the size (default 1,000,000); BENCH_ITERATIONS the requests per figure (default 60);
 * BENCH_REUSE=1 reuses the district an earlier run seeded the same day (the database is kept after a run).
 */
import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { openDatabase } from '../../server/db/open';
import { systemClock } from '../../server/lib/clock';
import { hashPassword } from '../../server/lib/password';
import { addDays, shanghaiDate } from '../../server/lib/time';
import { DashboardRepository } from '../../server/repositories/dashboard.repository';
import { DashboardRollupService } from '../../server/services/dashboard/rollup.service';
import { seedDistrict, seededDistrict, type District } from './dashboard-seed';
import { freshDatabase, MYSQL_BASE, percentile, sqlStamp, startMulin, waitForServer } from './lib';

const DB = 'mulin_bench_dashboard';
const PORT = Number(process.env.BENCH_PORT ?? 3931);
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 1_000_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 60);
const CONCURRENT = 4;
const TARGET_P95_MS = 200;
const PASSWORD = 'bench-dashboard-password';

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function get(urlPath: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: PORT, path: urlPath, agent, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf-8') }));
    });
    req.on('error', reject);
  });
}

function post(urlPath: string, body: object, token?: string): Promise<{ status: number; body: string }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: PORT,
        path: urlPath,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf-8') }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

interface Timing {
  p50: number;
  p95: number;
  max: number;
  n: number;
}

function timing(ms: number[]): Timing {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1], n: sorted.length };
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const r = await work();
  return [r, Number(process.hrtime.bigint() - t0) / 1e6];
}

/** `iterations` sequential calls after `warm` unmeasured ones; every answer must be 200. */
async function measure(call: () => Promise<{ status: number; body: string }>, iterations = ITERATIONS, warm = 5): Promise<Timing> {
  for (let i = 0; i < warm; i++) await call();
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const [r, t] = await time(call);
    if (r.status !== 200) throw new Error(`answered ${r.status}: ${r.body.slice(0, 300)}`);
    ms.push(t);
  }
  return timing(ms);
}

async function accounts(pool: Pool, d: District): Promise<void> {
  const hash = await hashPassword(PASSWORD);
  const stamp = sqlStamp(new Date());
  const regionId = (p: string) => Number(p.split('/').filter(Boolean).pop());
  await pool.query('INSERT INTO account (displayName, roles, username, passwordHash, centreId, regionId, regionPath, active, createdAt, updatedAt) VALUES ?', [
    [
      ['压测区管理员', 'admin', 'bench-district', hash, null, d.districtId, d.districtPath, 1, stamp, stamp],
      ['压测街道管理员', 'admin', 'bench-street', hash, null, regionId(d.sampleStreetPath), d.sampleStreetPath, 1, stamp, stamp],
      ['压测站点工作人员', 'staff', 'bench-staff', hash, d.sampleCentreId, null, null, 1, stamp, stamp],
    ],
  ]);
}

async function login(username: string): Promise<string> {
  const r = await post('/api/v1/auth/password-login', { username, password: PASSWORD });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.body}`);
  return (JSON.parse(r.body) as { token: string }).token;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main(): Promise<void> {
  // BENCH_REUSE=1 keeps a database an earlier run seeded today (the roll-up is emptied, so every phase runs again).
  const today = shanghaiDate(new Date());
  const probe = process.env.BENCH_REUSE === '1' ? createPool({ uri: `${MYSQL_BASE}/${DB}`, connectionLimit: 2, timezone: 'Z' }) : null;
  const reused = probe ? await seededDistrict(probe, today) : null;
  await probe?.end();
  const url = reused ? `${MYSQL_BASE}/${DB}` : await freshDatabase(DB);
  const db = await openDatabase({ kind: 'mariadb', url }); // the committed migrations: the schema and its indexes
  const pool = createPool({ uri: url, connectionLimit: 4, timezone: 'Z' });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mulin-bench-dashboard-'));
  let server: ReturnType<typeof startMulin> | undefined;
  const failures: string[] = [];
  try {
    const load = () =>
      os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ');
    console.log(`load average at the start: ${load()} (${os.cpus().length} cores)`);
    let district: District;
    if (reused) {
      district = reused;
      for (const t of ['centre_day_stat', 'served_senior_month', 'dashboard_rollup', 'session']) await pool.query(`DELETE FROM ${t}`);
      console.log(`reusing the district seeded earlier today (${district.bookings.toLocaleString()} bookings); roll-up emptied`);
    } else {
      const [seeded, seedMs] = await time(() => seedDistrict(pool, today, BOOKINGS, (s) => console.log(s)));
      district = seeded;
      await accounts(pool, district);
      console.log(`seeded in ${(seedMs / 1000).toFixed(0)} s`);
    }
    for (const t of ['booking', 'rating', 'senior', 'emergency_alert', 'centre', 'region']) await pool.query(`ANALYZE TABLE ${t}`);
    const [[size]] = await pool.query<RowDataPacket[]>(
      `SELECT ROUND(SUM(data_length + index_length) / 1048576) AS mb FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'booking'`,
    );
    const [[bp]] = await pool.query<RowDataPacket[]>('SELECT @@innodb_buffer_pool_size / 1048576 AS mb');
    console.log(`\n${district.bookings.toLocaleString()} bookings up to ${today}; booking table ${size.mb} MB, InnoDB buffer pool ${Number(bp.mb)} MB`);

    server = startMulin(url, PORT, dataDir, { MULIN_JOBS: 'none', MULIN_SEED_DEMO: 'never' });
    await waitForServer(server, PORT);
    const tokens = { district: await login('bench-district'), street: await login('bench-street'), staff: await login('bench-staff') };

    // Baselines, measured in this run.
    const bareCount = await measure(async () => {
      await pool.query('SELECT COUNT(*) AS n FROM booking WHERE serviceDate = ?', [today]);
      return { status: 200, body: '' };
    });
    const healthz = await measure(() => get('/healthz'));
    console.log(`\nbaseline: bare indexed COUNT of today's bookings (mysql2) p50 ${fmt(bareCount.p50)} p95 ${fmt(bareCount.p95)}`);
    console.log(`baseline: GET /healthz (the server, one SELECT 1) p50 ${fmt(healthz.p50)} p95 ${fmt(healthz.p95)}`);

    // 1. Before any roll-up: every day of the range counted live.
    const liveMonth = await measure(() => get('/api/v1/dashboard/meals', tokens.district), 10, 1);
    console.log(`\nbefore the roll-up, GET /dashboard/meals (30 days, district, all live): p50 ${fmt(liveMonth.p50)} p95 ${fmt(liveMonth.p95)}`);
    const liveYear = await measure(() => get(`/api/v1/dashboard/meals?from=${addDays(today, -365)}&to=${today}`, tokens.district), 3, 0);
    console.log(`before the roll-up, GET /dashboard/meals (366 days, district, all live): p50 ${fmt(liveYear.p50)} max ${fmt(liveYear.max)}`);

    // 2. The roll-up: catching up on the year once, then an ordinary run.
    const rollup = new DashboardRollupService({ clock: systemClock, dashboards: new DashboardRepository(db) });
    const [caughtUp, catchUpMs] = await time(() => rollup.run({ backlogDays: 400, backlogMonths: 13 }));
    const [, runMs] = await time(() => rollup.run());
    console.log(
      `\nroll-up: caught up on ${caughtUp} days and months in ${(catchUpMs / 1000).toFixed(1)} s; an ordinary run (last 14 days, this month) ${(runMs / 1000).toFixed(1)} s`,
    );

    // 3. Each dashboard, each scope.
    const year = `from=${addDays(today, -365)}&to=${today}`;
    const month = today.slice(0, 7);
    const yearAgo = addDays(`${month}-01`, -334).slice(0, 7);
    const figures: Array<[string, string]> = [
      ['meals, 30 days', '/api/v1/dashboard/meals'],
      ['meals, 366 days', `/api/v1/dashboard/meals?${year}`],
      ['subsidy, this month', '/api/v1/dashboard/subsidy'],
      ['seniors, this month', '/api/v1/dashboard/seniors'],
      ['seniors, 12 months', `/api/v1/dashboard/seniors?from=${yearAgo}&to=${month}`],
      ['ratings, 12 weeks', '/api/v1/dashboard/ratings'],
      ['ratings, a year by month', `/api/v1/dashboard/ratings?${year}&interval=month`],
      ['emergencies, 12 weeks', '/api/v1/dashboard/emergencies'],
      ['emergencies, a year by month', `/api/v1/dashboard/emergencies?${year}&interval=month`],
    ];
    const rows: Array<Record<string, string>> = [];
    for (const [who, token] of Object.entries(tokens)) {
      for (const [label, urlPath] of figures) {
        const t = await measure(() => get(urlPath, token));
        if (t.p95 >= TARGET_P95_MS) failures.push(`${who} ${label}: p95 ${fmt(t.p95)}`);
        rows.push({
          scope: who,
          figure: label,
          p50: fmt(t.p50),
          p95: fmt(t.p95),
          max: fmt(t.max),
          'p95 ÷ bare COUNT': `${(t.p95 / bareCount.p95).toFixed(1)}×`,
          'p95 ÷ /healthz': `${(t.p95 / healthz.p95).toFixed(1)}×`,
        });
      }
    }
    console.log(`\n${ITERATIONS} sequential requests per figure (after 5 unmeasured), p95 target < ${TARGET_P95_MS} ms:`);
    console.table(rows);

    // The district's set from several administrators at once.
    const latencies: number[] = [];
    let next = 0;
    const total = figures.length * ITERATIONS;
    const [, wallMs] = await time(() =>
      Promise.all(
        Array.from({ length: CONCURRENT }, async () => {
          for (let i = next++; i < total; i = next++) {
            const [r, t] = await time(() => get(figures[i % figures.length][1], tokens.district));
            if (r.status !== 200) throw new Error(`answered ${r.status}`);
            latencies.push(t);
          }
        }),
      ),
    );
    const together = timing(latencies);
    console.log(
      `${CONCURRENT} district administrators at once, all figures mixed: ${total} requests in ${(wallMs / 1000).toFixed(1)} s, p50 ${fmt(together.p50)} p95 ${fmt(together.p95)} max ${fmt(together.max)}`,
    );
    if (together.p95 >= TARGET_P95_MS) failures.push(`${CONCURRENT} at once: p95 ${fmt(together.p95)}`);

    // 4. A policy preview over the whole district (no target: an occasional action).
    const previewBody = {
      regionId: district.districtId,
      name: '压测高龄助餐补贴',
      category: 'meal',
      serviceKinds: ['lunch', 'dinner'],
      minAge: 80,
      method: 'fixed',
      amountFen: 300,
      maxPerDay: 1,
      validFrom: today,
    };
    const previews: number[] = [];
    let previewAnswer = '';
    for (let i = 0; i < 4; i++) {
      const [r, t] = await time(() => post('/api/v1/policies/preview', previewBody, tokens.district));
      if (r.status !== 200) throw new Error(`preview answered ${r.status}: ${r.body.slice(0, 300)}`);
      previewAnswer = r.body;
      if (i > 0) previews.push(t);
    }
    const p = JSON.parse(previewAnswer) as { qualifying: { seniors: number }; cost: { bookings: number; estimatedMonthlyFen: number } };
    console.log(
      `\nPOST /policies/preview (district, 80+ lunch and dinner): ${p.qualifying.seniors.toLocaleString()} qualify, ${p.cost.bookings.toLocaleString()} of last month's bookings priced; p50 ${fmt(timing(previews).p50)}, max ${fmt(timing(previews).max)}`,
    );

    console.log(`\nload average at the end: ${load()}`);
    console.log(failures.length === 0 ? `\nevery figure's p95 is under ${TARGET_P95_MS} ms: MET` : `\nMISSED:\n  ${failures.join('\n  ')}`);
    if (failures.length > 0) process.exitCode = 1;
  } finally {
    server?.kill('SIGTERM');
    agent.destroy();
    await pool.end();
    await db.ds.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
