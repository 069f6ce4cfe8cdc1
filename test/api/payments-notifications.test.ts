import { randomBytes } from 'node:crypto';
import { PayNotification } from '../../entities';
import type { NotifyOptions } from '../../server/sandbox/wxpay.sandbox';
import { describeEachDb } from '../helpers/harness';
import { postNotification, usePayments } from '../helpers/payments';

// WeChat Pay's notifications at /pay/notify, on SQLite and MariaDB: redelivered, forged, mismatching, malformed.
// Each is handled once or refused, and whatever needs a person shows up in staff's problem list.

describeEachDb('co-payments: WeChat Pay notifications', (h) => {
  const { who, wxpay, book, prepay, sandboxPays, booking, ledger, order, notificationsFor, problems } = usePayments(h);

  test('the same notification ten times at once, and again after the refund: one transition, one refund, ledger right', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    const { notificationId } = await sandboxPays(no);
    const paid = (await ledger(b.id)).payments.map((p: { status: string; paidAt: string }) => [p.status, p.paidAt]);
    expect(paid).toEqual([['paid', expect.any(String)]]);

    for (let i = 0; i < 10; i++) wxpay().redeliver(notificationId!);
    await wxpay().settled();
    const deliveries = notificationsFor(no).filter((a) => a.eventType === 'TRANSACTION.SUCCESS');
    expect(deliveries).toHaveLength(11);
    expect(deliveries.every((a) => a.status === 204)).toBe(true);
    expect(await h().db.manager.countBy(PayNotification, { notificationId: notificationId! })).toBe(1); // recorded once
    expect(await booking(b.id)).toMatchObject({ status: 'pending_confirmation' });
    expect((await ledger(b.id)).payments.map((p: { status: string; paidAt: string }) => [p.status, p.paidAt])).toEqual(paid);

    const cancelled = await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', who.daughter).send({ reason: '妈妈住院了' });
    expect(cancelled.status).toBe(200);
    await wxpay().settled();
    expect(
      notificationsFor(no)
        .filter((a) => a.eventType === 'REFUND.SUCCESS')
        .map((a) => a.status),
    ).toEqual([204]);
    // WeChat Pay's payment notification arriving once more, after the refund: nothing rolls back.
    wxpay().redeliver(notificationId!);
    await wxpay().settled();
    expect(await booking(b.id)).toMatchObject({ status: 'cancelled' });
    const l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 1200, refundedFen: 1200, refundingFen: 0 });
    expect(l.refunds).toHaveLength(1);
    expect(l.refunds[0]).toMatchObject({ status: 'success', statusLabel: '已退回', reason: '预约已取消，退回自付金额' });
    expect(order(no)).toMatchObject({ refundedFen: 1200 });
  });

  test.each<[string, NotifyOptions, number]>([
    ['a forged body', { tamperBody: true }, 401],
    ['a stale timestamp', { staleTimestamp: true }, 401],
    ['a SIGNTEST probe', { signtest: true }, 401],
    ['a tampered ciphertext', { tamperTag: true }, 401],
    ['an unknown key id', { wrongSerial: true }, 401],
  ])('%s is refused with {"code":"FAIL"} and confirms nothing', async (_what, opts, status) => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no, opts);
    // WeChat Pay kept trying: the first delivery and each of the harness's retries, every one refused.
    expect(notificationsFor(no).map((a) => [a.status, a.accepted])).toEqual([
      [status, false],
      [status, false],
      [status, false],
    ]);
    expect(await booking(b.id)).toMatchObject({ status: 'pending_payment' });
    expect(await h().db.manager.countBy(PayNotification, { outTradeNo: no })).toBe(0);
    expect((await ledger(b.id)).payments).toEqual([expect.objectContaining({ outTradeNo: no, status: 'created', flagged: false })]);
  });

  test('a wrong amount or merchant is flagged for staff and never confirms; an unknown order is flagged for admins', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no, { amountFen: 1 });
    expect(notificationsFor(no).map((a) => a.status)).toEqual([204]); // handled: retrying would not change it
    expect(await booking(b.id)).toMatchObject({ status: 'pending_payment' });
    const [payment] = (await ledger(b.id)).payments;
    expect(payment).toMatchObject({ outTradeNo: no, status: 'created', flagged: true });
    expect(payment.flagReason).toContain('金额 1 分，订单 1200 分');

    expect((await problems(who.jiaxinStaff)).payments.map((p: { outTradeNo: string }) => p.outTradeNo)).toContain(no);
    expect((await problems(who.dongyuanStaff)).payments.map((p: { outTradeNo: string }) => p.outTradeNo)).not.toContain(no);
    expect((await h().http.get('/api/v1/payments/problems').set('authorization', who.daughter)).status).toBe(403);

    // A validly signed notification for an order Mulin never placed.
    const ghost = `MP20261201${randomBytes(8).toString('hex')}`.slice(0, 26);
    const res = await postNotification(h(), '/pay/notify', 'TRANSACTION.SUCCESS', 'transaction', {
      mchid: h().wechat.pay.mchId,
      appid: h().wechat.mini.appId,
      out_trade_no: ghost,
      transaction_id: '4200000000202612010000000001',
      trade_state: 'SUCCESS',
      amount: { total: 500, payer_total: 500, currency: 'CNY' },
    });
    expect(res.status).toBe(204);
    expect((await problems(who.admin)).notifications).toEqual(
      expect.arrayContaining([expect.objectContaining({ outTradeNo: ghost, outcome: 'unknown_order' })]),
    );
  });

  test('bad requests to /pay/notify: unsigned, too large — each a clear FAIL, nothing written', async () => {
    const before = await h().db.manager.count(PayNotification);
    const notJson = await h().http.post('/pay/notify').set('content-type', 'application/json').send('{"id":');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ code: 'FAIL' });
    const big = await h()
      .http.post('/pay/notify')
      .set('content-type', 'application/json')
      .send(`{"x":"${'a'.repeat(70_000)}"}`);
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'FAIL' });
    expect(await h().db.manager.count(PayNotification)).toBe(before);
  });
});
