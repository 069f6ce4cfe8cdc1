/**
 * npm run bench:booking — the booking API against a bare mysql2 transaction doing the same work, in one run.
 *
 * The real server (server/main.ts) runs in a child process on a fresh MariaDB database. Both sides book the same
 * shape of traffic: REQUESTS bookings by SENIORS different seniors spread over SLOTS slots, CONCURRENCY clients at once, every slot a little short of seats so that the last requests for each are refused as full.
 * Each side first books WARM_UP requests on slots of its own, unmeasured. Prints both rates, their ratio, latency percentiles and the oversold count (must be 0).
 * Then each side gets bookings pushed at the fixed rates of BENCH_PACED (an open loop), with latency counted from when each was due.
 * BENCH_INSTANCES=2 runs two server instances on the one database, the load client spreading its connections over them.
 */
import { createHash } from 'node:crypto';
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { addDays, shanghaiDate, shanghaiInstant } from '../../server/lib/time';
import {
  drive as driveAll,
  freshDatabase,
  insertSeniors,
  INSTANCES,
  LoadClient,
  OPEN_LOOP_SOCKETS,
  pace,
  pacedRates,
  sqlStamp,
  cpuPerUnit,
  mariadbPid,
  startFleet,
  type Fleet,
  type RunResult as Run,
} from './lib';

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

type Outcome = 'ok' | 'full' | 'other';
type RunResult = Run<Outcome>;
const OUTCOMES = ['ok', 'full', 'other'] as const;
const drive = (job: (i: number) => Promise<Outcome>, requests = REQUESTS) => driveAll(requests, CONCURRENCY, OUTCOMES, job);
/** Requests each side makes, on slots of its own, before it is measured. */
const WARM_UP = Math.min(REQUESTS, 5000);
/** Open-loop phases after the closed-loop ones: bookings pushed at these rates for 4 s each, to each side (BENCH_PACED=3000,4000). */
const PACED_RATES = pacedRates('3000,4000');

interface Setup {
  itemId: number;
  centreId: number;
  apiSlots: number[];
  bareSlots: number[];
  /** Slots the warm-up of each side books, so that neither is measured while its code is still being compiled. */
  warmApiSlots: number[];
  warmBareSlots: number[];
  /** Per open-loop rate, fresh slots for each side. */
  pacedApiSlots: number[][];
  pacedBareSlots: number[][];
  firstSenior: number;
}

async function prepare(pool: Pool, now: Date): Promise<Setup> {
  const [[item]] = await pool.query<RowDataPacket[]>(
    "SELECT i.id, i.centreId FROM service_item i JOIN centre c ON c.id = i.centreId WHERE c.name = '嘉新社区居家养老服务照料中心' AND i.kind = 'lunch'",
  );
  const stamp = sqlStamp(now);
  const { firstSenior, firstAccount } = await insertSeniors(pool, SENIORS, now);
  const expires = sqlStamp(new Date(now.getTime() + 86400_000));
  await pool.query('INSERT INTO session (tokenHash, accountId, channel, createdAt, expiresAt) VALUES ?', [
    Array.from({ length: SENIORS }, (_, i) => [sha256(token(i)), firstAccount + i, 'miniprogram', stamp, expires]),
  ]);
  const day = addDays(shanghaiDate(now), 2);
  const slot = async (label: string, k: number) => {
    const startsAt = sqlStamp(shanghaiInstant(day, '11:00'));
    const endsAt = sqlStamp(shanghaiInstant(day, '12:30'));
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
  const warmApiSlots: number[] = [];
  const warmBareSlots: number[] = [];
  for (let k = 0; k < SLOTS; k++) warmApiSlots.push(await slot('warm-api', k));
  for (let k = 0; k < SLOTS; k++) warmBareSlots.push(await slot('warm-bare', k));
  const pacedApiSlots: number[][] = [];
  const pacedBareSlots: number[][] = [];
  for (const rate of PACED_RATES) {
    const [a, b]: number[][] = [[], []];
    for (let k = 0; k < SLOTS; k++) a.push(await slot(`paced-api-${rate}`, k));
    for (let k = 0; k < SLOTS; k++) b.push(await slot(`paced-bare-${rate}`, k));
    pacedApiSlots.push(a);
    pacedBareSlots.push(b);
  }
  return { itemId: item.id, centreId: item.centreId, apiSlots, bareSlots, warmApiSlots, warmBareSlots, pacedApiSlots, pacedBareSlots, firstSenior };
}

async function main(): Promise<void> {
  const url = await freshDatabase(DB);
  let server: Fleet | undefined;
  try {
    server = await startFleet(url, PORT, '/tmp/mulin-bench-data'); // migrated and demo-seeded by the server itself
    const { ports } = server;
    const pool = createPool({ uri: url, connectionLimit: 20, timezone: 'Z' });
    const now = new Date();
    const setup = await prepare(pool, now);
    const seniorOf = (i: number) => i % SENIORS;
    // Consecutive requests go to different slots (a district books many centres' meals at once), and each
    // senior books each slot at most once: for senior s, request k goes to slot (s + k) mod SLOTS.
    const slotIndex = (i: number) => (i + Math.floor(i / SENIORS)) % SLOTS;
    const stamp = sqlStamp(now);

    // Baseline: the same conditional UPDATE + INSERT in a bare mysql2 transaction, pool of 20.
    const bareJob =
      (slots: number[], codePrefix: string) =>
      async (i: number): Promise<Outcome> => {
        const conn = await pool.getConnection();
        try {
          await conn.query('BEGIN');
          const slotId = slots[slotIndex(i)];
          const [u] = await conn.execute<import('mysql2').ResultSetHeader>('UPDATE slot SET booked = booked + 1 WHERE id = ? AND booked + 1 <= capacity', [
            slotId,
          ]);
          if (u.affectedRows !== 1) {
            await conn.query('ROLLBACK');
            return 'full';
          }
          await conn.execute(
            `INSERT INTO booking (code, seniorId, slotId, serviceItemId, centreId, category, kind, serviceDate, bookedByAccountId, bookedBy, channel,
             quantity, unitPriceFen, priceFen, subsidyFen, copayFen, subsidisedQuantity, subsidyReason, status, deliveryMode, note, createdAt, updatedAt)
           VALUES (?, ?, ?, ?, ?, 'meal', 'lunch', CURDATE(), 1, 'self', 'miniprogram', 1, 1500, 1500, 0, 1500, 0, '', 'pending_payment', 'dine_in', '', ?, ?)`,
            [`${codePrefix}${String(i).padStart(9, '0')}`, setup.firstSenior + seniorOf(i), slotId, setup.itemId, setup.centreId, stamp, stamp],
          );
          await conn.query('COMMIT');
          return 'ok';
        } catch (err) {
          await conn.query('ROLLBACK');
          throw err;
        } finally {
          conn.release();
        }
      };
    await drive(bareJob(setup.warmBareSlots, 'W'), WARM_UP);
    const bare = await drive(bareJob(setup.bareSlots, 'B'));

    const client = new LoadClient(ports, CONCURRENCY);
    const post = async (i: number, slots = setup.apiSlots, via = client) => {
      const body = JSON.stringify({ slotId: slots[slotIndex(i)], deliveryMode: 'dine_in' });
      return (await via.post('/api/v1/bookings', body, { 'content-type': 'application/json', authorization: `Bearer ${token(seniorOf(i))}` })).status;
    };
    const outcome = (status: number): Outcome => (status === 201 ? 'ok' : status === 409 ? 'full' : 'other');
    await drive(async (i) => ((await post(i, setup.warmApiSlots)) === 201 ? 'ok' : 'full'), WARM_UP);
    const questions = async () => Number((await pool.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'"))[0][0].Value);
    const questionsBefore = await questions();
    const pids = { [INSTANCES > 1 ? `${INSTANCES} servers` : 'server']: server.pids, MariaDB: mariadbPid(), 'this client': process.pid };
    const { result: api, perUnit: cpu } = await cpuPerUnit(pids, REQUESTS, () => drive(async (i) => outcome(await post(i))));
    client.close();
    const statementsPerRequest = ((await questions()) - questionsBefore - 1) / REQUESTS;

    // Then bookings pushed at fixed rates (an open loop: a request does not wait for the one before it), each side
    // on fresh slots; latency counts from when a request was due (see `pace`).
    const paced: Array<{ perSecond: number; bare: RunResult; api: RunResult; cpu: Record<string, string> }> = [];
    for (const [k, perSecond] of PACED_RATES.entries()) {
      const requests = perSecond * 4;
      const pacedBare = await pace(requests, perSecond, OUTCOMES, bareJob(setup.pacedBareSlots[k], `P${k}`));
      const open = new LoadClient(ports, OPEN_LOOP_SOCKETS);
      await open.open(Math.min(OPEN_LOOP_SOCKETS, Math.ceil(perSecond / 20)));
      const { result: pacedApi, perUnit: pacedCpu } = await cpuPerUnit(pids, requests, () =>
        pace(requests, perSecond, OUTCOMES, async (i) => outcome(await post(i, setup.pacedApiSlots[k], open))),
      );
      open.close();
      paced.push({ perSecond, bare: pacedBare, api: pacedApi, cpu: pacedCpu });
    }

    const [check] = await pool.query<RowDataPacket[]>(
      `SELECT s.id, s.capacity, s.booked, (SELECT COUNT(*) FROM booking b WHERE b.slotId = s.id) AS n FROM slot s WHERE s.id IN (?)`,
      [[...setup.apiSlots, ...setup.pacedApiSlots.flat()]],
    );
    const oversold = check.reduce((sum, r) => sum + Math.max(0, Number(r.n) - r.capacity), 0);
    const drift = check.filter((r) => Number(r.n) !== r.booked).length;
    await pool.end();

    const fmt = (r: RunResult) =>
      `${r.rate.toFixed(0).padStart(6)} /s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   booked ${r.counts.ok}, full ${r.counts.full}, other ${r.counts.other}`;
    console.log(
      `\nbooking benchmark: ${REQUESTS} requests, ${CONCURRENCY} concurrent, ${SLOTS} slots × ${CAPACITY} seats, ${SENIORS} seniors, MariaDB, ${INSTANCES} server instance${INSTANCES > 1 ? 's' : ''}`,
    );
    console.log(`  bare mysql2 txn   ${fmt(bare)}`);
    console.log(`  booking API       ${fmt(api)}`);
    for (const { perSecond, bare: b, api: a, cpu: c } of paced) {
      console.log(`  paced ${String(perSecond).padStart(5)} /s  bare ${fmt(b)}`);
      console.log(`                     API  ${fmt(a)}`);
      console.log(
        `                     CPU per API request  ${Object.entries(c)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }
    console.log(`  SQL statements    ${statementsPerRequest.toFixed(2)} per API request (the bare transaction sends 4)`);
    console.log(
      `  CPU per request   ${Object.entries(cpu)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    console.log(`  ratio API / bare  ${(api.rate / bare.rate).toFixed(2)}   (target ≥ 0.50)`);
    console.log(`  p99 API           ${api.p99.toFixed(1)} ms   (target < 50 ms)`);
    console.log(`  oversold          ${oversold}   counter drift on ${drift} slots   (target 0)`);
    if (api.counts.other > 0) console.log('  !! some API requests failed with neither 201 nor 409');
    const failed = api.counts.other + paced.reduce((n, p) => n + p.api.counts.other, 0);
    if (failed > api.counts.other) console.log('  !! some paced API requests failed with neither 201 nor 409');
    process.exitCode = oversold === 0 && drift === 0 && failed === 0 ? 0 : 1;
  } finally {
    server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
