import { ACTIVE_BOOKING_STATUSES, AuditLog, Booking, Payment, Refund } from '../../entities';
import { JIAXIN, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';
import { moneyOf } from '../helpers/money';

// The ways a family or a centre ended up with the wrong amount (issue 19), each played through the API against
// the WeChat Pay sandbox on SQLite and MariaDB: a refund retried after a later refund already covered it, a
// booking that became free left to expire, a paid booking never confirmed, an abnormal refund nobody could settle,
// a mismatch flag that outlived WeChat Pay's confirmation.

const MINUTE = 60_000;
const TOMORROW = '2026-12-02';
const ZUOJIA = '左家新村睦邻点';

describeEachDb('money that must add up', (h) => {
  let daughter: string; // 刘敏, linked to 张桂英 (80+: 3 元 off one meal a day)
  let niece: string; // 王丽, linked to 王秀英 (特困: one free meal a day)
  let jiaxinStaff: string;
  let admin: string;
  let motherId: number;
  let wangId: number;

  beforeAll(async () => {
    daughter = await loginWechat(h(), 'o_family_01');
    niece = await loginWechat(h(), 'o_family_03');
    jiaxinStaff = await loginConsole(h(), 'staff-jiaxin');
    admin = await loginConsole(h(), 'admin');
    motherId = (await seniorNamed(h(), '张桂英')).id;
    wangId = (await seniorNamed(h(), '王秀英')).id;
  });
  beforeEach(async () => {
    h().clock.set(T0);
    await h().sandbox.wxpay.settled();
    h().sandbox.wxpay.setRefundKnobs({ failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false });
  });
  afterEach(async () => {
    h().clock.set(T0);
    h().sandbox.wxpay.setRefundKnobs({ failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false });
    for (const b of await h().db.manager.find(Booking)) {
      if (ACTIVE_BOOKING_STATUSES.includes(b.status) && !['no_show', 'served', 'rated'].includes(b.status)) {
        await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', admin).send({ reason: '测试结束' }).expect(200);
      }
    }
    await h().sandbox.wxpay.settled();
  });

  const wxpay = () => h().sandbox.wxpay;
  const ledger = async (id: number, auth = admin) => (await h().http.get(`/api/v1/bookings/${id}/payments`).set('authorization', auth).expect(200)).body;
  const problems = async (auth = jiaxinStaff) => (await h().http.get('/api/v1/payments/problems').set('authorization', auth).expect(200)).body;

  async function book(auth: string, seniorId: number, centre: string, quantity: number, date = TOMORROW) {
    const slot = await slotOf(h(), centre, 'lunch', date);
    const res = await h().http.post('/api/v1/bookings').set('authorization', auth).send({ seniorId, slotId: slot.id, quantity });
    expect(res.status).toBe(201);
    return res.body as { id: number; code: string; copayFen: number; status: string; paymentDueAt: string | null };
  }
  async function pay(auth: string, id: number, opts: { silent?: boolean } = {}) {
    const no = (await h().http.post(`/api/v1/bookings/${id}/pay`).set('authorization', auth).send({ via: 'miniprogram' }).expect(200)).body.payment
      .outTradeNo as string;
    wxpay().pay(no, opts);
    await wxpay().settled();
    return no;
  }
  const reduce = (auth: string, id: number, quantity: number) => h().http.post(`/api/v1/bookings/${id}/reduce`).set('authorization', auth).send({ quantity });

  /** held (paid + counter − refunded − paid back by hand − on its way) is what the booking should hold. */
  async function expectRight(id: number, settled = true) {
    const m = await moneyOf(h(), id);
    expect({ id, held: m.held, split: m.booking.priceFen - m.booking.subsidyFen - m.booking.copayFen }).toEqual({ id, held: m.due, split: 0 });
    if (settled) expect(m.onTheWay).toBe(0);
    const l = await ledger(id);
    expect({ held: l.heldFen, due: l.dueFen }).toEqual({ held: m.held, due: m.due });
    return m;
  }

  test('a closed refund covered by a later refund is never paid again: the retry is refused with its own code and leaves the problems list', async () => {
    const b = await book(daughter, motherId, JIAXIN, 3);
    expect(b.copayFen).toBe(4200); // 3 × 15 元, 3 元 off one of them
    await pay(daughter, b.id);

    wxpay().setRefundKnobs({ refundOutcome: 'CLOSED' });
    expect((await reduce(daughter, b.id, 2)).status).toBe(200);
    await wxpay().settled();
    const [closed] = await h().db.manager.findBy(Refund, { bookingId: b.id });
    expect(closed).toMatchObject({ status: 'closed', amountFen: 1500 });
    expect((await problems()).refunds.map((r: { id: number }) => r.id)).toContain(closed.id);

    // The next reduction pays back everything beyond the one remaining lunch: the closed 15 元 with it.
    wxpay().setRefundKnobs({ refundOutcome: 'SUCCESS' });
    expect((await reduce(daughter, b.id, 1)).status).toBe(200);
    await wxpay().settled();
    let l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 4200, refundedFen: 3000, refundingFen: 0, owedFen: 0, dueFen: 1200, heldFen: 1200 });
    expect(l.refunds.map((r: { amountFen: number; status: string; resolution: string | null }) => [r.amountFen, r.status, r.resolution])).toEqual([
      [1500, 'closed', 'covered'],
      [3000, 'success', null],
    ]);
    expect((await problems()).refunds.map((r: { id: number }) => r.id)).not.toContain(closed.id);

    // Staff retry it anyway (an old screen): refused, and nothing more goes back.
    const retried = await h().http.post(`/api/v1/refunds/${closed.id}/retry`).set('authorization', jiaxinStaff);
    expect(retried.status).toBe(409);
    expect(retried.body.error).toMatchObject({ code: 'REFUND_ALREADY_COVERED', message: '这笔钱后来的退款已经退回了，不用再退' });
    await wxpay().settled();
    l = await ledger(b.id);
    expect(l.refunds).toHaveLength(2);
    expect(
      wxpay()
        .listOrders()
        .find((o) => o.outTradeNo === l.payments[0].outTradeNo)!.refundedFen,
    ).toBe(3000);
    await expectRight(b.id);
  });

  test('a closed refund nothing has covered yet is retried as a new refund of what is still owed', async () => {
    const b = await book(daughter, motherId, JIAXIN, 2);
    await pay(daughter, b.id);
    wxpay().setRefundKnobs({ refundOutcome: 'CLOSED' });
    await reduce(daughter, b.id, 1).expect(200);
    await wxpay().settled();
    const [closed] = await h().db.manager.findBy(Refund, { bookingId: b.id });
    expect((await ledger(b.id)).owedFen).toBe(1500);
    wxpay().setRefundKnobs({ refundOutcome: 'SUCCESS' });
    const retried = await h().http.post(`/api/v1/refunds/${closed.id}/retry`).set('authorization', jiaxinStaff).expect(200);
    expect(retried.body).toMatchObject({ amountFen: 1500, status: 'processing' });
    await wxpay().settled();
    const l = await ledger(b.id);
    expect(l.refunds.map((r: { status: string; resolution: string | null; needsStaff: boolean }) => [r.status, r.resolution, r.needsStaff])).toEqual([
      ['closed', 'retried', false],
      ['success', null, false],
    ]);
    expect(l).toMatchObject({ refundedFen: 1500, owedFen: 0, heldFen: 1200 });
    const again = await h().http.post(`/api/v1/refunds/${closed.id}/retry`).set('authorization', jiaxinStaff);
    expect(again.body.error.code).toBe('REFUND_NOT_RETRYABLE');
    await expectRight(b.id);
  });

  test('an abnormal refund counts as gone: a later cancel does not pay it again; staff record it paid back by hand (audit-logged)', async () => {
    const b = await book(daughter, motherId, JIAXIN, 2);
    await pay(daughter, b.id);
    wxpay().setRefundKnobs({ refundOutcome: 'ABNORMAL' });
    await reduce(daughter, b.id, 1).expect(200);
    await wxpay().settled();
    const [abnormal] = await h().db.manager.findBy(Refund, { bookingId: b.id });
    expect(abnormal).toMatchObject({ status: 'abnormal', amountFen: 1500 });
    expect((await ledger(b.id)).abnormalFen).toBe(1500);

    // The family cancels: only the remaining 12 元 goes back, not the 15 元 already on its (stuck) way.
    wxpay().setRefundKnobs({ refundOutcome: 'SUCCESS' });
    await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', daughter).send({}).expect(200);
    await wxpay().settled();
    let l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 2700, refundedFen: 1200, abnormalFen: 1500, dueFen: 0, heldFen: 0 });
    expect((await problems()).refunds.map((r: { id: number }) => r.id)).toContain(abnormal.id);

    const resolve = (auth: string, body: Record<string, unknown>) =>
      h().http.post(`/api/v1/refunds/${abnormal.id}/resolve-offline`).set('authorization', auth).send(body);
    expect((await resolve(daughter, { method: 'bank_transfer', reference: 'X' })).status).toBe(403);
    const missing = await resolve(jiaxinStaff, { method: 'bank_transfer', reference: ' ' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields.reference).toBe('请填写凭证号（转账流水号、收据号等）');
    const done = await resolve(jiaxinStaff, { method: 'bank_transfer', reference: 'BOC20261202001', note: '刘敏的银行卡' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'abnormal',
      needsStaff: false,
      resolution: 'offline',
      resolutionLabel: '已在微信支付以外退回',
      offline: { method: 'bank_transfer', methodLabel: '银行转账', reference: 'BOC20261202001', note: '刘敏的银行卡' },
    });
    const twice = await resolve(jiaxinStaff, { method: 'cash', reference: 'again' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('REFUND_NOT_RESOLVABLE');
    expect((await problems()).refunds.map((r: { id: number }) => r.id)).not.toContain(abnormal.id);
    l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 2700, refundedFen: 1200, refundedOfflineFen: 1500, abnormalFen: 0, heldFen: 0 });
    const log = await h().db.manager.findOneByOrFail(AuditLog, { action: 'refund.resolve_offline', entityId: abnormal.id });
    expect(log.detail).toMatchObject({ amountFen: 1500, method: 'bank_transfer', reference: 'BOC20261202001' });
    await expectRight(b.id);
  });

  test('a booking that becomes free is booked at once: no payment asked, never expired, its open order closed', async () => {
    const b = await book(niece, wangId, ZUOJIA, 2);
    expect(b).toMatchObject({ status: 'pending_payment', copayFen: 1500 }); // the second portion is not subsidised
    const no = (await h().http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', niece).send({}).expect(200)).body.payment.outTradeNo;

    const reduced = await reduce(niece, b.id, 1);
    expect(reduced.status).toBe(200);
    expect(reduced.body).toMatchObject({ copayFen: 0, status: 'confirmed', paymentDueAt: null }); // 左家新村 confirms by itself
    expect(
      wxpay()
        .listOrders()
        .find((o) => o.outTradeNo === no)!.state,
    ).toBe('CLOSED');
    const again = await h().http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', niece).send({});
    expect(again.body.error.code).toBe('PAYMENT_NOT_NEEDED');
    h().clock.advance(16 * MINUTE);
    expect(await h().services.payments.expireUnpaid()).toEqual({ expired: 0, paid: 0 });
    expect((await h().db.manager.findOneByOrFail(Booking, { id: b.id })).status).toBe('confirmed');
    await expectRight(b.id);
  });

  test('a booking that becomes free while its order was being paid: the money goes back, saying why', async () => {
    const b = await book(niece, wangId, ZUOJIA, 2);
    await pay(niece, b.id, { silent: true }); // paid; Mulin has not heard yet
    await reduce(niece, b.id, 1).expect(200);
    await wxpay().settled();
    const l = await ledger(b.id);
    expect(l).toMatchObject({ paidFen: 1500, refundedFen: 1500, heldFen: 0, dueFen: 0 });
    expect(l.refunds[0].reason).toBe('这个预约已经不用付钱了，付的钱自动全额退回');
    expect(l.payments[0]).toMatchObject({ flagged: true, flagReason: '付款到账时预约已不用付钱，已自动全额退款' });
    expect((await h().db.manager.findOneByOrFail(Booking, { id: b.id })).status).toBe('confirmed');
    await expectRight(b.id);
  });

  test('paid but never confirmed: staff are warned the evening before; at day end it is refunded in full and the family told', async () => {
    const b = await book(daughter, motherId, JIAXIN, 1);
    await pay(daughter, b.id);
    expect((await h().db.manager.findOneByOrFail(Booking, { id: b.id })).status).toBe('pending_confirmation');
    const waiting = (await problems()).awaitingConfirmation;
    expect(waiting).toEqual(expect.arrayContaining([expect.objectContaining({ bookingId: b.id, serviceDate: TOMORROW })]));

    // Tonight's day end: tomorrow's digest, and the warning.
    h().clock.set('2026-12-01T13:30:00.000Z');
    await h().services.dayEnd.closeDay(h().clock.now());
    const warned = h()
      .sandbox.wxapi.outboxFor('o_staff_jiaxin')
      .filter((m) => m.templateId === h().config.templates.staffMessage.mini);
    expect(warned.map((m) => (m.payload.data as Record<string, { value: string }>).thing1.value)).toContain('明天有1个预约待确认');
    expect((await h().db.manager.findOneByOrFail(Booking, { id: b.id })).status).toBe('pending_confirmation');

    // Tomorrow's day end: nobody confirmed it.
    h().clock.set('2026-12-02T13:30:00.000Z');
    const r = await h().services.dayEnd.closeDay(h().clock.now());
    const fresh = await loginConsole(h(), 'admin'); // console sessions last 12 hours
    expect(r.unconfirmed).toBe(1);
    await wxpay().settled();
    const closed = await h().db.manager.findOneByOrFail(Booking, { id: b.id });
    expect(closed).toMatchObject({ status: 'rejected', closeReason: '站点到服务结束还没有确认，自动取消并全额退款' });
    const l = await ledger(b.id, fresh);
    expect(l).toMatchObject({ paidFen: 1200, refundedFen: 1200, heldFen: 0, dueFen: 0 });
    expect(l.refunds[0].reason).toBe('站点到服务结束还没有确认这个预约，全额退回');
    const told = h()
      .sandbox.wxapi.outboxFor('o_family_01')
      .filter((m) => m.templateId === h().config.templates.serviceReminder.mini);
    expect(told.map((m) => (m.payload.data as Record<string, { value: string }>).thing4.value)).toContain('站点没确认，12元原路退回');
    // A rerun finds nothing more to do.
    expect((await h().services.dayEnd.closeDay(h().clock.now())).unconfirmed).toBe(0);
    const m = await moneyOf(h(), b.id);
    expect({ held: m.held, due: m.due, onTheWay: m.onTheWay }).toEqual({ held: 0, due: 0, onTheWay: 0 });
    h().clock.set(T0);
  });

  test('a wrong-amount notification flags the payment; once WeChat Pay confirms the right amount the flag is gone', async () => {
    const b = await book(daughter, motherId, JIAXIN, 1);
    const no = (await h().http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', daughter).send({}).expect(200)).body.payment.outTradeNo;
    wxpay().pay(no, { amountFen: 1 });
    await wxpay().settled();
    expect(await h().db.manager.findOneByOrFail(Payment, { outTradeNo: no })).toMatchObject({ flagged: true, status: 'created' });
    expect((await problems()).payments.map((p: { outTradeNo: string }) => p.outTradeNo)).toContain(no);

    // Reconciliation asks WeChat Pay, which says the order was paid, in full.
    h().clock.advance(3 * MINUTE);
    await h().db.manager.update(Payment, { outTradeNo: no }, { expiresAt: new Date(h().clock.now().getTime() - 3 * MINUTE) });
    expect((await h().services.payments.reconcile()).paid).toBe(1);
    expect(await h().db.manager.findOneByOrFail(Payment, { outTradeNo: no })).toMatchObject({ flagged: false, flagReason: '', status: 'paid' });
    expect((await problems()).payments.map((p: { outTradeNo: string }) => p.outTradeNo)).not.toContain(no);
    expect((await h().db.manager.findOneByOrFail(Booking, { id: b.id })).status).toBe('pending_confirmation');
    await expectRight(b.id);
  });
});
