/**
 * A scheduled job (one file each in jobs/): when it is due, and the one service method it triggers. `run` returns
 * how many items it handled, which the run record keeps. The work itself is ordinary, idempotent service code:
 * running a job twice for the same tick, or by hand in between, does nothing twice.
 *
 * `Needs` is the narrow set of services the job calls (for example `{ reminders: Pick<ReminderService, 'sendDue'> }`).
 * The composition root checks that the services it builds cover every job's needs.
 */
export interface Job<Needs = unknown> {
  /** Also the coordination key's prefix across instances, and the name `npm run job -- <name>` takes. */
  name: string;
  /** A cron expression (five fields; a sixth, leading, for seconds) read in `timezone`. */
  schedule: string;
  /** Always explicit: the servers' own zone must not decide when "21:30" is. */
  timezone: 'Asia/Shanghai';
  /** What the job is for, in a line (the CLI lists it). */
  description: string;
  /** A property, not a method, so that TypeScript checks `Needs` contravariantly at the composition root. */
  run: (services: Needs, tick: Date) => Promise<number>;
}
