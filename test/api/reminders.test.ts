import { type Account, Booking, Rating, Reminder, ServiceItem, Slot, SubscribeCredit, WechatSubscribeRefusal } from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling } from '../../server/container';
import { shanghaiInstant } from '../../server/lib/time';
import type { Services } from '../../server/container';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import { accountNamed, centreNamed, JIAXIN, loginConsole, loginWechat, seen, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0, TODAY } from '../helpers/harness';

// Reminders end to end on SQLite and MariaDB: bookings made and moved through the HTTP API, the reminders job run
// through the JobRunner at fake Shanghai times, and what WeChat received read from the sandbox outbox.

const TOMORROW = '2026-12-02';
const ZUOJIA = '左家新村睦邻点';
const DONGYUAN = '嘉新东园睦邻点';
const MINUTE = 60_000;
const SERVICE_TPL = { mp: 'mulin_tpl_service_reminder', mini: 'mulin_sub_service_reminder' };
const RATING_TPL = 'mulin_tpl_rating_request';
/** A Shanghai wall-clock moment as an instant. */
const sh = (date: string, time: string) => shanghaiInstant(date, time);

describeEachDb('reminders', (h) => {
  let runner: JobRunner<Services>;
  let wangXiuying: string; // 王秀英 herself, in the mini-program (特困: her meals at 左家新村 are free, and it confirms by itself)
  let niece: string; // 王丽, linked to 王秀英
  let daughter: string; // 刘敏, linked to 张桂英
  let son: string; // 李强, linked to 李建国
  let zuojiaStaff: string;
  let jiaxinStaff: string;
  let wangMp: string; // 王秀英's public-account openid
  let nieceAccount: Account;

  beforeAll(async () => {
    runner = buildScheduling(h().services, { instance: 'test-instance', jobs: JOBS }).runner;
    wangXiuying = await loginWechat(h(), 'o_mini_senior_03');
    niece = await loginWechat(h(), 'o_family_03');
    daughter = await loginWechat(h(), 'o_family_01');
    son = await loginWechat(h(), 'o_family_02');
    zuojiaStaff = await loginWechat(h(), 'o_staff_zuojia');
    jiaxinStaff = await loginConsole(h(), 'staff-jiaxin');
    wangMp = (await accountNamed(h(), '王秀英')).mpOpenid!;
    nieceAccount = await accountNamed(h(), '王丽');
  });
  beforeEach(() => h().clock.set(T0));

  /** Runs the reminders job for the minute `when` falls in, as the scheduler would; returns how many it sent. */
  async function runAt(when: Date) {
    h().clock.set(when);
    const tick = new Date(Math.floor(when.getTime() / MINUTE) * MINUTE);
    const r = await runner.run(jobNamed('reminders')!, tick);
    expect(r.error).toBeNull();
    return r.processed;
  }

  const outbox = (openid: string, templateId?: string) =>
    h()
      .sandbox.wxapi.outboxFor(openid)
      .filter((m) => !templateId || m.templateId === templateId);
  const fields = (m: { payload: Record<string, unknown> }) =>
    Object.fromEntries(Object.entries(m.payload.data as Record<string, { value: string }>).map(([k, v]) => [k, v.value]));
  const remindersOf = (bookingId: number) => h().db.manager.find(Reminder, { where: { bookingId }, order: { kind: 'ASC', accountId: 'ASC' } });
  const consent = (auth: string, templateId: string, answer: string) =>
    h()
      .http.post('/api/v1/subscriptions')
      .set('authorization', auth)
      .send({ templateIds: [templateId], result: { [templateId]: answer } });

  /** A breakfast item at 左家新村 (the demo has none), free, with one slot at 07:30 on `date`. */
  async function breakfastSlot(date: string): Promise<Slot> {
    const centre = await centreNamed(h(), ZUOJIA);
    const em = h().db.manager;
    const now = h().clock.now();
    let item = await em.findOneBy(ServiceItem, { centreId: centre.id, kind: 'breakfast' });
    item ??= await em.save(
      ServiceItem,
      em.create(ServiceItem, {
        centreId: centre.id,
        category: 'meal',
        kind: 'breakfast',
        name: '早餐',
        description: '',
        priceFen: 0,
        deliveryModes: ['pick_up'],
        maxQuantity: 1,
        active: true,
        createdAt: now,
      }),
    );
    return em.save(
      Slot,
      em.create(Slot, {
        serviceItemId: item.id,
        centreId: centre.id,
        date,
        startsAt: sh(date, '07:30'),
        endsAt: sh(date, '08:30'),
        capacity: 20,
        booked: 0,
        bookingCutoffAt: sh(date, '07:00'),
        cancelCutoffAt: sh(date, '07:00'),
        workerName: '',
        status: 'open',
        createdAt: now,
      }),
    );
  }

  test('a confirmed lunch tomorrow at 11:00: the day-before at 18:00 today, the hour-before at 10:00 tomorrow, to the senior and her niece, once each', async () => {
    expect((await consent(niece, SERVICE_TPL.mini, 'accept')).body).toEqual({ credits: { [SERVICE_TPL.mini]: 1 } });
    const slot = await slotOf(h(), ZUOJIA, 'lunch', TOMORROW);
    const res = await h().http.post('/api/v1/bookings').set('authorization', wangXiuying).send({ slotId: slot.id }).expect(201);
    expect(res.body.status).toBe('confirmed'); // auto-confirmed at creation: planned in the same transaction

    const planned = await remindersOf(res.body.id);
    const senior = await accountNamed(h(), '王秀英');
    expect(planned.map((r) => [r.kind, r.accountId, r.status, r.dueAt.toISOString()])).toEqual([
      ['day_before', senior.id, 'pending', '2026-12-01T10:00:00.000Z'], // 18:00 Shanghai today
      ['day_before', nieceAccount.id, 'pending', '2026-12-01T10:00:00.000Z'],
      ['hour_before', senior.id, 'pending', '2026-12-02T02:00:00.000Z'], // 10:00 Shanghai tomorrow
      ['hour_before', nieceAccount.id, 'pending', '2026-12-02T02:00:00.000Z'],
    ]);

    expect(await runAt(sh(TODAY, '17:59'))).toBe(0);
    expect(outbox(wangMp, SERVICE_TPL.mp)).toHaveLength(0);
    expect(outbox('o_family_03')).toHaveLength(0);

    expect(await runAt(sh(TODAY, '18:00'))).toBe(2);
    const [toSenior] = outbox(wangMp, SERVICE_TPL.mp);
    expect(toSenior.kind).toBe('template');
    expect(fields(toSenior)).toEqual({ thing1: `午餐·${ZUOJIA}`, time2: '2026年12月2日 11:00', thing3: '王秀英', thing4: '明天11:00开始，请留意时间' });
    const toNiece = outbox('o_family_03');
    expect(toNiece.map((m) => [m.kind, m.templateId])).toEqual([['subscribe', SERVICE_TPL.mini]]); // she had a credit
    expect(toNiece[0].payload.page).toBe(`pages/bookings/detail?id=${res.body.id}`);
    expect(outbox('o_mp_family_03')).toHaveLength(0);
    expect(await h().db.manager.findOneByOrFail(SubscribeCredit, { accountId: nieceAccount.id, templateId: SERVICE_TPL.mini })).toMatchObject({ credits: 0 });

    expect(await runAt(sh(TODAY, '18:00'))).toBe(0); // the same tick again
    expect(await runAt(new Date(sh(TODAY, '18:00').getTime() + 40_000))).toBe(0);
    expect(outbox(wangMp, SERVICE_TPL.mp)).toHaveLength(1);
    expect(outbox('o_family_03')).toHaveLength(1);

    expect(await runAt(sh(TOMORROW, '09:59'))).toBe(0);
    expect(await runAt(sh(TOMORROW, '10:00'))).toBe(2);
    expect(fields(outbox(wangMp, SERVICE_TPL.mp)[1]).thing4).toBe('今天11:00开始，还有约一小时');
    // No credit left: the niece hears on the public account instead.
    expect(outbox('o_mp_family_03').map((m) => [m.kind, m.templateId])).toEqual([['template', SERVICE_TPL.mp]]);
    expect(outbox('o_family_03')).toHaveLength(1);
    expect((await remindersOf(res.body.id)).map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  test('paid and auto-confirmed, then cancelled before 18:00: nobody is reminded; a cancellation the reminders never heard of is caught at send time', async () => {
    const mother = await seniorNamed(h(), '张桂英');
    const motherMp = (await accountNamed(h(), '张桂英')).mpOpenid!;
    const slot = await slotOf(h(), DONGYUAN, 'lunch', TOMORROW);
    const booked = await h().http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: mother.id, slotId: slot.id }).expect(201);
    expect(booked.body.status).toBe('pending_payment');
    expect(await remindersOf(booked.body.id)).toEqual([]); // not confirmed yet
    const prepaid = await h().http.post(`/api/v1/bookings/${booked.body.id}/pay`).set('authorization', daughter).send({ via: 'miniprogram' }).expect(200);
    h().sandbox.wxpay.pay(prepaid.body.payment.outTradeNo);
    await h().sandbox.wxpay.settled();
    expect((await seen(h(), daughter, `/bookings/${booked.body.id}`)).status).toBe('confirmed');
    expect((await remindersOf(booked.body.id)).map((r) => [r.kind, r.status])).toEqual([
      ['day_before', 'pending'],
      ['day_before', 'pending'],
      ['hour_before', 'pending'],
      ['hour_before', 'pending'],
    ]);

    h().clock.set(sh(TODAY, '17:59'));
    await h().http.post(`/api/v1/bookings/${booked.body.id}/cancel`).set('authorization', daughter).send({ reason: '改主意了' }).expect(200);
    expect((await remindersOf(booked.body.id)).map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);

    // Another booking whose cancellation lands after its reminders were planned but without touching them (as a
    // cancellation committing between the claim and the send would): the send-time re-check stops it.
    const other = await slotOf(h(), DONGYUAN, 'lunch', '2026-12-03');
    h().clock.set(T0);
    const second = await h().http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: mother.id, slotId: other.id }).expect(201);
    const pay2 = await h().http.post(`/api/v1/bookings/${second.body.id}/pay`).set('authorization', daughter).send({ via: 'miniprogram' }).expect(200);
    h().sandbox.wxpay.pay(pay2.body.payment.outTradeNo);
    await h().sandbox.wxpay.settled();
    expect((await remindersOf(second.body.id)).filter((r) => r.status === 'pending')).toHaveLength(4);
    await h().db.manager.update(Booking, { id: second.body.id }, { status: 'cancelled' });

    const before = { mother: outbox(motherMp).length, daughterMini: outbox('o_family_01').length, daughterMp: outbox('o_mp_family_01').length };
    await runAt(sh(TODAY, '18:00'));
    await runAt(sh(TOMORROW, '18:00'));
    await runAt(sh('2026-12-03', '10:00'));
    expect({ mother: outbox(motherMp).length, daughterMini: outbox('o_family_01').length, daughterMp: outbox('o_mp_family_01').length }).toEqual(before);
    expect((await remindersOf(second.body.id)).map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
  });

  test('quiet hours: a 07:30 breakfast is reminded at 07:00, not 06:30; booked at 20:50 the evening before, it gets only that 07:00 one', async () => {
    const date = '2026-12-03';
    const slot = await breakfastSlot(date);
    const res = await h().http.post('/api/v1/bookings').set('authorization', wangXiuying).send({ slotId: slot.id }).expect(201);
    expect(res.body.status).toBe('confirmed');
    const senior = await accountNamed(h(), '王秀英');
    const mine = async (id: number) => (await remindersOf(id)).filter((r) => r.accountId === senior.id).map((r) => [r.kind, r.dueAt.toISOString()]);
    expect(await mine(res.body.id)).toEqual([
      ['day_before', sh('2026-12-02', '18:00').toISOString()],
      ['hour_before', sh(date, '07:00').toISOString()], // 06:30 is in quiet hours
    ]);
    /** Reminders the senior and her niece got (on either of the niece's channels) for the breakfast at `startsAt`. */
    const heard = (startsAt: string) =>
      [wangMp, 'o_family_03', 'o_mp_family_03'].flatMap((openid) => outbox(openid)).filter((m) => fields(m).time2 === startsAt).length;
    await runAt(sh('2026-12-02', '18:00'));
    expect(heard('2026年12月3日 07:30')).toBe(2); // the day-before, to the senior and her niece
    await runAt(sh(date, '06:30'));
    expect(heard('2026年12月3日 07:30')).toBe(2);
    await runAt(sh(date, '07:00'));
    expect(heard('2026年12月3日 07:30')).toBe(4); // and their hour-before
    expect((await h().db.manager.findOneByOrFail(Reminder, { bookingId: res.body.id, accountId: senior.id, kind: 'hour_before' })).sentAt).toEqual(
      sh(date, '07:00'),
    );

    // Booked at 20:50 for tomorrow's 07:30 breakfast: 18:00 has passed (a reminder for something booked minutes
    // ago is noise), and the hour-before (06:30) waits for the end of quiet hours.
    const next = '2026-12-04';
    const late = await breakfastSlot(next);
    h().clock.set(sh(date, '20:50'));
    const lateRes = await h().http.post('/api/v1/bookings').set('authorization', wangXiuying).send({ slotId: late.id }).expect(201);
    expect(await mine(lateRes.body.id)).toEqual([['hour_before', sh(next, '07:00').toISOString()]]);
    await runAt(sh(date, '21:00'));
    await runAt(sh(next, '06:59'));
    expect(heard('2026年12月4日 07:30')).toBe(0);
    await runAt(sh(next, '07:00'));
    expect(heard('2026年12月4日 07:30')).toBe(2);
    const last = outbox(wangMp, SERVICE_TPL.mp).at(-1)!;
    expect(fields(last)).toMatchObject({ time2: '2026年12月4日 07:30', thing4: '今天07:30开始，还有约一小时' });
  });

  test('consent credits: one message per accept, spent; a 43101 is recorded and falls back to the template; a new accept lifts it', async () => {
    const sonAccount = await accountNamed(h(), '李强');
    expect((await consent(son, SERVICE_TPL.mini, 'accept')).body.credits[SERVICE_TPL.mini]).toBe(1);
    expect((await consent(son, SERVICE_TPL.mini, 'accept')).body.credits[SERVICE_TPL.mini]).toBe(2);
    expect((await consent(son, SERVICE_TPL.mini, 'reject')).body.credits[SERVICE_TPL.mini]).toBe(2);
    const bad = await consent(son, 'someone_elses_template', 'accept');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const admin = await loginConsole(h(), 'admin'); // no mini-program identity to send to
    const consoleOnly = await h()
      .http.post('/api/v1/subscriptions')
      .set('authorization', admin)
      .send({ templateIds: [SERVICE_TPL.mini], result: { [SERVICE_TPL.mini]: 'accept' } });
    expect([consoleOnly.status, consoleOnly.body.error.code]).toEqual([403, 'NO_MINI_PROGRAM_IDENTITY']);

    // 李建国 at 嘉新 (which confirms by hand): his son books; paid if there is anything to pay; the centre confirms.
    const father = await seniorNamed(h(), '李建国');
    const fatherMp = (await accountNamed(h(), '李建国')).mpOpenid!;
    const slot = await slotOf(h(), JIAXIN, 'lunch', '2026-12-05');
    const booked = await h().http.post('/api/v1/bookings').set('authorization', son).send({ seniorId: father.id, slotId: slot.id }).expect(201);
    if (booked.body.status === 'pending_payment') {
      const prepaid = await h().http.post(`/api/v1/bookings/${booked.body.id}/pay`).set('authorization', son).send({ via: 'miniprogram' }).expect(200);
      h().sandbox.wxpay.pay(prepaid.body.payment.outTradeNo);
      await h().sandbox.wxpay.settled();
    }
    expect(await remindersOf(booked.body.id)).toEqual([]);
    await h().http.post(`/api/v1/bookings/${booked.body.id}/confirm`).set('authorization', jiaxinStaff).send({}).expect(200);
    expect(await remindersOf(booked.body.id)).toHaveLength(4);

    // The son turned the messages off in WeChat: the subscribe message is refused (43101).
    h().sandbox.wxapi.refuseSubscribe('o_family_02', SERVICE_TPL.mini);
    // Two instances run the same tick at once: each reminder still goes out once.
    const other = buildScheduling(h().services, { instance: 'other-instance', jobs: JOBS }).runner;
    h().clock.set(sh('2026-12-04', '18:00'));
    const tick = sh('2026-12-04', '18:00');
    const [a, b] = await Promise.all([runner.run(jobNamed('reminders')!, tick), other.run(jobNamed('reminders')!, tick)]);
    expect([a.error, b.error]).toEqual([null, null]);
    expect(a.processed! + b.processed!).toBe(2);
    expect(outbox(fatherMp, SERVICE_TPL.mp)).toHaveLength(1);
    expect(outbox('o_family_02')).toHaveLength(0);
    expect(outbox('o_mp_family_02', SERVICE_TPL.mp)).toHaveLength(1); // the fallback
    expect(await h().db.manager.countBy(WechatSubscribeRefusal, { openid: 'o_family_02', templateId: SERVICE_TPL.mini })).toBe(1);
    expect(await h().db.manager.findOneByOrFail(SubscribeCredit, { accountId: sonAccount.id, templateId: SERVICE_TPL.mini })).toMatchObject({ credits: 0 });

    // He accepts again in the mini-program: the refusal is lifted and the next reminder is a subscribe message.
    h().sandbox.wxapi.allowSubscribe('o_family_02', SERVICE_TPL.mini);
    expect((await consent(son, SERVICE_TPL.mini, 'accept')).body.credits[SERVICE_TPL.mini]).toBe(1);
    expect(await h().db.manager.countBy(WechatSubscribeRefusal, { openid: 'o_family_02' })).toBe(0);
    expect(await runAt(sh('2026-12-05', '10:00'))).toBe(2);
    expect(outbox('o_family_02').map((m) => [m.kind, m.templateId])).toEqual([['subscribe', SERVICE_TPL.mini]]);
    expect(outbox('o_mp_family_02', SERVICE_TPL.mp)).toHaveLength(1);
  });

  test('a claim left by a stopped sender: requeued if it never began sending, marked failed (not resent) if it had', async () => {
    const senior = await accountNamed(h(), '王秀英');
    const slot = await slotOf(h(), ZUOJIA, 'lunch', '2026-12-05');
    const res = await h().http.post('/api/v1/bookings').set('authorization', wangXiuying).send({ slotId: slot.id }).expect(201);
    const rows = await remindersOf(res.body.id);
    const dayBefore = rows.find((r) => r.kind === 'day_before' && r.accountId === senior.id)!;
    const hourBefore = rows.find((r) => r.kind === 'hour_before' && r.accountId === senior.id)!;
    const claimedAt = sh('2026-12-04', '18:00');
    await h().db.manager.update(Reminder, { id: dayBefore.id }, { status: 'sending', claimToken: 'dead-sender', claimedAt, attempts: 0 });
    await h().db.manager.update(Reminder, { id: hourBefore.id }, { status: 'sending', claimToken: 'dead-sender', claimedAt, attempts: 1, dueAt: claimedAt });

    await runAt(sh('2026-12-04', '18:05')); // within 10 minutes: still someone's
    expect((await h().db.manager.findOneByOrFail(Reminder, { id: dayBefore.id })).status).toBe('sending');
    await runAt(sh('2026-12-04', '18:11'));
    expect(await h().db.manager.findOneByOrFail(Reminder, { id: dayBefore.id })).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await h().db.manager.findOneByOrFail(Reminder, { id: hourBefore.id })).toMatchObject({ status: 'failed', attempts: 1 });
    const sent = outbox(wangMp, SERVICE_TPL.mp).filter((m) => fields(m).time2 === '2026年12月5日 11:00');
    expect(sent.map((m) => fields(m).thing4)).toEqual(['明天11:00开始，请留意时间']);
  });

  test('after check-in the senior is asked to rate it two hours later, and her "5" in the chat rates the booking', async () => {
    const slot = await slotOf(h(), ZUOJIA, 'lunch', TODAY);
    const res = await h().http.post('/api/v1/bookings').set('authorization', wangXiuying).send({ slotId: slot.id }).expect(201);
    h().clock.set(sh(TODAY, '11:10'));
    await h().http.post('/api/v1/bookings/check-in').set('authorization', zuojiaStaff).send({ code: res.body.code }).expect(200);
    const rows = await remindersOf(res.body.id);
    const senior = await accountNamed(h(), '王秀英');
    // The hour-before (10:00) was never sent here and is void once served; the rating request is the senior's only.
    expect(rows.filter((r) => r.kind === 'rating_request').map((r) => [r.accountId, r.status, r.dueAt.toISOString()])).toEqual([
      [senior.id, 'pending', sh(TODAY, '13:10').toISOString()],
    ]);
    expect(rows.filter((r) => r.kind === 'hour_before').map((r) => r.status)).toEqual(['cancelled', 'cancelled']);

    const asked = () => outbox(wangMp, RATING_TPL);
    await runAt(sh(TODAY, '13:09'));
    expect(asked()).toHaveLength(0);
    await runAt(sh(TODAY, '13:10'));
    expect(asked()).toHaveLength(1);
    expect(fields(asked()[0])).toEqual({ thing1: `午餐·${ZUOJIA}`, time2: '2026年12月1日 11:10', thing3: '回复数字1到5为这次服务打分' });
    expect(outbox('o_family_03', 'mulin_sub_rating_request')).toHaveLength(0);

    h().clock.set(sh(TODAY, '16:40')); // hours later, she answers
    const reply = await h().sandbox.chat.send(wangMp, { kind: 'text', content: '5' }, false);
    expect(reply.status).toBe(200);
    expect(await h().db.manager.findOneByOrFail(Rating, { bookingId: res.body.id })).toMatchObject({ score: 5 });
    expect((await seen(h(), wangXiuying, `/bookings/${res.body.id}`)).status).toBe('rated');
  });

  test('a niece who unlinks after the planning hears nothing more; the senior still does', async () => {
    const slot = await slotOf(h(), ZUOJIA, 'lunch', '2026-12-04');
    const res = await h().http.post('/api/v1/bookings').set('authorization', wangXiuying).send({ slotId: slot.id }).expect(201);
    const senior = await seniorNamed(h(), '王秀英');
    const link = (await seen(h(), niece, '/family-links')).items.find((l: { senior: { id: number } }) => l.senior.id === senior.id);
    await h().http.delete(`/api/v1/family-links/${link.id}`).set('authorization', niece).expect(204);
    expect((await seen(h(), niece, '/family-links')).items).toEqual([]);
    const before = outbox('o_family_03').length + outbox('o_mp_family_03').length;
    expect(await runAt(sh('2026-12-03', '18:00'))).toBe(1);
    expect(outbox('o_family_03').length + outbox('o_mp_family_03').length).toBe(before);
    const rows = await remindersOf(res.body.id);
    expect(rows.filter((r) => r.kind === 'day_before').map((r) => [r.accountId === nieceAccount.id ? 'niece' : 'senior', r.status])).toEqual([
      ['senior', 'sent'],
      ['niece', 'cancelled'],
    ]);
  });

  test('the due-reminder query reads idx_reminder_due', async () => {
    if (h().kind !== 'mariadb') return; // SQLite's plan is checked by the benchmark's MariaDB run only
    const [sql, params] = h().services.repos.reminders.dueSql(h().clock.now(), 100);
    const plan: Array<{ key: string | null; type: string }> = await h().db.manager.query(`EXPLAIN ${sql}`, params);
    expect(plan[0]).toMatchObject({ key: 'idx_reminder_due', type: 'range' });
  });
});
