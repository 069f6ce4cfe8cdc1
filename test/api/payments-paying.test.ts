import { Payment } from '../../entities';
import { accountNamed, DONGYUAN, JIAXIN, loginWechat, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';
import { MINUTE, TOMORROW, usePayments } from '../helpers/payments';
import { rsaVerifies } from '../helpers/wxpay';

// Paying a co-payment end to end, on SQLite and MariaDB: in the mini-program and from a chat link, who may pay,
// and what happens to a booking left unpaid for 15 minutes.

describeEachDb('co-payments: paying', (h) => {
  const { who, wxpay, book, prepay, sandboxPays, booking, ledger, seats, order, notificationsFor, expectMoneySettled } = usePayments(h);

  test('a daughter pays in the mini-program: signed parameters, one order however often she asks, booking moves on once paid', async () => {
    const b = await book();
    expect(b).toMatchObject({ status: 'pending_payment', priceFen: 1500, subsidyFen: 300, copayFen: 1200 });

    const first = await prepay(b.id);
    expect(first.status).toBe(200);
    const rp = first.body.requestPayment;
    expect(rp).toMatchObject({ appId: h().wechat.mini.appId, signType: 'RSA' });
    expect(rp.package).toMatch(/^prepay_id=\w+$/);
    // wx.requestPayment's paySign: the merchant key over appId\ntimeStamp\nnonceStr\npackage\n.
    const signed = `${rp.appId}\n${rp.timeStamp}\n${rp.nonceStr}\n${rp.package}\n`;
    expect(rsaVerifies(h().sandbox.creds.pay.merchantPublicKeyPem, signed, rp.paySign)).toBe(true);
    const no = first.body.payment.outTradeNo as string;
    expect(first.body.payment).toMatchObject({ amountFen: 1200, status: 'created', statusLabel: '待付款', via: 'miniprogram', expiresAt: b.paymentDueAt });
    expect(order(no)).toMatchObject({ amountFen: 1200, state: 'NOTPAY', payerOpenid: 'o_family_01', appId: h().wechat.mini.appId });
    expect(order(no).timeExpire).toBe('2026-12-01T08:45:00+08:00'); // Mulin's own 15 minutes, in WeChat's format

    const again = await prepay(b.id);
    expect(again.status).toBe(200);
    expect(again.body.payment.outTradeNo).toBe(no);
    expect(again.body.requestPayment.package).toBe(rp.package);
    expect(
      wxpay()
        .listOrders()
        .filter((o) => o.description === order(no).description && o.amountFen === 1200 && o.state === 'NOTPAY')
        .map((o) => o.outTradeNo),
    ).toContain(no);

    await sandboxPays(no);
    expect(notificationsFor(no).map((a) => a.status)).toEqual([204]);
    expect(await booking(b.id)).toMatchObject({ status: 'pending_confirmation', paymentDueAt: null });
    const l = await ledger(b.id);
    expect(l).toMatchObject({ copayFen: 1200, paidFen: 1200, refundedFen: 0, refundingFen: 0 });
    expect(l.payments).toEqual([
      expect.objectContaining({ outTradeNo: no, status: 'paid', statusLabel: '已付款', transactionId: order(no).transactionId, flagged: false }),
    ]);
    // Kept as WeChat Pay sent it, for a dispute: no API shows it.
    expect((await h().db.manager.findOneByOrFail(Payment, { outTradeNo: no })).rawNotification).toContain('"event_type":"TRANSACTION.SUCCESS"');

    const paidAlready = await prepay(b.id);
    expect(paidAlready.status).toBe(409);
    expect(paidAlready.body.error).toMatchObject({ code: 'ALREADY_PAID', message: '这个预约已经付过钱了' });
  });

  test('a senior pays from a chat link at an auto-confirming point: the JSAPI page, the public account appid, confirmed', async () => {
    const b = await book({ centre: DONGYUAN });
    const daughtersNo = (await prepay(b.id)).body.payment.outTradeNo; // she opened it in the mini-program first
    const senior = await accountNamed(h(), '张桂英');
    const link = h().services.payments.payLink(senior.id, { id: b.id, paymentDueAt: new Date(b.paymentDueAt) });
    const url = new URL(link);
    expect(url.pathname).toBe('/pay/jsapi');

    const page = await h().http.get(`${url.pathname}${url.search}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('getBrandWCPayRequest');
    const prepared = await h()
      .http.post('/pay/jsapi')
      .set('content-type', 'application/json')
      .send({ t: url.searchParams.get('t') });
    expect(prepared.status).toBe(200);
    expect(prepared.body.requestPayment.appId).toBe(h().wechat.mp.appId);
    const no = prepared.body.payment.outTradeNo;
    expect(prepared.body.sandboxCashier).toBe(`/sandbox/pay?outTradeNo=${no}`);
    expect(order(no)).toMatchObject({ appId: h().wechat.mp.appId, payerOpenid: senior.mpOpenid });
    // Another payer gets a new order, and the daughter's is closed so that only one can be paid.
    expect(no).not.toBe(daughtersNo);
    expect(order(daughtersNo).state).toBe('CLOSED');

    // A tampered link or one past its time is refused in words a senior understands.
    const token = url.searchParams.get('t')!;
    const forged = await h()
      .http.post('/pay/jsapi')
      .send({ t: `${token.split('.')[0]}.${'A'.repeat(43)}` });
    expect(forged.status).toBe(410);
    expect(forged.body.error.message).toBe('付款链接已经失效，请回到对话里重新获取');

    await sandboxPays(no);
    expect(await booking(b.id)).toMatchObject({ status: 'confirmed' });
    expect((await ledger(b.id)).payments.find((p: { outTradeNo: string }) => p.outTradeNo === no)).toMatchObject({ status: 'paid', via: 'mp' });
    await expectMoneySettled(b.id);
    h().clock.advance(16 * MINUTE);
    expect((await h().http.post('/pay/jsapi').send({ t: token })).status).toBe(410);
  });

  test('unpaid after 15 minutes: expired, seat back, order closed; paying too late is refunded by itself', async () => {
    const slotId = (await slotOf(h(), JIAXIN, 'lunch', TOMORROW)).id;
    const seatsBefore = await seats(slotId);
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    expect(await seats(slotId)).toBe(seatsBefore + 1);

    h().clock.advance(14 * MINUTE);
    expect(await h().services.payments.expireUnpaid()).toEqual({ expired: 0, paid: 0 });
    h().clock.advance(1 * MINUTE);
    expect(await h().services.payments.expireUnpaid()).toMatchObject({ expired: 1 });
    expect(await booking(b.id)).toMatchObject({ status: 'expired', closeReason: '超时未付款' });
    expect(await seats(slotId)).toBe(seatsBefore);
    expect(order(no).state).toBe('CLOSED');
    expect((await ledger(b.id)).payments).toEqual([expect.objectContaining({ outTradeNo: no, status: 'closed' })]);
    expect((await prepay(b.id)).body.error).toMatchObject({ code: 'PAYMENT_EXPIRED' });
    // Running it again finds nothing (a second instance, the next minute).
    expect(await h().services.payments.expireUnpaid()).toEqual({ expired: 0, paid: 0 });

    // The money came in at the last second, and WeChat Pay could not be reached to close the order.
    h().clock.set(T0);
    const late = await book();
    const lateNo = (await prepay(late.id)).body.payment.outTradeNo;
    h().clock.advance(15 * MINUTE - 1000);
    await sandboxPays(lateNo, { silent: true });
    h().clock.advance(1000);
    wxpay().failNextCloses(1);
    expect(await h().services.payments.expireUnpaid()).toMatchObject({ expired: 1 });
    expect(await booking(late.id)).toMatchObject({ status: 'expired' });

    h().clock.advance(3 * MINUTE);
    expect(await h().services.payments.reconcile()).toMatchObject({ paid: 1 });
    await wxpay().settled();
    expect(await booking(late.id)).toMatchObject({ status: 'expired' });
    const l = await ledger(late.id);
    expect(l).toMatchObject({ paidFen: 1200, refundedFen: 1200, refundingFen: 0 });
    expect(l.payments).toEqual([expect.objectContaining({ outTradeNo: lateNo, status: 'paid', flagged: true })]);
    expect(l.payments[0].flagReason).toContain('已自动全额退款');
    expect(order(lateNo).refundedFen).toBe(1200);
  });

  test('paid at the last moment but the notification is lost: expiry asks WeChat Pay and confirms instead', async () => {
    const b = await book({ centre: DONGYUAN });
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no, { silent: true });
    h().clock.advance(15 * MINUTE);
    expect(await h().services.payments.expireUnpaid()).toEqual({ expired: 0, paid: 1 });
    expect(await booking(b.id)).toMatchObject({ status: 'confirmed' });
    await expectMoneySettled(b.id);
  });

  test('who may pay, and what cannot be paid', async () => {
    const b = await book();
    expect((await prepay(b.id, who.jiaxinStaff)).body.error.code).toBe('PAYER_NOT_ALLOWED');
    const stranger = await loginWechat(h(), 'o_family_02');
    expect((await prepay(b.id, stranger)).status).toBe(403);
    expect((await h().http.get(`/api/v1/bookings/${b.id}/payments`).set('authorization', stranger)).status).toBe(403);
    expect((await prepay(999_999)).body.error.code).toBe('BOOKING_NOT_FOUND');
    const badVia = await h().http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', who.daughter).send({ via: 'alipay' });
    expect(badVia.status).toBe(400);
    expect((await ledger(b.id)).payments).toEqual([]);

    const { centre, serviceDate } = await booking(b.id);
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no);
    const day = await h().http.get(`/api/v1/payments?centreId=${centre.id}&date=${serviceDate}`).set('authorization', who.jiaxinStaff);
    expect(day.status).toBe(200);
    const listed = day.body.items.find((p: { outTradeNo: string }) => p.outTradeNo === no);
    expect(listed).toMatchObject({ amountFen: 1200, status: 'paid', bookingStatus: 'pending_confirmation' });
    expect(day.body.totals.paidFen).toBe(
      day.body.items.filter((p: { status: string }) => p.status === 'paid').reduce((s: number, p: { amountFen: number }) => s + p.amountFen, 0),
    );
    expect((await h().http.get(`/api/v1/payments?centreId=${centre.id}&date=${serviceDate}`).set('authorization', who.dongyuanStaff)).status).toBe(403);
  });
});
