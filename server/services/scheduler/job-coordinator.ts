import type { Database } from '../../db/database';
import type { Clock } from '../../lib/clock';
import type { JobRepository } from '../../repositories/job.repository';

/** The shape of node-cron 4's RunCoordinator (kept here so that only the Scheduler imports node-cron). */
export interface TickCoordinator {
  shouldRun(key: string, ttlMs: number): Promise<boolean>;
}

/**
 * node-cron's distributed coordinator on the database. Every instance asks at the same tick with the same key
 * (`name:slotISO`); the first to INSERT it runs the tick and the others hit the primary key. A row is never
 * released after the run (node-cron's onComplete): an instance whose timer fires a little late must still find
 * the tick taken. So ttlMs plays no part; old rows are purged by the job-tick-purge job instead. An error other
 * than a duplicate is thrown, and node-cron then skips the tick on this instance (fail closed): better a minute
 * without expiry sweeps than two instances sending the same messages.
 */
export class JobCoordinator implements TickCoordinator {
  constructor(
    private readonly db: Database,
    private readonly repo: JobRepository,
    private readonly clock: Clock,
    readonly instance: string,
  ) {}

  async shouldRun(key: string, _ttlMs: number): Promise<boolean> {
    try {
      await this.repo.insertTick({ runKey: key, instance: this.instance, createdAt: this.clock.now() });
      return true;
    } catch (err) {
      if (this.db.isDuplicateKey(err)) return false;
      throw err;
    }
  }
}
