import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { generateSandboxCredentials } from '../../server/wechat-settings';
import { TEST_MYSQL_URL } from './mysql-env';

/**
 * Finds out once whether MariaDB answers. In CI (CI=true) or with MULIN_REQUIRE_MYSQL=1 it must: the MariaDB
 * suites are the production database's tests and may not be skipped there. Locally they are skipped loudly.
 */
export default async function globalSetup(): Promise<void> {
  // One set of sandbox credentials for the whole run, handed to the workers in their environment (never written
  // to disk): two RSA-2048 key pairs take half a second, and every harness file would otherwise make its own.
  process.env.MULIN_TEST_SANDBOX_CREDS = JSON.stringify(generateSandboxCredentials());
  // The console's browser tests run in parallel workers, and each makes sure console/dist is built: on a fresh clone
  // two of them would build it into the same folder at once. Built here, once, before any worker starts.
  if (fs.existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    execFileSync(process.execPath, [path.resolve(__dirname, '../../console/build-if-stale.mjs')], { stdio: 'inherit' });
  }
  const required = process.env.CI === 'true' || process.env.MULIN_REQUIRE_MYSQL === '1';
  try {
    const conn = await createConnection({ uri: TEST_MYSQL_URL, connectTimeout: 3000 });
    await conn.query('SELECT 1');
    await conn.end();
    process.env.MULIN_TEST_MYSQL_AVAILABLE = '1';
  } catch (err) {
    if (required) {
      throw new Error(`MariaDB is required for this run but ${TEST_MYSQL_URL} did not answer: ${(err as Error).message}`, { cause: err });
    }
    process.env.MULIN_TEST_MYSQL_AVAILABLE = '0';
    console.warn(`\n!! MariaDB at ${TEST_MYSQL_URL} did not answer: the MariaDB suites are SKIPPED (set MULIN_TEST_MYSQL_URL or start it).\n`);
  }
}
