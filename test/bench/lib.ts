/**
 * What every benchmark here shares: driving N jobs at C concurrency with latency percentiles, and starting a
 * server in a child process and waiting until it answers.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { createConnection, type Pool, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';

export const MYSQL_BASE = (process.env.MULIN_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export interface RunResult<K extends string> {
  counts: Record<K, number>;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  /** Each job's latency in ms, by job number (for percentiles of a subset). */
  latencies: number[];
}

/** Runs `requests` jobs with `concurrency` workers; each job reports its outcome, counted by kind. */
export async function drive<K extends string>(
  requests: number,
  concurrency: number,
  kinds: readonly K[],
  job: (i: number) => Promise<K>,
): Promise<RunResult<K>> {
  const latencies: number[] = new Array(requests);
  const counts = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<K, number>;
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < requests; i = next++) {
        const t0 = process.hrtime.bigint();
        counts[await job(i)]++;
        latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      }
    }),
  );
  return result(counts, latencies, started);
}

function result<K extends string>(counts: Record<K, number>, latencies: number[], started: bigint): RunResult<K> {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { counts, seconds, rate: latencies.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), latencies };
}

/**
 * The open-loop phases' connections: a pusher's bounded pool of keep-alive connections, as a load balancer's
 * upstream pool or WeChat's pushers keep (BENCH_OPEN_SOCKETS, default 300: 5,000 messages a second answered in
 * 50 ms are 250 in flight). A request due while all are busy waits for one, and the wait counts in its latency.
 * With 1,000 the server and the client both spent more CPU per request once the server fell behind (more sockets
 * to read, each carrying fewer requests).
 */
/**
 * The open-loop rates of BENCH_PACED ("4000,5000"), or `defaults`. Empty or 0 runs no open-loop phase; anything
 * else that is not a positive number stops the bench with the value named, rather than printing nonsense.
 */
export function pacedRates(defaults: string): number[] {
  const raw = process.env.BENCH_PACED ?? defaults;
  const rates = raw
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '' && v !== '0')
    .map(Number);
  if (rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error(`BENCH_PACED="${raw}": give messages per second, e.g. 4000,5000 (empty or 0 for none)`);
  return rates;
}

export const OPEN_LOOP_SOCKETS = Math.max(1, Number(process.env.BENCH_OPEN_SOCKETS ?? 300));

/**
 * Starts `requests` jobs at a fixed rate (an open loop, as WeChat pushes: a message does not wait for the one
 * before it to be answered). Each latency counts from when the job was due, not from when it could start, so
 * a server that falls behind is not flattered (no coordinated omission).
 */
export async function pace<K extends string>(requests: number, perSecond: number, kinds: readonly K[], job: (i: number) => Promise<K>): Promise<RunResult<K>> {
  const latencies: number[] = new Array(requests);
  const counts = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<K, number>;
  const started = process.hrtime.bigint();
  const dueAt = (i: number) => started + BigInt(Math.round((i * 1e9) / perSecond));
  const running: Array<Promise<void>> = [];
  let next = 0;
  while (next < requests) {
    const now = process.hrtime.bigint();
    for (; next < requests && dueAt(next) <= now; next++) {
      const i = next;
      running.push(
        job(i).then((k) => {
          counts[k]++;
          latencies[i] = Number(process.hrtime.bigint() - dueAt(i)) / 1e6;
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(running);
  return result(counts, latencies, started);
}

/** Polls `path` on 127.0.0.1:port until it answers 200 (or the child dies, or a minute passes). */
export async function waitForServer(child: ChildProcess, port: number, path = '/healthz'): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server did not come up');
}

/** A fresh, empty MariaDB database for one benchmark run. */
export async function freshDatabase(name: string): Promise<string> {
  const admin = await createConnection({ uri: MYSQL_BASE });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return `${MYSQL_BASE}/${name}`;
}

/**
 * Node's options in `npm start` (package.json: `node <options> server/main.ts`), so that a benchmark runs the
 * server as it is started in production; `script` replaces server/main.ts (a baseline gets the same options).
 */
export function startArgs(script = 'server/main.ts'): string[] {
  const start = (JSON.parse(fs.readFileSync('package.json', 'utf-8')) as { scripts: { start: string } }).scripts.start.split(/\s+/);
  if (start[0] !== 'node' || start[start.length - 1] !== 'server/main.ts') throw new Error(`npm start is not "node … server/main.ts": ${start.join(' ')}`);
  return [...start.slice(1, -1), script];
}

/**
 * The real server (server/main.ts) in a child process, started as `npm start` starts it: migrated and demo-seeded
 * by itself, sandbox mode. BENCH_PROFILE=dir writes a V8 CPU profile of it into dir (open it in Chrome DevTools);
 * BENCH_NODE_FLAGS adds Node options to it alone (e.g. --perf-basic-prof, for `perf record -p <pid>`).
 */
export function startMulin(databaseUrl: string, port: number, dataDir: string, env: Record<string, string> = {}): ChildProcess {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  return spawn(process.execPath, [...profile, ...flags, ...startArgs()], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      MULIN_DATA_DIR: dataDir,
      NODE_ENV: 'production',
      MULIN_SANDBOX: '1',
      MULIN_SEED_DEMO: 'auto',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * How many server instances a benchmark runs (BENCH_INSTANCES, default 1). Production runs several stateless
 * instances behind a load balancer on one MySQL (DESIGN.md, Scale-out); on this 2-core machine that is one per core.
 */
export const INSTANCES = Math.max(1, Number(process.env.BENCH_INSTANCES ?? 1));

/** Instances of one server, each a child process on its own port; the load client spreads its connections over them. */
export interface Fleet {
  ports: number[];
  pids: number[];
  stop(): void;
}

/**
 * `instances` copies of the real server on ports `port`, `port + 1`, …, on one database and one data directory
 * (the sandbox's credentials are shared, so any instance checks the same signatures). The first one migrates and
 * seeds; the others start once it answers, as instances join a deployment that is already up.
 */
export async function startFleet(databaseUrl: string, port: number, dataDir: string, instances = INSTANCES, env: Record<string, string> = {}): Promise<Fleet> {
  const children: ChildProcess[] = [];
  const fleet: Fleet = {
    ports: Array.from({ length: instances }, (_, k) => port + k),
    pids: [],
    stop: () => children.forEach((c) => c.kill('SIGTERM')),
  };
  try {
    for (const [k, p] of fleet.ports.entries()) {
      if (k === 1) await waitForServer(children[0], port);
      children.push(startMulin(databaseUrl, p, dataDir, env));
    }
    await Promise.all(children.map((c, k) => waitForServer(c, fleet.ports[k])));
  } catch (err) {
    fleet.stop();
    throw err;
  }
  fleet.pids = children.map((c) => c.pid!);
  return fleet;
}

/**
 * The load generator's HTTP/1.1 client: keep-alive sockets, each carrying one request at a time, a request written
 * in one piece and a response read by its Content-Length. It does what wrk does and no more, so that on a 2-core
 * machine the client takes as little as it can of the CPU the server is measured on (node:http's client with an
 * Agent cost ~65 µs of client CPU per request, more than a third of what the server itself spent).
 * A response without Content-Length, or a socket closed mid-request, fails that request.
 */
export class LoadClient {
  private readonly idle: LoadConnection[] = [];
  private readonly waiting: Array<(c: LoadConnection) => void> = [];
  private opened = 0;
  private connected = 0;
  private readonly ports: number[];

  /** With several ports (instances of one server), new connections go to each in turn, as a load balancer spreads them. */
  constructor(
    ports: number | number[],
    private readonly maxSockets: number,
  ) {
    this.ports = Array.isArray(ports) ? ports : [ports];
  }

  async post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    const conn = await this.acquire();
    let head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${conn.port}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    try {
      return await conn.request(`${head}\r\n${body}`);
    } finally {
      this.release(conn);
    }
  }

  /** Opens `n` connections ahead (as WeChat's pushers hold theirs), so that a run does not start with a burst of handshakes. */
  async open(n: number): Promise<void> {
    const fresh: LoadConnection[] = [];
    for (; fresh.length < n && this.opened < this.maxSockets; this.opened++) fresh.push(this.connect());
    await Promise.all(fresh.map((c) => new Promise<void>((resolve, reject) => c.socket.once('connect', resolve).once('error', reject))));
    this.idle.push(...fresh);
  }

  close(): void {
    for (const c of this.idle) c.socket.destroy();
    this.idle.length = 0;
  }

  private acquire(): Promise<LoadConnection> {
    while (this.idle.length) {
      const c = this.idle.pop()!;
      if (c.alive) return Promise.resolve(c);
      this.opened--;
    }
    if (this.opened < this.maxSockets) {
      this.opened++;
      return Promise.resolve(this.connect());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private connect(): LoadConnection {
    return new LoadConnection(this.ports[this.connected++ % this.ports.length]);
  }

  private release(c: LoadConnection): void {
    if (!c.alive) {
      this.opened--;
      if (this.waiting.length) {
        this.opened++;
        this.waiting.shift()!(this.connect());
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) next(c);
    else this.idle.push(c);
  }
}

class LoadConnection {
  readonly socket: net.Socket;
  alive = true;
  private buffered: Buffer | null = null;
  private pending: { resolve: (r: { status: number; body: string }) => void; reject: (e: Error) => void } | null = null;

  constructor(readonly port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.received(chunk));
    this.socket.on('error', () => undefined); // 'close' follows and fails what is pending
    this.socket.on('close', () => {
      this.alive = false;
      this.pending?.reject(new Error('connection closed'));
      this.pending = null;
    });
  }

  request(raw: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(raw);
    });
  }

  private received(chunk: Buffer): void {
    const buf = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    const end = buf.indexOf('\r\n\r\n');
    const head = end < 0 ? '' : buf.toString('latin1', 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    const pending = this.pending;
    if (end < 0 || (length && buf.length < end + 4 + Number(length[1]))) {
      this.buffered = buf;
      return;
    }
    this.buffered = null;
    this.pending = null;
    if (!length) {
      this.socket.destroy();
      pending?.reject(new Error(`response without Content-Length: ${head.slice(0, 200)}`));
      return;
    }
    if (/\r\nconnection: *close/i.test(head)) this.alive = false;
    pending?.resolve({ status: Number(head.slice(9, 12)), body: buf.toString('utf-8', end + 4, end + 4 + Number(length[1])) });
  }
}

/** MariaDB's datetime(3) text for an instant (UTC). */
export const sqlStamp = (d: Date) => d.toISOString().slice(0, 23).replace('T', ' ');

/**
 * `n` seniors like the demo's first one (same community and centre), each with a senior account; with
 * `mpOpenidPrefix` the accounts follow the public account as `<prefix><i>`. Returns the first ids.
 */
export async function insertSeniors(pool: Pool, n: number, now: Date, mpOpenidPrefix?: string): Promise<{ firstSenior: number; firstAccount: number }> {
  const [[senior]] = await pool.query<RowDataPacket[]>('SELECT regionId, regionPath, homeCentreId FROM senior ORDER BY id LIMIT 1');
  const stamp = sqlStamp(now);
  const seniorRows = Array.from({ length: n }, (_, i) => [
    `压测老人${i}`,
    i % 2 ? 'male' : 'female',
    `${1936 + (i % 30)}-05-01`,
    '0000',
    `138${String(i).padStart(8, '0')}`,
    '压测地址',
    senior.regionId,
    senior.regionPath,
    senior.homeCentreId,
    i % 7 === 0 ? 'minimum_living' : '',
    0,
    '',
    '[]',
    1,
    stamp,
    stamp,
  ]);
  const [ins] = await pool.query<ResultSetHeader>(
    'INSERT INTO senior (name, gender, birthDate, idCardLast4, phone, address, regionId, regionPath, homeCentreId, categories, abilityLevel, dietNotes, emergencyContacts, active, createdAt, updatedAt) VALUES ?',
    [seniorRows],
  );
  const firstSenior = ins.insertId;
  const accountRows = Array.from({ length: n }, (_, i) => [
    `压测老人${i}`,
    'senior',
    firstSenior + i,
    mpOpenidPrefix ? `${mpOpenidPrefix}${i}` : null,
    1,
    stamp,
    stamp,
  ]);
  const [acc] = await pool.query<ResultSetHeader>('INSERT INTO account (displayName, roles, seniorId, mpOpenid, active, createdAt, updatedAt) VALUES ?', [
    accountRows,
  ]);
  return { firstSenior, firstAccount: acc.insertId };
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is no /proc. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf-8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/** The pid of the running MariaDB server, if it is on this machine. */
export function mariadbPid(): number | undefined {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const out = execFileSync('pgrep', ['-x', name], { encoding: 'utf-8' }).trim().split('\n')[0];
      if (out) return Number(out);
    } catch {
      // not running under that name
    }
  }
  return undefined;
}

/** CPU used by each process (or each group of processes, summed) while `work` runs, in microseconds per unit of work ("—" where /proc is not there). */
export async function cpuPerUnit<T>(
  pids: Record<string, number | number[] | undefined>,
  units: number,
  work: () => Promise<T>,
): Promise<{ result: T; perUnit: Record<string, string> }> {
  const cpu = (pid: number | number[] | undefined) =>
    Array.isArray(pid)
      ? pid.map(cpuSeconds).reduce<number | undefined>((sum, x) => (sum === undefined || x === undefined ? undefined : sum + x), 0)
      : cpuSeconds(pid);
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpu(pid)]));
  const result = await work();
  const perUnit = Object.fromEntries(
    Object.entries(pids).map(([k, pid]) => {
      const a = before[k];
      const b = cpu(pid);
      return [k, a === undefined || b === undefined ? '—' : `${(((b - a) * 1e6) / units).toFixed(0)} µs`];
    }),
  );
  return { result, perUnit };
}
