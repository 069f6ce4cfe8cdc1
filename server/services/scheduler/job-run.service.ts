import type { JobRun } from '../../../entities';
import type { Clock } from '../../lib/clock';
import { DAY } from '../../lib/time';
import type { JobRepository } from '../../repositories/job.repository';
import { hasRole, type Actor } from '../access/actor';
import { AppError } from '../../errors';

/** Coordinator rows only need to outlive their tick; a week leaves room for looking into a bad night. */
export const TICK_RETENTION_MS = 7 * DAY;
/** Run records are for operators checking on the jobs: a month of them. */
export const RUN_RETENTION_MS = 30 * DAY;

export interface JobRunView {
  id: number;
  job: string;
  tick: string;
  instance: string;
  triggeredBy: JobRun['triggeredBy'];
  startedAt: string;
  finishedAt: string | null;
  processed: number | null;
  error: string | null;
}

/** The scheduler's records as people see them (administrators), and their upkeep. */
export class JobRunService {
  constructor(
    private readonly runs: JobRepository,
    private readonly clock: Clock,
  ) {}

  /** Recorded runs, newest first: administrators only (they are operations data, not a centre's). */
  async recent(actor: Actor, filter: { job?: string; limit: number }): Promise<JobRunView[]> {
    if (!hasRole(actor, 'admin')) throw new AppError('FORBIDDEN');
    return (await this.runs.recentRuns(filter)).map(runView);
  }

  /** Daily (jobs/job-tick-purge.ts): old coordinator rows and run records go. Returns how many rows were removed. */
  async purgeOld(): Promise<number> {
    const now = this.clock.now().getTime();
    const ticks = await this.runs.purgeTicksBefore(new Date(now - TICK_RETENTION_MS));
    const runs = await this.runs.purgeRunsBefore(new Date(now - RUN_RETENTION_MS));
    return ticks + runs;
  }
}

function runView(r: JobRun): JobRunView {
  return {
    id: r.id,
    job: r.job,
    tick: r.tick.toISOString(),
    instance: r.instance,
    triggeredBy: r.triggeredBy,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
    processed: r.processed,
    error: r.error,
  };
}
