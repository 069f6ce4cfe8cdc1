import type { Job } from '../server/services/scheduler/job';

/** Policy notices whose time has come fan out to their audience, and pushes go out at the configured rate. */
export const noticeBroadcast: Job = {
  name: 'notice-broadcast',
  schedule: '* * * * *',
  timezone: 'Asia/Shanghai',
  description: 'fan out due policy notices and send their pushes (every minute; a big one spans ticks)',
  run: (s) => s.broadcasts.run(),
};
