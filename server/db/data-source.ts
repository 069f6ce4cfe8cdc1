import fs from 'node:fs';
import path from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { Config } from '../config';
import { ENTITIES } from '../../entities';
import { MIGRATIONS } from './migrations';

export function dataSourceOptions(database: Config['database'], poolSize = 20): DataSourceOptions {
  if (database.kind === 'mariadb') {
    // `mariadb`, not `mysql`: with `mysql` TypeORM 1.x never settles on a schema diff against MariaDB (STACK.md).
    // Instants travel as UTC ('Z') and we never let the server fill one in, so its time_zone cannot shift them.
    return {
      type: 'mariadb',
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
