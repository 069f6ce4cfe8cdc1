import { performance } from 'node:perf_hooks';
import { createConnection } from 'mysql2/promise';
import { Refund } from '../../entities';
import { JIAXIN, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, startHarness, T0, type Harness } from '../helpers/harness';
import { mysqlAvailable } from '../helpers/mysql-env';

// Issue 20: thirty people redeeming one family-link code at once froze the whole API for 50 seconds. A transaction
// that held the code's row lock read the account outside itself, on a second pooled connection; the other 29 held
// every connection waiting for that lock, so nothing else could run until MariaDB's lock wait ran out. Here, while
// requests race for the same rows, unrelated requests must still answer within a second, and none of the racers
// may fail with a 5xx. (The harness also fails any read or write that reaches outside a running transaction.)

const SECOND = 1000;

/** Runs `race` while GET /me and /healthz are asked one after the other; the slowest answer among them. */
async function whileRacing<T>(h: Harness, auth: string, race: () => Promise<T>): Promise<{ result: T; slowestMs: number; probes: number }> {
  let done = false;
  const times: number[] = [];
  const probe = (async () => {
    while (!done) {
      for (const path of ['/api/v1/me', '/healthz']) {
        const started = performance.now();
        const res = await h.http.get(path).set('authorization', auth);
        times.push(performance.now() - started);
        expect(res.status).toBe(200);
      }
    }
  })();
  try {
    const result = await race();
    return { result, slowestMs: Math.max(...times), probes: times.length };
  } finally {
    done = true;
    await probe;
  }
}

describeEachDb(
  'no lock freezes the API',
  (h) => {
    let onlooker: string;
    beforeAll(async () => {
      onlooker = await loginWechat(h(), 'o_family_02');
    });
    beforeEach(() => h().clock.set(T0));

    test('thirty redeem one family-link code at once: one links, the rest are told, and everyone else is answered meanwhile', async () => {
      const zhang = await seniorNamed(h(), '张桂英');
      const issued = await h()
        .http.post(`/api/v1/seniors/${zhang.id}/link-codes`)
        .set('authorization', await loginWechat(h(), 'o_mini_senior_01'))
        .expect(201);
      const racers = await Promise.all(Array.from({ length: 30 }, (_, i) => loginWechat(h(), `stall-racer-${i}`)));
      const { result, slowestMs, probes } = await whileRacing(h(), onlooker, () =>
        Promise.all(racers.map((auth) => h().http.post('/api/v1/family-links').set('authorization', auth).send({ code: issued.body.code }))),
      );
      const statuses = result.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      for (const r of result.filter((x) => x.status !== 201)) expect(['LINK_CODE_INVALID', 'LINK_CODE_TOO_MANY_TRIES']).toContain(r.body.error.code);
      expect(probes).toBeGreaterThan(0);
      expect(slowestMs).toBeLessThan(SECOND);
    });

    test('two bookings for one senior at once: both decided, no 5xx, the API answers meanwhile', async () => {
      const li = await seniorNamed(h(), '李建国');
      const staff = await loginConsole(h(), 'staff-jiaxin');
      const slots = [await slotOf(h(), JIAXIN, 'lunch', '2026-12-03'), await slotOf(h(), JIAXIN, 'lunch', '2026-12-03')];
      const { result, slowestMs } = await whileRacing(h(), onlooker, () =>
        Promise.all(slots.map((slot) => h().http.post('/api/v1/bookings').set('authorization', staff).send({ seniorId: li.id, slotId: slot.id }))),
      );
      expect(result.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(result.find((r) => r.status === 409)!.body.error.code).toBe('ALREADY_BOOKED');
      expect(slowestMs).toBeLessThan(SECOND);
    });

    test('a refund retried by staff while the family cancels the booking: both answered, no 5xx, the API answers meanwhile', async () => {
      const zhang = await seniorNamed(h(), '张桂英');
      const daughter = await loginWechat(h(), 'o_family_01');
      const staff = await loginConsole(h(), 'staff-jiaxin');
      const slot = await slotOf(h(), JIAXIN, 'lunch', '2026-12-02');
      const booked = await h()
        .http.post('/api/v1/bookings')
        .set('authorization', daughter)
        .send({ seniorId: zhang.id, slotId: slot.id, quantity: 2 })
        .expect(201);
      const pay = await h().http.post(`/api/v1/bookings/${booked.body.id}/pay`).set('authorization', daughter).send({ via: 'miniprogram' }).expect(200);
      await h().sandbox.wxpay.pay(pay.body.payment.outTradeNo);
      await h().sandbox.wxpay.settled();
      // One portion fewer, and WeChat Pay refuses that refund once: a failed refund waits for staff.
      h().sandbox.wxpay.setRefundKnobs({ failRefunds: 1 });
      await h().http.post(`/api/v1/bookings/${booked.body.id}/reduce`).set('authorization', daughter).send({ quantity: 1 }).expect(200);
      await h().sandbox.wxpay.settled();
      const failed = await h().db.manager.findOneByOrFail(Refund, { bookingId: booked.body.id, status: 'failed' });

      const { result, slowestMs } = await whileRacing(h(), onlooker, () =>
        Promise.all([
          h().http.post(`/api/v1/refunds/${failed.id}/retry`).set('authorization', staff),
          h().http.post(`/api/v1/bookings/${booked.body.id}/cancel`).set('authorization', daughter).send({ reason: '不去了' }),
        ]),
      );
      await h().sandbox.wxpay.settled();
      expect(result.map((r) => r.status).filter((s) => s >= 500)).toEqual([]);
      expect(result[1].status).toBe(200);
      expect(slowestMs).toBeLessThan(SECOND);
      const ledger = await h().http.get(`/api/v1/bookings/${booked.body.id}/payments`).set('authorization', daughter).expect(200);
      expect(ledger.body.paidFen - ledger.body.refundedFen - ledger.body.refundingFen).toBe(0);
    });
  },
  // Far fewer pooled connections than racers, as in production under a burst; and no guard, to see what MariaDB does.
  { poolSize: 2, strictTransactions: false },
);

(mysqlAvailable() ? describe : describe.skip)('a request waiting on a lock, on MariaDB', () => {
  let h: Harness;
  beforeAll(async () => {
    // Two pooled connections and a 2-second lock wait.
    h = await startHarness('mariadb', { poolSize: 2, lockWaitSeconds: 2, strictTransactions: false });
  });
  afterAll(() => h?.close());

  test('/healthz answers at once while every pooled connection waits on a lock; a request that waits gives up with 503 BUSY', async () => {
    const zhang = await seniorNamed(h, '张桂英');
    const issued = await h.http
      .post(`/api/v1/seniors/${zhang.id}/link-codes`)
      .set('authorization', await loginWechat(h, 'o_mini_senior_01'))
      .expect(201);
    const racer = await loginWechat(h, 'busy-racer');
    const holder = await createConnection({ uri: (h.db.ds.options as { url: string }).url });
    const runners = [h.db.ds.createQueryRunner(), h.db.ds.createQueryRunner()];
    try {
      // Someone else (a console edit, say) holds the code's row, and both pooled connections wait for it.
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM family_link_code WHERE code = ? FOR UPDATE', [issued.body.code]);
      const waits = runners.map(async (r) => {
        await r.startTransaction();
        return r.query('SELECT id FROM family_link_code WHERE code = ? FOR UPDATE', [issued.body.code]);
      });
      // Both are stuck behind the lock (their statements in progress), well before their 2 seconds are up.
      const stuck = async () => {
        const [rows] = await holder.query(
          "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND INFO LIKE 'SELECT id FROM family_link_code%FOR UPDATE'",
        );
        return Number((rows as Array<{ n: number }>)[0].n);
      };
      const deadline = performance.now() + 1500;
      while ((await stuck()) < 2) {
        expect(performance.now()).toBeLessThan(deadline);
        await new Promise((resolve) => setImmediate(resolve)); // each round is a query: polling the database, not sleeping
      }
      const started = performance.now();
      const health = await h.http.get('/healthz');
      expect(health.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(500);

      // The pool's connections wait 2 seconds, not MariaDB's 50.
      for (const w of waits) await expect(w).rejects.toMatchObject({ driverError: { code: 'ER_LOCK_WAIT_TIMEOUT' } });
      for (const r of runners) {
        await r.rollbackTransaction();
        await r.release();
      }

      const busy = await h.http.post('/api/v1/family-links').set('authorization', racer).send({ code: issued.body.code });
      expect(busy.status).toBe(503);
      expect(busy.body.error).toEqual({ code: 'BUSY', message: '现在办理的人比较多，请稍后再试' });
      expect(busy.headers['retry-after']).toBe('1');
    } finally {
      for (const r of runners) if (!r.isReleased) await r.release();
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // The row is free again: the code still works, and the busy answer did not count as a wrong guess.
    expect((await h.http.post('/api/v1/family-links').set('authorization', racer).send({ code: issued.body.code })).status).toBe(201);
  });
});
