import { Booking, CounterPayment, Payment, Refund } from '../../entities';
import type { Harness } from './harness';
import { postNotification } from './payments';

export { postNotification };

/**
 * WeChat Pay's TRANSACTION.SUCCESS for an order the sandbox holds as paid (paid `silent`ly, so that the test decides
 * when the notification lands), built from the sandbox's own record of the order.
 */
export function notifyPaid(h: Harness, outTradeNo: string) {
  const o = h.sandbox.wxpay.listOrders().find((x) => x.outTradeNo === outTradeNo);
  if (!o || !o.transactionId) throw new Error(`order ${outTradeNo} is not paid at the sandbox`);
  return postNotification(h, '/pay/notify', 'TRANSACTION.SUCCESS', 'transaction', {
    appid: o.appId,
    mchid: h.sandbox.creds.pay.mchId,
    out_trade_no: o.outTradeNo,
    transaction_id: o.transactionId,
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    success_time: '2026-12-01T08:31:00+08:00',
    payer: { openid: o.payerOpenid },
    amount: { total: o.amountFen, payer_total: o.amountFen, currency: 'CNY', payer_currency: 'CNY' },
  });
}

/**
 * A booking's money straight from the tables, the way an accountant adds it up: what came in (WeChat Pay, the
 * counter) less what went back (refunded through WeChat Pay, paid back by hand), and what is still on its way.
 */
export async function moneyOf(h: Harness, bookingId: number) {
  const em = h.db.manager;
  const [b, payments, refunds, counter] = await Promise.all([
    em.findOneByOrFail(Booking, { id: bookingId }),
    em.findBy(Payment, { bookingId }),
    em.find(Refund, { where: { bookingId }, order: { id: 'ASC' } }),
    em.findOneBy(CounterPayment, { bookingId }),
  ]);
  const sum = (rows: Array<{ amountFen: number }>) => rows.reduce((t, r) => t + r.amountFen, 0);
  const paid = sum(payments.filter((p) => p.status === 'paid'));
  const counterFen = counter?.amountFen ?? 0;
  const refunded = sum(refunds.filter((r) => r.status === 'success'));
  const offline = sum(refunds.filter((r) => r.resolution === 'offline'));
  const onTheWay = sum(
    refunds.filter((r) => ['pending', 'processing', 'failed'].includes(r.status) || (r.status === 'abnormal' && r.resolution !== 'offline')),
  );
  const kept = ['pending_confirmation', 'confirmed', 'served', 'rated', 'no_show'].includes(b.status);
  const served = b.status === 'served' || b.status === 'rated';
  const due = kept && !(b.payAtCounter && !served) ? b.copayFen : 0;
  return {
    booking: b,
    payments,
    refunds,
    counter,
    paid,
    counterFen,
    refunded,
    offline,
    onTheWay,
    held: paid + counterFen - refunded - offline - onTheWay,
    due,
  };
}
