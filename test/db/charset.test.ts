import fs from 'node:fs';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Senior } from '../../entities';
import { openDatabase } from '../../server/db/open';
import { seedDemo } from '../../server/db/seed/demo';
import { Utf8mb4Tables1796485894483 } from '../../server/db/migrations/1796485894483-Utf8mb4Tables';
import { FakeClock } from '../../server/lib/clock';
import { mysqlAvailable, TEST_MYSQL_URL } from '../helpers/mysql-env';
import { T0 } from '../helpers/harness';

// Issue 20: on a MariaDB whose default character set is latin1 the migrations made latin1 tables and the demo seed
// failed on its first Chinese name. Every table is created utf8mb4 explicitly, and older ones are converted.

const MIGRATIONS_DIR = path.resolve(__dirname, '../../server/db/migrations');

test('every CREATE TABLE in the migrations names utf8mb4 (a new migration without it fails here)', () => {
  const missing: string[] = [];
  for (const file of fs.readdirSync(MIGRATIONS_DIR).filter((f) => /^\d+-.*\.ts$/.test(f))) {
    const text = fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
    // Each statement runs to the template literal's closing backtick (the quoted names inside are escaped \`).
    for (const m of text.matchAll(/CREATE TABLE(?:[^`\\]|\\.)*`/g)) {
      if (!/DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci/.test(m[0])) missing.push(`${file}: ${m[0].slice(0, 60)}…`);
    }
  }
  expect(missing).toEqual([]);
});

(mysqlAvailable() ? describe : describe.skip)('on a latin1 MariaDB database', () => {
  const name = `mulin_test_p${process.pid}_latin1`;
  beforeAll(async () => {
    const conn = await createConnection({ uri: TEST_MYSQL_URL });
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`);
    await conn.end();
  });
  afterAll(async () => {
    const conn = await createConnection({ uri: TEST_MYSQL_URL });
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await conn.end();
  });

  test('the migrations make utf8mb4 tables, the demo district seeds, and a table left latin1 is converted', async () => {
    const db = await openDatabase({ kind: 'mariadb', url: `${TEST_MYSQL_URL}/${name}` });
    try {
      await seedDemo(db, new FakeClock(T0), { consolePassword: 'latin1-test-password' });
      expect((await db.manager.findOneByOrFail(Senior, { name: '张桂英' })).name).toBe('张桂英');
      const collations = async () =>
        (await db.manager.query(
          `SELECT TABLE_NAME AS t, TABLE_COLLATION AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations'`,
        )) as Array<{ t: string; c: string }>;
      expect((await collations()).filter((r) => r.c !== 'utf8mb4_unicode_ci')).toEqual([]);

      // A table made before the fix: latin1 (and empty, so it converts); the migration brings it to utf8mb4.
      await db.manager.query('CREATE TABLE `old_latin1` (`id` int PRIMARY KEY, `name` varchar(10)) ENGINE=InnoDB DEFAULT CHARSET=latin1');
      const runner = db.ds.createQueryRunner();
      try {
        await new Utf8mb4Tables1796485894483().up(runner);
      } finally {
        await runner.release();
      }
      expect((await collations()).find((r) => r.t === 'old_latin1')?.c).toBe('utf8mb4_unicode_ci');
    } finally {
      await db.close();
    }
  });
});
