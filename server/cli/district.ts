import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { configFromEnvironment } from '../bootstrap';
import { buildServices } from '../container';
import { openDatabase } from '../db/open';
import { AppError } from '../errors';
import { systemClock } from '../lib/clock';
import { createLogger } from '../logger';
import { loadOrCreateSandboxCredentials, realSettings, sandboxSettings } from '../wechat-settings';

const USAGE = 'usage: npm run district -- --name <district> --admin <username> [--admin-name <display name>]';

/**
 * `npm run district -- --name 拱墅区 --admin gongshu-admin`: a new district and its first administrator, in an empty
 * (or any) database; prints the administrator's generated password once. Everything else is done through the API
 * (docs/setup-district.md).
 */
async function run(): Promise<number> {
  const { values } = parseArgs({ options: { name: { type: 'string' }, admin: { type: 'string' }, 'admin-name': { type: 'string' } } });
  const name = values.name?.trim();
  const username = values.admin?.trim();
  if (!name || !username) {
    console.error(USAGE);
    return 2;
  }
  const config = configFromEnvironment();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const db = await openDatabase(config.database, logger);
  try {
    // Nothing here talks to WeChat; the settings only complete the services.
    const wechat = config.sandbox
      ? sandboxSettings(loadOrCreateSandboxCredentials(config.dataDir), 'http://127.0.0.1:1/sandbox', 'http://127.0.0.1:1')
      : realSettings(config);
    const services = buildServices({ config, db, clock: systemClock, logger, wechat });
    const r = await services.registry.regions.createDistrict(name, { username, displayName: values['admin-name']?.trim() || `${name} 管理员` });
    console.log(`District ${r.district.name} (region ${r.district.id}, path ${r.district.path}) created.`);
    console.log(`Administrator ${username}: password ${r.password} (shown only this once; sign in with it at POST /api/v1/auth/password-login).`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`${err.code}: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await db.ds.destroy();
  }
}

run().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
