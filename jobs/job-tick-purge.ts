import type { Job } from '../server/services/scheduler/job';

/** Coordinator rows older than a week and run records older than a month are deleted (JobRunService.purgeOld). */
export const jobTickPurge: Job = {
  name: 'job-tick-purge',
  schedule: '17 4 * * *',
  timezone: 'Asia/Shanghai',
  description: 'purge old coordinator rows and run records (daily, 04:17)',
  run: (s) => s.jobRuns.purgeOld(),
};
