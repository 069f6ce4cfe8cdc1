/**
 * npm run bench:broadcast — a policy notice to 100,000 seniors on MariaDB, sent to the sandbox.
 *
 * The real server (sandbox mode, scheduler off) runs in one child process; the broadcast job runs the way an
 * operator would run it by hand, `npm run job -- notice-broadcast`, in another, so its memory is measured on its
 * own. Prints the fan-out time, pushes per second (first push to last, from the delivery rows), the sender's peak
 * RSS, and checks that every push ended `sent`. BENCH_RECIPIENTS (100 000) and MULIN_BROADCAST_RATE (the
 * server's default, 2 500/s) change the run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createPool, type RowDataPacket } from 'mysql2/promise';
import { freshDatabase, insertSeniors, startMulin, waitForServer } from './lib';

const DB = 'mulin_bench_broadcast';
const PORT = Number(process.env.BENCH_PORT ?? 3937);
const DATA_DIR = '/tmp/mulin-bench-broadcast';
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 100_000);
const BASE = `http://127.0.0.1:${PORT}/api/v1`;

/** Peak resident memory of a process so far (VmHWM), in MB; 0 once it has gone. */
function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf-8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function api(pathname: string, token: string | null, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${BASE}${pathname}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${pathname}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** One `npm run job -- notice-broadcast`; resolves with its exit code and peak RSS. */
function runJob(url: string): Promise<{ code: number | null; peakMb: number }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'server/cli/job.ts', 'notice-broadcast'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(PORT),
      MULIN_DATA_DIR: DATA_DIR,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      MULIN_SANDBOX: '1',
      MULIN_SEED_DEMO: 'auto',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let peakMb = 0;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, peakRssMb(child.pid!))), 50);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ code, peakMb });
    }),
  );
}

async function main(): Promise<void> {
  fs.rmSync(DATA_DIR, { recursive: true, force: true });
  const url = await freshDatabase(DB);
  const server = startMulin(url, PORT, DATA_DIR, { MULIN_JOBS: 'none' });
  const pool = createPool({ uri: url, connectionLimit: 4, timezone: 'Z' });
  try {
    await waitForServer(server, PORT);
    for (let done = 0; done < RECIPIENTS; done += 10_000) await insertSeniors(pool, Math.min(10_000, RECIPIENTS - done), new Date(), `o_bc_${done}_`);
    const password = /password for every account below: (\S+)/.exec(fs.readFileSync(path.join(DATA_DIR, 'demo-accounts.txt'), 'utf-8'))![1];
    const { token } = (await api('/auth/password-login', null, { username: 'admin', password })) as { token: string };
    const [[district]] = await pool.query<RowDataPacket[]>("SELECT id FROM region WHERE name = '拱墅区'");
    const notice = (await api('/notices', token, {
      title: '冬季取暖补贴发放通知',
      body: '请于本月底前到所在社区服务站领取，行动不便的老人可请家属代领。',
      audience: { regionId: district.id, roles: ['senior'] },
    })) as { id: number; preview: { byWechat: number } };

    const started = Date.now();
    let peakMb = 0;
    let runs = 0;
    for (; runs < 10; runs++) {
      const r = await runJob(url);
      peakMb = Math.max(peakMb, r.peakMb);
      if (r.code !== 0) throw new Error(`the job exited with ${r.code}`);
      const [[left]] = await pool.query<RowDataPacket[]>(
        "SELECT COUNT(*) AS n FROM notice_delivery WHERE noticeId = ? AND channel <> 'inbox' AND status IN ('pending', 'sending')",
        [notice.id],
      );
      if (Number(left.n) === 0) break;
    }
    const wall = (Date.now() - started) / 1000;
    const [[s]] = await pool.query<RowDataPacket[]>(
      `SELECT MIN(createdAt) AS fanned, MIN(sentAt) AS firstSent, MAX(sentAt) AS lastSent,
              SUM(status = 'sent') AS sent, SUM(status = 'failed') AS failed, COUNT(*) AS n
         FROM notice_delivery WHERE noticeId = ? AND channel <> 'inbox'`,
      [notice.id],
    );
    const [[n]] = await pool.query<RowDataPacket[]>('SELECT scheduledAt FROM notice WHERE id = ?', [notice.id]);
    const sendSeconds = (new Date(s.lastSent).getTime() - new Date(s.firstSent).getTime()) / 1000;
    const rate = Number(s.sent) / Math.max(sendSeconds, 0.001);
    const fanOut = (new Date(s.firstSent).getTime() - new Date(n.scheduledAt).getTime()) / 1000;
    console.log(`\nbroadcast benchmark: ${Number(s.n)} pushes (${RECIPIENTS} bench seniors + the demo's), MariaDB, sandbox`);
    console.log(`  job runs          ${runs + 1} (npm run job -- notice-broadcast), ${wall.toFixed(1)} s in all including start-up`);
    console.log(`  to first push     ${fanOut.toFixed(1)} s (process start-up and the fan-out INSERT … SELECT)`);
    console.log(`  sending           ${sendSeconds.toFixed(1)} s, ${rate.toFixed(0)} pushes/s   (target ≥ 2,000/s; MULIN_BROADCAST_RATE caps it)`);
    console.log(`  sender peak RSS   ${peakMb.toFixed(0)} MB   (target < 300 MB)`);
    console.log(`  outcome           sent ${Number(s.sent)}, failed ${Number(s.failed)}, of ${Number(s.n)}`);
    process.exitCode = Number(s.sent) === Number(s.n) ? 0 : 1;
  } finally {
    await pool.end();
    server.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
