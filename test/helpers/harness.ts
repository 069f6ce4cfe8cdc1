import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import pino from 'pino';
import supertest from 'supertest';
import { createApp } from '../../server/app';
import { answerClientErrors } from '../../server/http/client-errors';
import { loadConfig, type Config } from '../../server/config';
import { buildServices, type Services } from '../../server/container';
import type { Database } from '../../server/db/database';
import { openDatabase } from '../../server/db/open';
import { seedDemo } from '../../server/db/seed/demo';
import { createSandbox, type Sandbox } from '../../server/sandbox';
import { chatUsers } from '../../server/sandbox/chat.sandbox';
import type { Conversation } from '../../server/services/chat/wechat-inbox.service';
import type { BroadcastOptions } from '../../server/services/notices/broadcast.service';
import { generateSandboxCredentials, sandboxSettings, type SandboxCredentials, type WechatSettings } from '../../server/wechat-settings';
import { AccountRepository } from '../../server/repositories/account.repository';
import { FakeClock } from '../../server/lib/clock';
import { mysqlAvailable, TEST_MYSQL_URL } from './mysql-env';

export type DbKind = 'sqlite' | 'mariadb';

/** Tuesday 2026-12-01, 08:30 in Shanghai: before the lunch cut-off (09:30), a bath day. */
export const T0 = '2026-12-01T00:30:00.000Z';
export const TODAY = '2026-12-01';
export const CONSOLE_PASSWORD = 'test-console-password';
/** The key of the seniors' ID-number hash in tests. */
export const TEST_ID_HASH_KEY = 'test-id-hash-key-0123456789abcdef0123456789';

export interface Harness {
  kind: DbKind;
  db: Database;
  clock: FakeClock;
  services: Services;
  config: Config;
  http: supertest.Agent;
  server: http.Server;
  /** http://127.0.0.1:<port> of this Mulin (the sandbox posts there). */
  baseUrl: string;
  /** The built-in WeChat this Mulin talks to, mounted on the same server at /sandbox. */
  sandbox: Sandbox;
  wechat: WechatSettings;
  /** How many messages reached the bot (to prove WeChat's retries are handled once). */
  conversationCalls(): number;
  close(): Promise<void>;
}

let counter = 0;

async function databaseFor(kind: DbKind, lockWaitSeconds?: number): Promise<Config['database']> {
  counter++;
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mulin-test-'));
    return { kind: 'sqlite', file: path.join(dir, 'mulin.sqlite') };
  }
  // The pid keeps two jest runs on one MariaDB server (two engineers, or CI and a developer) out of each other's databases.
  const name = `mulin_test_p${process.pid}_w${process.env.JEST_WORKER_ID ?? '0'}_${counter}`;
  const conn = await createConnection({ uri: TEST_MYSQL_URL });
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return { kind: 'mariadb', url: `${TEST_MYSQL_URL}/${name}`, lockWaitSeconds };
}

async function dropDatabase(database: Config['database']): Promise<void> {
  if (database.kind === 'sqlite') {
    fs.rmSync(path.dirname(database.file), { recursive: true, force: true });
    return;
  }
  const name = database.url.slice(database.url.lastIndexOf('/') + 1);
  const conn = await createConnection({ uri: TEST_MYSQL_URL });
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.end();
}

/** A real Mulin on a fresh database of the given kind (migrated, demo-seeded), served over a real socket. */
export interface HarnessOptions {
  seed?: boolean;
  poolSize?: number;
  /** The bot behind /wechat; the real one by default. */
  conversation?: Conversation;
  replyBudgetMs?: number;
  broadcast?: Partial<BroadcastOptions>;
  /** WeChat Pay notification retry delays for the sandbox (small, so tests stay fast). */
  notifyRetryDelaysMs?: number[];
  /** Limits of the seniors' list import. */
  importLimits?: Partial<import('../../server/services/people/senior-import.service').ImportLimits>;
  /** MariaDB's InnoDB lock wait for the pool's connections (default DEFAULT_LOCK_WAIT_SECONDS). */
  lockWaitSeconds?: number;
  /** Fail any read or write outside a running transaction (default true; see DatabaseOptions). */
  strictTransactions?: boolean;
}

/**
 * Sandbox credentials: generated once per run by global setup (RSA key generation is the slow part) and passed in
 * the environment, never stored; generated here when a file runs without it.
 */
let creds: SandboxCredentials | undefined;
const runCredentials = (): SandboxCredentials | undefined => {
  const json = process.env.MULIN_TEST_SANDBOX_CREDS;
  return json ? (JSON.parse(json) as SandboxCredentials) : undefined;
};

/**
 * A real Mulin on a fresh database of the given kind (migrated, demo-seeded), served over a real socket, with the
 * built-in WeChat sandbox mounted at /sandbox on the same server and the gateways pointed at it over HTTP.
 */
export async function startHarness(kind: DbKind, opts: HarnessOptions = {}): Promise<Harness> {
  const database = await databaseFor(kind, opts.lockWaitSeconds);
  // Uploaded files (visit photos) in a directory of this harness's own, removed with it.
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mulin-files-'));
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), database, filesDir } as Config;
  const clock = new FakeClock(T0);
  const db = await openDatabase(database, undefined, { poolSize: opts.poolSize, strictTransactions: opts.strictTransactions ?? true });
  try {
    if (opts.seed !== false) await seedDemo(db, clock, { consolePassword: CONSOLE_PASSWORD });
  } catch (err) {
    await db.ds.destroy(); // an open pool would keep jest from ever exiting
    throw err;
  }
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  creds ??= runCredentials() ?? generateSandboxCredentials();
  const sandbox = createSandbox({
    creds,
    clock,
    mulinBase: () => baseUrl,
    users: () => chatUsers(new AccountRepository(db)),
    notifyRetryDelaysMs: opts.notifyRetryDelaysMs ?? [0, 20, 50],
  });
  const wechat = sandboxSettings(creds, `${baseUrl}/sandbox`, baseUrl);
  let calls = 0;
  // The real bot unless a test brings its own; either way counted, to prove retries do not reach it twice.
  const conversation: Conversation = {
    reply: (m) => (calls++, (opts.conversation ?? services.bot).reply(m)),
    prefetch: (m) => (opts.conversation ?? services.bot).prefetch?.(m),
  };
  const services: Services = buildServices({
    config,
    db,
    clock,
    logger: pino({ level: 'silent' }),
    wechat,
    sandbox,
    conversation,
    replyBudgetMs: opts.replyBudgetMs,
    idHashKey: TEST_ID_HASH_KEY,
    importLimits: opts.importLimits,
    // Broadcast pacing never waits in tests; a suite may change batching.
    broadcast: { sleep: async () => undefined, ...opts.broadcast },
  });
  server.on('request', createApp(services).callback());
  answerClientErrors(server);
  return {
    kind,
    db,
    clock,
    services,
    config,
    server,
    baseUrl,
    sandbox,
    wechat,
    conversationCalls: () => calls,
    http: supertest.agent(server),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
      await dropDatabase(database);
      fs.rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

export const DB_KINDS: DbKind[] = ['sqlite', 'mariadb'];

/**
 * Runs a suite once per database. Each run gets its own fresh, seeded database. The MariaDB run is skipped —
 * visibly — only when global setup found no MariaDB and was not told it is required.
 */
export function describeEachDb(title: string, suite: (h: () => Harness) => void, opts: HarnessOptions = {}): void {
  for (const kind of DB_KINDS) {
    const skip = kind === 'mariadb' && !mysqlAvailable();
    (skip ? describe.skip : describe)(`${title} [${kind}]`, () => {
      let harness: Harness | undefined;
      beforeAll(async () => {
        harness = await startHarness(kind, opts);
      });
      afterAll(async () => {
        await harness?.close();
      });
      suite(() => {
        if (!harness) throw new Error('harness not started');
        return harness;
      });
    });
  }
}
