import type { Logger } from 'pino';
import type { JobTrigger } from '../../../entities';
import type { Clock } from '../../lib/clock';
import type { JobRepository } from '../../repositories/job.repository';
import type { Job } from './job';

export interface JobOutcome {
  job: string;
  tick: Date;
  /** The JobRun row, or null when not even the start could be recorded (the database is down). */
  runId: number | null;
  processed: number | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date;
}

/**
 * Runs one job once for one tick and records it (JobRun: started, finished, items processed, error). It never
 * throws: a failing job is logged and recorded, and the next tick tries again, so nothing escapes into node-cron's
 * timer callback. The clock is the container's, so tests run jobs at any moment they set.
 */
export class JobRunner<S = unknown> {
  constructor(
    private readonly services: S,
    private readonly runs: JobRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly instance: string,
  ) {}

  async run(job: Job<S>, tick: Date, trigger: JobTrigger = 'schedule'): Promise<JobOutcome> {
    const startedAt = this.clock.now();
    let runId: number | null = null;
    let processed: number | null = null;
    let error: string | null = null;
    try {
      runId = (await this.runs.startRun({ job: job.name, tick, instance: this.instance, triggeredBy: trigger, startedAt })).id;
      processed = await job.run(this.services, tick);
    } catch (err) {
      error = (err instanceof Error ? err.message : String(err)).slice(0, 1000) || 'error';
      this.logger.error({ err, job: job.name, tick: tick.toISOString() }, 'scheduled job failed');
    }
    const finishedAt = this.clock.now();
    if (runId !== null) {
      try {
        await this.runs.finishRun(runId, { finishedAt, processed, error });
      } catch (err) {
        this.logger.error({ err, job: job.name, runId }, 'could not record the end of a job run');
      }
    }
    // Most minutes find nothing to do: only runs that did something are worth a line at info.
    if (error === null)
      (processed ? this.logger.info.bind(this.logger) : this.logger.debug.bind(this.logger))({ job: job.name, tick: tick.toISOString(), processed }, 'job ran');
    return { job: job.name, tick, runId, processed, error, startedAt, finishedAt };
  }
}
