import type { Logger } from 'pino';
import type { Config } from '../config';
import { createDataSource } from './data-source';
import { Database } from './database';

export interface OpenOptions {
  /** Pooled connections (MariaDB), default 20. */
  poolSize?: number;
  /** See DatabaseOptions: the tests fail any read or write that reaches outside a running transaction. */
  strictTransactions?: boolean;
}

/** Connects, and on MariaDB/MySQL brings the schema up to date with the committed migrations. */
export async function openDatabase(database: Config['database'], logger?: Logger, options: OpenOptions = {}): Promise<Database> {
  const ds = createDataSource(database, options.poolSize);
  await ds.initialize();
  if (database.kind === 'mariadb') {
    const ran = await ds.runMigrations({ transaction: 'each' });
    if (ran.length > 0) logger?.info({ migrations: ran.map((m) => m.name) }, 'database migrated');
  }
  return new Database(ds, database.kind, { strictTransactions: options.strictTransactions });
}
