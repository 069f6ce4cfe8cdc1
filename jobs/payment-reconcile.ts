import type { Job } from '../server/services/scheduler/job';
import type { PaymentService } from '../server/services/payment/payment.service';

/** Orders and refunds that went quiet are asked about and settled from WeChat Pay's answer. */
export const paymentReconcile: Job<{ payments: Pick<PaymentService, 'reconcile'> }> = {
  name: 'payment-reconcile',
  schedule: '*/10 * * * *',
  timezone: 'Asia/Shanghai',
  description: 'reconcile stuck payments and refunds with WeChat Pay (every 10 minutes)',
  run: async (s) => {
    const r = await s.payments.reconcile();
    return r.payments + r.refundsSent + r.refundsQueried;
  },
};
