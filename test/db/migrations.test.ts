import { ENTITIES } from '../../entities';
import { mysqlAvailable } from '../helpers/mysql-env';
import { startHarness, type Harness } from '../helpers/harness';

(mysqlAvailable() ? describe : describe.skip)('MariaDB migrations', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('mariadb', { seed: false });
  });
  afterAll(async () => h?.close());

  test('after the committed migrations, the entities need no further schema change', async () => {
    const pending = await h.db.ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  test('every entity has its table', async () => {
    const tables: Array<{ t: string }> = await h.db.ds.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
    const names = new Set(tables.map((r) => r.t));
    for (const e of ENTITIES) expect(names).toContain(h.db.ds.getMetadata(e).tableName);
  });
});
