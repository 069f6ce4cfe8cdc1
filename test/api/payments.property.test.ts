import fc from 'fast-check';
import { ACTIVE_BOOKING_STATUSES, Booking, Payment, Refund } from '../../entities';
import { JIAXIN, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// Random sequences of what families, staff, WeChat Pay and the clock do to bookings with a co-payment; after every
// step the money must add up, for every booking, to the fen:
//   price = subsidy + copay;
//   paid − refunded − (refunds on their way) = copay while the booking is kept, 0 once it is not.
// "On their way" counts refunds WeChat Pay refused and that wait for a retry; at the end, once they are retried,
// nothing is on its way and paid − refunded alone adds up.

const MINUTE = 60_000;
const KEPT = ['pending_confirmation', 'confirmed', 'served', 'rated', 'no_show'];
const MEALS = ['lunch', 'dinner'] as const;

type Step =
  | { op: 'book'; meal: 0 | 1; quantity: 1 | 2 }
  | { op: 'prepay'; meal: 0 | 1 }
  | { op: 'pay'; meal: 0 | 1; silent: boolean }
  | { op: 'duplicate'; meal: 0 | 1 }
  | { op: 'cancel'; meal: 0 | 1 }
  | { op: 'reject'; meal: 0 | 1 }
  | { op: 'reduce'; meal: 0 | 1 }
  | { op: 'failNextRefund' }
  | { op: 'retryFailed' }
  | { op: 'expire' }
  | { op: 'reconcile' };

const meal = fc.constantFrom(0 as const, 1 as const);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('book' as const), meal, quantity: fc.constantFrom(1 as const, 2 as const) }),
  fc.record({ op: fc.constant('prepay' as const), meal }),
  fc.record({ op: fc.constant('pay' as const), meal, silent: fc.boolean() }),
  fc.record({ op: fc.constant('duplicate' as const), meal }),
  fc.record({ op: fc.constant('cancel' as const), meal }),
  fc.record({ op: fc.constant('reject' as const), meal }),
  fc.record({ op: fc.constant('reduce' as const), meal }),
  fc.constant({ op: 'failNextRefund' as const }),
  fc.constant({ op: 'retryFailed' as const }),
  fc.constant({ op: 'expire' as const }),
  fc.constant({ op: 'reconcile' as const }),
);

describeEachDb('money invariants under random sequences', (h) => {
  let daughter: string;
  let staff: string;
  let admin: string;
  let motherId: number;
  const slotIds: number[] = [];

  beforeAll(async () => {
    daughter = await loginWechat(h(), 'o_family_01');
    staff = await loginConsole(h(), 'staff-jiaxin');
    admin = await loginConsole(h(), 'admin');
    motherId = (await seniorNamed(h(), '张桂英')).id;
    for (const m of MEALS) slotIds.push((await slotOf(h(), JIAXIN, m, '2026-12-03')).id);
  });

  const wxpay = () => h().sandbox.wxpay;
  const mine = () => h().db.manager.find(Booking, { where: { seniorId: motherId }, order: { id: 'ASC' } });
  /** The booking of that meal still holding its seat, if any. */
  const activeAt = async (m: 0 | 1) => (await mine()).find((b) => b.slotId === slotIds[m] && ACTIVE_BOOKING_STATUSES.includes(b.status));
  const lastOf = async (m: 0 | 1) => (await mine()).filter((b) => b.slotId === slotIds[m]).pop();

  async function run(s: Step): Promise<void> {
    const api = h().http;
    switch (s.op) {
      case 'book':
        await api.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: motherId, slotId: slotIds[s.meal], quantity: s.quantity });
        return;
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
        const b = await activeAt(s.meal);
        if (b)
          await api
            .post(`/api/v1/bookings/${b.id}/${s.op}`)
            .set('authorization', s.op === 'cancel' ? daughter : staff)
            .send({ reason: '随机' });
        return;
      }
      case 'reduce': {
        const b = await activeAt(s.meal);
        if (b && b.quantity > 1)
          await api
            .post(`/api/v1/bookings/${b.id}/reduce`)
            .set('authorization', daughter)
            .send({ quantity: b.quantity - 1 });
        return;
      }
      case 'failNextRefund':
        wxpay().setRefundKnobs({ failRefunds: 1 });
        return;
      case 'retryFailed':
        await retryFailed();
        return;
      case 'expire':
        h().clock.advance(16 * MINUTE);
        await h().services.payments.expireUnpaid();
        return;
      case 'reconcile':
        h().clock.advance(11 * MINUTE);
        await h().services.payments.reconcile();
        return;
    }
  }

  async function retryFailed() {
    for (const r of await h().db.manager.find(Refund, { where: { status: 'failed' } })) {
      await h().http.post(`/api/v1/refunds/${r.id}/retry`).set('authorization', staff).send({}).expect(200);
    }
  }

  async function expectMoneyAddsUp(final: boolean, trail: Step[]) {
    for (const b of await mine()) {
      const payments = await h().db.manager.find(Payment, { where: { bookingId: b.id } });
      const refunds = await h().db.manager.find(Refund, { where: { bookingId: b.id } });
      const sum = (rows: Array<{ amountFen: number }>) => rows.reduce((t, r) => t + r.amountFen, 0);
      const paid = sum(payments.filter((p) => p.status === 'paid'));
      const refunded = sum(refunds.filter((r) => r.status === 'success'));
      const onTheWay = sum(refunds.filter((r) => ['pending', 'processing', 'failed'].includes(r.status)));
      const expected = KEPT.includes(b.status) ? b.copayFen : 0;
      const why = `booking ${b.id} (${b.status}, copay ${b.copayFen}) after ${JSON.stringify(trail)}`;
      expect({ why, split: b.priceFen - b.subsidyFen - b.copayFen }).toEqual({ why, split: 0 });
      expect({ why, net: paid - refunded - onTheWay }).toEqual({ why, net: expected });
      if (final) expect({ why, onTheWay }).toEqual({ why, onTheWay: 0 });
      // WeChat Pay's own books agree: what it holds for each order is what Mulin thinks it holds.
      for (const p of payments.filter((x) => x.status === 'paid')) {
        const order = wxpay()
          .listOrders()
          .find((o) => o.outTradeNo === p.outTradeNo)!;
        const mulinRefunded = sum(refunds.filter((r) => r.paymentId === p.id && ['processing', 'success'].includes(r.status)));
        expect({ why, order: p.outTradeNo, refunded: order.refundedFen }).toEqual({ why, order: p.outTradeNo, refunded: mulinRefunded });
      }
    }
  }

  test('paid − refunded is the co-payment of every kept booking and 0 of every other, after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 12 }), async (steps) => {
        h().clock.set(T0);
        const trail: Step[] = [];
        try {
          for (const s of [{ op: 'book', meal: 0, quantity: 2 } as Step, { op: 'prepay', meal: 0 } as Step, ...steps]) {
            trail.push(s);
            await run(s);
            await wxpay().settled();
            await expectMoneyAddsUp(false, trail);
          }
          wxpay().setRefundKnobs({ failRefunds: 0 });
          await retryFailed();
          await wxpay().settled();
          await expectMoneyAddsUp(true, trail);
        } finally {
          // Leave nothing holding a seat or the day's subsidy for the next sequence.
          h().clock.set(T0);
          wxpay().setRefundKnobs({ failRefunds: 0 });
          for (const b of await mine()) {
            if (ACTIVE_BOOKING_STATUSES.includes(b.status)) {
              await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', admin).send({}).expect(200);
            }
          }
          await wxpay().settled();
          await retryFailed();
          await wxpay().settled();
        }
      }),
      { numRuns: h().kind === 'sqlite' ? 25 : 12 },
    );
  }, 60_000);
});
