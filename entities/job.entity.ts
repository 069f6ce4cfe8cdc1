import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/**
 * One scheduled tick, claimed. node-cron asks every instance's coordinator `shouldRun('name:slotISO')` at the same
 * moment; the first INSERT of that key wins and the others hit the primary key, so a tick runs on one instance
 * however many are up. Rows only need to outlive the tick (a late instance must still see it taken): they are
 * purged after a week.
 */
@Entity('job_tick')
@Index('idx_job_tick_created', ['createdAt'])
export class JobTick {
  /** node-cron's coordination key: `<job name>:<tick as ISO instant>`. */
  @PrimaryColumn({ type: 'varchar', length: 160 })
  runKey!: string;

  @TextColumn(64)
  instance!: string;

  @InstantColumn()
  createdAt!: Date;
}

export const JOB_TRIGGERS = ['schedule', 'manual'] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

/**
 * One run of a job: written when it starts and completed when it ends, so a run an instance never finished (a
 * crash, a kill) stays visible with no `finishedAt`.
 */
@Entity('job_run')
@Index('idx_job_run_job_started', ['job', 'startedAt'])
@Index('idx_job_run_started', ['startedAt'])
export class JobRun {
  @PrimaryGeneratedColumn()
  id!: number;

  @TextColumn(64)
  job!: string;

  /** The cron slot this run is for (the minute it was due), not when it happened to start. */
  @InstantColumn()
  tick!: Date;

  @TextColumn(64)
  instance!: string;

  /** The scheduler's tick, or `npm run job` by hand. */
  @Column({ type: 'simple-enum', enum: JOB_TRIGGERS })
  triggeredBy!: JobTrigger;

  @InstantColumn()
  startedAt!: Date;

  @InstantColumn({ nullable: true })
  finishedAt!: Date | null;

  /** How many items the job's service method reported handling; null while running or after a failure. */
  @Column({ type: 'int', nullable: true })
  processed!: number | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  error!: string | null;
}
