import { LessThan } from 'typeorm';
import { JobRun, JobTick } from '../../entities';
import type { Database } from '../db/database';

/** The scheduler's rows: ticks claimed by an instance (coordination) and the record of every run. */
export class JobRepository {
  constructor(private readonly db: Database) {}

  /** Claims a tick. Throws the database's duplicate-key error when another instance has it (see Database.isDuplicateKey). */
  async insertTick(tick: JobTick): Promise<void> {
    await this.db.manager.createQueryBuilder().insert().into(JobTick).values(tick).execute();
  }

  async purgeTicksBefore(before: Date): Promise<number> {
    return (await this.db.manager.delete(JobTick, { createdAt: LessThan(before) })).affected ?? 0;
  }

  async purgeRunsBefore(before: Date): Promise<number> {
    return (await this.db.manager.delete(JobRun, { startedAt: LessThan(before) })).affected ?? 0;
  }

  async startRun(run: Omit<JobRun, 'id' | 'finishedAt' | 'processed' | 'error'>): Promise<JobRun> {
    const row = { ...run, finishedAt: null, processed: null, error: null };
    const r = await this.db.manager.createQueryBuilder().insert().into(JobRun).values(row).execute();
    return { id: Number(r.identifiers[0].id), ...row };
  }

  async finishRun(id: number, end: Pick<JobRun, 'finishedAt' | 'processed' | 'error'>): Promise<void> {
    await this.db.manager.update(JobRun, { id }, end);
  }

  /** Newest first. */
  recentRuns(filter: { job?: string; limit: number }): Promise<JobRun[]> {
    return this.db.manager.find(JobRun, {
      where: filter.job ? { job: filter.job } : {},
      order: { startedAt: 'DESC', id: 'DESC' },
      take: filter.limit,
    });
  }
}
