import type { Job } from '../server/services/scheduler/job';
import type { DayEndService } from '../server/services/booking/day-end.service';

/**
 * 日终 at 21:30 Shanghai, after the last dinner slot has ended: no-shows marked, bookings never confirmed refunded,
 * tomorrow's counts to every centre.
 * Again at 22:30 and 23:30: each run sends only what an earlier one did not, so an instance dying mid-run at
 * 21:30 costs an hour, not the next morning's kitchen numbers.
 */
export const dayEnd: Job<{ dayEnd: Pick<DayEndService, 'closeDay'> }> = {
  name: 'day-end',
  schedule: '30 21-23 * * *',
  timezone: 'Asia/Shanghai',
  description:
    "mark the day's no-shows, refund bookings the centre never confirmed, and send each centre tomorrow's counts per slot (21:30, retried 22:30 and 23:30)",
  run: async (s, tick) => {
    const r = await s.dayEnd.closeDay(tick);
    return r.noShows + r.unconfirmed + r.digests;
  },
};
