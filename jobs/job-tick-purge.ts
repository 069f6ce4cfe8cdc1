import type { Job } from '../server/services/scheduler/job';
import type { JobRunService } from '../server/services/scheduler/job-run.service';

/** Coordinator rows older than a week and run records older than a month are deleted (JobRunService.purgeOld). */
export const jobTickPurge: Job<{ jobRuns: Pick<JobRunService, 'purgeOld'> }> = {
  name: 'job-tick-purge',
  schedule: '17 4 * * *',
  timezone: 'Asia/Shanghai',
  description: 'purge old coordinator rows and run records (daily, 04:17)',
  run: (s) => s.jobRuns.purgeOld(),
};
