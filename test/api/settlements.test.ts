import { SETTLEMENT_FIGURES, type SettlementFigures } from '../../server/services/settlement/settlement.service';
import pino from 'pino';
import {
  AuditLog,
  Booking,
  Centre,
  CLAIMABLE_BOOKING_STATUSES,
  CounterPayment,
  Payment,
  Refund,
  Settlement,
  SettlementDiscrepancy,
  SettlementLine,
  Slot,
  SubsidyPolicy,
} from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling } from '../../server/container';
import { seedDemo } from '../../server/db/seed/demo';
import { readXlsx, type Cell } from '../../server/lib/spreadsheet';
import { shanghaiDate, shanghaiInstant, shanghaiTime } from '../../server/lib/time';
import { Scheduler } from '../../server/services/scheduler/scheduler';
import type { Services } from '../../server/container';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import { CANTEEN, JIAXIN, loginConsole, loginWechat, MAIYUQIAO, seniorNamed, slotOf, STREET_CENTRE } from '../helpers/actors';
import { CONSOLE_PASSWORD, describeEachDb } from '../helpers/harness';

// The monthly subsidy settlement, end to end on SQLite and MariaDB: a month of bookings made, paid (WeChat Pay
// sandbox), served, cancelled, reduced, refunded and missed through the real API with the fake clock; the job on
// the 1st; the frozen settlement compared line by line with sums computed here straight from the tables; the xlsx
// and CSV read back; who may see what; a refund learned of after the settlement froze.

const ZUOJIA = '左家新村睦邻点';
const MONTH = '2026-11';
/** Shanghai wall-clock instant. */
const at = (date: string, time: string) => shanghaiInstant(date, time);

type Figures = SettlementFigures;
type Unreconciled = { bookingId: number; bookingCode: string; serviceDate: string; copayDueFen: number; differenceFen: number } & Record<string, unknown>;
type Line = Figures & { centreId: number; centreName: string; policyId: number | null; policyName: string; reconciled: boolean; unreconciled: Unreconciled[] };
const FIGURES = SETTLEMENT_FIGURES;
const zero = (): Figures => Object.fromEntries(FIGURES.map((k) => [k, 0])) as unknown as Figures;
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

describeEachDb(
  'monthly subsidy settlement',
  (h) => {
    let runner: JobRunner<Services>;
    const ids: Record<string, number> = {};
    let lateRefundBookingId = 0;

    // Sessions are short for the console (12 h) and the clock moves a month: sign in afresh for each step.
    const wx = (openid: string) => loginWechat(h(), openid);
    const staff = (username: string) => loginConsole(h(), username);
    const wxpay = () => h().sandbox.wxpay;

    /** The seeded week is 28 Oct – 3 Nov; the month's last day and the next month's first get Monday's meal slots. */
    async function copyMealSlots(from: string, to: string) {
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
    async function book(when: Date, payer: string, senior: string, centre: string, kind: 'lunch' | 'dinner' | 'bath', date: string, quantity = 1, pay = true) {
      h().clock.set(when);
      const auth = await wx(payer);
      const slot = await slotOf(h(), centre, kind, date);
      const seniorId = (await seniorNamed(h(), senior)).id;
      const res = await h().http.post('/api/v1/bookings').set('authorization', auth).send({ seniorId, slotId: slot.id, quantity });
      expect(res.status).toBe(201);
      const b = res.body as { id: number; code: string; copayFen: number; status: string };
      if (pay && b.copayFen > 0) {
        const prepaid = await h().http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', auth).send({ via: 'miniprogram' }).expect(200);
        wxpay().pay(prepaid.body.payment.outTradeNo);
        await wxpay().settled();
        expect((await h().db.manager.findOneByOrFail(Booking, { id: b.id })).status).not.toBe('pending_payment');
      }
      return b;
    }

    async function checkIn(when: Date, username: string, code: string) {
      h().clock.set(when);
      const res = await h()
        .http.post('/api/v1/bookings/check-in')
        .set('authorization', await staff(username))
        .send({ code });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('served');
    }

    beforeAll(async () => {
      runner = buildScheduling(h().services, { instance: 'test-instance', jobs: JOBS }).runner;
      // The demo district, seeded on Wednesday 28 October 2026 (its week of slots runs to 3 November).
      h().clock.set(at('2026-10-28', '08:30'));
      await seedDemo(h().db, h().clock, { consolePassword: CONSOLE_PASSWORD });
      await copyMealSlots('2026-11-02', '2026-11-30');
      await copyMealSlots('2026-11-02', '2026-12-01');
      wxpay().setRefundKnobs({ failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false });

      // October: served on the 31st (not November's), and one cancelled on the 30th whose refund WeChat Pay first
      // refuses; staff retry it on 2 November, so its money goes back in November.
      const oct31 = await book(at('2026-10-30', '10:00'), 'o_family_01', '张桂英', JIAXIN, 'lunch', '2026-10-31');
      await checkIn(at('2026-10-31', '11:30'), 'staff-jiaxin', oct31.code);
      const oct30 = await book(at('2026-10-29', '10:00'), 'o_family_02', '李建国', JIAXIN, 'lunch', '2026-10-30');
      wxpay().setRefundKnobs({ failRefunds: 1 });
      h().clock.set(at('2026-10-30', '08:00'));
      await h()
        .http.post(`/api/v1/bookings/${oct30.id}/cancel`)
        .set('authorization', await wx('o_family_02'))
        .send({ reason: '去医院' })
        .expect(200);
      await wxpay().settled();
      ids.oct30 = oct30.id;

      // November.
      const a = await book(at('2026-10-31', '10:00'), 'o_family_01', '张桂英', JIAXIN, 'lunch', '2026-11-01'); // 15 − 3 (高龄)
      const li = await book(at('2026-10-31', '10:05'), 'o_family_02', '李建国', JIAXIN, 'lunch', '2026-11-01'); // 15 − 7.50 (低保)
      const zhou = await book(at('2026-10-31', '10:10'), 'o_family_04', '周玉兰', MAIYUQIAO, 'lunch', '2026-11-01'); // 15 − 3
      await checkIn(at('2026-11-01', '11:30'), 'staff-jiaxin', a.code);
      await checkIn(at('2026-11-01', '11:31'), 'staff-jiaxin', li.code);
      await checkIn(at('2026-11-01', '11:32'), 'staff-maiyuqiao', zhou.code);

      // The retried October refund succeeds on 2 November.
      h().clock.set(at('2026-11-02', '09:00'));
      const [failed] = await h().db.manager.findBy(Refund, { bookingId: oct30.id });
      expect(failed.status).toBe('failed');
      await h()
        .http.post(`/api/v1/refunds/${failed.id}/retry`)
        .set('authorization', await staff('staff-jiaxin'))
        .expect(200);
      await wxpay().settled();
      expect(await h().db.manager.findOneByOrFail(Refund, { id: failed.id })).toMatchObject({ status: 'success' });

      // Two lunches, then one: 15 元 back, the subsidy kept; served and rated.
      const two = await book(at('2026-11-01', '10:00'), 'o_family_01', '张桂英', JIAXIN, 'lunch', '2026-11-02', 2);
      h().clock.set(at('2026-11-01', '12:00'));
      await h()
        .http.post(`/api/v1/bookings/${two.id}/reduce`)
        .set('authorization', await wx('o_family_01'))
        .send({ quantity: 1 })
        .expect(200);
      await wxpay().settled();
      await checkIn(at('2026-11-02', '11:40'), 'staff-jiaxin', two.code);
      h().clock.set(at('2026-11-02', '13:00'));
      await h()
        .http.post(`/api/v1/bookings/${two.id}/rating`)
        .set('authorization', await wx('o_family_01'))
        .send({ score: 5 })
        .expect(200);

      // A dinner cancelled with a refund: not claimable, but its refund is November's.
      const dinner = await book(at('2026-11-01', '10:30'), 'o_family_02', '李建国', JIAXIN, 'dinner', '2026-11-02');
      h().clock.set(at('2026-11-02', '09:00'));
      await h()
        .http.post(`/api/v1/bookings/${dinner.id}/cancel`)
        .set('authorization', await wx('o_family_02'))
        .send({})
        .expect(200);
      await wxpay().settled();

      // Free for a 特困 senior (no payment at all), served at an auto-confirming point.
      const free = await book(at('2026-11-01', '10:40'), 'o_family_03', '王秀英', ZUOJIA, 'lunch', '2026-11-02');
      expect(free.copayFen).toBe(0);
      await checkIn(at('2026-11-02', '11:45'), 'staff-zuojia', free.code);

      // No subsidy for a bath (张桂英 is not assessed as disabled): the 无补贴 line.
      const bath = await book(at('2026-11-02', '10:00'), 'o_family_01', '张桂英', STREET_CENTRE, 'bath', '2026-11-03');
      await checkIn(at('2026-11-03', '09:10'), 'staff-mishixiang', bath.code);

      // Paid and then not there: no_show, not claimable, no refund.
      const missed = await book(at('2026-11-02', '10:10'), 'o_family_05', '吴德明', ZUOJIA, 'lunch', '2026-11-03');
      h().clock.set(at('2026-11-03', '13:00'));
      await h()
        .http.post(`/api/v1/bookings/${missed.id}/no-show`)
        .set('authorization', await staff('staff-zuojia'))
        .send()
        .expect(200);

      // Never paid: expired, nothing to claim.
      await book(at('2026-11-02', '10:20'), 'o_family_02', '李建国', JIAXIN, 'lunch', '2026-11-03', 1, false);
      h().clock.set(at('2026-11-02', '10:40'));
      expect((await h().services.payments.expireUnpaid()).expired).toBe(1);

      // Served and rated at the canteen (another street).
      const canteen = await book(at('2026-11-02', '10:30'), 'o_family_05', '周玉兰', CANTEEN, 'lunch', '2026-11-03');
      await checkIn(at('2026-11-03', '11:20'), 'staff-hushu-canteen', canteen.code);
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
        ids[`counter ${date}`] = made.body.id;
      }

      // 周玉兰's two lunches at 卖鱼桥 become one; WeChat Pay cannot put the 15 元 back on her card (abnormal) and
      // staff pay it back by bank transfer: reconciled. Her two dinners become one too, but that refund fails and is
      // still waiting for its retry when the month is settled: flagged, 12 元 held that should go back.
      const twoLunches = await book(at('2026-11-01', '10:00'), 'o_family_04', '周玉兰', MAIYUQIAO, 'lunch', '2026-11-02', 2);
      const twoDinners = await book(at('2026-11-01', '10:05'), 'o_family_04', '周玉兰', MAIYUQIAO, 'dinner', '2026-11-02', 2);
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
      await checkIn(at('2026-11-02', '11:35'), 'staff-maiyuqiao', twoLunches.code);
      await checkIn(at('2026-11-02', '17:10'), 'staff-maiyuqiao', twoDinners.code);
      ids.stillRefunding = twoDinners.id;

      // The month's last day is November's; the next day is not.
      const last = await book(at('2026-11-29', '10:00'), 'o_family_01', '张桂英', JIAXIN, 'lunch', '2026-11-30');
      await checkIn(at('2026-11-30', '11:30'), 'staff-jiaxin', last.code);
      const next = await book(at('2026-11-30', '10:00'), 'o_family_01', '张桂英', JIAXIN, 'lunch', '2026-12-01');
      ids.dec1 = next.id;

      // A December lunch cancelled on 30 November. WeChat Pay returns the money at 23:58 that night, but its
      // notification is lost (as in payments.test.ts): Mulin learns of it only after the settlement is made.
      const late = await book(at('2026-11-30', '10:10'), 'o_family_04', '周玉兰', MAIYUQIAO, 'lunch', '2026-12-01');
      lateRefundBookingId = late.id;
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
      const [lost] = await h().db.manager.findBy(Refund, { bookingId: late.id });
      await h().db.manager.update(Refund, { id: lost.id }, { status: 'processing', succeededAt: null, rawNotification: null });
    });

    /** November computed here from the rows themselves, for centres whose region path starts with `scope`. */
    async function expectedLines(scope: string): Promise<Map<string, Line>> {
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

    const keyed = (lines: Line[]) => new Map(lines.map((l) => [`${l.centreName}|${l.policyName}`, l]));
    const totalsOf = (lines: Iterable<Figures>): Figures => {
      const t = zero();
      for (const l of lines) for (const k of FIGURES) t[k] += l[k];
      return t;
    };

    async function expectMatches(body: { lines: Line[]; totals: Figures }, scope: string) {
      const expected = await expectedLines(scope);
      const got = keyed(body.lines);
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [k, e] of expected) expect({ key: k, ...got.get(k)! }).toEqual({ key: k, ...e });
      expect(body.totals).toEqual(totalsOf(expected.values()));
    }

    const runJob = async (tick: Date) => {
      h().clock.set(tick);
      const r = await runner.run(jobNamed('monthly-settlement')!, tick);
      expect(r.error).toBeNull();
      return r.processed;
    };

    test('the job on the 1st settles last month once; a rerun does nothing', async () => {
      expect(jobNamed('monthly-settlement')).toMatchObject({ schedule: '30 2 1 * *', timezone: 'Asia/Shanghai' });
      const tick = at('2026-12-01', '02:30');
      expect(await runJob(tick)).toBe(1); // one top-level region: 拱墅区
      expect(await runJob(tick)).toBe(0);
      expect(await runJob(at('2026-12-01', '03:00'))).toBe(0);
      const all = await h().db.manager.find(Settlement);
      expect(all.map((s) => [s.month, s.regionName, s.version, s.trigger, s.generatedAt.toISOString()])).toEqual([
        [MONTH, '拱墅区', 1, 'job', tick.toISOString()],
      ]);
    });

    test('every line and the totals match sums computed straight from bookings, payments and refunds', async () => {
      h().clock.set(at('2026-12-01', '09:00'));
      const admin = await staff('admin');
      const res = await h().http.get(`/api/v1/settlements?month=${MONTH}`).set('authorization', admin);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ month: MONTH, region: { name: '拱墅区' }, scope: { name: '拱墅区' }, version: 1, trigger: 'job' });
      await expectMatches(res.body, '/');

      // And by hand, so that the comparison above cannot pass on two empty sets.
      const got = keyed(res.body.lines);
      expect(got.get(`${JIAXIN}|高龄老人助餐补贴`)).toMatchObject({
        servedBookings: 3, // 1, 2 (reduced to one portion) and 30 November
        servedPortions: 3,
        priceFen: 4500,
        subsidyFen: 900,
        copayDueFen: 3600,
        copayPaidFen: 1200 + 2700 + 1200,
        copayRefundedFen: 1500,
        copayCollectedFen: 3600,
        refundCount: 1,
        refundFen: 1500,
      });
      expect(got.get(`${JIAXIN}|低保老人助餐补贴`)).toMatchObject({
        servedBookings: 1,
        subsidyFen: 750,
        copayDueFen: 750,
        copayCollectedFen: 750,
        refundCount: 2, // the cancelled dinner (6 元) and October's lunch refunded in November (7.50 元)
        refundFen: 600 + 750,
      });
      expect(got.get(`${ZUOJIA}|特困老人助餐补贴`)).toMatchObject({ servedBookings: 1, subsidyFen: 1500, copayDueFen: 0, copayPaidFen: 0 });
      expect(got.get(`${STREET_CENTRE}|无补贴`)).toMatchObject({
        servedBookings: 1,
        policyId: null,
        subsidyFen: 0,
        copayDueFen: 3000,
        copayCollectedFen: 3000,
      });
      expect(got.get(`${CANTEEN}|高龄老人助餐补贴`)).toMatchObject({ servedBookings: 1, subsidyFen: 300, copayCollectedFen: 1100 });
      expect(got.has(`${ZUOJIA}|米市巷街道低收入老人午餐补贴`)).toBe(false); // the no-show
      expect(res.body.totals).toMatchObject({ servedBookings: 12, subsidyFen: 900 + 750 + 1500 + 300 + 300 + 300 + 300, refundCount: 3 });
      // price = subsidy + co-payment due, on every line.
      for (const l of res.body.lines as Line[]) expect(l.priceFen).toBe(l.subsidyFen + l.copayDueFen);
      // The claim is the served bookings' subsidy, to the fen.
      const served = (await h().db.manager.find(Booking)).filter((b) => CLAIMABLE_BOOKING_STATUSES.includes(b.status) && b.serviceDate.startsWith(MONTH));
      expect(res.body.totals.subsidyFen).toBe(served.reduce((t, b) => t + b.subsidyFen, 0));

      // 现场付 at the canteen, counted apart from WeChat Pay; the lunch two yuan short flags its line and is listed.
      const counter = got.get(`${CANTEEN}|无补贴`)!;
      expect(counter).toMatchObject({
        servedBookings: 2,
        copayDueFen: 2800,
        copayPaidFen: 0,
        copayCounterFen: 2600,
        copayCollectedFen: 2600,
        reconciled: false,
        unreconciledBookings: 1,
      });
      expect(counter.unreconciled).toEqual([
        expect.objectContaining({
          bookingId: ids['counter 2026-11-02'],
          serviceDate: '2026-11-02',
          copayDueFen: 1400,
          counterFen: 1200,
          collectedFen: 1200,
          differenceFen: -200,
        }),
      ]);
      // 卖鱼桥: the abnormal refund paid back by bank transfer reconciles; the dinner whose refund is still to be
      // retried does not (12 元 held that should go back).
      const maiyuqiao = got.get(`${MAIYUQIAO}|高龄老人助餐补贴`)!;
      expect(maiyuqiao).toMatchObject({ servedBookings: 3, copayDueFen: 3300, copayRefundedOfflineFen: 1500, reconciled: false, unreconciledBookings: 1 });
      expect(maiyuqiao.unreconciled).toEqual([expect.objectContaining({ bookingId: ids.stillRefunding, refundingFen: 1200, differenceFen: 1200 })]);
      expect(got.get(`${JIAXIN}|高龄老人助餐补贴`)).toMatchObject({ reconciled: true, unreconciled: [], unreconciledBookings: 0 });
      expect(res.body.totals.unreconciledBookings).toBe(2);
      const stored = await h().db.manager.findBy(SettlementDiscrepancy, { settlementId: res.body.id });
      expect(stored.map((d) => d.bookingId).sort()).toEqual([ids['counter 2026-11-02'], ids.stillRefunding].sort());
    });

    test('the xlsx and the CSV carry the same numbers, in yuan, with Chinese headers', async () => {
      h().clock.set(at('2026-12-01', '09:00'));
      const admin = await staff('admin');
      const json = (await h().http.get(`/api/v1/settlements?month=${MONTH}`).set('authorization', admin).expect(200)).body as {
        lines: Line[];
        totals: Figures;
      };
      const inFile = FIGURES.filter((k) => k !== 'unreconciledBookings');
      const check = (ok: boolean, n: number) => (ok ? '相符' : `不符：${n} 个预约`);
      const rows: Cell[][] = [
        ...json.lines.map((l) => [l.centreName, l.policyName, ...inFile.map((k) => l[k]), check(l.reconciled, l.unreconciledBookings)]),
        [
          '合计',
          '',
          ...inFile.map((k) => json.totals[k]),
          check(
            json.lines.every((l) => l.reconciled),
            json.totals.unreconciledBookings,
          ),
        ],
      ];
      const headers = [
        '站点',
        '补贴政策',
        '服务人次',
        '服务份数',
        '服务金额(元)',
        '补贴金额(元)',
        '应付自付(元)',
        '微信实付(元)',
        '现场收取(元)',
        '已退自付(元)',
        '线下退回(元)',
        '个人自付(元)',
        '本月退款笔数',
        '退款(元)',
        '自付核对',
      ];
      const money = new Set([4, 5, 6, 7, 8, 9, 10, 11, 13]);

      const xlsx = await h()
        .http.get(`/api/v1/settlements/${MONTH}.xlsx`)
        .set('authorization', admin)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(xlsx.status).toBe(200);
      expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(xlsx.headers['content-disposition']).toBe(
        `attachment; filename="settlement-${MONTH}.xlsx"; filename*=UTF-8''${encodeURIComponent(`拱墅区-${MONTH}-补贴结算.xlsx`)}`,
      );
      const sheets = await readXlsx(xlsx.body as Buffer);
      const sheet = sheets.get('补贴结算')!;
      expect(sheet[0]).toEqual(headers);
      expect(sheet.length).toBe(rows.length + 1);
      sheet.slice(1).forEach((r, i) => {
        expect(r.slice(0, 2)).toEqual(rows[i].slice(0, 2).map(String));
        // Money cells are numbers in yuan (summable in Excel); back to fen they are exactly the JSON's.
        for (let c = 2; c < headers.length; c++) expect(money.has(c) ? Math.round((r[c] as number) * 100) : r[c]).toBe(rows[i][c]);
      });
      expect(sheets.get('说明')![0][0]).toBe('拱墅区2026年11月助老服务补贴结算');
      // The bookings behind the flagged lines, one row each, with what was due and what came in and went out.
      const behind = sheets.get('自付不符明细')!;
      expect(behind[0]).toEqual([
        '站点',
        '补贴政策',
        '预约码',
        '服务日期',
        '应付自付(元)',
        '微信实付(元)',
        '现场收取(元)',
        '已退自付(元)',
        '线下退回(元)',
        '退款未完成(元)',
        '个人自付(元)',
        '差额(元)',
      ]);
      const listed = json.lines.flatMap((l) =>
        l.unreconciled.map((u) => [l.centreName, l.policyName, u.bookingCode, u.serviceDate, Number(yuan(u.differenceFen))]),
      );
      expect(behind.slice(1).map((r) => [r[0], r[1], r[2], r[3], r[11]])).toEqual(listed);
      expect(listed).toHaveLength(2);

      const csv = await h()
        .http.get(`/api/v1/settlements/${MONTH}.csv`)
        .set('authorization', admin)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`拱墅区-${MONTH}-补贴结算.csv`)}`);
      const bytes = csv.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs to read UTF-8
      const text = bytes.subarray(3).toString('utf8');
      expect(text.endsWith('\r\n')).toBe(true);
      const records = text
        .slice(0, -2)
        .split('\r\n')
        .map((l) => l.split(','));
      expect(records[0]).toEqual(headers);
      expect(records.slice(1)).toEqual(rows.map((r) => r.map((v, c) => (money.has(c) ? yuan(v as number) : String(v)))));
    });

    test('who may see it: administrators only, each their own street; only the district (re)generates', async () => {
      h().clock.set(at('2026-12-01', '09:00'));
      const get = (auth: string) => h().http.get(`/api/v1/settlements?month=${MONTH}`).set('authorization', auth);
      expect((await h().http.get(`/api/v1/settlements?month=${MONTH}`)).status).toBe(401);
      const family = await get(await wx('o_family_01'));
      expect(family.status).toBe(403);
      expect(family.body.error.code).toBe('SETTLEMENT_VIEW_NOT_ALLOWED');
      expect((await get(await staff('staff-jiaxin'))).status).toBe(403);
      expect(
        (
          await h()
            .http.get(`/api/v1/settlements/${MONTH}.csv`)
            .set('authorization', await staff('staff-jiaxin'))
        ).status,
      ).toBe(403);

      const street = await get(await staff('admin-mishixiang'));
      expect(street.status).toBe(200);
      expect(street.body.scope.name).toBe('米市巷街道');
      const names = new Set((street.body.lines as Line[]).map((l) => l.centreName));
      expect(names).toEqual(new Set([JIAXIN, ZUOJIA, STREET_CENTRE]));
      const mishixiang = (await h().db.manager.findOneByOrFail(Centre, { name: STREET_CENTRE })).regionPath;
      await expectMatches(street.body, mishixiang);

      const other = await get(await staff('admin-hushu'));
      expect(new Set((other.body.lines as Line[]).map((l) => l.centreName))).toEqual(new Set([MAIYUQIAO, CANTEEN]));
      const csv = await h()
        .http.get(`/api/v1/settlements/${MONTH}.csv`)
        .set('authorization', await staff('admin-hushu'));
      expect(csv.headers['content-disposition']).toContain(encodeURIComponent(`湖墅街道-${MONTH}-补贴结算.csv`));
      expect(csv.text).toContain(MAIYUQIAO);
      expect(csv.text).not.toContain(JIAXIN);

      const streetPost = await h()
        .http.post('/api/v1/settlements')
        .set('authorization', await staff('admin-mishixiang'))
        .send({ month: MONTH, regenerate: true });
      expect(streetPost.status).toBe(403);
      expect(
        (
          await h()
            .http.post('/api/v1/settlements')
            .set('authorization', await staff('staff-jiaxin'))
            .send({ month: MONTH })
        ).status,
      ).toBe(403);
    });

    test('bad or unsettled months: VALIDATION_FAILED naming the field, MONTH_NOT_ENDED / MONTH_IN_FUTURE, or SETTLEMENT_NOT_FOUND', async () => {
      h().clock.set(at('2026-12-01', '09:00'));
      const admin = await staff('admin');
      for (const q of ['month=2026-13', 'month=2026-1', 'month=abc', '']) {
        const res = await h().http.get(`/api/v1/settlements?${q}`).set('authorization', admin);
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: { month: expect.any(String) } } });
      }
      for (const [month, code] of [
        ['2026-12', 'MONTH_NOT_ENDED'],
        ['2027-01', 'MONTH_IN_FUTURE'],
      ]) {
        const res = await h().http.post('/api/v1/settlements').set('authorization', admin).send({ month });
        expect(res.status).toBe(422);
        expect(res.body.error).toMatchObject({ code, details: { fields: { month: expect.any(String) } } });
      }
      expect((await h().http.get('/api/v1/settlements/2026-13.xlsx').set('authorization', admin)).status).toBe(400);
      const bad = await h().http.post('/api/v1/settlements').set('authorization', admin).send({ month: MONTH, regenerate: 'yes' });
      expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: { regenerate: expect.any(String) } } });
      const none = await h().http.get('/api/v1/settlements?month=2026-09').set('authorization', admin);
      expect(none.status).toBe(404);
      expect(none.body.error).toMatchObject({ code: 'SETTLEMENT_NOT_FOUND', message: '这个月的补贴结算还没有生成' });
    });

    test('a refund learned of after the settlement froze changes nothing until an administrator regenerates', async () => {
      const admin = async () => staff('admin');
      const before = (
        await h()
          .http.get(`/api/v1/settlements?month=${MONTH}`)
          .set('authorization', await admin())
          .expect(200)
      ).body;
      const maiyuqiaoLine = (body: { lines: Line[] }) => keyed(body.lines).get(`${MAIYUQIAO}|高龄老人助餐补贴`)!;
      expect(maiyuqiaoLine(before)).toMatchObject({ refundCount: 0, refundFen: 0 });

      // Reconciliation asks WeChat Pay about the quiet refund: it succeeded at 23:58 on 30 November.
      h().clock.set(at('2026-12-01', '10:00'));
      expect((await h().services.payments.reconcile()).refundsQueried).toBeGreaterThanOrEqual(1);
      const [refund] = await h().db.manager.findBy(Refund, { bookingId: lateRefundBookingId });
      expect(refund).toMatchObject({ status: 'success', succeededAt: at('2026-11-30', '23:58') });

      const frozen = (
        await h()
          .http.get(`/api/v1/settlements?month=${MONTH}`)
          .set('authorization', await admin())
          .expect(200)
      ).body;
      expect(frozen).toEqual(before);
      const again = await h()
        .http.post('/api/v1/settlements')
        .set('authorization', await admin())
        .send({ month: MONTH });
      expect(again.status).toBe(200); // exists: returned as it is
      expect(again.body).toEqual(before);

      h().clock.set(at('2026-12-01', '10:30'));
      const regenerated = await h()
        .http.post('/api/v1/settlements')
        .set('authorization', await admin())
        .send({ month: MONTH, regenerate: true });
      expect(regenerated.status).toBe(200);
      expect(regenerated.body).toMatchObject({ version: 2, trigger: 'admin', generatedAt: at('2026-12-01', '10:30').toISOString() });
      expect(maiyuqiaoLine(regenerated.body)).toMatchObject({ refundCount: 1, refundFen: 1200 });
      // Reconciliation also retried the dinner's failed refund: that line's money adds up now.
      expect(maiyuqiaoLine(regenerated.body)).toMatchObject({ reconciled: true, unreconciledBookings: 0, unreconciled: [] });
      expect(maiyuqiaoLine(before)).toMatchObject({ reconciled: false });
      await expectMatches(regenerated.body, '/');
      expect(regenerated.body.totals.subsidyFen).toBe(before.totals.subsidyFen);
      expect(await h().db.manager.count(Settlement)).toBe(1);
      const settlementId = regenerated.body.id as number;
      expect(await h().db.manager.countBy(SettlementLine, { settlementId })).toBe(regenerated.body.lines.length);
      const log = await h().db.manager.find(AuditLog, { where: { entityType: 'settlement', entityId: settlementId }, order: { id: 'ASC' } });
      expect(log.map((l) => [l.action, l.actorRole, l.detail.version])).toEqual([
        ['settlement.generate', 'system', 1],
        ['settlement.regenerate', 'admin', 2],
      ]);

      // The job on a later 1st settles December, and leaves November alone.
      expect(await runJob(at('2027-01-01', '02:30'))).toBe(1);
      const months = (await h().db.manager.find(Settlement, { order: { month: 'ASC' } })).map((s) => [s.month, s.version]);
      expect(months).toEqual([
        [MONTH, 2],
        ['2026-12', 1],
      ]);
      expect(ids.dec1).toBeGreaterThan(0);
    });

    test('two administrators generating the same month at once make one settlement', async () => {
      h().clock.set(at('2027-01-02', '09:00'));
      const post = async () =>
        h()
          .http.post('/api/v1/settlements')
          .set('authorization', await staff('admin'))
          .send({ month: '2026-10' });
      const answers = await Promise.all([post(), post(), post()]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect(await h().db.manager.countBy(Settlement, { month: '2026-10' })).toBe(1);
      // October: the lunch served on the 31st; its subsidy is October's claim, not November's.
      expect(answers[0].body.totals).toMatchObject({ servedBookings: 1, subsidyFen: 300 });
      expect(await h().db.manager.countBy(SettlementLine, { settlementId: answers[0].body.id })).toBe(answers[0].body.lines.length);
    });
  },
  { seed: false },
);

describe('the monthly-settlement job', () => {
  test("is due at 02:30 on the 1st, Shanghai time, whatever the machine's zone", async () => {
    const runner = { run: jest.fn() } as unknown as JobRunner<Services>;
    const scheduler = new Scheduler({
      jobs: [jobNamed('monthly-settlement')!],
      coordinator: { shouldRun: async () => false },
      runner,
      logger: pino({ level: 'silent' }),
    });
    scheduler.start();
    try {
      const next = scheduler.nextRun('monthly-settlement')!;
      expect(shanghaiDate(next).slice(8)).toBe('01');
      expect(shanghaiTime(next)).toBe('02:30');
    } finally {
      await scheduler.stop();
    }
  });
});
