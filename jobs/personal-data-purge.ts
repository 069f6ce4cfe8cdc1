import type { Job } from '../server/services/scheduler/job';
import type { PersonalDataRetention } from '../server/services/privacy/retention.service';

/** Personal data past its retention period is deleted (PersonalDataRetention.purge; periods in docs/operations.md). */
export const personalDataPurge: Job<{ retention: Pick<PersonalDataRetention, 'purge'> }> = {
  name: 'personal-data-purge',
  schedule: '37 4 * * *',
  timezone: 'Asia/Shanghai',
  description: 'delete the conversation log, ended sessions, spent codes and audit entries past their retention (daily, 04:37)',
  run: async (s) => Object.values(await s.retention.purge()).reduce((a, b) => a + b, 0),
};
