import 'reflect-metadata';
import fs from 'node:fs';
import { applyDotEnv, loadConfig } from './server/config';
import { createDataSource } from './server/db/data-source';

// The DataSource the TypeORM CLI uses (migration:generate / migration:run). Migrations are for MariaDB/MySQL,
// so DATABASE_URL must be set; the embedded SQLite database follows the entities by itself.
if (fs.existsSync('.env')) applyDotEnv(fs.readFileSync('.env', 'utf8'), process.env);
const config = loadConfig();
if (config.database.kind !== 'mariadb') {
  throw new Error('ormconfig.ts: set DATABASE_URL=mysql://… (migrations are for MariaDB/MySQL)');
}
export default createDataSource(config.database);
