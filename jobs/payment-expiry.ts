import type { Job } from '../server/services/scheduler/job';
import type { PaymentService } from '../server/services/payment/payment.service';

/** Unpaid bookings past their 15 minutes expire, their WeChat Pay orders are closed and the seats go back. */
export const paymentExpiry: Job<{ payments: Pick<PaymentService, 'expireUnpaid'> }> = {
  name: 'payment-expiry',
  schedule: '* * * * *',
  timezone: 'Asia/Shanghai',
  description: 'expire bookings unpaid after 15 minutes and close their orders (every minute)',
  run: async (s) => {
    const r = await s.payments.expireUnpaid();
    return r.expired + r.paid;
  },
};
