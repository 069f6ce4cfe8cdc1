/**
 * npm run bench:booking — the booking API against a bare mysql2 transaction doing the same work, in one run.
 *
 * The real server (server/main.ts) runs in a child process on a fresh MariaDB database. Both sides book the same
 * shape of traffic: REQUESTS bookings by SENIORS different seniors spread over SLOTS slots, CONCURRENCY clients at once, every slot a little short of seats so that the last requests for each are refused as full.
 * Prints both rates, their ratio, latency percentiles and the oversold count (must be 0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { createConnection, createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { addDays, shanghaiDate, shanghaiInstant } from '../../server/lib/time';

const BASE = (process.env.MULIN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
const DB = 'mulin_bench';
const PORT = Number(process.env.BENCH_PORT ?? 3917);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const SENIORS = 2000;
const SLOTS = 100;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
/** Seats per slot: a little fewer than the requests each slot gets, so SLOT_FULL is exercised too. */
const CAPACITY = Math.floor((REQUESTS / SLOTS) * 0.95);

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const token = (i: number) => `bench-session-token-${String(i).padStart(6, '0')}`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface RunResult {
  ok: number;
  full: number;
  other: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
}

/** Runs `REQUESTS` jobs with `CONCURRENCY` workers; each job reports its outcome. */
async function drive(job: (i: number) => Promise<'ok' | 'full' | 'other'>): Promise<RunResult> {
  const latencies: number[] = new Array(REQUESTS);
  const counts = { ok: 0, full: 0, other: 0 };
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < REQUESTS; i = next++) {
        const t0 = process.hrtime.bigint();
        counts[await job(i)]++;
        latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return { ...counts, seconds, rate: REQUESTS / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function waitForServer(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      http.get({ host: '127.0.0.1', port: PORT, path: '/healthz' }, (res) => { res.resume(); resolve(res.statusCode === 200); }).on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server did not come up');
}

interface Setup {
  itemId: number;
  centreId: number;
  apiSlots: number[];
  bareSlots: number[];
  firstSenior: number;
}

async function prepare(pool: Pool, now: Date): Promise<Setup> {
  const [[item]] = await pool.query<RowDataPacket[]>(
    "SELECT i.id, i.centreId FROM service_item i JOIN centre c ON c.id = i.centreId WHERE c.name = '嘉新社区居家养老服务照料中心' AND i.kind = 'lunch'",
  );
  const [[senior]] = await pool.query<RowDataPacket[]>('SELECT regionId, regionPath, homeCentreId FROM senior ORDER BY id LIMIT 1');
  const stamp = now.toISOString().slice(0, 23).replace('T', ' ');
  const seniorRows = Array.from({ length: SENIORS }, (_, i) => [
    `压测老人${i}`, i % 2 ? 'male' : 'female', `${1936 + (i % 30)}-05-01`, '0000', `138${String(i).padStart(8, '0')}`, '压测地址',
    senior.regionId, senior.regionPath, senior.homeCentreId, i % 7 === 0 ? 'minimum_living' : '', 0, '', '[]', 1, stamp, stamp,
  ]);
  const [ins] = await pool.query<import('mysql2').ResultSetHeader>(
    'INSERT INTO senior (name, gender, birthDate, idCardLast4, phone, address, regionId, regionPath, homeCentreId, categories, abilityLevel, dietNotes, emergencyContacts, active, createdAt, updatedAt) VALUES ?',
    [seniorRows],
  );
  const firstSenior = ins.insertId;
  const accountRows = Array.from({ length: SENIORS }, (_, i) => [`压测老人${i}`, 'senior', firstSenior + i, 1, stamp, stamp]);
  const [acc] = await pool.query<import('mysql2').ResultSetHeader>(
    'INSERT INTO account (displayName, roles, seniorId, active, createdAt, updatedAt) VALUES ?',
    [accountRows],
  );
  const expires = new Date(now.getTime() + 86400_000).toISOString().slice(0, 23).replace('T', ' ');
  await pool.query('INSERT INTO session (tokenHash, accountId, channel, createdAt, expiresAt) VALUES ?', [
    Array.from({ length: SENIORS }, (_, i) => [sha256(token(i)), acc.insertId + i, 'miniprogram', stamp, expires]),
  ]);
  const day = addDays(shanghaiDate(now), 2);
  const slot = async (label: string, k: number) => {
    const startsAt = shanghaiInstant(day, '11:00').toISOString().slice(0, 23).replace('T', ' ');
    const endsAt = shanghaiInstant(day, '12:30').toISOString().slice(0, 23).replace('T', ' ');
    const [r] = await pool.query<import('mysql2').ResultSetHeader>(
      'INSERT INTO slot (serviceItemId, centreId, date, startsAt, endsAt, capacity, booked, bookingCutoffAt, cancelCutoffAt, workerName, status, createdAt) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)',
      [item.id, item.centreId, day, startsAt, endsAt, CAPACITY, startsAt, startsAt, `bench-${label}-${k}`, 'open', stamp],
    );
    return r.insertId;
  };
  const apiSlots: number[] = [];
  const bareSlots: number[] = [];
  for (let k = 0; k < SLOTS; k++) apiSlots.push(await slot('api', k));
  for (let k = 0; k < SLOTS; k++) bareSlots.push(await slot('bare', k));
  return { itemId: item.id, centreId: item.centreId, apiSlots, bareSlots, firstSenior };
}

async function main(): Promise<void> {
  const admin = await createConnection({ uri: BASE });
  await admin.query(`DROP DATABASE IF EXISTS \`${DB}\``);
  await admin.query(`CREATE DATABASE \`${DB}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();

  // BENCH_PROFILE=dir writes a V8 CPU profile of the server into dir (open it in Chrome DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const server = spawn(process.execPath, [...profile, '-r', '@swc-node/register', 'server/main.ts'], {
    env: { ...process.env, DATABASE_URL: `${BASE}/${DB}`, PORT: String(PORT), LOG_LEVEL: 'warn', MULIN_DATA_DIR: '/tmp/mulin-bench-data', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForServer(server); // migrated and demo-seeded by the server itself
    const pool = createPool({ uri: `${BASE}/${DB}`, connectionLimit: 20, timezone: 'Z' });
    const now = new Date();
    const setup = await prepare(pool, now);
    const seniorOf = (i: number) => i % SENIORS;
    // Consecutive requests go to different slots (a district books many centres' meals at once), and each
    // senior books each slot at most once: for senior s, request k goes to slot (s + k) mod SLOTS.
    const slotIndex = (i: number) => (i + Math.floor(i / SENIORS)) % SLOTS;
    const stamp = now.toISOString().slice(0, 23).replace('T', ' ');

    // Baseline: the same conditional UPDATE + INSERT in a bare mysql2 transaction, pool of 20.
    const bare = await drive(async (i) => {
      const conn = await pool.getConnection();
      try {
        await conn.query('BEGIN');
        const slotId = setup.bareSlots[slotIndex(i)];
        const [u] = await conn.execute<import('mysql2').ResultSetHeader>('UPDATE slot SET booked = booked + 1 WHERE id = ? AND booked + 1 <= capacity', [slotId]);
        if (u.affectedRows !== 1) {
          await conn.query('ROLLBACK');
          return 'full';
        }
        await conn.execute(
          `INSERT INTO booking (code, seniorId, slotId, serviceItemId, centreId, category, kind, serviceDate, bookedByAccountId, bookedBy, channel,
             quantity, unitPriceFen, priceFen, subsidyFen, copayFen, subsidisedQuantity, subsidyReason, status, deliveryMode, note, createdAt, updatedAt)
           VALUES (?, ?, ?, ?, ?, 'meal', 'lunch', CURDATE(), 1, 'self', 'miniprogram', 1, 1500, 1500, 0, 1500, 0, '', 'pending_payment', 'dine_in', '', ?, ?)`,
          [`B${String(i).padStart(9, '0')}`, setup.firstSenior + seniorOf(i), slotId, setup.itemId, setup.centreId, stamp, stamp],
        );
        await conn.query('COMMIT');
        return 'ok';
      } catch (err) {
        await conn.query('ROLLBACK');
        throw err;
      } finally {
        conn.release();
      }
    });

    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const post = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ slotId: setup.apiSlots[slotIndex(i)], deliveryMode: 'dine_in' });
        const req = http.request(
          { host: '127.0.0.1', port: PORT, path: '/api/v1/bookings', method: 'POST', agent, headers: {
            'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token(seniorOf(i))}`,
          } },
          (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); },
        );
        req.on('error', reject);
        req.end(body);
      });
    const questions = async () => Number((await pool.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'"))[0][0].Value);
    const questionsBefore = await questions();
    const api = await drive(async (i) => {
      const status = await post(i);
      return status === 201 ? 'ok' : status === 409 ? 'full' : 'other';
    });
    agent.destroy();
    const statementsPerRequest = (await questions() - questionsBefore - 1) / REQUESTS;

    const [check] = await pool.query<RowDataPacket[]>(
      `SELECT s.id, s.capacity, s.booked, (SELECT COUNT(*) FROM booking b WHERE b.slotId = s.id) AS n FROM slot s WHERE s.id IN (?)`,
      [setup.apiSlots],
    );
    const oversold = check.reduce((sum, r) => sum + Math.max(0, Number(r.n) - r.capacity), 0);
    const drift = check.filter((r) => Number(r.n) !== r.booked).length;
    await pool.end();

    const fmt = (r: RunResult) => `${r.rate.toFixed(0).padStart(6)} /s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   booked ${r.ok}, full ${r.full}, other ${r.other}`;
    console.log(`\nbooking benchmark: ${REQUESTS} requests, ${CONCURRENCY} concurrent, ${SLOTS} slots × ${CAPACITY} seats, ${SENIORS} seniors, MariaDB`);
    console.log(`  bare mysql2 txn   ${fmt(bare)}`);
    console.log(`  booking API       ${fmt(api)}`);
    console.log(`  SQL statements    ${statementsPerRequest.toFixed(2)} per API request (the bare transaction sends 4)`);
    console.log(`  ratio API / bare  ${(api.rate / bare.rate).toFixed(2)}   (target ≥ 0.50)`);
    console.log(`  p99 API           ${api.p99.toFixed(1)} ms   (target < 50 ms)`);
    console.log(`  oversold          ${oversold}   counter drift on ${drift} slots   (target 0)`);
    if (api.other > 0) console.log('  !! some API requests failed with neither 201 nor 409');
    process.exitCode = oversold === 0 && drift === 0 && api.other === 0 ? 0 : 1;
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
