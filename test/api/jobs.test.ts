import { Account, AuditLog, CentreDayDigest, EmergencyAlert } from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling } from '../../server/container';
import type { Job } from '../../server/services/scheduler/job';
import type { Services } from '../../server/container';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import { accountNamed, JIAXIN, loginConsole, loginWechat, seen, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0, TODAY } from '../helpers/harness';

// The scheduled jobs, each driven once per tick through the JobRunner with the fake clock (no node-cron here:
// test/db/job-coordination.test.ts runs the scheduler itself), on SQLite and MariaDB.

const MINUTE = 60_000;
const TOMORROW = '2026-12-02';
const ZUOJIA = '左家新村睦邻点';
const at = (ms: number) => new Date(Date.parse(T0) + ms);

describeEachDb('scheduled jobs', (h) => {
  let runner: JobRunner<Services>;
  let admin: string;

  beforeAll(async () => {
    runner = buildScheduling(h().services, { instance: 'test-instance', jobs: JOBS }).runner;
    admin = await loginConsole(h(), 'admin');
  });
  beforeEach(() => h().clock.set(T0));

  /** Runs a job for the tick the clock is in, as the scheduler would (the clock stands at the tick). */
  async function runAt(name: string, when: Date | string) {
    h().clock.set(when);
    const tick = new Date(Math.floor(h().clock.now().getTime() / MINUTE) * MINUTE);
    const r = await runner.run(jobNamed(name)!, tick);
    expect(r.error).toBeNull();
    return r.processed;
  }

  /** The runs of a job as an administrator sees them, oldest first. */
  const runsOf = async (job: string) => (await seen(h(), admin, `/jobs/runs?job=${job}`)).items.reverse();
  const subscribeMessages = (openid: string, templateId: string) =>
    h()
      .sandbox.wxapi.outboxFor(openid)
      .filter((m) => m.templateId === templateId);
  const field = (m: { payload: Record<string, unknown> }, key: string) => (m.payload.data as Record<string, { value: string }>)[key].value;

  test('payment expiry: a booking unpaid for 15 minutes expires, its order is closed, its seat is back; a rerun of the tick does nothing', async () => {
    const daughter = await loginWechat(h(), 'o_family_01');
    const mother = await seniorNamed(h(), '张桂英');
    const slot = await slotOf(h(), JIAXIN, 'lunch', TOMORROW);
    const booked = await h().http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: mother.id, slotId: slot.id }).expect(201);
    expect(booked.body.status).toBe('pending_payment');
    const prepaid = await h().http.post(`/api/v1/bookings/${booked.body.id}/pay`).set('authorization', daughter).send({ via: 'miniprogram' }).expect(200);
    const outTradeNo = prepaid.body.payment.outTradeNo as string;
    const seats = async () => (await seen(h(), daughter, `/slots/${slot.id}`)).booked;
    const booking = () => seen(h(), daughter, `/bookings/${booked.body.id}`);
    expect(await seats()).toBe(1);

    expect(await runAt('payment-expiry', at(14 * MINUTE))).toBe(0);
    expect((await booking()).status).toBe('pending_payment');

    // The seat shows as free again in the listing at once, though the listing was read this very moment.
    const seatsListed = async () =>
      (
        (await h().http.get('/api/v1/slots').query({ centreId: slot.centreId, from: TOMORROW, to: TOMORROW }).set('authorization', daughter).expect(200)).body
          .items as Array<{ id: number; remaining: number }>
      ).find((s) => s.id === slot.id)!.remaining;
    h().clock.set(at(15 * MINUTE));
    const left = await seatsListed();
    expect(await runAt('payment-expiry', at(15 * MINUTE))).toBe(1);
    expect(await seatsListed()).toBe(left + 1);
    expect(await booking()).toMatchObject({ status: 'expired', closeReason: '超时未付款' });
    expect(
      h()
        .sandbox.wxpay.listOrders()
        .find((o) => o.outTradeNo === outTradeNo)!.state,
    ).toBe('CLOSED');
    expect(await seats()).toBe(0);

    expect(await runAt('payment-expiry', at(15 * MINUTE + 30_000))).toBe(0); // the same tick again
    expect(await seats()).toBe(0);
    const runs = await runsOf('payment-expiry');
    expect(runs.map((r: { tick: string; processed: number; error: string }) => [r.tick, r.processed, r.error])).toEqual([
      [at(14 * MINUTE).toISOString(), 0, null],
      [at(15 * MINUTE).toISOString(), 1, null],
      [at(15 * MINUTE).toISOString(), 0, null],
    ]);
    // The fake clock does not move while a job runs: it finished the moment it started.
    expect(runs[1]).toMatchObject({
      instance: 'test-instance',
      triggeredBy: 'schedule',
      startedAt: at(15 * MINUTE).toISOString(),
      finishedAt: at(15 * MINUTE).toISOString(),
    });
  });

  test('payment reconciliation, on its 10-minute tick, settles a payment whose notification never came', async () => {
    expect(jobNamed('payment-reconcile')!.schedule).toBe('*/10 * * * *');
    const daughter = await loginWechat(h(), 'o_family_01');
    const mother = await seniorNamed(h(), '张桂英');
    const slot = await slotOf(h(), JIAXIN, 'lunch', '2026-12-03');
    const booked = (await h().http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: mother.id, slotId: slot.id }).expect(201)).body;
    const prepaid = await h().http.post(`/api/v1/bookings/${booked.id}/pay`).set('authorization', daughter).send({ via: 'miniprogram' }).expect(200);
    h().clock.set(at(MINUTE));
    h().sandbox.wxpay.pay(prepaid.body.payment.outTradeNo, { silent: true }); // paid, and WeChat Pay's notification lost
    expect((await seen(h(), daughter, `/bookings/${booked.id}`)).status).toBe('pending_payment');

    // Reconciliation asks about orders past their 15 minutes and a grace of 2: the tick at 20 minutes.
    expect(await runAt('payment-reconcile', at(10 * MINUTE))).toBe(0);
    expect(await runAt('payment-reconcile', at(20 * MINUTE))).toBe(1);
    expect((await seen(h(), daughter, `/bookings/${booked.id}`)).status).toBe('pending_confirmation');
    expect(await seen(h(), daughter, `/bookings/${booked.id}/payments`)).toMatchObject({ paidFen: booked.copayFen, payments: [{ status: 'paid' }] });
    expect((await runsOf('payment-reconcile')).map((r: { tick: string; processed: number; error: string }) => [r.tick, r.processed, r.error])).toEqual([
      [at(10 * MINUTE).toISOString(), 0, null],
      [at(20 * MINUTE).toISOString(), 1, null],
    ]);
  });

  test('emergency escalation: family and staff again at 5 minutes, the street centre and the street admins at 10, each once', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const own = await accountNamed(h(), '张桂英'); // her own account raises it
    // Demo administrators use the console only; give the street's one a mini-program identity to watch.
    const streetAdmin = await h().db.manager.findOneByOrFail(Account, { username: 'admin-mishixiang' });
    await h().db.manager.update(Account, { id: streetAdmin.id }, { miniOpenid: 'o_admin_mishixiang' });
    await h().db.manager.update(Account, { username: 'admin' }, { miniOpenid: 'o_admin_district' });

    const raised = await h().services.emergencies.raise({ senior: zhang, raisedByAccountId: own.id, channel: 'mp_chat', message: '我摔倒了' });
    const tpl = h().config.templates.emergency.mini;
    const heard = (openid: string) => subscribeMessages(openid, tpl).filter((m) => (m.payload.page as string).endsWith(`id=${raised.alertId}`));
    expect(heard('o_family_01')).toHaveLength(1);
    expect(heard('o_staff_jiaxin')).toHaveLength(1);

    expect(await runAt('emergency-escalation', at(4 * MINUTE + 59_000))).toBe(0);
    expect(await runAt('emergency-escalation', at(5 * MINUTE))).toBe(1);
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const alert = async () => (await seen(h(), staff, '/emergencies')).items.find((a: { id: number }) => a.id === raised.alertId);
    expect(await alert()).toMatchObject({ status: 'open', escalationLevel: 1 });
    expect((await h().db.manager.findOneByOrFail(EmergencyAlert, { id: raised.alertId })).lastEscalatedAt).toEqual(at(5 * MINUTE)); // when the next level is due from: not shown
    expect(heard('o_family_01')).toHaveLength(2);
    expect(heard('o_staff_jiaxin')).toHaveLength(2);
    expect(field(heard('o_family_01')[1], 'thing1')).toBe('张桂英求助5分钟无人响应');
    expect(field(heard('o_family_01')[1], 'thing2')).toBe('我摔倒了');
    expect(heard('o_staff_mishixiang')).toHaveLength(0);

    expect(await runAt('emergency-escalation', at(5 * MINUTE + 20_000))).toBe(0); // the same tick again
    expect(await runAt('emergency-escalation', at(9 * MINUTE))).toBe(0);
    expect(heard('o_family_01')).toHaveLength(2);

    expect(await runAt('emergency-escalation', at(10 * MINUTE))).toBe(1);
    expect(await alert()).toMatchObject({ status: 'open', escalationLevel: 2 });
    expect(heard('o_staff_mishixiang')).toHaveLength(1); // the street centre
    expect(field(heard('o_staff_mishixiang')[0], 'thing1')).toBe('张桂英求助10分钟无人响应');
    expect(heard('o_admin_mishixiang')).toHaveLength(1); // the street's administrator
    expect(heard('o_admin_district')).toHaveLength(0); // not the district's, while the street has its own
    expect(heard('o_family_01')).toHaveLength(2);
    expect(heard('o_staff_jiaxin')).toHaveLength(2);

    // Two levels, then it is in the hands of people who can act; nothing more goes out.
    expect(await runAt('emergency-escalation', at(10 * MINUTE))).toBe(0);
    expect(await runAt('emergency-escalation', at(15 * MINUTE))).toBe(0);
    expect(heard('o_staff_mishixiang')).toHaveLength(1);

    const log = await h().db.manager.find(AuditLog, { where: { action: 'emergency.escalate', entityId: raised.alertId }, order: { id: 'ASC' } });
    expect(log.map((l) => [l.actorRole, l.detail.level])).toEqual([
      ['system', 1],
      ['system', 2],
    ]);
    const level2 = log[1].detail.recipients as Array<{ accountId: number; role: string; outcome: string }>;
    expect(level2).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accountId: streetAdmin.id, role: 'admin', outcome: 'subscribe' }),
        expect.objectContaining({ role: 'street_staff', outcome: 'subscribe' }),
      ]),
    );
    expect(level2.some((r) => r.accountId === own.id)).toBe(false); // never the senior who raised it
  });

  test('emergency escalation: an alert acknowledged in time is not escalated', async () => {
    const li = await seniorNamed(h(), '李建国');
    const own = await accountNamed(h(), '李建国');
    const raised = await h().services.emergencies.raise({ senior: li, raisedByAccountId: own.id, channel: 'mp_chat', message: '' });
    const tpl = h().config.templates.emergency.mini;
    const heard = () => subscribeMessages('o_family_02', tpl).filter((m) => (m.payload.page as string).endsWith(`id=${raised.alertId}`));
    expect(heard()).toHaveLength(1);

    const staff = await loginConsole(h(), 'staff-jiaxin'); // 李建国's centre is 嘉新
    h().clock.set(at(3 * MINUTE));
    await h().http.post(`/api/v1/emergencies/${raised.alertId}/acknowledge`).set('authorization', staff).expect(200);

    expect(await runAt('emergency-escalation', at(5 * MINUTE))).toBe(0);
    expect(await runAt('emergency-escalation', at(10 * MINUTE))).toBe(0);
    expect((await seen(h(), staff, '/emergencies')).items.find((a: { id: number }) => a.id === raised.alertId)).toMatchObject({
      status: 'acknowledged',
      escalationLevel: 0,
    });
    expect(heard()).toHaveLength(1);
  });

  test("day end: today's unserved bookings become no-shows, every centre's staff get tomorrow's counts once", async () => {
    const wangSelf = await loginWechat(h(), 'o_mini_senior_03'); // 王秀英, 特困: her meals are free
    const daughter = await loginWechat(h(), 'o_family_01');
    const zhang = await seniorNamed(h(), '张桂英');
    const book = async (auth: string, body: Record<string, unknown>) =>
      (await h().http.post('/api/v1/bookings').set('authorization', auth).send(body).expect(201)).body;

    const today = await book(wangSelf, { slotId: (await slotOf(h(), ZUOJIA, 'lunch', TODAY)).id }); // auto-confirmed, never checked in
    expect(today.status).toBe('confirmed');
    const zuojiaLunch = await book(wangSelf, { slotId: (await slotOf(h(), ZUOJIA, 'lunch', TOMORROW)).id, deliveryMode: 'pick_up' });
    expect(zuojiaLunch.status).toBe('confirmed');
    const jiaxinDinner = await book(wangSelf, { slotId: (await slotOf(h(), JIAXIN, 'dinner', TOMORROW)).id, deliveryMode: 'delivery' });
    expect(jiaxinDinner.status).toBe('pending_confirmation'); // counted: the centre has not got round to it yet
    const unpaid = await book(daughter, { seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'lunch', TOMORROW)).id, deliveryMode: 'delivery' });
    expect(unpaid.status).toBe('pending_payment'); // not counted: it expires unless paid

    const centresOpenTomorrow = new Set(
      (await seen(h(), daughter, `/slots?from=${TOMORROW}&to=${TOMORROW}`)).items.map((s: { centreId: number }) => s.centreId),
    ).size;
    const dayEnd = '2026-12-01T13:30:00.000Z'; // 21:30 in Shanghai
    expect(await runAt('day-end', dayEnd)).toBe(1 + centresOpenTomorrow);
    expect((await seen(h(), wangSelf, `/bookings/${today.id}`)).status).toBe('no_show');
    expect((await seen(h(), wangSelf, `/bookings/${zuojiaLunch.id}`)).status).toBe('confirmed');

    const tpl = h().config.templates.dayCounts.mini;
    const zuojia = subscribeMessages('o_staff_zuojia', tpl);
    expect(zuojia).toHaveLength(1);
    expect(zuojia[0].payload.data).toEqual({
      thing1: { value: ZUOJIA },
      time2: { value: TOMORROW },
      thing3: { value: '午餐1份' },
      thing4: { value: '明天没有送餐' },
      thing5: { value: '明天没有助浴和上门服务' },
    });
    const jiaxin = subscribeMessages('o_staff_jiaxin', tpl);
    expect(jiaxin).toHaveLength(1);
    expect(field(jiaxin[0], 'thing3')).toBe('午餐0份 晚餐1份');
    expect(field(jiaxin[0], 'thing4')).toBe('送到家1份');

    const digests = await h().db.manager.find(CentreDayDigest, { where: { serviceDate: TOMORROW } });
    expect(digests).toHaveLength(centresOpenTomorrow);
    const jiaxinDigest = digests.find((d) => d.lines.some((l) => l.slotId === jiaxinDinner.slot.id))!;
    expect(jiaxinDigest.lines.find((l) => l.slotId === jiaxinDinner.slot.id)).toMatchObject({
      kind: 'dinner',
      booked: 1,
      byMode: { delivery: 1 },
      label: '晚餐 17:00–18:30',
    });
    expect(jiaxinDigest).toMatchObject({ reached: 1, sentAt: new Date(dayEnd) });

    // The same tick again, and the back-up ticks at 22:30 and 23:30: nothing more is marked or sent.
    expect(await runAt('day-end', dayEnd)).toBe(0);
    expect(await runAt('day-end', '2026-12-01T14:30:00.000Z')).toBe(0);
    expect(subscribeMessages('o_staff_zuojia', tpl)).toHaveLength(1);
    expect(subscribeMessages('o_staff_jiaxin', tpl)).toHaveLength(1);
  });

  test('a failing job is recorded with its error and never thrown out of the runner', async () => {
    const broken: Job = {
      name: 'broken-job',
      schedule: '* * * * *',
      timezone: 'Asia/Shanghai',
      description: 'fails',
      run: async () => Promise.reject(new Error('数据库暂时不可用')),
    };
    const r = await runner.run(broken, at(0), 'manual');
    expect(r).toMatchObject({ job: 'broken-job', processed: null, error: '数据库暂时不可用' });
    expect(await runsOf('broken-job')).toEqual([expect.objectContaining({ id: r.runId, triggeredBy: 'manual', processed: null, error: '数据库暂时不可用' })]);
  });

  test('job-tick-purge removes coordinator rows older than a week', async () => {
    const { coordinator } = buildScheduling(h().services, { instance: 'test-instance', jobs: JOBS });
    h().clock.set('2026-11-20T00:00:00.000Z');
    expect(await coordinator.shouldRun('payment-expiry:2026-11-20T00:00:00.000Z', 30_000)).toBe(true);
    h().clock.set(T0);
    expect(await coordinator.shouldRun('payment-expiry:2026-12-01T00:30:00.000Z', 30_000)).toBe(true);
    expect(await coordinator.shouldRun('payment-expiry:2026-12-01T00:30:00.000Z', 30_000)).toBe(false);
    expect(await runAt('job-tick-purge', T0)).toBe(1); // no run record is a month old yet
    // The old tick is gone (so it could be claimed again); the recent one is still held.
    expect(await coordinator.shouldRun('payment-expiry:2026-11-20T00:00:00.000Z', 30_000)).toBe(true);
    expect(await coordinator.shouldRun('payment-expiry:2026-12-01T00:30:00.000Z', 30_000)).toBe(false);
  });

  test('GET /jobs/runs: administrators see the runs newest first, by job and limit; others are refused', async () => {
    const all = await h().http.get('/api/v1/jobs/runs').set('authorization', admin).expect(200);
    const items = all.body.items as Array<{
      id: number;
      job: string;
      tick: string;
      startedAt: string;
      processed: number | null;
      error: string | null;
      instance: string;
    }>;
    // Every run of this suite, the manual one included.
    const perJob: Record<string, number> = {};
    for (const i of items) perJob[i.job] = (perJob[i.job] ?? 0) + 1;
    expect(perJob).toEqual({
      'payment-expiry': 3,
      'payment-reconcile': 2,
      'emergency-escalation': 9,
      'day-end': 3,
      'job-tick-purge': 1,
      'broken-job': 1,
    });
    const started = items.map((i) => i.startedAt);
    expect([...started].sort().reverse()).toEqual(started);
    expect(items[0]).toEqual(
      expect.objectContaining({
        job: expect.any(String),
        tick: expect.stringMatching(/Z$/),
        instance: 'test-instance',
        triggeredBy: expect.any(String),
        finishedAt: expect.any(String),
      }),
    );

    const expiry = await h().http.get('/api/v1/jobs/runs?job=payment-expiry&limit=2').set('authorization', admin).expect(200);
    expect(expiry.body.items).toHaveLength(2);
    expect(expiry.body.items.every((i: { job: string }) => i.job === 'payment-expiry')).toBe(true);
    expect(expiry.body.items.map((i: { processed: number; tick: string }) => [i.tick, i.processed])).toEqual([
      [at(15 * MINUTE).toISOString(), 0], // the rerun of the tick
      [at(15 * MINUTE).toISOString(), 1],
    ]);

    const bad = await h().http.get('/api/v1/jobs/runs?limit=0').set('authorization', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: { limit: expect.any(String) } } });

    for (const who of [await loginConsole(h(), 'staff-jiaxin'), await loginWechat(h(), 'o_family_01')]) {
      const res = await h().http.get('/api/v1/jobs/runs').set('authorization', who);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect((await h().http.get('/api/v1/jobs/runs')).status).toBe(401);
  });
});
