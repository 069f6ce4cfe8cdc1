import fc from 'fast-check';
import { MoreThan } from 'typeorm';
import { ACTIVE_BOOKING_STATUSES, Booking, Centre, Payment, Refund, Slot } from '../../entities';
import { CANTEEN, JIAXIN, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';
import { moneyOf } from '../helpers/money';

// Random sequences of what families, staff, WeChat Pay and the clock do to bookings with a co-payment — paying
// (twice, late, silently), reducing, cancelling, rejecting, refunds WeChat Pay refuses, closes or cannot deliver
// (abnormal), staff retrying them and paying them back by hand, 现场付 at a counter, check-ins and day ends —
// and after every step the money must add up, for every booking, to the fen:
//   price = subsidy + copay;
//   paid online + collected at the counter − refunded − paid back by hand − (refunds on their way or stuck)
//     − (closed refunds still owed) = the co-payment of a kept booking (of one paid at the counter: once served),
//     0 for one not kept; never negative.
// At the end, once staff have retried what failed or closed and paid back by hand what is abnormal, nothing is on
// its way and nothing owed: paid + counter − refunded − paid back by hand alone adds up, per booking and overall,
// and WeChat Pay's books agree with Mulin's.

const MINUTE = 60_000;
const KEPT = ['pending_confirmation', 'confirmed', 'served', 'rated', 'no_show'];
const SERVICE_DAY = '2026-12-03';
/** Lunch and dinner at 嘉新 (online), lunch at 湖墅老年食堂 (it takes co-payments at the counter). */
const MEALS = [
  { centre: JIAXIN, kind: 'lunch' },
  { centre: JIAXIN, kind: 'dinner' },
  { centre: CANTEEN, kind: 'lunch' },
] as const;
type Meal = 0 | 1 | 2;
/** How WeChat Pay ends the refunds a step makes: back on the card, closed (it gave up), or abnormal (stuck). */
type Ends = 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

type Step =
  | { op: 'book'; meal: Meal; quantity: 1 | 2 | 3 }
  | { op: 'bookAndPay'; meal: Meal; quantity: 1 | 2 | 3 }
  | { op: 'prepay'; meal: Meal }
  | { op: 'pay'; meal: Meal; silent: boolean }
  | { op: 'duplicate'; meal: Meal }
  | { op: 'cancel'; meal: Meal; ends: Ends }
  | { op: 'reject'; meal: Meal; ends: Ends }
  | { op: 'reduce'; meal: Meal; ends: Ends }
  | { op: 'confirm'; meal: Meal }
  | { op: 'checkIn'; meal: Meal }
  | { op: 'failNextRefund' }
  | { op: 'retryFailed' }
  | { op: 'retryClosed' }
  | { op: 'payBackByHand' }
  | { op: 'expire' }
  | { op: 'reconcile' }
  | { op: 'dayEnd'; ends: Ends };

// Mostly the one meal, so that what is done to a booking piles up: paid, reduced, refunded, refunded again.
const meal: fc.Arbitrary<Meal> = fc.oneof({ weight: 4, arbitrary: fc.constant(0 as const) }, fc.constant(1 as const), fc.constant(2 as const));
const ends: fc.Arbitrary<Ends> = fc.oneof(
  { weight: 2, arbitrary: fc.constant('SUCCESS' as const) },
  fc.constant('CLOSED' as const),
  fc.constant('ABNORMAL' as const),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('book' as const), meal, quantity: fc.constantFrom(1 as const, 2 as const, 3 as const) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('bookAndPay' as const), meal, quantity: fc.constantFrom(2 as const, 3 as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('prepay' as const), meal }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('pay' as const), meal, silent: fc.boolean() }) },
  fc.record({ op: fc.constant('duplicate' as const), meal }),
  fc.record({ op: fc.constant('cancel' as const), meal, ends }),
  fc.record({ op: fc.constant('reject' as const), meal, ends }),
  { weight: 5, arbitrary: fc.record({ op: fc.constant('reduce' as const), meal, ends }) },
  fc.record({ op: fc.constant('confirm' as const), meal }),
  fc.record({ op: fc.constant('checkIn' as const), meal }),
  fc.constant({ op: 'failNextRefund' as const }),
  fc.constant({ op: 'retryFailed' as const }),
  { weight: 2, arbitrary: fc.constant({ op: 'retryClosed' as const }) },
  fc.constant({ op: 'payBackByHand' as const }),
  fc.constant({ op: 'expire' as const }),
  fc.constant({ op: 'reconcile' as const }),
  fc.record({ op: fc.constant('dayEnd' as const), ends }),
);

describeEachDb('money invariants under random sequences', (h) => {
  let daughter: string;
  let motherId: number;
  const slotIds: number[] = [];
  /** Console sessions last 12 hours and the clock jumps days: sign in again when it has moved on. */
  const sessions = new Map<string, { token: string; at: number }>();
  const consoleAs = async (username: string) => {
    const s = sessions.get(username);
    if (s && Math.abs(h().clock.now().getTime() - s.at) < 10 * 60 * MINUTE) return s.token;
    const token = await loginConsole(h(), username);
    sessions.set(username, { token, at: h().clock.now().getTime() });
    return token;
  };

  beforeAll(async () => {
    daughter = await loginWechat(h(), 'o_family_01');
    motherId = (await seniorNamed(h(), '张桂英')).id;
    await h().db.manager.update(Centre, { name: CANTEEN }, { counterPayment: true });
    for (const m of MEALS) slotIds.push((await slotOf(h(), m.centre, m.kind, SERVICE_DAY)).id);
  });

  const wxpay = () => h().sandbox.wxpay;
  let firstId = 0;
  const mine = () => h().db.manager.find(Booking, { where: { seniorId: motherId, id: MoreThan(firstId) }, order: { id: 'ASC' } });
  /** The booking of that meal still holding its seat, if any. */
  const activeAt = async (m: Meal) => (await mine()).find((b) => b.slotId === slotIds[m] && ACTIVE_BOOKING_STATUSES.includes(b.status));
  const lastOf = async (m: Meal) => (await mine()).filter((b) => b.slotId === slotIds[m]).pop();
  const staffOf = (m: Meal) => (MEALS[m].centre === CANTEEN ? 'staff-hushu-canteen' : 'staff-jiaxin');

  async function run(s: Step): Promise<void> {
    const api = h().http;
    switch (s.op) {
      case 'book':
        await api
          .post('/api/v1/bookings')
          .set('authorization', daughter)
          .send({ seniorId: motherId, slotId: slotIds[s.meal], quantity: s.quantity, ...(s.meal === 2 ? { payAt: 'counter' } : {}) });
        return;
      case 'bookAndPay': {
        await run({ op: 'book', meal: s.meal, quantity: s.quantity });
        await run({ op: 'prepay', meal: s.meal });
        await run({ op: 'pay', meal: s.meal, silent: false });
        return;
      }
      case 'prepay': {
        const b = await lastOf(s.meal);
        if (b) await api.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', daughter).send({});
        return;
      }
      case 'pay': {
        const b = await lastOf(s.meal);
        const open = b && (await h().db.manager.find(Payment, { where: { bookingId: b.id } })).map((p) => p.outTradeNo);
        const order = wxpay()
          .listOrders()
          .find((o) => open?.includes(o.outTradeNo) && o.state === 'NOTPAY');
        if (order && (!order.timeExpire || Date.parse(order.timeExpire) > h().clock.now().getTime())) wxpay().pay(order.outTradeNo, { silent: s.silent });
        return;
      }
      case 'duplicate': {
        const b = await lastOf(s.meal);
        const nos = b ? (await h().db.manager.find(Payment, { where: { bookingId: b.id } })).map((p) => p.outTradeNo) : [];
        const sent = wxpay()
          .notificationLog()
          .filter((a) => nos.includes(a.outTradeNo) && !a.duplicate);
        for (const a of sent.slice(-1)) for (let i = 0; i < 3; i++) wxpay().redeliver(a.notificationId);
        return;
      }
      case 'cancel':
      case 'reject': {
        wxpay().setRefundKnobs({ refundOutcome: s.ends });
        const b = await activeAt(s.meal);
        if (b)
          await api
            .post(`/api/v1/bookings/${b.id}/${s.op}`)
            .set('authorization', s.op === 'cancel' ? daughter : await consoleAs(staffOf(s.meal)))
            .send({ reason: '随机' });
        return;
      }
      case 'reduce': {
        wxpay().setRefundKnobs({ refundOutcome: s.ends });
        const b = await activeAt(s.meal);
        if (b && b.quantity > 1)
          await api
            .post(`/api/v1/bookings/${b.id}/reduce`)
            .set('authorization', daughter)
            .send({ quantity: b.quantity - 1 });
        return;
      }
      case 'confirm': {
        const b = await activeAt(s.meal);
        if (b) await api.post(`/api/v1/bookings/${b.id}/confirm`).set('authorization', await consoleAs(staffOf(s.meal)));
        return;
      }
      case 'checkIn': {
        // Serving time on the service day; a counter booking's co-payment is taken in full.
        const serving = Date.parse(`${SERVICE_DAY}T03:30:00.000Z`);
        if (h().clock.now().getTime() < serving) h().clock.set(new Date(serving).toISOString());
        const b = await activeAt(s.meal);
        if (!b) return;
        const counter = b.payAtCounter || (b.status === 'pending_payment' && s.meal === 2) ? { amountFen: b.copayFen, method: 'cash' } : undefined;
        await api
          .post('/api/v1/bookings/check-in')
          .set('authorization', await consoleAs(staffOf(s.meal)))
          .send({ code: b.code, ...(counter ? { counter } : {}) });
        return;
      }
      case 'failNextRefund':
        wxpay().setRefundKnobs({ failRefunds: 1 });
        return;
      case 'retryFailed':
        await retry(['failed']);
        return;
      case 'retryClosed':
        await retry(['closed']);
        return;
      case 'payBackByHand':
        await payBackByHand();
        return;
      case 'expire':
        h().clock.advance(16 * MINUTE);
        await h().services.payments.expireUnpaid();
        return;
      case 'reconcile':
        h().clock.advance(11 * MINUTE);
        await h().services.payments.reconcile();
        return;
      case 'dayEnd': {
        wxpay().setRefundKnobs({ refundOutcome: s.ends });
        const close = Date.parse(`${SERVICE_DAY}T13:30:00.000Z`); // 21:30 in Shanghai
        if (h().clock.now().getTime() < close) h().clock.set(new Date(close).toISOString());
        await h().services.dayEnd.closeDay(h().clock.now());
        return;
      }
    }
  }

  /** Staff retry what the problems list shows them: failed refunds, and closed ones (refused once covered). */
  async function retry(statuses: Array<'failed' | 'closed'>) {
    wxpay().setRefundKnobs({ refundOutcome: 'SUCCESS' });
    for (const b of await mine()) {
      for (const r of await h().db.manager.find(Refund, { where: { bookingId: b.id } })) {
        if (!statuses.includes(r.status as 'failed' | 'closed') || r.resolvedAt !== null) continue;
        const res = await h()
          .http.post(`/api/v1/refunds/${r.id}/retry`)
          .set('authorization', await consoleAs(staffOf(slotIds.indexOf(b.slotId) as Meal)))
          .send({});
        expect({ refund: r.id, status: res.status, code: res.body.error?.code }).toEqual(
          res.status === 200 ? { refund: r.id, status: 200, code: undefined } : { refund: r.id, status: 409, code: 'REFUND_ALREADY_COVERED' },
        );
      }
    }
  }

  /** Staff pay back by hand what WeChat Pay could not (abnormal refunds), as the problems list asks. */
  async function payBackByHand() {
    for (const b of await mine()) {
      for (const r of await h().db.manager.find(Refund, { where: { bookingId: b.id, status: 'abnormal' } })) {
        if (r.resolvedAt !== null) continue;
        await h()
          .http.post(`/api/v1/refunds/${r.id}/resolve-offline`)
          .set('authorization', await consoleAs(staffOf(slotIds.indexOf(b.slotId) as Meal)))
          .send({ method: 'bank_transfer', reference: `T${r.id}` })
          .expect(200);
      }
    }
  }

  async function expectMoneyAddsUp(final: boolean, trail: Step[]) {
    let held = 0;
    let due = 0;
    let wechatNet = 0;
    let mulinOnline = 0;
    for (const b of await mine()) {
      const m = await moneyOf(h(), b.id);
      const owed = m.refunds.filter((r) => r.status === 'closed' && r.resolution === null).reduce((t, r) => t + r.amountFen, 0);
      const served = b.status === 'served' || b.status === 'rated';
      const expected = KEPT.includes(b.status) && !(b.payAtCounter && !served) ? b.copayFen : 0;
      const why = `booking ${b.id} (${b.status}${b.payAtCounter ? ', at the counter' : ''}, copay ${b.copayFen}) after ${JSON.stringify(trail)}`;
      expect({ why, split: b.priceFen - b.subsidyFen - b.copayFen }).toEqual({ why, split: 0 });
      expect({ why, net: m.held - owed }).toEqual({ why, net: expected });
      expect({ why, neverNegative: m.paid + m.counterFen - m.refunded - m.offline >= 0 && m.held >= 0 }).toEqual({ why, neverNegative: true });
      if (final) expect({ why, onTheWay: m.onTheWay, owed }).toEqual({ why, onTheWay: 0, owed: 0 });
      held += m.paid + m.counterFen - m.refunded - m.offline - m.onTheWay - owed;
      due += expected;
      // WeChat Pay's own books agree: what it holds for each order is what Mulin thinks it holds.
      for (const p of m.payments.filter((x) => x.status === 'paid')) {
        const order = wxpay()
          .listOrders()
          .find((o) => o.outTradeNo === p.outTradeNo)!;
        const gone = m.refunds.filter((r) => r.paymentId === p.id && ['processing', 'success'].includes(r.status)).reduce((t, r) => t + r.amountFen, 0);
        expect({ why, order: p.outTradeNo, refunded: order.refundedFen }).toEqual({ why, order: p.outTradeNo, refunded: gone });
        wechatNet += order.amountFen - order.refundedFen;
        mulinOnline += p.amountFen - gone;
      }
    }
    // Over everything, the same sum.
    expect({ held, wechat: wechatNet }).toEqual({ held: due, wechat: mulinOnline });
  }

  test('paid + counter − refunded − paid back by hand is the co-payment of every kept booking and 0 of every other, after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 18 }), async (steps) => {
        h().clock.set(T0);
        firstId = (await h().db.manager.findOne(Booking, { where: {}, order: { id: 'DESC' } }))?.id ?? 0;
        const trail: Step[] = [];
        try {
          // Every sequence starts with three lunches paid for, and one dinner booked with its order open.
          const start: Step[] = [
            { op: 'bookAndPay', meal: 0, quantity: 3 },
            { op: 'book', meal: 1, quantity: 2 },
            { op: 'prepay', meal: 1 },
          ];
          for (const s of [...start, ...steps]) {
            trail.push(s);
            await run(s);
            await wxpay().settled();
            await expectMoneyAddsUp(false, trail);
          }
          // Staff clear the problems list: what failed or closed is retried, what is abnormal is paid back by hand.
          wxpay().setRefundKnobs({ failRefunds: 0, refundOutcome: 'SUCCESS' });
          await retry(['failed', 'closed']);
          await wxpay().settled();
          await payBackByHand();
          await expectMoneyAddsUp(true, trail);
        } finally {
          // Leave nothing holding a seat or the day's subsidy for the next sequence.
          h().clock.set(T0);
          wxpay().setRefundKnobs({ failRefunds: 0, refundOutcome: 'SUCCESS' });
          for (const b of await mine()) {
            if (['pending_payment', 'pending_confirmation', 'confirmed'].includes(b.status)) {
              await h()
                .http.post(`/api/v1/bookings/${b.id}/cancel`)
                .set('authorization', await consoleAs('admin'))
                .send({})
                .expect(200);
            } else if (ACTIVE_BOOKING_STATUSES.includes(b.status)) {
              // Served or missed: out of the way of the next sequence (this one's checks are done).
              await h().db.manager.update(Booking, { id: b.id }, { status: 'cancelled' });
              await h().db.manager.decrement(Slot, { id: b.slotId }, 'booked', b.quantity);
            }
          }
          await wxpay().settled();
          await retry(['failed', 'closed']);
          await wxpay().settled();
          await payBackByHand();
        }
      }),
      { numRuns: h().kind === 'sqlite' ? 30 : 15 },
    );
  }, 240_000);
});
