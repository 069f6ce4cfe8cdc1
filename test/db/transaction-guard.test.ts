import { Account } from '../../entities';
import { openDatabase } from '../../server/db/open';
import type { Database } from '../../server/db/database';
import { OutsideTransactionError } from '../../server/db/database';

// The test-time guard behind the lock-stall fix (issue 20): inside a running transaction, the global manager and a
// second transaction are refused, because each would take another pooled connection while this one holds its locks.

describe('strict transactions', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ kind: 'sqlite', file: ':memory:' }, undefined, { strictTransactions: true });
  });
  afterAll(() => db.ds.destroy());

  test('db.manager inside a transaction callback throws; the Tx itself works', async () => {
    await expect(db.transaction(() => db.manager.count(Account))).rejects.toBeInstanceOf(OutsideTransactionError);
    await expect(db.transaction((em) => em.count(Account))).resolves.toBe(0);
  });

  test('so does a transaction opened inside another, and a read deeper in the same async chain', async () => {
    await expect(db.transaction(() => db.transaction((em) => em.count(Account)))).rejects.toBeInstanceOf(OutsideTransactionError);
    const deeper = async () => {
      await Promise.resolve();
      return db.manager.findOneBy(Account, { id: 1 });
    };
    await expect(db.transaction(async (em) => (await em.count(Account)) + Number(await deeper()))).rejects.toThrow(/inside a running db.transaction/);
  });

  test('outside, and after a transaction has ended, the manager is free to use', async () => {
    expect(await db.manager.count(Account)).toBe(0);
    let later: Promise<number> | undefined;
    await db.transaction(async () => {
      // Started inside but run after the commit: no longer inside, not refused.
      later = new Promise((resolve) => setImmediate(resolve)).then(() => db.manager.count(Account));
    });
    await expect(later).resolves.toBe(0);
  });

  test('without the option nothing is checked (production)', async () => {
    const loose = await openDatabase({ kind: 'sqlite', file: ':memory:' });
    try {
      await expect(loose.transaction(() => loose.manager.count(Account))).resolves.toBe(0);
    } finally {
      await loose.ds.destroy();
    }
  });
});
