import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Config } from '../config';
import { ENTITIES } from '../../entities';
import { MIGRATIONS } from './migrations';

/** How long a statement waits for another transaction's row lock before it gives up, unless configured. */
export const DEFAULT_LOCK_WAIT_SECONDS = 5;

/**
 * mysql2 with one change: every pooled connection starts its session with a short InnoDB lock wait. MariaDB's
 * default is 50 s; a request that waits that long for a row lock holds its pooled connection all the while, and a
 * few dozen of them take the whole pool (issue 20). A few seconds, then ER_LOCK_WAIT_TIMEOUT, which the API
 * answers as 503 BUSY and the jobs retry. The SET is queued on the new connection before it is handed out.
 */
function mysqlWithLockWait(seconds: number): typeof mysql {
  const createPool = (config: mysql.PoolOptions) => {
    const pool = mysql.createPool(config);
    pool.on('connection', (conn) => conn.query(`SET SESSION innodb_lock_wait_timeout = ${Math.floor(seconds)}`));
    return pool;
  };
  return Object.assign(Object.create(mysql) as typeof mysql, { createPool });
}

export function dataSourceOptions(database: Config['database'], poolSize = 20): DataSourceOptions {
  if (database.kind === 'mariadb') {
    // `mariadb`, not `mysql`: with `mysql` TypeORM 1.x never settles on a schema diff against MariaDB (STACK.md).
    // Instants travel as UTC ('Z') and we never let the server fill one in, so its time_zone cannot shift them.
    return {
      type: 'mariadb',
      driver: mysqlWithLockWait(database.lockWaitSeconds ?? DEFAULT_LOCK_WAIT_SECONDS),
      url: database.url.replace(/^mariadb:/, 'mysql:'),
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      entities: ENTITIES,
      migrations: MIGRATIONS,
      migrationsTableName: 'migrations',
      synchronize: false,
      poolSize,
      // mysql2 captures a stack trace for every query to decorate errors it may never raise: a measurable cost
      // per query (about 7 % of the booking API's CPU in bench:booking). TypeORM's QueryFailedError carries the SQL.
      trace: false,
      extra: { connectionLimit: poolSize, maxIdle: poolSize },
    };
  }
  return {
    type: 'better-sqlite3',
    database: database.file,
    entities: ENTITIES,
    // The embedded database is for one process trying or developing Mulin: the schema follows the entities.
    synchronize: true,
    enableWAL: true,
    timeout: 5000,
  };
}

export function createDataSource(database: Config['database'], poolSize?: number): DataSource {
  if (database.kind === 'sqlite' && database.file !== ':memory:') {
    fs.mkdirSync(path.dirname(database.file), { recursive: true });
  }
  return new DataSource(dataSourceOptions(database, poolSize));
}
