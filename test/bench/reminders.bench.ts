/**
 * npm run bench:reminders — the due-reminder query (ReminderRepository.findDue, the one the reminders job claims
 * with) on MariaDB, at 10,000 and at 1,000,000 reminder rows.
 *
 * Rows are bulk-inserted directly: almost all of them are history (sent, cancelled, failed, due in the past), a
 * fixed number are pending for upcoming bookings, and a fixed few are due now. Finding the due ones must cost the
 * same however much history there is: prints EXPLAIN (a range on idx_reminder_due), ANALYZE's rows read, the
 * median and p99 time of the query at both sizes, and their ratio (target ≤ 2×).
 */
import 'reflect-metadata';
import { createPool, type Pool } from 'mysql2/promise';
import { openDatabase } from '../../server/db/open';
import { ReminderRepository } from '../../server/repositories/reminder.repository';
import { freshDatabase, percentile, sqlStamp } from './lib';

const DB = 'mulin_bench_reminders';
const SMALL = 10_000;
const LARGE = Number(process.env.BENCH_REMINDERS ?? 1_000_000);
/** Pending rows for upcoming bookings (the same at both sizes: they follow current activity, not history). */
const UPCOMING = 2_000;
/** Rows due at the moment of the query. */
const DUE = 50;
const LIMIT = 100;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2_000);
const INSERT_BATCH = 10_000;
const KINDS = ['day_before', 'hour_before', 'rating_request'] as const;
const HISTORY = ['sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'cancelled', 'failed'] as const;

const NOW = new Date('2027-06-01T10:00:00.000Z');
const DAY_MS = 86_400_000;

/** Rows `from`…`to` − 1 of the history: one booking per three rows, due over the two years before NOW. */
async function insertHistory(pool: Pool, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += INSERT_BATCH) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(to, start + INSERT_BATCH); i++) {
      const dueAt = new Date(NOW.getTime() - DAY_MS - ((i * 7919) % (730 * DAY_MS)));
      const status = HISTORY[i % HISTORY.length];
      rows.push([
        1_000_000 + Math.floor(i / 3),
        1 + (i % 5000),
        KINDS[i % 3],
        status,
        sqlStamp(dueAt),
        status === 'sent' ? 1 : 0,
        status === 'sent' ? sqlStamp(dueAt) : null,
        sqlStamp(dueAt),
      ]);
    }
    await pool.query('INSERT INTO reminder (bookingId, accountId, kind, status, dueAt, attempts, sentAt, createdAt) VALUES ?', [rows]);
  }
}

/** The live part, the same at both sizes: pending rows for upcoming bookings and a few due now. */
async function insertLive(pool: Pool): Promise<void> {
  const rows: unknown[][] = [];
  for (let i = 0; i < UPCOMING + DUE; i++) {
    const dueAt = i < DUE ? new Date(NOW.getTime() - (i + 1) * 1000) : new Date(NOW.getTime() + 60_000 + (i % 14) * DAY_MS + i * 1000);
    rows.push([i + 1, 1 + (i % 5000), KINDS[i % 2], 'pending', sqlStamp(dueAt), 0, null, sqlStamp(NOW)]);
  }
  await pool.query('INSERT INTO reminder (bookingId, accountId, kind, status, dueAt, attempts, sentAt, createdAt) VALUES ?', [rows]);
}

async function measure(repo: ReminderRepository): Promise<{ median: number; p99: number; found: number }> {
  let found = 0;
  for (let i = 0; i < 100; i++) found = (await repo.findDue(NOW, LIMIT)).length; // warm the buffer pool and the pool
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t = process.hrtime.bigint();
    await repo.findDue(NOW, LIMIT);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p99: percentile(times, 99), found };
}

async function explain(pool: Pool, repo: ReminderRepository, label: string): Promise<void> {
  const [sql, params] = repo.dueSql(NOW, LIMIT);
  const [plan] = await pool.query(`EXPLAIN ${sql}`, params);
  const [analyze] = await pool.query(`ANALYZE ${sql}`, params);
  const a = (analyze as Array<Record<string, unknown>>)[0];
  console.log(`\n${label}: EXPLAIN`);
  console.table(plan);
  console.log(`${label}: ANALYZE r_rows=${a.r_rows} (rows read), rows=${a.rows} (estimate), key=${a.key}`);
}

async function main(): Promise<void> {
  const url = await freshDatabase(DB);
  const db = await openDatabase({ kind: 'mariadb', url }); // runs the committed migrations
  const pool = createPool({ uri: url, connectionLimit: 4, timezone: 'Z' });
  try {
    const repo = new ReminderRepository(db);
    console.log(`due-reminder query: ${repo.dueSql(NOW, LIMIT)[0]}`);
    await insertLive(pool);
    await insertHistory(pool, 0, SMALL - UPCOMING - DUE);
    await pool.query('ANALYZE TABLE reminder');
    await explain(pool, repo, `${SMALL.toLocaleString()} rows`);
    const small = await measure(repo);

    const started = Date.now();
    await insertHistory(pool, SMALL - UPCOMING - DUE, LARGE - UPCOMING - DUE);
    await pool.query('ANALYZE TABLE reminder');
    console.log(`\n(grew to ${LARGE.toLocaleString()} rows in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    await explain(pool, repo, `${LARGE.toLocaleString()} rows`);
    const large = await measure(repo);

    const [[count]] = (await pool.query('SELECT COUNT(*) AS n FROM reminder')) as unknown as Array<Array<{ n: number }>>;
    console.log(`\nrows in reminder: ${Number(count.n).toLocaleString()}; due found per query: ${small.found} and ${large.found} (expected ${DUE})`);
    console.log(`findDue(now, ${LIMIT}) at ${SMALL.toLocaleString()} rows: median ${small.median.toFixed(3)} ms, p99 ${small.p99.toFixed(3)} ms`);
    console.log(`findDue(now, ${LIMIT}) at ${LARGE.toLocaleString()} rows: median ${large.median.toFixed(3)} ms, p99 ${large.p99.toFixed(3)} ms`);
    const ratio = large.median / small.median;
    console.log(`ratio (median, large / small): ${ratio.toFixed(2)}× — target ≤ 2× ${ratio <= 2 ? 'MET' : 'MISSED'}`);
    if (small.found !== DUE || large.found !== DUE) process.exitCode = 1;
  } finally {
    await pool.end();
    await db.ds.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
