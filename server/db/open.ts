import type { Logger } from 'pino';
import type { Config } from '../config';
import { createDataSource } from './data-source';
import { Database } from './database';

/** Connects, and on MariaDB/MySQL brings the schema up to date with the committed migrations. */
export async function openDatabase(database: Config['database'], logger?: Logger, poolSize?: number): Promise<Database> {
  const ds = createDataSource(database, poolSize);
  await ds.initialize();
  if (database.kind === 'mariadb') {
    const ran = await ds.runMigrations({ transaction: 'each' });
    if (ran.length > 0) logger?.info({ migrations: ran.map((m) => m.name) }, 'database migrated');
  }
  return new Database(ds, database.kind);
}
