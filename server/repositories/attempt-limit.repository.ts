import { AttemptLimit } from '../../entities';
import type { Database, Tx } from '../db/database';

export type AttemptState = Pick<AttemptLimit, 'failures' | 'windowStartedAt' | 'blockedUntil'>;

/** The counters of AttemptLimiter: read, written only by compare-and-set on `version`, purged once stale. */
export class AttemptLimitRepository {
  constructor(private readonly db: Database) {}

  find(em: Tx, subject: string): Promise<AttemptLimit | null> {
    return em.findOneBy(AttemptLimit, { subject });
  }

  /** The first count for a subject; false when another try created it meanwhile. */
  async create(em: Tx, row: Omit<AttemptLimit, 'version'>): Promise<boolean> {
    try {
      await em.insert(AttemptLimit, { ...row, version: 1 });
      return true;
    } catch (err) {
      if (this.db.isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Writes `next` if the row is still at `version`; false when another try changed it first. */
  async compareAndSet(em: Tx, subject: string, version: number, next: AttemptState, now: Date): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(AttemptLimit)
      .set({ ...next, version: version + 1, updatedAt: now })
      .where('subject = :subject AND version = :version', { subject, version })
      .execute();
    return r.affected === 1;
  }

  async remove(em: Tx, subject: string): Promise<void> {
    await em.delete(AttemptLimit, { subject });
  }

  /** Counters untouched since `before` whose block has run out: they no longer change any answer. */
  async purgeStale(before: Date, now: Date): Promise<number> {
    const r = await this.db.manager
      .createQueryBuilder()
      .delete()
      .from(AttemptLimit)
      .where('updatedAt < :before AND (blockedUntil IS NULL OR blockedUntil < :now)', { before, now })
      .execute();
    return r.affected ?? 0;
  }
}
