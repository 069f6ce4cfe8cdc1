import type { Job } from '../server/services/scheduler/job';
import type { BroadcastService } from '../server/services/notices/broadcast.service';

/** Policy notices whose time has come fan out to their audience, and pushes go out at the configured rate. */
export const noticeBroadcast: Job<{ broadcasts: Pick<BroadcastService, 'run'> }> = {
  name: 'notice-broadcast',
  schedule: '* * * * *',
  timezone: 'Asia/Shanghai',
  description: 'fan out due policy notices and send their pushes (every minute; a big one spans ticks)',
  run: (s) => s.broadcasts.run(),
};
