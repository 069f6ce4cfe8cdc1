import { Booking, Centre, CLAIMABLE_BOOKING_STATUSES, CounterPayment, Payment, Refund, Slot, SubsidyPolicy } from '../../entities';
import { seedDemo } from '../../server/db/seed/demo';
import { shanghaiInstant } from '../../server/lib/time';
import { SETTLEMENT_FIGURES, type SettlementFigures } from '../../server/services/settlement/settlement.service';
import { CANTEEN, JIAXIN, loginConsole, loginWechat, MAIYUQIAO, seen, seniorNamed, slotOf, STREET_CENTRE } from './actors';
import { CONSOLE_PASSWORD, type Harness } from './harness';

/*
 * The month the settlement tests settle (test/api/settlements.test.ts): November 2026 in the demo district, lived
 * through the real API with the fake clock — bookings made, paid (WeChat Pay sandbox), served, cancelled, reduced,
 * refunded and missed — and, for comparison, the month's figures computed here straight from the tables.
 */

export const ZUOJIA = '左家新村睦邻点';
export const MONTH = '2026-11';
/** Shanghai wall-clock instant. */
export const at = (date: string, time: string) => shanghaiInstant(date, time);

export type Figures = SettlementFigures;
/** A booking whose money does not add up, as the settlement lists it behind its line. */
export type Unreconciled = { bookingId: number; bookingCode: string; serviceDate: string; copayDueFen: number; differenceFen: number } & Record<
  string,
  unknown
>;
export type Line = Figures & {
  centreId: number;
  centreName: string;
  policyId: number | null;
  policyName: string;
  reconciled: boolean;
  unreconciled: Unreconciled[];
};
export const FIGURES = SETTLEMENT_FIGURES;
const zero = (): Figures => Object.fromEntries(FIGURES.map((k) => [k, 0])) as unknown as Figures;

/** The seeded week is 28 Oct – 3 Nov; the month's last day and the next month's first get Monday's meal slots. */
async function copyMealSlots(h: () => Harness, from: string, to: string) {
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
  const shift = (d: Date) => new Date(d.getTime() + days * 86_400_000);
  const source = await h().db.manager.find(Slot, { where: { date: from } });
  const meals = source.filter((s) => s.endsAt.getTime() - s.startsAt.getTime() === 90 * 60_000); // lunch and dinner
  await h().db.manager.save(
    Slot,
    meals.map(({ id: _id, ...s }) =>
      h().db.manager.create(Slot, {
        ...s,
        date: to,
        startsAt: shift(s.startsAt),
        endsAt: shift(s.endsAt),
        bookingCutoffAt: shift(s.bookingCutoffAt),
        cancelCutoffAt: shift(s.cancelCutoffAt),
        booked: 0,
      }),
    ),
  );
}

/** Books at `when` as the family member, and pays through the sandbox unless the co-payment is zero. */
async function book(
  h: () => Harness,
  when: Date,
  payer: string,
  senior: string,
  centre: string,
  kind: 'lunch' | 'dinner' | 'bath',
  date: string,
  quantity = 1,
  pay = true,
) {
  h().clock.set(when);
  const auth = await loginWechat(h(), payer);
  const slot = await slotOf(h(), centre, kind, date);
  const seniorId = (await seniorNamed(h(), senior)).id;
  const res = await h().http.post('/api/v1/bookings').set('authorization', auth).send({ seniorId, slotId: slot.id, quantity });
  expect(res.status).toBe(201);
  const b = res.body as { id: number; code: string; copayFen: number; status: string };
  if (pay && b.copayFen > 0) {
    const prepaid = await h().http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', auth).send({ via: 'miniprogram' }).expect(200);
    h().sandbox.wxpay.pay(prepaid.body.payment.outTradeNo);
    await h().sandbox.wxpay.settled();
    expect((await seen(h(), auth, `/bookings/${b.id}`)).status).not.toBe('pending_payment');
  }
  return b;
}

/** Staff check the booking in at `when`: served. */
async function checkIn(h: () => Harness, when: Date, username: string, code: string) {
  h().clock.set(when);
  const res = await h()
    .http.post('/api/v1/bookings/check-in')
    .set('authorization', await loginConsole(h(), username))
    .send({ code });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('served');
}

/**
 * Seeds the demo district on 28 October 2026 (a harness started with `seed: false`) and lives through November:
 * October's last service and a refund carried into November, a month of meals, a bath, a no-show, an expired
 * booking, 现场付 at the canteen (one lunch two yuan short), an abnormal refund paid back by bank transfer and a failed
 * one still to be retried, a lunch on 1 December, and a December cancellation whose refund notification is lost on
 * 30 November. Returns the bookings later tests look at again.
 */
export async function liveNovember(h: () => Harness): Promise<{ dec1: number; lateRefund: number; counterShort: number; stillRefunding: number }> {
  const wx = (openid: string) => loginWechat(h(), openid);
  // Sessions are short for the console (12 h) and the clock moves a month: sign in afresh for each step.
  const staff = (username: string) => loginConsole(h(), username);
  const wxpay = () => h().sandbox.wxpay;

  // The demo district, seeded on Wednesday 28 October 2026 (its week of slots runs to 3 November).
  h().clock.set(at('2026-10-28', '08:30'));
  await seedDemo(h().db, h().clock, { consolePassword: CONSOLE_PASSWORD });
  await copyMealSlots(h, '2026-11-02', '2026-11-30');
  await copyMealSlots(h, '2026-11-02', '2026-12-01');
  wxpay().setRefundKnobs({ failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false });

  // October: served on the 31st (not November's), and one cancelled on the 30th whose refund WeChat Pay first
  // refuses; staff retry it on 2 November, so its money goes back in November.
  const oct31 = await book(h, at('2026-10-30', '10:00'), 'o_family_01', '张桂英', JIAXIN, 'lunch', '2026-10-31');
  await checkIn(h, at('2026-10-31', '11:30'), 'staff-jiaxin', oct31.code);
  const oct30 = await book(h, at('2026-10-29', '10:00'), 'o_family_02', '李建国', JIAXIN, 'lunch', '2026-10-30');
  wxpay().setRefundKnobs({ failRefunds: 1 });
  h().clock.set(at('2026-10-30', '08:00'));
  await h()
    .http.post(`/api/v1/bookings/${oct30.id}/cancel`)
    .set('authorization', await wx('o_family_02'))
    .send({ reason: '去医院' })
    .expect(200);
  await wxpay().settled();

  // November.
  const a = await book(h, at('2026-10-31', '10:00'), 'o_family_01', '张桂英', JIAXIN, 'lunch', '2026-11-01'); // 15 − 3 (高龄)
  const li = await book(h, at('2026-10-31', '10:05'), 'o_family_02', '李建国', JIAXIN, 'lunch', '2026-11-01'); // 15 − 7.50 (低保)
  const zhou = await book(h, at('2026-10-31', '10:10'), 'o_family_04', '周玉兰', MAIYUQIAO, 'lunch', '2026-11-01'); // 15 − 3
  await checkIn(h, at('2026-11-01', '11:30'), 'staff-jiaxin', a.code);
  await checkIn(h, at('2026-11-01', '11:31'), 'staff-jiaxin', li.code);
  await checkIn(h, at('2026-11-01', '11:32'), 'staff-maiyuqiao', zhou.code);

  // The retried October refund succeeds on 2 November.
  h().clock.set(at('2026-11-02', '09:00'));
  const jiaxinStaff = await staff('staff-jiaxin');
  const [failed] = (await seen(h(), jiaxinStaff, `/bookings/${oct30.id}/payments`)).refunds;
  expect(failed.status).toBe('failed');
  await h().http.post(`/api/v1/refunds/${failed.id}/retry`).set('authorization', jiaxinStaff).expect(200);
  await wxpay().settled();
  expect((await seen(h(), jiaxinStaff, `/bookings/${oct30.id}/payments`)).refunds).toEqual([expect.objectContaining({ id: failed.id, status: 'success' })]);

  // Two lunches, then one: 15 元 back, the subsidy kept; served and rated.
  const two = await book(h, at('2026-11-01', '10:00'), 'o_family_01', '张桂英', JIAXIN, 'lunch', '2026-11-02', 2);
  h().clock.set(at('2026-11-01', '12:00'));
  await h()
    .http.post(`/api/v1/bookings/${two.id}/reduce`)
    .set('authorization', await wx('o_family_01'))
    .send({ quantity: 1 })
    .expect(200);
  await wxpay().settled();
  await checkIn(h, at('2026-11-02', '11:40'), 'staff-jiaxin', two.code);
  h().clock.set(at('2026-11-02', '13:00'));
  await h()
    .http.post(`/api/v1/bookings/${two.id}/rating`)
    .set('authorization', await wx('o_family_01'))
    .send({ score: 5 })
    .expect(200);

  // A dinner cancelled with a refund: not claimable, but its refund is November's.
  const dinner = await book(h, at('2026-11-01', '10:30'), 'o_family_02', '李建国', JIAXIN, 'dinner', '2026-11-02');
  h().clock.set(at('2026-11-02', '09:00'));
  await h()
    .http.post(`/api/v1/bookings/${dinner.id}/cancel`)
    .set('authorization', await wx('o_family_02'))
    .send({})
    .expect(200);
  await wxpay().settled();

  // Free for a 特困 senior (no payment at all), served at an auto-confirming point.
  const free = await book(h, at('2026-11-01', '10:40'), 'o_family_03', '王秀英', ZUOJIA, 'lunch', '2026-11-02');
  expect(free.copayFen).toBe(0);
  await checkIn(h, at('2026-11-02', '11:45'), 'staff-zuojia', free.code);

  // No subsidy for a bath (张桂英 is not assessed as disabled): the 无补贴 line.
  const bath = await book(h, at('2026-11-02', '10:00'), 'o_family_01', '张桂英', STREET_CENTRE, 'bath', '2026-11-03');
  await checkIn(h, at('2026-11-03', '09:10'), 'staff-mishixiang', bath.code);

  // Paid and then not there: no_show, not claimable, no refund.
  const missed = await book(h, at('2026-11-02', '10:10'), 'o_family_05', '吴德明', ZUOJIA, 'lunch', '2026-11-03');
  h().clock.set(at('2026-11-03', '13:00'));
  await h()
    .http.post(`/api/v1/bookings/${missed.id}/no-show`)
    .set('authorization', await staff('staff-zuojia'))
    .send()
    .expect(200);

  // Never paid: expired, nothing to claim.
  await book(h, at('2026-11-02', '10:20'), 'o_family_02', '李建国', JIAXIN, 'lunch', '2026-11-03', 1, false);
  h().clock.set(at('2026-11-02', '10:40'));
  expect((await h().services.payments.expireUnpaid()).expired).toBe(1);

  // Served and rated at the canteen (another street).
  const canteen = await book(h, at('2026-11-02', '10:30'), 'o_family_05', '周玉兰', CANTEEN, 'lunch', '2026-11-03');
  await checkIn(h, at('2026-11-03', '11:20'), 'staff-hushu-canteen', canteen.code);
  h().clock.set(at('2026-11-03', '14:00'));
  await h()
    .http.post(`/api/v1/bookings/${canteen.id}/rating`)
    .set('authorization', await wx('o_family_05'))
    .send({ score: 4 })
    .expect(200);

  // 现场付 at the canteen: staff book 陈阿毛's lunches to be paid at the counter and record what they took — all
  // of it on the 3rd, two yuan short on the 2nd (its line is flagged, the booking listed behind it).
  await h().db.manager.update(Centre, { name: CANTEEN }, { counterPayment: true });
  const chenId = (await seniorNamed(h(), '陈阿毛')).id;
  const counterBookings: Record<string, number> = {};
  for (const [date, short, method] of [
    ['2026-11-02', 200, 'senior_card'],
    ['2026-11-03', 0, 'cash'],
  ] as const) {
    h().clock.set(at(date, '08:00'));
    const slot = await slotOf(h(), CANTEEN, 'lunch', date);
    const made = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', await staff('staff-hushu-canteen'))
      .send({ seniorId: chenId, slotId: slot.id, payAt: 'counter', channel: 'console' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ payAtCounter: true, status: 'confirmed', copayFen: 1400 });
    h().clock.set(at(date, '11:30'));
    const served = await h()
      .http.post('/api/v1/bookings/check-in')
      .set('authorization', await staff('staff-hushu-canteen'))
      .send({ code: made.body.code, counter: { amountFen: made.body.copayFen - short, method } });
    expect(served.status).toBe(200);
    counterBookings[date] = made.body.id;
  }

  // 周玉兰's two lunches at 卖鱼桥 become one; WeChat Pay cannot put the 15 元 back on her card (abnormal) and
  // staff pay it back by bank transfer: reconciled. Her two dinners become one too, but that refund fails and is
  // still waiting for its retry when the month is settled: flagged, 12 元 held that should go back.
  const twoLunches = await book(h, at('2026-11-01', '10:00'), 'o_family_04', '周玉兰', MAIYUQIAO, 'lunch', '2026-11-02', 2);
  const twoDinners = await book(h, at('2026-11-01', '10:05'), 'o_family_04', '周玉兰', MAIYUQIAO, 'dinner', '2026-11-02', 2);
  h().clock.set(at('2026-11-01', '12:00'));
  wxpay().setRefundKnobs({ refundOutcome: 'ABNORMAL' });
  await h()
    .http.post(`/api/v1/bookings/${twoLunches.id}/reduce`)
    .set('authorization', await wx('o_family_04'))
    .send({ quantity: 1 })
    .expect(200);
  await wxpay().settled();
  wxpay().setRefundKnobs({ refundOutcome: 'SUCCESS', failRefunds: 1 });
  await h()
    .http.post(`/api/v1/bookings/${twoDinners.id}/reduce`)
    .set('authorization', await wx('o_family_04'))
    .send({ quantity: 1 })
    .expect(200);
  await wxpay().settled();
  const [abnormal] = await h().db.manager.findBy(Refund, { bookingId: twoLunches.id });
  expect(abnormal.status).toBe('abnormal');
  await h()
    .http.post(`/api/v1/refunds/${abnormal.id}/resolve-offline`)
    .set('authorization', await staff('staff-maiyuqiao'))
    .send({ method: 'bank_transfer', reference: 'ICBC-20261101-0042' })
    .expect(200);
  await checkIn(h, at('2026-11-02', '11:35'), 'staff-maiyuqiao', twoLunches.code);
  await checkIn(h, at('2026-11-02', '17:10'), 'staff-maiyuqiao', twoDinners.code);

  // The month's last day is November's; the next day is not.
  const last = await book(h, at('2026-11-29', '10:00'), 'o_family_01', '张桂英', JIAXIN, 'lunch', '2026-11-30');
  await checkIn(h, at('2026-11-30', '11:30'), 'staff-jiaxin', last.code);
  const next = await book(h, at('2026-11-30', '10:00'), 'o_family_01', '张桂英', JIAXIN, 'lunch', '2026-12-01');

  // A December lunch cancelled on 30 November. WeChat Pay returns the money at 23:58 that night, but its
  // notification is lost (as in payments-refunds.test.ts): Mulin learns of it only after the settlement is made.
  const late = await book(h, at('2026-11-30', '10:10'), 'o_family_04', '周玉兰', MAIYUQIAO, 'lunch', '2026-12-01');
  wxpay().setRefundKnobs({ holdRefunds: true });
  h().clock.set(at('2026-11-30', '22:00'));
  await h()
    .http.post(`/api/v1/bookings/${late.id}/cancel`)
    .set('authorization', await wx('o_family_04'))
    .send({})
    .expect(200);
  await wxpay().settled();
  h().clock.set(at('2026-11-30', '23:58'));
  wxpay().setRefundKnobs({ holdRefunds: false });
  expect(wxpay().releaseHeldRefunds()).toHaveLength(1);
  await wxpay().settled();
  const [lost] = (await seen(h(), await wx('o_family_04'), `/bookings/${late.id}/payments`)).refunds;
  await h().db.manager.update(Refund, { id: lost.id }, { status: 'processing', succeededAt: null, rawNotification: null });
  return { dec1: next.id, lateRefund: late.id, counterShort: counterBookings['2026-11-02'], stillRefunding: twoDinners.id };
}

/** November computed here from the rows themselves, for centres whose region path starts with `scope`. */
export async function expectedLines(h: () => Harness, scope: string): Promise<Map<string, Line>> {
  const em = h().db.manager;
  const [bookings, payments, refunds, counters, centres, policies] = await Promise.all([
    em.find(Booking),
    em.find(Payment),
    em.find(Refund),
    em.find(CounterPayment),
    em.find(Centre),
    em.find(SubsidyPolicy),
  ]);
  const centre = new Map(centres.map((c) => [c.id, c]));
  const policyName = (id: number | null) => (id === null ? '无补贴' : policies.find((p) => p.id === id)!.name);
  const byId = new Map(bookings.map((b) => [b.id, b]));
  const lines = new Map<string, Line>();
  const line = (b: Booking) => {
    const k = `${centre.get(b.centreId)!.name}|${policyName(b.subsidyPolicyId)}`;
    if (!lines.has(k)) {
      lines.set(k, {
        centreId: b.centreId,
        centreName: centre.get(b.centreId)!.name,
        policyId: b.subsidyPolicyId,
        policyName: policyName(b.subsidyPolicyId),
        ...zero(),
        reconciled: true,
        unreconciled: [],
      });
    }
    return lines.get(k)!;
  };
  const inScope = (b: Booking) => centre.get(b.centreId)!.regionPath.startsWith(scope);
  const claimable = (b: Booking) => CLAIMABLE_BOOKING_STATUSES.includes(b.status) && b.serviceDate.slice(0, 7) === MONTH && inScope(b);
  const sum = (rows: Array<{ amountFen: number }>) => rows.reduce((t, r) => t + r.amountFen, 0);
  for (const b of bookings.filter(claimable).sort((x, y) => x.serviceDate.localeCompare(y.serviceDate) || x.id - y.id)) {
    const l = line(b);
    l.servedBookings += 1;
    l.servedPortions += b.quantity;
    l.priceFen += b.priceFen;
    l.subsidyFen += b.subsidyFen;
    l.copayDueFen += b.copayFen;
    // Its money, straight from the tables.
    const paid = sum(payments.filter((p) => p.bookingId === b.id && p.status === 'paid'));
    const counter = sum(counters.filter((c) => c.bookingId === b.id));
    const mine = refunds.filter((r) => r.bookingId === b.id);
    const refunded = sum(mine.filter((r) => r.status === 'success'));
    const offline = sum(mine.filter((r) => r.resolution === 'offline'));
    const refunding = sum(
      mine.filter((r) => ['pending', 'processing', 'failed'].includes(r.status) || (r.status === 'abnormal' && r.resolution !== 'offline')),
    );
    l.copayPaidFen += paid;
    l.copayCounterFen += counter;
    l.copayRefundedFen += refunded;
    l.copayRefundedOfflineFen += offline;
    const collected = paid + counter - refunded - offline;
    if (collected !== b.copayFen) {
      l.unreconciledBookings += 1;
      l.reconciled = false;
      l.unreconciled.push({
        bookingId: b.id,
        bookingCode: b.code,
        serviceDate: b.serviceDate,
        copayDueFen: b.copayFen,
        paidFen: paid,
        counterFen: counter,
        refundedFen: refunded,
        refundedOfflineFen: offline,
        refundingFen: refunding,
        collectedFen: collected,
        differenceFen: collected - b.copayFen,
      });
    }
  }
  const from = at('2026-11-01', '00:00').getTime();
  const to = at('2026-12-01', '00:00').getTime();
  for (const r of refunds) {
    const b = byId.get(r.bookingId)!;
    if (r.status !== 'success' || !r.succeededAt || r.succeededAt.getTime() < from || r.succeededAt.getTime() >= to || !inScope(b)) continue;
    const l = line(b);
    l.refundCount += 1;
    l.refundFen += r.amountFen;
  }
  for (const l of lines.values()) {
    l.copayCollectedFen = l.copayPaidFen + l.copayCounterFen - l.copayRefundedFen - l.copayRefundedOfflineFen;
    l.reconciled = l.reconciled && l.copayCollectedFen === l.copayDueFen;
  }
  return lines;
}

export const keyed = (lines: Line[]) => new Map(lines.map((l) => [`${l.centreName}|${l.policyName}`, l]));
export const totalsOf = (lines: Iterable<Figures>): Figures => {
  const t = zero();
  for (const l of lines) for (const k of FIGURES) t[k] += l[k];
  return t;
};

/** The settlement's lines and totals are exactly those computed from the tables for `scope`. */
export async function expectMatches(h: () => Harness, body: { lines: Line[]; totals: Figures }, scope: string) {
  const expected = await expectedLines(h, scope);
  const got = keyed(body.lines);
  expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [k, e] of expected) expect({ key: k, ...got.get(k)! }).toEqual({ key: k, ...e });
  expect(body.totals).toEqual(totalsOf(expected.values()));
}
