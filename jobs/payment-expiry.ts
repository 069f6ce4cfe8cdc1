import type { Job } from '../server/services/scheduler/job';

/** Unpaid bookings past their 15 minutes expire, their WeChat Pay orders are closed and the seats go back. */
export const paymentExpiry: Job = {
  name: 'payment-expiry',
  schedule: '* * * * *',
  timezone: 'Asia/Shanghai',
  description: 'expire bookings unpaid after 15 minutes and close their orders (every minute)',
  run: async (s) => {
    const r = await s.payments.expireUnpaid();
    return r.expired + r.paid;
  },
};
