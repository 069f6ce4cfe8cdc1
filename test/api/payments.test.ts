import { randomBytes } from 'node:crypto';
import { ACTIVE_BOOKING_STATUSES, Booking, PayNotification, Payment, Refund, Slot } from '../../entities';
import type { NotifyOptions } from '../../server/sandbox/wxpay.sandbox';
import { accountNamed, DONGYUAN, JIAXIN, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0, type Harness } from '../helpers/harness';
import { gcmEncrypt, rsaSign, rsaVerifies } from '../helpers/wxpay';

// Co-payments end to end: Mulin's API and /pay/* on one side, the WeChat Pay sandbox (real RSA signatures, real
// AES-256-GCM notifications, delivered over HTTP with retries) on the other, on SQLite and MariaDB.

const MINUTE = 60_000;
const TOMORROW = '2026-12-02';

describeEachDb('co-payments with WeChat Pay', (h) => {
  let daughter: string; // 刘敏, linked to 张桂英 (80+: 3 元 off each meal)
  let jiaxinStaff: string;
  let dongyuanStaff: string;
  let admin: string;
  let motherId: number;

  beforeAll(async () => {
    daughter = await loginWechat(h(), 'o_family_01');
    jiaxinStaff = await loginConsole(h(), 'staff-jiaxin');
    dongyuanStaff = await loginConsole(h(), 'staff-dongyuan');
    admin = await loginConsole(h(), 'admin');
    motherId = (await seniorNamed(h(), '张桂英')).id;
  });
  beforeEach(async () => {
    h().clock.set(T0);
    await h().sandbox.wxpay.settled();
    h().sandbox.wxpay.setRefundKnobs({ failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false });
    h().sandbox.wxpay.failNextCloses(0);
  });
  // Each test starts with 张桂英 holding nothing (so the day's subsidy is hers again): an admin cancels what is left.
  afterEach(async () => {
    h().clock.set(T0);
    const active = await h().db.manager.find(Booking, { where: { seniorId: motherId } });
    for (const b of active.filter((x) => ACTIVE_BOOKING_STATUSES.includes(x.status) && x.status !== 'no_show')) {
      await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', admin).send({ reason: '测试结束' }).expect(200);
    }
    await h().sandbox.wxpay.settled();
  });

  const wxpay = () => h().sandbox.wxpay;

  async function book(opts: { centre?: string; quantity?: number } = {}) {
    const slot = await slotOf(h(), opts.centre ?? JIAXIN, 'lunch', TOMORROW);
    const res = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', daughter)
      .send({ seniorId: motherId, slotId: slot.id, quantity: opts.quantity ?? 1 });
    expect(res.status).toBe(201);
    return res.body as { id: number; copayFen: number; priceFen: number; subsidyFen: number; status: string; paymentDueAt: string; slot: { id: number } };
  }

  async function prepay(bookingId: number, auth = daughter) {
    const res = await h().http.post(`/api/v1/bookings/${bookingId}/pay`).set('authorization', auth).send({ via: 'miniprogram' });
    return res;
  }

  /** The payer pays at the sandbox; resolves once WeChat Pay's notification (and its retries) are done. */
  async function sandboxPays(outTradeNo: string, opts: NotifyOptions = {}) {
    const paid = wxpay().pay(outTradeNo, opts);
    await wxpay().settled();
    return paid;
  }

  const bookingRow = (id: number) => h().db.manager.findOneByOrFail(Booking, { id });
  const ledger = async (id: number, auth = daughter) => (await h().http.get(`/api/v1/bookings/${id}/payments`).set('authorization', auth).expect(200)).body;
  const seats = async (slotId: number) => (await h().db.manager.findOneByOrFail(Slot, { id: slotId })).booked;
  const order = (outTradeNo: string) =>
    wxpay()
      .listOrders()
      .find((o) => o.outTradeNo === outTradeNo)!;
  const notificationsFor = (outTradeNo: string) =>
    wxpay()
      .notificationLog()
      .filter((a) => a.outTradeNo === outTradeNo);

  /** paid − refunded equals the co-payment while the booking is kept, 0 once it is not; price = subsidy + copay. */
  async function expectMoneySettled(id: number) {
    const b = await bookingRow(id);
    expect(b.priceFen).toBe(b.subsidyFen + b.copayFen);
    const l = await ledger(id, admin);
    const kept = ['pending_confirmation', 'confirmed', 'served', 'rated', 'no_show'].includes(b.status);
    expect(l.refundingFen).toBe(0);
    expect(l.paidFen - l.refundedFen).toBe(kept ? b.copayFen : 0);
  }

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
    expect(await bookingRow(b.id)).toMatchObject({ status: 'pending_confirmation', paymentDueAt: null });
    const l = await ledger(b.id);
    expect(l).toMatchObject({ copayFen: 1200, paidFen: 1200, refundedFen: 0, refundingFen: 0 });
    expect(l.payments[0]).toMatchObject({ status: 'paid', statusLabel: '已付款', transactionId: order(no).transactionId });
    expect(await h().db.manager.findOneByOrFail(Payment, { outTradeNo: no })).toMatchObject({ flagged: false });
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
    expect(await bookingRow(b.id)).toMatchObject({ status: 'confirmed' });
    await expectMoneySettled(b.id);
    h().clock.advance(16 * MINUTE);
    expect((await h().http.post('/pay/jsapi').send({ t: token })).status).toBe(410);
  });

  test('the same notification ten times at once, and again after the refund: one transition, one refund, ledger right', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    const { notificationId } = await sandboxPays(no);
    const paidAt = (await bookingRow(b.id)).paidAt;

    for (let i = 0; i < 10; i++) wxpay().redeliver(notificationId!);
    await wxpay().settled();
    const deliveries = notificationsFor(no).filter((a) => a.eventType === 'TRANSACTION.SUCCESS');
    expect(deliveries).toHaveLength(11);
    expect(deliveries.every((a) => a.status === 204)).toBe(true);
    expect(await h().db.manager.countBy(PayNotification, { notificationId: notificationId! })).toBe(1);
    expect(await bookingRow(b.id)).toMatchObject({ status: 'pending_confirmation', paidAt });

    const cancelled = await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', daughter).send({ reason: '妈妈住院了' });
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
    expect(await bookingRow(b.id)).toMatchObject({ status: 'cancelled' });
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
    const attempts = notificationsFor(no);
    expect(attempts.length).toBeGreaterThanOrEqual(3); // WeChat Pay kept retrying
    expect(attempts.every((a) => a.status === status && !a.accepted)).toBe(true);
    expect(await bookingRow(b.id)).toMatchObject({ status: 'pending_payment' });
    expect(await h().db.manager.countBy(PayNotification, { outTradeNo: no })).toBe(0);
    expect(await h().db.manager.findOneByOrFail(Payment, { outTradeNo: no })).toMatchObject({ status: 'created' });
  });

  test('a wrong amount or merchant is flagged for staff and never confirms; an unknown order is flagged for admins', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no, { amountFen: 1 });
    expect(notificationsFor(no).map((a) => a.status)).toEqual([204]); // handled: retrying would not change it
    expect(await bookingRow(b.id)).toMatchObject({ status: 'pending_payment' });
    const payment = await h().db.manager.findOneByOrFail(Payment, { outTradeNo: no });
    expect(payment).toMatchObject({ status: 'created', flagged: true });
    expect(payment.flagReason).toContain('金额 1 分，订单 1200 分');

    const problems = await h().http.get('/api/v1/payments/problems').set('authorization', jiaxinStaff).expect(200);
    expect(problems.body.payments.map((p: { outTradeNo: string }) => p.outTradeNo)).toContain(no);
    const elsewhere = await h().http.get('/api/v1/payments/problems').set('authorization', dongyuanStaff).expect(200);
    expect(elsewhere.body.payments.map((p: { outTradeNo: string }) => p.outTradeNo)).not.toContain(no);
    expect((await h().http.get('/api/v1/payments/problems').set('authorization', daughter)).status).toBe(403);

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
    const seen = await h().http.get('/api/v1/payments/problems').set('authorization', admin).expect(200);
    expect(seen.body.notifications).toEqual(expect.arrayContaining([expect.objectContaining({ outTradeNo: ghost, outcome: 'unknown_order' })]));
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

  test('unpaid after 15 minutes: expired, seat back, order closed; paying too late is refunded by itself', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    expect(await seats(b.slot.id)).toBeGreaterThan(0);
    const seatsBefore = await seats(b.slot.id);

    h().clock.advance(14 * MINUTE);
    expect(await h().services.payments.expireUnpaid()).toEqual({ expired: 0, paid: 0 });
    h().clock.advance(1 * MINUTE);
    expect(await h().services.payments.expireUnpaid()).toMatchObject({ expired: 1 });
    expect(await bookingRow(b.id)).toMatchObject({ status: 'expired', closeReason: '超时未付款' });
    expect(await seats(b.slot.id)).toBe(seatsBefore - 1);
    expect(order(no).state).toBe('CLOSED');
    expect(await h().db.manager.findOneByOrFail(Payment, { outTradeNo: no })).toMatchObject({ status: 'closed' });
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
    expect(await bookingRow(late.id)).toMatchObject({ status: 'expired' });

    h().clock.advance(3 * MINUTE);
    expect(await h().services.payments.reconcile()).toMatchObject({ paid: 1 });
    await wxpay().settled();
    expect(await bookingRow(late.id)).toMatchObject({ status: 'expired' });
    const payment = await h().db.manager.findOneByOrFail(Payment, { outTradeNo: lateNo });
    expect(payment).toMatchObject({ status: 'paid', flagged: true });
    expect(payment.flagReason).toContain('已自动全额退款');
    expect(await ledger(late.id)).toMatchObject({ paidFen: 1200, refundedFen: 1200, refundingFen: 0 });
    expect(order(lateNo).refundedFen).toBe(1200);
  });

  test('paid at the last moment but the notification is lost: expiry asks WeChat Pay and confirms instead', async () => {
    const b = await book({ centre: DONGYUAN });
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no, { silent: true });
    h().clock.advance(15 * MINUTE);
    expect(await h().services.payments.expireUnpaid()).toEqual({ expired: 0, paid: 1 });
    expect(await bookingRow(b.id)).toMatchObject({ status: 'confirmed' });
    await expectMoneySettled(b.id);
  });

  test('a centre rejects a paid booking: the money goes back by itself, and a refund WeChat Pay refuses is retried by staff', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no);

    wxpay().setRefundKnobs({ failRefunds: 1 });
    const rejected = await h().http.post(`/api/v1/bookings/${b.id}/reject`).set('authorization', jiaxinStaff).send({ reason: '今天厨房检修' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    await wxpay().settled();
    let l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 1200, refundedFen: 0, refundingFen: 1200 });
    expect(l.refunds[0]).toMatchObject({ status: 'failed', needsStaff: true, attempts: 1, reason: '站点未接单，退回自付金额' });
    expect(l.refunds[0].lastError).toContain('NOT_ENOUGH');
    const problems = await h().http.get('/api/v1/payments/problems').set('authorization', jiaxinStaff).expect(200);
    expect(problems.body.refunds.map((r: { id: number }) => r.id)).toContain(l.refunds[0].id);

    expect((await h().http.post(`/api/v1/refunds/${l.refunds[0].id}/retry`).set('authorization', daughter)).status).toBe(403);
    const retried = await h().http.post(`/api/v1/refunds/${l.refunds[0].id}/retry`).set('authorization', jiaxinStaff);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ outRefundNo: l.refunds[0].outRefundNo, attempts: 2 });
    await wxpay().settled();
    l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 1200, refundedFen: 1200, refundingFen: 0 });
    expect(l.refunds).toHaveLength(1);
    await expectMoneySettled(b.id);
    const again = await h().http.post(`/api/v1/refunds/${l.refunds[0].id}/retry`).set('authorization', jiaxinStaff);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('REFUND_NOT_RETRYABLE');
  });

  test('a refund WeChat Pay closes stays visible; retrying makes a new refund that succeeds', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no);
    wxpay().setRefundKnobs({ refundOutcome: 'CLOSED' });
    await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', daughter).send({}).expect(200);
    await wxpay().settled();
    let l = await ledger(b.id);
    expect(l.refunds).toHaveLength(1);
    expect(l.refunds[0]).toMatchObject({ status: 'closed', needsStaff: true });
    expect(l).toMatchObject({ refundedFen: 0 });

    wxpay().setRefundKnobs({ refundOutcome: 'SUCCESS' });
    const retried = await h().http.post(`/api/v1/refunds/${l.refunds[0].id}/retry`).set('authorization', jiaxinStaff).expect(200);
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
    await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', daughter).send({}).expect(200);
    await wxpay().settled();
    const l = await ledger(b.id);
    expect(l.refunds[0]).toMatchObject({ status: 'abnormal', statusLabel: '退款异常，请工作人员处理', needsStaff: true });
    const problems = await h().http.get('/api/v1/payments/problems').set('authorization', jiaxinStaff).expect(200);
    expect(problems.body.refunds.map((r: { id: number }) => r.id)).toContain(l.refunds[0].id);
    const retry = await h().http.post(`/api/v1/refunds/${l.refunds[0].id}/retry`).set('authorization', jiaxinStaff);
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('REFUND_NOT_RETRYABLE');
  });

  test('a refund whose notification never came is settled by asking WeChat Pay once it has been quiet 10 minutes', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no);
    wxpay().setRefundKnobs({ holdRefunds: true }); // WeChat Pay accepts the refund and is still processing it
    await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', daughter).send({}).expect(200);
    await wxpay().settled();
    expect((await ledger(b.id)).refunds[0]).toMatchObject({ status: 'processing', statusLabel: '退款中' });
    // It completes at WeChat Pay, and its notification is lost on the way.
    const before = wxpay().notificationLog().length;
    wxpay().setRefundKnobs({ holdRefunds: false });
    const released = wxpay().releaseHeldRefunds();
    expect(released).toHaveLength(1);
    await wxpay().settled();
    const [refund] = await h().db.manager.findBy(Refund, { bookingId: b.id });
    await h().db.manager.update(Refund, { id: refund.id }, { status: 'processing', succeededAt: null, rawNotification: null });
    expect(wxpay().notificationLog().length).toBeGreaterThan(before);

    // A validly signed REFUND.SUCCESS naming another merchant settles nothing; it is flagged.
    const foreign = await postNotification(h(), '/pay/refund-notify', 'REFUND.SUCCESS', 'refund', {
      mchid: '1900000001',
      out_trade_no: no,
      out_refund_no: refund.outRefundNo,
      refund_id: '50300000000000000000000000001',
      refund_status: 'SUCCESS',
      amount: { total: 1200, refund: 1200, payer_total: 1200, payer_refund: 1200 },
    });
    expect(foreign.status).toBe(204);
    expect(await h().db.manager.findOneByOrFail(Refund, { id: refund.id })).toMatchObject({ status: 'processing' });
    expect(await h().db.manager.findOneByOrFail(PayNotification, { outRefundNo: refund.outRefundNo, flagged: true })).toMatchObject({ outcome: 'mismatch' });

    h().clock.advance(5 * MINUTE);
    expect(await h().services.payments.reconcile()).toMatchObject({ refundsQueried: 0 }); // not stuck yet
    h().clock.advance(6 * MINUTE);
    expect(await h().services.payments.reconcile()).toMatchObject({ refundsQueried: 1 });
    expect(await h().db.manager.findOneByOrFail(Refund, { id: refund.id })).toMatchObject({ status: 'success' });
    await expectMoneySettled(b.id);
  });

  test('two lunches become one: the difference is refunded, the subsidy kept, the seat given back', async () => {
    const b = await book({ quantity: 2 });
    expect(b).toMatchObject({ priceFen: 3000, subsidyFen: 300, copayFen: 2700 }); // one subsidised portion a day
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no);
    const seatsBefore = await seats(b.slot.id);

    const reduced = await h().http.post(`/api/v1/bookings/${b.id}/reduce`).set('authorization', daughter).send({ quantity: 1 });
    expect(reduced.status).toBe(200);
    expect(reduced.body).toMatchObject({ quantity: 1, priceFen: 1500, subsidyFen: 300, copayFen: 1200, status: 'pending_confirmation' });
    await wxpay().settled();
    expect(await seats(b.slot.id)).toBe(seatsBefore - 1);
    const l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 2700, refundedFen: 1500, refundingFen: 0 });
    expect(l.refunds[0].reason).toBe('份数从 2 份改为 1 份，退回差额');
    await expectMoneySettled(b.id);

    const up = await h().http.post(`/api/v1/bookings/${b.id}/reduce`).set('authorization', daughter).send({ quantity: 1 });
    expect(up.status).toBe(422);
    expect(up.body.error).toMatchObject({ code: 'QUANTITY_NOT_REDUCED', message: '只能减少份数：现在是 1 份' });
  });

  test('portions dropped while the order for the old amount was being paid: the booking is paid, the difference refunded', async () => {
    const b = await book({ quantity: 2 });
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no, { silent: true }); // 27 元 paid; Mulin has not heard yet
    const reduced = await h().http.post(`/api/v1/bookings/${b.id}/reduce`).set('authorization', daughter).send({ quantity: 1 });
    expect(reduced.status).toBe(200);
    await wxpay().settled();
    // Closing the old order found it paid: the booking goes ahead at its new price, and 15 元 goes back.
    expect(await bookingRow(b.id)).toMatchObject({ status: 'pending_confirmation', copayFen: 1200 });
    const l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 2700, refundedFen: 1500, refundingFen: 0 });
    expect(l.refunds[0].reason).toBe('付款后份数已减少，多付的部分自动退回');
    await expectMoneySettled(b.id);
  });

  test('cancelling while the order is still open closes it; a payment landing just then is refunded', async () => {
    const b = await book();
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no, { silent: true }); // paid, the notification not here yet
    await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', daughter).send({}).expect(200);
    await wxpay().settled();
    expect(await bookingRow(b.id)).toMatchObject({ status: 'cancelled' });
    expect(await ledger(b.id)).toMatchObject({ paidFen: 1200, refundedFen: 1200 });

    const open = await book();
    const openNo = (await prepay(open.id)).body.payment.outTradeNo;
    await h().http.post(`/api/v1/bookings/${open.id}/cancel`).set('authorization', daughter).send({}).expect(200);
    expect(order(openNo).state).toBe('CLOSED');
    expect(await ledger(open.id)).toMatchObject({ paidFen: 0, refundedFen: 0 });
  });

  test('who may pay, and what cannot be paid', async () => {
    const b = await book();
    expect((await prepay(b.id, jiaxinStaff)).body.error.code).toBe('PAYER_NOT_ALLOWED');
    const stranger = await loginWechat(h(), 'o_family_02');
    expect((await prepay(b.id, stranger)).status).toBe(403);
    expect((await h().http.get(`/api/v1/bookings/${b.id}/payments`).set('authorization', stranger)).status).toBe(403);
    expect((await prepay(999_999)).body.error.code).toBe('BOOKING_NOT_FOUND');
    const badVia = await h().http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', daughter).send({ via: 'alipay' });
    expect(badVia.status).toBe(400);
    expect(await h().db.manager.countBy(Payment, { bookingId: b.id })).toBe(0);

    const { centreId, serviceDate } = await bookingRow(b.id);
    const no = (await prepay(b.id)).body.payment.outTradeNo;
    await sandboxPays(no);
    const day = await h().http.get(`/api/v1/payments?centreId=${centreId}&date=${serviceDate}`).set('authorization', jiaxinStaff);
    expect(day.status).toBe(200);
    const listed = day.body.items.find((p: { outTradeNo: string }) => p.outTradeNo === no);
    expect(listed).toMatchObject({ amountFen: 1200, status: 'paid', bookingStatus: 'pending_confirmation' });
    expect(day.body.totals.paidFen).toBe(
      day.body.items.filter((p: { status: string }) => p.status === 'paid').reduce((s: number, p: { amountFen: number }) => s + p.amountFen, 0),
    );
    expect((await h().http.get(`/api/v1/payments?centreId=${centreId}&date=${serviceDate}`).set('authorization', dongyuanStaff)).status).toBe(403);
  });
});

/** A notification signed with WeChat Pay's (the sandbox's) platform key, written out by hand as WeChat Pay would. */
async function postNotification(h: Harness, path: string, eventType: string, originalType: string, resource: Record<string, unknown>) {
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
