import { randomBytes } from 'node:crypto';
import { Booking, CounterPayment, Payment, Refund } from '../../entities';
import type { Harness } from './harness';
import { gcmEncrypt, rsaSign } from './wxpay';

/** A notification signed with WeChat Pay's (the sandbox's) platform key, written out by hand as WeChat Pay would. */
export async function postNotification(h: Harness, path: string, eventType: string, originalType: string, resource: Record<string, unknown>) {
  const creds = h.sandbox.creds.pay;
  const nonce = randomBytes(6).toString('hex');
  const body = JSON.stringify({
    id: `EV-${randomBytes(8).toString('hex')}`,
    create_time: '2026-12-01T08:30:00+08:00',
    resource_type: 'encrypt-resource',
    event_type: eventType,
    summary: '支付成功',
    resource: {
      original_type: originalType,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: gcmEncrypt(creds.apiV3Key, nonce, originalType, JSON.stringify(resource)),
      associated_data: originalType,
      nonce,
    },
  });
  const timestamp = String(Math.floor(h.clock.now().getTime() / 1000));
  const headerNonce = randomBytes(16).toString('hex');
  return h.http
    .post(path)
    .set('content-type', 'application/json')
    .set('Wechatpay-Serial', creds.platformPublicKeyId)
    .set('Wechatpay-Timestamp', timestamp)
    .set('Wechatpay-Nonce', headerNonce)
    .set('Wechatpay-Signature', rsaSign(creds.platformPrivateKeyPem, `${timestamp}\n${headerNonce}\n${body}\n`))
    .send(body);
}

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
