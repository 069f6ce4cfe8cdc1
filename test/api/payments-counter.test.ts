import { ACTIVE_BOOKING_STATUSES, AuditLog, Booking, Centre } from '../../entities';
import { CANTEEN, centreNamed, JIAXIN, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0, TODAY } from '../helpers/harness';
import { moneyOf } from '../helpers/money';

// 现场付: a centre that takes co-payments at the counter. A senior books without paying online and is booked at
// once; staff record what they took at check-in (amount and method); the ledger, the day's list, the problems
// list count it apart from WeChat Pay; a no-show's counter payment is simply never collected.

const MINUTE = 60_000;
const SERVING = '2026-12-01T03:30:00.000Z'; // 11:30 in Shanghai

describeEachDb('paying at the counter (现场付)', (h) => {
  let daughter: string; // 刘敏, linked to 张桂英 (80+: 3 元 off one meal a day)
  let canteenStaff: string;
  let admin: string;
  let motherId: number;
  let canteenId: number;

  beforeAll(async () => {
    daughter = await loginWechat(h(), 'o_family_01');
    canteenStaff = await loginConsole(h(), 'staff-hushu-canteen');
    admin = await loginConsole(h(), 'admin');
    motherId = (await seniorNamed(h(), '张桂英')).id;
    canteenId = (await centreNamed(h(), CANTEEN)).id;
    await h().db.manager.update(Centre, { id: canteenId }, { counterPayment: true });
  });
  beforeEach(async () => {
    h().clock.set(T0);
    await h().sandbox.wxpay.settled();
  });
  afterEach(async () => {
    h().clock.set(T0);
    for (const b of await h().db.manager.find(Booking, { where: { seniorId: motherId } })) {
      if (ACTIVE_BOOKING_STATUSES.includes(b.status) && !['no_show', 'served', 'rated'].includes(b.status)) {
        await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', admin).send({ reason: '测试结束' }).expect(200);
      } else if (['no_show', 'served', 'rated'].includes(b.status)) {
        await h().db.manager.update(Booking, { id: b.id }, { status: 'cancelled' }); // out of the way of the day's subsidy
      }
    }
    await h().sandbox.wxpay.settled();
  });

  async function book(centre: string, kind: 'lunch' | 'dinner', extra: Record<string, unknown> = {}) {
    const slot = await slotOf(h(), centre, kind, TODAY);
    return h()
      .http.post('/api/v1/bookings')
      .set('authorization', daughter)
      .send({ seniorId: motherId, slotId: slot.id, ...extra });
  }
  const checkIn = (code: string, counter?: { amountFen: number; method: string }, auth = canteenStaff) =>
    h()
      .http.post('/api/v1/bookings/check-in')
      .set('authorization', auth)
      .send({ code, ...(counter ? { counter } : {}) });
  const ledger = async (id: number) => (await h().http.get(`/api/v1/bookings/${id}/payments`).set('authorization', daughter).expect(200)).body;

  test('booked at once without paying online, never expired; staff take the co-payment at check-in, counted apart from WeChat Pay', async () => {
    const made = await book(CANTEEN, 'lunch', { payAt: 'counter' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ status: 'confirmed', payAtCounter: true, paymentDueAt: null, priceFen: 1400, subsidyFen: 300, copayFen: 1100 });
    h().clock.advance(20 * MINUTE);
    expect(await h().services.payments.expireUnpaid()).toEqual({ expired: 0, paid: 0 });
    expect(await ledger(made.body.id)).toMatchObject({ paidFen: 0, counterFen: 0, dueFen: 0, heldFen: 0, counter: null });

    h().clock.set(SERVING);
    const staffAuth = await loginConsole(h(), 'staff-hushu-canteen');
    const missing = await checkIn(made.body.code, undefined, staffAuth);
    expect(missing.status).toBe(422);
    expect(missing.body.error).toMatchObject({ code: 'COUNTER_PAYMENT_REQUIRED', message: '这个预约要现场收款，请填写收了多少钱、怎么收的' });
    const tooMuch = await checkIn(made.body.code, { amountFen: 1200, method: 'cash' }, staffAuth);
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({ code: 'COUNTER_AMOUNT_TOO_HIGH', message: '收的钱比应付的多：这个预约应付 11 元' });
    const badMethod = await checkIn(made.body.code, { amountFen: 1100, method: 'alipay' }, staffAuth);
    expect(badMethod.status).toBe(400);

    const served = await checkIn(made.body.code, { amountFen: 1100, method: 'senior_card' }, staffAuth);
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ status: 'served', payAtCounter: true });
    const l = await ledger(made.body.id);
    expect(l).toMatchObject({ paidFen: 0, counterFen: 1100, refundedFen: 0, dueFen: 1100, heldFen: 1100, payments: [] });
    expect(l.counter).toMatchObject({ amountFen: 1100, method: 'senior_card', methodLabel: '老人卡' });
    const log = await h().db.manager.findOneByOrFail(AuditLog, { action: 'booking.counter_payment', entityId: made.body.id });
    expect(log.detail).toEqual({ amountFen: 1100, method: 'senior_card', copayFen: 1100 });

    const day = await h().http.get(`/api/v1/payments?centreId=${canteenId}&date=${TODAY}`).set('authorization', staffAuth).expect(200);
    expect(day.body.counter).toEqual([expect.objectContaining({ bookingId: made.body.id, amountFen: 1100, method: 'senior_card', copayFen: 1100 })]);
    expect(day.body.totals).toMatchObject({ paidFen: 0, paidCount: 0, counterFen: 1100, counterCount: 1, counterShortFen: 0 });
    const m = await moneyOf(h(), made.body.id);
    expect(m.held).toBe(m.due);
  });

  test('what falls short of the co-payment is shown to staff; a no-show pays nothing', async () => {
    const lunch = (await book(CANTEEN, 'lunch', { payAt: 'counter' })).body;
    const dinner = (await book(CANTEEN, 'dinner', { payAt: 'counter' })).body;
    expect(dinner).toMatchObject({ status: 'confirmed', payAtCounter: true, copayFen: 800 }); // 11 元, 3 元 off
    h().clock.set(SERVING);
    const staffAuth = await loginConsole(h(), 'staff-hushu-canteen');
    await checkIn(lunch.code, { amountFen: 1000, method: 'cash' }, staffAuth).expect(200);
    const problems = await h().http.get('/api/v1/payments/problems').set('authorization', staffAuth).expect(200);
    expect(problems.body.counterShortfalls).toEqual([expect.objectContaining({ bookingId: lunch.id, amountFen: 1000, copayFen: 1100, shortFen: 100 })]);
    const elsewhere = await h()
      .http.get('/api/v1/payments/problems')
      .set('authorization', await loginConsole(h(), 'staff-jiaxin'))
      .expect(200);
    expect(elsewhere.body.counterShortfalls).toEqual([]);

    // Dinner: never came. Day end marks the no-show; nothing was collected and nothing is owed.
    h().clock.set('2026-12-01T13:30:00.000Z');
    await h().services.dayEnd.closeDay(h().clock.now());
    const m = await moneyOf(h(), dinner.id);
    expect(m.booking.status).toBe('no_show');
    expect({ held: m.held, due: m.due, counter: m.counter }).toEqual({ held: 0, due: 0, counter: null });
  });

  test('paid online before the day instead: it is an online payment, and the counter takes nothing more', async () => {
    const b = (await book(CANTEEN, 'lunch', { payAt: 'counter' })).body;
    const no = (await h().http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', daughter).send({}).expect(200)).body.payment.outTradeNo;
    h().sandbox.wxpay.pay(no);
    await h().sandbox.wxpay.settled();
    expect(await h().db.manager.findOneByOrFail(Booking, { id: b.id })).toMatchObject({ status: 'confirmed', payAtCounter: false });
    expect(await ledger(b.id)).toMatchObject({ paidFen: 1100, counterFen: 0, dueFen: 1100, heldFen: 1100 });
    const again = await h().http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', daughter).send({});
    expect(again.body.error.code).toBe('ALREADY_PAID');

    h().clock.set(SERVING);
    const staffAuth = await loginConsole(h(), 'staff-hushu-canteen');
    const twice = await checkIn(b.code, { amountFen: 1100, method: 'cash' }, staffAuth);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('COUNTER_PAYMENT_NOT_DUE');
    await checkIn(b.code, undefined, staffAuth).expect(200);
    const m = await moneyOf(h(), b.id);
    expect({ held: m.held, due: m.due, counter: m.counterFen }).toEqual({ held: 1100, due: 1100, counter: 0 });
  });

  test('an unpaid online booking at such a centre is checked in by paying at the counter; its open order is closed', async () => {
    const b = (await book(CANTEEN, 'lunch')).body; // the mini-program pays online unless told otherwise
    expect(b).toMatchObject({ status: 'pending_payment', payAtCounter: false });
    const no = (await h().http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', daughter).send({}).expect(200)).body.payment.outTradeNo;
    h().clock.set('2026-12-01T00:40:00.000Z'); // before the 15 minutes are up
    const staffAuth = await loginConsole(h(), 'staff-hushu-canteen');
    // Check-in is on the day; the lunch is today, so staff can take it at the counter now.
    const served = await checkIn(b.code, { amountFen: 1100, method: 'scanned_code' }, staffAuth);
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ status: 'served', payAtCounter: true, paymentDueAt: null });
    expect(
      h()
        .sandbox.wxpay.listOrders()
        .find((o) => o.outTradeNo === no)!.state,
    ).toBe('CLOSED');
    expect(await ledger(b.id)).toMatchObject({ paidFen: 0, counterFen: 1100, heldFen: 1100, dueFen: 1100 });
  });

  test('a centre that does not take counter payment refuses it, and an online booking there cannot be paid at the counter', async () => {
    const refused = await book(JIAXIN, 'lunch', { payAt: 'counter' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'COUNTER_PAYMENT_NOT_ACCEPTED', message: '这个站点不收现场付款，请在线付款' });
    const b = (await book(JIAXIN, 'lunch')).body;
    const no = (await h().http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', daughter).send({}).expect(200)).body.payment.outTradeNo;
    h().sandbox.wxpay.pay(no);
    await h().sandbox.wxpay.settled();
    h().clock.set(SERVING);
    const staffAuth = await loginConsole(h(), 'staff-jiaxin');
    const extra = await checkIn(b.code, { amountFen: 500, method: 'cash' }, staffAuth);
    expect(extra.body.error.code).toBe('COUNTER_PAYMENT_NOT_DUE');
  });
});
