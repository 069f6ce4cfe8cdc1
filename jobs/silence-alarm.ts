import type { Job } from '../server/services/scheduler/job';
import type { CareCheckService } from '../server/services/care/care-check.service';

/** A senior living alone not heard from for days raises a 关爱 check for their centre (CareCheckService.raiseSilent). */
export const silenceAlarm: Job<{ careChecks: Pick<CareCheckService, 'raiseSilent'> }> = {
  name: 'silence-alarm',
  schedule: '30 8 * * *',
  timezone: 'Asia/Shanghai',
  description: 'raise a 关爱 check for seniors living alone not heard from for days (08:30 daily)',
  run: (s) => s.careChecks.raiseSilent(),
};
