import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import pino from 'pino';
import supertest from 'supertest';
import { createApp } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import { buildServices, type Services } from '../../server/container';
import type { Database } from '../../server/db/database';
import { openDatabase } from '../../server/db/open';
import { seedDemo } from '../../server/db/seed/demo';
import { StandInWechatLogin } from '../../server/gateways/wechat-login.gateway';
import { FakeClock } from '../../server/lib/clock';
import { mysqlAvailable, TEST_MYSQL_URL } from './mysql-env';

export type DbKind = 'sqlite' | 'mariadb';

/** Tuesday 2026-12-01, 08:30 in Shanghai: before the lunch cut-off (09:30), a bath day. */
export const T0 = '2026-12-01T00:30:00.000Z';
export const TODAY = '2026-12-01';
export const CONSOLE_PASSWORD = 'test-console-password';

export interface Harness {
  kind: DbKind;
  db: Database;
  clock: FakeClock;
  services: Services;
  config: Config;
  http: supertest.Agent;
  server: http.Server;
  close(): Promise<void>;
}

let counter = 0;

async function databaseFor(kind: DbKind): Promise<Config['database']> {
  counter++;
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mulin-test-'));
    return { kind: 'sqlite', file: path.join(dir, 'mulin.sqlite') };
  }
  const name = `mulin_test_w${process.env.JEST_WORKER_ID ?? '0'}_${counter}`;
  const conn = await createConnection({ uri: TEST_MYSQL_URL });
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  return { kind: 'mariadb', url: `${TEST_MYSQL_URL}/${name}` };
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
export async function startHarness(kind: DbKind, opts: { seed?: boolean; poolSize?: number } = {}): Promise<Harness> {
  const database = await databaseFor(kind);
  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), database } as Config;
  const clock = new FakeClock(T0);
  const db = await openDatabase(database, undefined, opts.poolSize);
  try {
    if (opts.seed !== false) await seedDemo(db, clock, { consolePassword: CONSOLE_PASSWORD });
  } catch (err) {
    await db.ds.destroy(); // an open pool would keep jest from ever exiting
    throw err;
  }
  const services = buildServices({ config, db, clock, logger: pino({ level: 'silent' }), wechatLogin: new StandInWechatLogin() });
  const server = http.createServer(createApp(services).callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    kind,
    db,
    clock,
    services,
    config,
    server,
    http: supertest.agent(server),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.ds.destroy();
      await dropDatabase(database);
    },
  };
}

export const DB_KINDS: DbKind[] = ['sqlite', 'mariadb'];

/**
 * Runs a suite once per database. Each run gets its own fresh, seeded database. The MariaDB run is skipped —
 * visibly — only when global setup found no MariaDB and was not told it is required.
 */
export function describeEachDb(title: string, suite: (h: () => Harness) => void): void {
  for (const kind of DB_KINDS) {
    const skip = kind === 'mariadb' && !mysqlAvailable();
    (skip ? describe.skip : describe)(`${title} [${kind}]`, () => {
      let harness: Harness | undefined;
      beforeAll(async () => {
        harness = await startHarness(kind);
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
