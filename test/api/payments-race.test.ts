import { createConnection } from 'mysql2/promise';
import { Like } from 'typeorm';
import { Account, Booking, Refund, Senior, Slot } from '../../entities';
import { JIAXIN, loginConsole, slotOf } from '../helpers/actors';
import { startHarness, T0, type Harness } from '../helpers/harness';
import { moneyOf, notifyPaid } from '../helpers/money';
import { mysqlAvailable } from '../helpers/mysql-env';

// Races on money, with real concurrent transactions on MariaDB: for each of N bookings at once, two things that
// decide its money arrive together — WeChat Pay's notification and a reduction, a cancellation, a second payment;
// a staff retry and a reduction; paying back by hand and a cancellation; the payment deadline and a reduction to
// free; day end and the counter's check-in. Whatever order the database lets them commit in, every booking ends
// holding exactly what it should: its co-payment if kept, nothing if not, and nothing paid back twice.

const N = 16;
const TODAY = '2026-12-01';
const TOMORROW = '2026-12-02';
const DAY3 = '2026-12-03';
const DAY4 = '2026-12-04';
const MINUTE = 60_000;

const maybe = mysqlAvailable() ? describe : describe.skip;

maybe('money races [mariadb]', () => {
  let h: Harness;
  let staff: string;
  /** N clones of 张桂英 (80+: 3 元 off a meal a day) and N of 王秀英 (特困: one free meal a day), each with a WeChat account. */
  const people: Record<'old' | 'poor', Array<{ seniorId: number; accountId: number; openid: string }>> = { old: [], poor: [] };

  beforeAll(async () => {
    h = await startHarness('mariadb', { poolSize: 40 });
    staff = await loginConsole(h, 'staff-jiaxin');
    for (const [key, template] of [
      ['old', '张桂英'],
      ['poor', '王秀英'],
    ] as const) {
      const { id: _id, ...fields } = await h.db.manager.findOneByOrFail(Senior, { name: template });
      await h.db.manager.insert(
        Senior,
        Array.from({ length: N }, (_, i) => ({ ...fields, name: `抢付${key}${i}`, phone: `137${key === 'old' ? 0 : 1}${String(i).padStart(7, '0')}` })),
      );
      const seniors = await h.db.manager.find(Senior, { where: { name: Like(`抢付${key}%`) }, order: { id: 'ASC' } });
      const now = h.clock.now();
      await h.db.manager.insert(
        Account,
        seniors.map((s, i) => ({
          displayName: s.name,
          roles: ['senior' as const],
          seniorId: s.id,
          mpOpenid: `o_race_${key}_${i}`,
          miniOpenid: `o_race_mini_${key}_${i}`,
          active: true,
          createdAt: now,
          updatedAt: now,
        })),
      );
      const accounts = await h.db.manager.find(Account, { where: { mpOpenid: Like(`o_race_${key}_%`) } });
      people[key] = seniors.map((s) => {
        const a = accounts.find((x) => x.seniorId === s.id)!;
        return { seniorId: s.id, accountId: a.id, openid: a.miniOpenid! };
      });
    }
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);
  beforeEach(async () => {
    h.clock.set(T0);
    await h.sandbox.wxpay.settled();
    h.sandbox.wxpay.setRefundKnobs({ failRefunds: 0, refundOutcome: 'SUCCESS', holdRefunds: false });
    h.sandbox.wxpay.failNextCloses(0);
  });

  const wxpay = () => h.sandbox.wxpay;
  type Made = { id: number; copayFen: number; seniorId: number; accountId: number; openid: string };

  /** Staff book `quantity` of a slot for each of the N people of a kind, one after another. */
  async function bookAll(kind: 'old' | 'poor', slot: Slot, quantity: number): Promise<Made[]> {
    const made: Made[] = [];
    for (const p of people[kind]) {
      const res = await h.http
        .post('/api/v1/bookings')
        .set('authorization', staff)
        .send({ seniorId: p.seniorId, slotId: slot.id, quantity, channel: 'console' });
      expect(res.status).toBe(201);
      made.push({ id: res.body.id, copayFen: res.body.copayFen, ...p });
    }
    return made;
  }

  /** The senior opens an order from their chat pay link; with `silent`, pays it without WeChat Pay telling Mulin. */
  async function openOrder(b: Made): Promise<string> {
    const link = new URL(h.services.payments.payLink(b.accountId, (await h.db.manager.findOneByOrFail(Booking, { id: b.id })) as Booking));
    const res = await h.http
      .post('/pay/jsapi')
      .set('content-type', 'application/json')
      .send({ t: link.searchParams.get('t') });
    expect(res.status).toBe(200);
    return res.body.payment.outTradeNo as string;
  }

  async function paid(b: Made, opts: { silent: boolean }): Promise<string> {
    const no = await openOrder(b);
    wxpay().pay(no, { silent: opts.silent });
    await wxpay().settled();
    return no;
  }

  /**
   * Another transaction holding a slot's row, as a busy slot does (a batch of bookings being written): reductions
   * or cancellations of that slot lock their bookings and then queue for the slot. `waitFor(n)` returns once `n`
   * transactions of this database wait on locks; `release()` lets the slot go, and everything queued commits in
   * whatever order the database picks. WeChat Pay's notifications sent while the bookings are held queue for
   * them — the moment a decision taken on a stale read of the booking goes wrong.
   */
  async function holdSlot(slotId: number) {
    const url = (h.config.database as { url: string }).url;
    const db = url.slice(url.lastIndexOf('/') + 1);
    const conn = await createConnection({ uri: url });
    await conn.query('START TRANSACTION');
    await conn.query('SELECT id FROM slot WHERE id = ? FOR UPDATE', [slotId]);
    // Statements of this database that cannot finish while the slot is held: the slot's own UPDATE (a reduction or
    // a cancellation giving seats back) and the locking read of a booking such a transaction holds. Counted by what
    // they run rather than by InnoDB's trx_state, which under load shows some blocked statements as RUNNING.
    const waiting = async () => {
      const [rows] = await conn.query(
        "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = ? AND command = 'Query' AND (info LIKE 'UPDATE `slot`%' OR (info LIKE '%booking%' AND info LIKE '%FOR UPDATE%'))",
        [db],
      );
      return Number((rows as Array<{ n: number | string }>)[0].n);
    };
    let released = false;
    return {
      /** Until `n` transactions wait; `requests` are the HTTP calls sent, to say what became of them if they do not. */
      async waitFor(n: number, requests: Array<Promise<{ status: number; body: { error?: { code?: string } } }>>) {
        const answered: string[] = [];
        for (const r of requests) void r.then((res) => answered.push(`${res.status} ${res.body?.error?.code ?? ''}`));
        const giveUp = Date.now() + 90_000;
        while ((await waiting()) < n) {
          if (Date.now() > giveUp || answered.length === requests.length) {
            throw new Error(`only ${await waiting()} of ${n} transactions came to wait; answered: ${answered.join(', ')}`);
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
      async release() {
        if (released) return;
        released = true;
        await conn.query('COMMIT');
        await conn.end();
      },
    };
  }

  /** Every booking holds what it should, nothing is on its way, and WeChat Pay's books agree with Mulin's. */
  async function expectAllRight(made: Made[], why: string) {
    for (const b of made) {
      const m = await moneyOf(h, b.id);
      expect({ why, booking: b.id, status: m.booking.status, held: m.held, onTheWay: m.onTheWay }).toEqual({
        why,
        booking: b.id,
        status: m.booking.status,
        held: m.due,
        onTheWay: 0,
      });
      for (const p of m.payments.filter((x) => x.status === 'paid')) {
        const order = wxpay()
          .listOrders()
          .find((o) => o.outTradeNo === p.outTradeNo)!;
        const back = m.refunds.filter((r) => r.paymentId === p.id && r.status === 'success').reduce((s, r) => s + r.amountFen, 0);
        expect({ why, order: p.outTradeNo, refunded: order.refundedFen }).toEqual({ why, order: p.outTradeNo, refunded: back });
      }
    }
  }

  test('pay vs reduce: the notification and fewer portions at once — the difference always goes back', async () => {
    const slot = await slotOf(h, JIAXIN, 'lunch', TOMORROW);
    const made = await bookAll('old', slot, 2);
    const orders = [];
    for (const b of made) orders.push(await paid(b, { silent: true }));
    const busy = await holdSlot(slot.id);
    let reductions: Array<Promise<{ status: number; body: { error?: { code?: string } } }>> = [];
    let notifications: typeof reductions;
    try {
      reductions = made.map(async (b) => h.http.post(`/api/v1/bookings/${b.id}/reduce`).set('authorization', staff).send({ quantity: 1 }));
      await busy.waitFor(made.length, reductions); // every reduction holds its booking, waiting for the slot
      notifications = orders.map(async (no) => notifyPaid(h, no));
      await busy.waitFor(2 * made.length, [...reductions, ...notifications]); // every notification waits for its booking
    } finally {
      await busy.release();
    }
    expect((await Promise.all(reductions)).map((r) => r.status)).toEqual(made.map(() => 200));
    expect((await Promise.all(notifications)).map((r) => r.status)).toEqual(made.map(() => 204));
    await wxpay().settled();
    for (const b of made) expect((await moneyOf(h, b.id)).due).toBe(1200);
    await expectAllRight(made, 'pay vs reduce');
  }, 120_000);

  test('pay vs cancel: the notification and a cancellation at once — all of it goes back, for the reason that is true', async () => {
    const slot = await slotOf(h, JIAXIN, 'dinner', TOMORROW);
    const made = await bookAll('old', slot, 1);
    const orders = [];
    for (const b of made) orders.push(await paid(b, { silent: true }));
    const busy = await holdSlot(slot.id);
    let cancels: Array<Promise<{ status: number; body: { error?: { code?: string } } }>> = [];
    let notifications: typeof cancels;
    try {
      cancels = made.map(async (b) => h.http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', staff).send({ reason: '并发' }));
      await busy.waitFor(made.length, cancels);
      notifications = orders.map(async (no) => notifyPaid(h, no));
      await busy.waitFor(2 * made.length, [...cancels, ...notifications]);
    } finally {
      await busy.release();
    }
    expect((await Promise.all(cancels)).map((r) => r.status)).toEqual(made.map(() => 200));
    expect((await Promise.all(notifications)).map((r) => r.status)).toEqual(made.map(() => 204));
    await wxpay().settled();
    await expectAllRight(made, 'pay vs cancel');
    for (const b of made) {
      const m = await moneyOf(h, b.id);
      expect(m.booking.status).toBe('cancelled');
      // Paid first: the cancellation refunds it. Cancelled first: the payment is refunded as late, and flagged
      // with the booking's real state — never "待付款", which a stale read of the booking would say.
      expect(m.refunds.map((r) => r.reason)).toEqual([expect.stringMatching(/^(预约已取消，退回自付金额|付款时预约已失效，自动全额退回)$/)]);
      const p = m.payments[0];
      if (p.flagged) expect(p.flagReason).toBe('付款到账时预约已取消，已自动全额退款');
    }
  }, 120_000);

  test('two payments of one booking at once: one is kept, the other goes back as a duplicate, saying so', async () => {
    const made = await bookAll('old', await slotOf(h, JIAXIN, 'dinner', DAY3), 1);
    const pairs: Array<[string, string]> = [];
    for (const b of made) {
      const first = await openOrder(b); // in chat
      wxpay().failNextCloses(1); // WeChat Pay cannot close it when the mini-program opens the second
      const mini = (
        await h.http
          .post('/api/v1/auth/login')
          .send({ code: `demo:${b.openid}` })
          .expect(200)
      ).body.token as string;
      const second = (await h.http.post(`/api/v1/bookings/${b.id}/pay`).set('authorization', `Bearer ${mini}`).send({ via: 'miniprogram' }).expect(200)).body
        .payment.outTradeNo as string;
      expect(second).not.toBe(first);
      wxpay().pay(first, { silent: true });
      wxpay().pay(second, { silent: true });
      pairs.push([first, second]);
    }
    const answers = await Promise.all(pairs.map(([a, b]) => Promise.all([notifyPaid(h, a), notifyPaid(h, b)])));
    expect(answers.flat().map((r) => r.status)).toEqual(answers.flat().map(() => 204));
    await wxpay().settled();
    await expectAllRight(made, 'duplicate payments');
    for (const b of made) {
      const m = await moneyOf(h, b.id);
      expect(m.booking.status).toBe('pending_confirmation');
      expect(m.refunds.map((r) => [r.amountFen, r.reason])).toEqual([[b.copayFen, '这个预约已经付过钱了，重复的付款自动全额退回']]);
      expect(m.payments.filter((p) => p.flagged).map((p) => p.flagReason)).toEqual(['同一个预约收到第二笔付款，已自动全额退款']);
    }
  }, 180_000);

  test('a retry of a closed refund and a further reduction at once: never paid back twice', async () => {
    const made = await bookAll('old', await slotOf(h, JIAXIN, 'lunch', DAY3), 3);
    for (const b of made) await paid(b, { silent: false });
    wxpay().setRefundKnobs({ refundOutcome: 'CLOSED' });
    for (const b of made) await h.http.post(`/api/v1/bookings/${b.id}/reduce`).set('authorization', staff).send({ quantity: 2 }).expect(200);
    await wxpay().settled();
    wxpay().setRefundKnobs({ refundOutcome: 'SUCCESS' });
    const closed = await Promise.all(made.map(async (b) => (await h.db.manager.findOneByOrFail(Refund, { bookingId: b.id, status: 'closed' })).id));
    const answers = await Promise.all(
      made.map((b, i) =>
        Promise.all([
          h.http.post(`/api/v1/refunds/${closed[i]}/retry`).set('authorization', staff).send({}),
          h.http.post(`/api/v1/bookings/${b.id}/reduce`).set('authorization', staff).send({ quantity: 1 }),
        ]),
      ),
    );
    for (const [retry, reduce] of answers) {
      expect(reduce.status).toBe(200);
      expect(retry.status === 200 || retry.body.error?.code === 'REFUND_ALREADY_COVERED').toBe(true);
    }
    await wxpay().settled();
    await expectAllRight(made, 'retry vs reduce');
    for (const b of made) {
      const m = await moneyOf(h, b.id);
      expect(m.refunded).toBe(b.copayFen - m.booking.copayFen);
      expect(m.refunds.filter((r) => r.status === 'closed' && r.resolution === null)).toEqual([]);
    }
  }, 180_000);

  test('paying back by hand and a cancellation at once: the abnormal amount is never refunded again', async () => {
    const made = await bookAll('old', await slotOf(h, JIAXIN, 'lunch', DAY4), 2);
    for (const b of made) await paid(b, { silent: false });
    wxpay().setRefundKnobs({ refundOutcome: 'ABNORMAL' });
    for (const b of made) await h.http.post(`/api/v1/bookings/${b.id}/reduce`).set('authorization', staff).send({ quantity: 1 }).expect(200);
    await wxpay().settled();
    wxpay().setRefundKnobs({ refundOutcome: 'SUCCESS' });
    const abnormal = await Promise.all(made.map(async (b) => (await h.db.manager.findOneByOrFail(Refund, { bookingId: b.id, status: 'abnormal' })).id));
    const answers = await Promise.all(
      made.map((b, i) =>
        Promise.all([
          h.http
            .post(`/api/v1/refunds/${abnormal[i]}/resolve-offline`)
            .set('authorization', staff)
            .send({ method: 'cash', reference: `R${i}` }),
          h.http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', staff).send({}),
        ]),
      ),
    );
    expect(answers.map(([r, c]) => [r.status, c.status])).toEqual(made.map(() => [200, 200]));
    await wxpay().settled();
    await expectAllRight(made, 'resolve vs cancel');
    for (const b of made) {
      const m = await moneyOf(h, b.id);
      expect({ paid: m.paid, refunded: m.refunded, offline: m.offline }).toEqual({ paid: b.copayFen, refunded: b.copayFen - 1500, offline: 1500 });
    }
  }, 180_000);

  test('a reduction to free and the payment deadline at once: booked free, or expired — never both', async () => {
    const slot = await slotOf(h, JIAXIN, 'dinner', DAY4);
    const made = await bookAll('poor', slot, 2);
    for (const b of made) expect(b.copayFen).toBeGreaterThan(0);
    h.clock.advance(15 * MINUTE);
    const [reduced] = await Promise.all([
      Promise.all(made.map((b) => h.http.post(`/api/v1/bookings/${b.id}/reduce`).set('authorization', staff).send({ quantity: 1 }))),
      h.services.payments.expireUnpaid(),
    ]);
    let seats = 0;
    for (const [i, b] of made.entries()) {
      const row = await h.db.manager.findOneByOrFail(Booking, { id: b.id });
      if (reduced[i].status === 200) {
        expect({ booking: b.id, status: row.status, copay: row.copayFen, quantity: row.quantity }).toEqual({
          booking: b.id,
          status: 'pending_confirmation',
          copay: 0,
          quantity: 1,
        });
        seats += 1;
      } else {
        expect({ booking: b.id, code: reduced[i].body.error.code, status: row.status }).toEqual({ booking: b.id, code: 'INVALID_STATE', status: 'expired' });
      }
    }
    expect((await h.db.manager.findOneByOrFail(Slot, { id: slot.id })).booked - slot.booked).toBe(seats);
    await expectAllRight(made, 'free vs expiry');
  }, 120_000);

  test('day end and the check-in at once: served with its money kept, or closed unconfirmed with all of it back', async () => {
    const made = await bookAll('old', await slotOf(h, JIAXIN, 'lunch', TODAY), 1);
    for (const b of made) await paid(b, { silent: false });
    h.clock.set('2026-12-01T03:30:00.000Z'); // 11:30, lunch is being served
    const counter = await loginConsole(h, 'staff-jiaxin');
    const codes = await Promise.all(made.map(async (b) => (await h.db.manager.findOneByOrFail(Booking, { id: b.id })).code));
    const [checked] = await Promise.all([
      Promise.all(codes.map((code) => h.http.post('/api/v1/bookings/check-in').set('authorization', counter).send({ code }))),
      h.services.dayEnd.closeDay(new Date('2026-12-01T16:00:00.000Z')),
    ]);
    await wxpay().settled();
    for (const [i, b] of made.entries()) {
      const m = await moneyOf(h, b.id);
      if (checked[i].status === 200) expect({ status: m.booking.status, refunds: m.refunds.length }).toEqual({ status: 'served', refunds: 0 });
      else expect({ status: m.booking.status, back: m.refunded }).toEqual({ status: 'rejected', back: b.copayFen });
    }
    await expectAllRight(made, 'day end vs check-in');
  }, 120_000);
});
