import { Writable } from 'node:stream';
import { Account } from '../../entities';
import { createLogger } from '../../server/logger';
import { describeEachDb } from '../helpers/harness';

// Issue 20: error logs carried SQL parameters (phones, names, tokens) whole. A failed query is logged with its
// statement's placeholders and the driver's codes; its values are not.

describeEachDb(
  'what an error log keeps of a failed query',
  (h) => {
    test('a duplicate username with a phone: the log names the statement and the code, never the values', async () => {
      const lines: string[] = [];
      const logger = createLogger(
        'error',
        new Writable({
          write(chunk, _enc, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      );
      const row = { username: 'dup-13912345678', displayName: '秘密的名字', roles: ['staff' as const], phone: '13912345678', active: true };
      const now = new Date();
      await h().db.manager.insert(Account, { ...row, createdAt: now, updatedAt: now });
      const err = await h()
        .db.manager.insert(Account, { ...row, createdAt: now, updatedAt: now })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      logger.error({ err, path: '/api/v1/x' }, 'unhandled error');
      const logged = lines.join('');
      expect(logged).toContain('INSERT INTO');
      expect(logged).toMatch(/ER_DUP_ENTRY|SQLITE_CONSTRAINT/);
      expect(logged).toContain('redacted');
      for (const secret of ['13912345678', '秘密的名字']) expect(logged).not.toContain(secret);
    });
  },
  { seed: false },
);
