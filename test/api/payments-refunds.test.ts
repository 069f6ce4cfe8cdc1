import { Refund } from '../../entities';
import { describeEachDb } from '../helpers/harness';
import { MINUTE, postNotification, usePayments } from '../helpers/payments';

// Money going back, on SQLite and MariaDB: a booking rejected, cancelled or made smaller after it was paid; refunds
// WeChat Pay refuses, closes, cannot deliver or never reports on; what staff see and can do about each.

describeEachDb('co-payments: refunds', (h) => {
  const { who, wxpay, book, prepay, sandboxPays, booking, ledger, seats, order, notificationsFor, problems, expectMoneySettled } = usePayments(h);

  test('a centre rejects a paid booking: the money goes back by itself, and a refund WeChat Pay refuses is retried by staff', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no);

    wxpay().setRefundKnobs({ failRefunds: 1 });
    const rejected = await h().http.post(`/api/v1/bookings/${b.id}/reject`).set('authorization', who.jiaxinStaff).send({ reason: '今天厨房检修' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    await wxpay().settled();
    let l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 1200, refundedFen: 0, refundingFen: 1200 });
    expect(l.refunds[0]).toMatchObject({ status: 'failed', needsStaff: true, attempts: 1, reason: '站点未接单，退回自付金额' });
    expect(l.refunds[0].lastError).toContain('NOT_ENOUGH');
    expect((await problems(who.jiaxinStaff)).refunds.map((r: { id: number }) => r.id)).toContain(l.refunds[0].id);

    expect((await h().http.post(`/api/v1/refunds/${l.refunds[0].id}/retry`).set('authorization', who.daughter)).status).toBe(403);
    const retried = await h().http.post(`/api/v1/refunds/${l.refunds[0].id}/retry`).set('authorization', who.jiaxinStaff);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ outRefundNo: l.refunds[0].outRefundNo, attempts: 2 });
    await wxpay().settled();
    l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 1200, refundedFen: 1200, refundingFen: 0 });
    expect(l.refunds).toHaveLength(1);
    await expectMoneySettled(b.id);
    const again = await h().http.post(`/api/v1/refunds/${l.refunds[0].id}/retry`).set('authorization', who.jiaxinStaff);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('REFUND_NOT_RETRYABLE');
  });

  test('a refund WeChat Pay closes stays visible; retrying makes a new refund that succeeds', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no);
    wxpay().setRefundKnobs({ refundOutcome: 'CLOSED' });
    await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', who.daughter).send({}).expect(200);
    await wxpay().settled();
    let l = await ledger(b.id);
    expect(l.refunds).toHaveLength(1);
    expect(l.refunds[0]).toMatchObject({ status: 'closed', needsStaff: true });
    expect(l).toMatchObject({ refundedFen: 0 });

    wxpay().setRefundKnobs({ refundOutcome: 'SUCCESS' });
    const retried = await h().http.post(`/api/v1/refunds/${l.refunds[0].id}/retry`).set('authorization', who.jiaxinStaff).expect(200);
    expect(retried.body.outRefundNo).not.toBe(l.refunds[0].outRefundNo);
    await wxpay().settled();
    l = await ledger(b.id);
    expect(l.refunds.map((r: { status: string; needsStaff: boolean }) => [r.status, r.needsStaff])).toEqual([
      ['closed', false],
      ['success', false],
    ]);
    await expectMoneySettled(b.id);
  });

  test('a refund that cannot reach the payer (ABNORMAL) is shown to staff, who settle it in the merchant platform', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no);
    wxpay().setRefundKnobs({ refundOutcome: 'ABNORMAL' });
    await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', who.daughter).send({}).expect(200);
    await wxpay().settled();
    const l = await ledger(b.id);
    expect(l.refunds[0]).toMatchObject({ status: 'abnormal', statusLabel: '退款异常，请工作人员处理', needsStaff: true });
    expect((await problems(who.jiaxinStaff)).refunds.map((r: { id: number }) => r.id)).toContain(l.refunds[0].id);
    const retry = await h().http.post(`/api/v1/refunds/${l.refunds[0].id}/retry`).set('authorization', who.jiaxinStaff);
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('REFUND_NOT_RETRYABLE');
  });

  test('a refund whose notification never came is settled by asking WeChat Pay once it has been quiet 10 minutes', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no);
    wxpay().setRefundKnobs({ holdRefunds: true }); // WeChat Pay accepts the refund and is still processing it
    await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', who.daughter).send({}).expect(200);
    await wxpay().settled();
    const [refund] = (await ledger(b.id)).refunds;
    expect(refund).toMatchObject({ status: 'processing', statusLabel: '退款中' });
    // It completes at WeChat Pay, and its notification is lost on the way: Mulin is put back to before it came.
    wxpay().setRefundKnobs({ holdRefunds: false });
    const released = wxpay().releaseHeldRefunds();
    expect(released).toHaveLength(1);
    await wxpay().settled();
    expect(
      notificationsFor(no)
        .filter((a) => a.eventType === 'REFUND.SUCCESS')
        .map((a) => a.status),
    ).toEqual([204]);
    await h().db.manager.update(Refund, { id: refund.id }, { status: 'processing', succeededAt: null, rawNotification: null });

    // A validly signed REFUND.SUCCESS naming another merchant settles nothing; it is flagged for the administrator.
    const foreign = await postNotification(h(), '/pay/refund-notify', 'REFUND.SUCCESS', 'refund', {
      mchid: '1900000001',
      out_trade_no: no,
      out_refund_no: refund.outRefundNo,
      refund_id: '50300000000000000000000000001',
      refund_status: 'SUCCESS',
      amount: { total: 1200, refund: 1200, payer_total: 1200, payer_refund: 1200 },
    });
    expect(foreign.status).toBe(204);
    expect((await ledger(b.id)).refunds).toEqual([expect.objectContaining({ id: refund.id, status: 'processing' })]);
    expect((await problems(who.admin)).notifications.filter((n: { outRefundNo: string }) => n.outRefundNo === refund.outRefundNo)).toEqual([
      expect.objectContaining({ eventType: 'REFUND.SUCCESS', outcome: 'mismatch' }),
    ]);

    h().clock.advance(5 * MINUTE);
    expect(await h().services.payments.reconcile()).toMatchObject({ refundsQueried: 0 }); // not stuck yet
    h().clock.advance(6 * MINUTE);
    expect(await h().services.payments.reconcile()).toMatchObject({ refundsQueried: 1 });
    expect((await ledger(b.id)).refunds).toEqual([expect.objectContaining({ id: refund.id, status: 'success' })]);
    await expectMoneySettled(b.id);
  });

  test('two lunches become one: the difference is refunded, the subsidy kept, the seat given back', async () => {
    const b = await book({ quantity: 2 });
    expect(b).toMatchObject({ priceFen: 3000, subsidyFen: 300, copayFen: 2700 }); // one subsidised portion a day
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no);
    const seatsBefore = await seats(b.slot.id);

    const reduced = await h().http.post(`/api/v1/bookings/${b.id}/reduce`).set('authorization', who.daughter).send({ quantity: 1 });
    expect(reduced.status).toBe(200);
    expect(reduced.body).toMatchObject({ quantity: 1, priceFen: 1500, subsidyFen: 300, copayFen: 1200, status: 'pending_confirmation' });
    await wxpay().settled();
    expect(await seats(b.slot.id)).toBe(seatsBefore - 1);
    const l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 2700, refundedFen: 1500, refundingFen: 0 });
    expect(l.refunds[0].reason).toBe('份数从 2 份改为 1 份，退回差额');
    await expectMoneySettled(b.id);

    const up = await h().http.post(`/api/v1/bookings/${b.id}/reduce`).set('authorization', who.daughter).send({ quantity: 1 });
    expect(up.status).toBe(422);
    expect(up.body.error).toMatchObject({ code: 'QUANTITY_NOT_REDUCED', message: '只能减少份数：现在是 1 份' });
  });

  test('portions dropped while the order for the old amount was being paid: the booking is paid, the difference refunded', async () => {
    const b = await book({ quantity: 2 });
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no, { silent: true }); // 27 元 paid; Mulin has not heard yet
    const reduced = await h().http.post(`/api/v1/bookings/${b.id}/reduce`).set('authorization', who.daughter).send({ quantity: 1 });
    expect(reduced.status).toBe(200);
    await wxpay().settled();
    // Closing the old order found it paid: the booking goes ahead at its new price, and 15 元 goes back.
    expect(await booking(b.id)).toMatchObject({ status: 'pending_confirmation', copayFen: 1200 });
    const l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 2700, refundedFen: 1500, refundingFen: 0 });
    expect(l.refunds[0].reason).toBe('付款后份数已减少，多付的部分自动退回');
    await expectMoneySettled(b.id);
  });

  test('cancelling while the order is still open closes it; a payment landing just then is refunded', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no, { silent: true }); // paid, the notification not here yet
    await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', who.daughter).send({}).expect(200);
    await wxpay().settled();
    expect(await booking(b.id)).toMatchObject({ status: 'cancelled' });
    expect(await ledger(b.id)).toMatchObject({ paidFen: 1200, refundedFen: 1200 });

    const open = await book();
    const openNo = (await prepay(open.id)).body.payment.outTradeNo;
    await h().http.post(`/api/v1/bookings/${open.id}/cancel`).set('authorization', who.daughter).send({}).expect(200);
    expect(order(openNo).state).toBe('CLOSED');
    expect(await ledger(open.id)).toMatchObject({ paidFen: 0, refundedFen: 0 });
  });
});
