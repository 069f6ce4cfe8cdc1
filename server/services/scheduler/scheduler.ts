import { createTask, type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { TickCoordinator } from './job-coordinator';
import type { JobRunner } from './job-runner';
import type { Job } from './job';

/**
 * The gateway to node-cron (nothing else imports it). Each job becomes a distributed node-cron task: at every
 * tick node-cron asks the coordinator whether this instance runs it, and the winner hands the tick to the
 * JobRunner. Started from server/main.ts only; stop() waits for runs in progress so shutdown does not cut a
 * sweep short when it can help it.
 */
export class Scheduler<S = unknown> {
  private readonly tasks: ScheduledTask[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly opts: {
      jobs: readonly Job<S>[];
      coordinator: TickCoordinator;
      runner: JobRunner<S>;
      logger: Logger;
    },
  ) {}

  get jobNames(): string[] {
    return this.opts.jobs.map((j) => j.name);
  }

  /** When a registered job is next due (null before start, or for a job not registered here). */
  nextRun(name: string): Date | null {
    const i = this.opts.jobs.findIndex((j) => j.name === name);
    return i >= 0 && this.tasks[i] ? this.tasks[i].getNextRun() : null;
  }

  start(): void {
    if (this.tasks.length > 0) return;
    const cronLogger = nodeCronLogger(this.opts.logger);
    for (const job of this.opts.jobs) {
      const task = createTask(
        job.schedule,
        (ctx) => {
          // ctx.date is the slot node-cron matched (the key's slotISO), not the moment the timer fired.
          const run = this.opts.runner.run(job, ctx.date, 'schedule');
          this.inFlight.add(run);
          return run.finally(() => this.inFlight.delete(run));
        },
        {
          name: job.name,
          timezone: job.timezone,
          distributed: true,
          runCoordinator: this.opts.coordinator,
          // A sweep slower than its interval is not started again on top of itself on this instance.
          noOverlap: true,
          logger: cronLogger,
        },
      );
      this.tasks.push(task);
    }
    for (const task of this.tasks) void task.start();
    this.opts.logger.info({ jobs: this.jobNames }, 'scheduler started');
  }

  async stop(): Promise<void> {
    for (const task of this.tasks.splice(0)) await task.destroy();
    await Promise.allSettled([...this.inFlight]);
  }
}

/** node-cron's own messages (missed ticks, coordinator failures) go to our log. */
function nodeCronLogger(logger: Logger): CronLogger {
  const child = logger.child({ component: 'node-cron' });
  return {
    info: (m) => child.info(m),
    warn: (m) => child.warn(m),
    error: (m, err) => (m instanceof Error ? child.error({ err: m }, m.message) : child.error({ err }, m)),
    debug: (m, err) => (m instanceof Error ? child.debug({ err: m }, m.message) : child.debug({ err }, m)),
  };
}
