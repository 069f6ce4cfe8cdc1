import { AuditLog, Booking, Rating } from '../../entities';
import { JIAXIN, CANTEEN, loginConsole, loginWechat, seen, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0, TODAY } from '../helpers/harness';

const TOMORROW = '2026-12-02';
const ZUOJIA = '左家新村睦邻点';

describeEachDb('booking life cycle', (h) => {
  let daughter: string; // 刘敏, linked to 张桂英
  let son: string; // 李强, linked to 李建国
  let wangXiuying: string; // 王秀英 herself, in the mini-program
  let jiaxinStaff: string;
  let zuojiaStaff: string;
  let canteenStaff: string;

  beforeAll(async () => {
    daughter = await loginWechat(h(), 'o_family_01');
    son = await loginWechat(h(), 'o_family_02');
    wangXiuying = await loginWechat(h(), 'o_mini_senior_03');
    jiaxinStaff = await loginConsole(h(), 'staff-jiaxin');
    zuojiaStaff = await loginWechat(h(), 'o_staff_zuojia');
    canteenStaff = await loginConsole(h(), 'staff-hushu-canteen');
  });
  beforeEach(() => h().clock.set(T0));

  /** Seats taken, as the slot listing shows them. */
  const booked = async (slotId: number): Promise<number> => (await seen(h(), daughter, `/slots/${slotId}`)).booked;

  test('a daughter books lunch for her mother, sees the subsidy, and cancels before the cut-off', async () => {
    const mother = await seniorNamed(h(), '张桂英');
    const slot = await slotOf(h(), JIAXIN, 'lunch', TOMORROW);
    const res = await h().http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: mother.id, slotId: slot.id, deliveryMode: 'delivery' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'pending_payment',
      statusLabel: '待付款',
      senior: { id: mother.id, name: '张桂英' },
      priceFen: 1500,
      subsidyFen: 300,
      copayFen: 1200,
      bookedBy: 'family',
      deliveryMode: 'delivery',
      slot: { date: TOMORROW, start: '11:00', end: '12:30' },
    });
    expect(res.body.subsidyReason).toContain('高龄老人助餐补贴');
    expect(res.body.paymentDueAt).toBe(new Date(Date.parse(T0) + 15 * 60_000).toISOString());
    expect(res.body.code).toMatch(/^[A-Z2-9]{10}$/);
    expect(await booked(slot.id)).toBe(1);

    const cancelled = await h().http.post(`/api/v1/bookings/${res.body.id}/cancel`).set('authorization', daughter).send({ reason: '妈妈去医院' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', closeReason: '妈妈去医院' });
    expect(await booked(slot.id)).toBe(0);

    const again = await h().http.post(`/api/v1/bookings/${res.body.id}/cancel`).set('authorization', daughter).send({});
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'INVALID_STATE', message: '这个预约已取消，不能取消' });
    expect(await booked(slot.id)).toBe(0);
  });

  test('a senior with 特困 status books a free lunch at an auto-confirming point; staff check it in; she rates it', async () => {
    const slot = await slotOf(h(), ZUOJIA, 'lunch', TODAY);
    const res = await h().http.post('/api/v1/bookings').set('authorization', wangXiuying).send({ slotId: slot.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'confirmed', priceFen: 1500, subsidyFen: 1500, copayFen: 0, bookedBy: 'self', deliveryMode: 'pick_up' });

    h().clock.set('2026-12-01T03:10:00Z'); // 11:10 at the counter
    const served = await h().http.post('/api/v1/bookings/check-in').set('authorization', zuojiaStaff).send({ code: res.body.code.toLowerCase() });
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ status: 'served', servedAt: '2026-12-01T03:10:00.000Z' });
    // Who served it is kept for the record (no API shows it): the staff member who scanned.
    const row = await h().db.manager.findOneByOrFail(Booking, { id: res.body.id });
    expect(row.servedByAccountId).toBe((await seen(h(), zuojiaStaff, '/me')).id);

    const twice = await h().http.post('/api/v1/bookings/check-in').set('authorization', zuojiaStaff).send({ code: res.body.code });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'INVALID_STATE', message: '这个预约已服务，不能核销' });

    const rated = await h().http.post(`/api/v1/bookings/${res.body.id}/rating`).set('authorization', wangXiuying).send({ score: 5, comment: '饭菜很软，好吃' });
    expect(rated.status).toBe(200);
    expect(rated.body.status).toBe('rated');
    expect(await h().db.manager.findOneByOrFail(Rating, { bookingId: res.body.id })).toMatchObject({ score: 5, comment: '饭菜很软，好吃' });
    const again = await h().http.post(`/api/v1/bookings/${res.body.id}/rating`).set('authorization', wangXiuying).send({ score: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_RATED');

    const audit = await h().db.manager.find(AuditLog, { where: { entityType: 'booking', entityId: res.body.id } });
    expect(audit.map((a) => a.action)).toEqual(['booking.check_in']);
  });

  test('staff book for a senior at their centre, confirm, and check in on the day; every step is audited', async () => {
    const senior = await seniorNamed(h(), '王秀英');
    const slot = await slotOf(h(), JIAXIN, 'lunch', TOMORROW);
    const res = await h().http.post('/api/v1/bookings').set('authorization', jiaxinStaff).send({ seniorId: senior.id, slotId: slot.id, channel: 'console' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending_confirmation', bookedBy: 'staff', channel: 'console', copayFen: 0 });

    const confirmed = await h().http.post(`/api/v1/bookings/${res.body.id}/confirm`).set('authorization', jiaxinStaff).send();
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('confirmed');

    const early = await h().http.post('/api/v1/bookings/check-in').set('authorization', jiaxinStaff).send({ code: res.body.code });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'WRONG_DAY', message: `这是 ${TOMORROW} 的预约，只能在当天核销` });

    h().clock.set('2026-12-02T03:05:00Z'); // the next day: a console session lasts a working day, so sign in again
    expect((await h().http.get('/api/v1/me').set('authorization', jiaxinStaff)).status).toBe(401);
    jiaxinStaff = await loginConsole(h(), 'staff-jiaxin');
    const served = await h().http.post('/api/v1/bookings/check-in').set('authorization', jiaxinStaff).send({ code: res.body.code });
    expect(served.body.status).toBe('served');

    const audit = await h().db.manager.find(AuditLog, { where: { entityType: 'booking', entityId: res.body.id }, order: { id: 'ASC' } });
    expect(audit.map((a) => [a.action, a.actorRole])).toEqual([
      ['booking.create', 'staff'],
      ['booking.confirm', 'staff'],
      ['booking.check_in', 'staff'],
    ]);
    expect(audit[1].detail).toMatchObject({ from: 'pending_confirmation', to: 'confirmed' });
    expect(audit[0].ip).not.toBe('');
  });

  test('a centre rejects a booking with a reason and the seat goes back', async () => {
    const senior = await seniorNamed(h(), '王秀英');
    const slot = await slotOf(h(), JIAXIN, 'dinner', TODAY);
    const res = await h().http.post('/api/v1/bookings').set('authorization', jiaxinStaff).send({ seniorId: senior.id, slotId: slot.id });
    expect(res.body.status).toBe('pending_confirmation');
    expect(await booked(slot.id)).toBe(1);

    const noReason = await h().http.post(`/api/v1/bookings/${res.body.id}/reject`).set('authorization', jiaxinStaff).send({});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: { reason: expect.any(String) } } });

    const rejected = await h().http.post(`/api/v1/bookings/${res.body.id}/reject`).set('authorization', jiaxinStaff).send({ reason: '今晚厨房检修' });
    expect(rejected.body).toMatchObject({ status: 'rejected', statusLabel: '站点未接单', closeReason: '今晚厨房检修' });
    expect(await booked(slot.id)).toBe(0);
    const confirmAfter = await h().http.post(`/api/v1/bookings/${res.body.id}/confirm`).set('authorization', jiaxinStaff).send();
    expect(confirmAfter.status).toBe(409);
  });

  test('cut-offs: family cannot cancel after 09:00 but staff can; nobody can book after 09:30', async () => {
    const senior = await seniorNamed(h(), '李建国');
    const slot = await slotOf(h(), JIAXIN, 'lunch', TODAY);
    const res = await h().http.post('/api/v1/bookings').set('authorization', son).send({ seniorId: senior.id, slotId: slot.id });
    expect(res.body).toMatchObject({ status: 'pending_payment', priceFen: 1500, subsidyFen: 750, copayFen: 750 });

    h().clock.set('2026-12-01T01:05:00Z'); // 09:05
    const late = await h().http.post(`/api/v1/bookings/${res.body.id}/cancel`).set('authorization', son).send({});
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'CANCEL_CUTOFF_PASSED', message: '已经过了取消截止时间，如需取消请打电话给服务站点' });
    expect((await seen(h(), son, `/bookings/${res.body.id}`)).status).toBe('pending_payment');

    const byStaff = await h().http.post(`/api/v1/bookings/${res.body.id}/cancel`).set('authorization', jiaxinStaff).send({ reason: '家属来电取消' });
    expect(byStaff.body.status).toBe('cancelled');

    h().clock.set('2026-12-01T01:31:00Z'); // 09:31
    const tooLate = await h().http.post('/api/v1/bookings').set('authorization', son).send({ seniorId: senior.id, slotId: slot.id });
    expect(tooLate.status).toBe(409);
    expect(tooLate.body.error).toMatchObject({ code: 'BOOKING_CUTOFF_PASSED', message: '这个时段已经过了预约截止时间' });
    expect(await booked(slot.id)).toBe(0);
  });

  test('no-show: only after the slot has ended, and the day-end sweep marks the rest', async () => {
    const senior = await seniorNamed(h(), '王秀英');
    const other = await seniorNamed(h(), '周玉兰');
    // Dinner: 王秀英 has already had today's one subsidised lunch.
    const lunch = await slotOf(h(), CANTEEN, 'dinner', TODAY);
    const a = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', canteenStaff)
      .send({ seniorId: senior.id, slotId: lunch.id, deliveryMode: 'dine_in' });
    const b = await h().http.post('/api/v1/bookings').set('authorization', canteenStaff).send({ seniorId: other.id, slotId: lunch.id });
    expect(a.body.status).toBe('confirmed'); // the canteen confirms by itself, and her meal is free
    expect(b.body.status).toBe('pending_payment');
    await h().db.manager.update(Booking, { id: b.body.id }, { status: 'confirmed' }); // as if paid

    h().clock.set('2026-12-01T09:30:00Z'); // 17:30, dinner still being served
    const early = await h().http.post(`/api/v1/bookings/${a.body.id}/no-show`).set('authorization', canteenStaff).send();
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'SERVICE_NOT_ENDED', message: '服务时间还没结束，不能标记未到场' });

    h().clock.set('2026-12-01T10:31:00Z'); // 18:31
    const marked = await h().http.post(`/api/v1/bookings/${a.body.id}/no-show`).set('authorization', canteenStaff).send();
    expect(marked.body.status).toBe('no_show');

    h().clock.set('2026-12-01T15:59:00Z'); // 23:59
    expect(await h().services.lifecycle.markNoShowsBefore(h().clock.now())).toBe(1);
    expect(await h().services.lifecycle.markNoShowsBefore(h().clock.now())).toBe(0);
    const nightShift = await loginConsole(h(), 'staff-hushu-canteen'); // a console session lasts a working day
    expect((await seen(h(), nightShift, `/bookings/${b.body.id}`)).status).toBe('no_show');
  });

  test('one booking per senior per slot, quantities and delivery modes within what the service offers', async () => {
    const mother = await seniorNamed(h(), '张桂英');
    const point = await slotOf(h(), '嘉新东园睦邻点', 'lunch', '2026-12-03');
    const tooMany = await h().http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: mother.id, slotId: point.id, quantity: 4 });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error).toMatchObject({ code: 'QUANTITY_NOT_ALLOWED', message: '每次最多预约 3 份' });
    const delivery = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', daughter)
      .send({ seniorId: mother.id, slotId: point.id, deliveryMode: 'delivery' });
    expect(delivery.status).toBe(422);
    expect(delivery.body.error.code).toBe('DELIVERY_MODE_NOT_ALLOWED');
    const ok = await h().http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: mother.id, slotId: point.id, quantity: 2 });
    expect(ok.status).toBe(201);
    const dup = await h().http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: mother.id, slotId: point.id });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'ALREADY_BOOKED', message: '这位老人已经订过这个时段了' });
    expect(await booked(point.id)).toBe(2);
  });

  test('bookings are listed for the family (their seniors only) and for the centre by day', async () => {
    const mother = await seniorNamed(h(), '张桂英');
    const mine = await h().http.get('/api/v1/bookings').set('authorization', daughter);
    expect(mine.status).toBe(200);
    // Hers from the tests above, newest service day first: 3 December's two portions, and the lunch she cancelled.
    expect(mine.body.total).toBe(2);
    expect(mine.body.items.map((b: { serviceDate: string; status: string }) => [b.serviceDate, b.status])).toEqual([
      ['2026-12-03', 'pending_payment'],
      [TOMORROW, 'cancelled'],
    ]);
    expect(new Set(mine.body.items.map((b: { senior: { id: number } }) => b.senior.id))).toEqual(new Set([mother.id]));

    const centreDay = await h()
      .http.get(`/api/v1/bookings?centreId=${(await slotOf(h(), JIAXIN, 'lunch', TOMORROW)).centreId}&date=${TOMORROW}`)
      .set('authorization', jiaxinStaff);
    expect(centreDay.status).toBe(200);
    // Tomorrow at 嘉新: the lunch staff booked for 王秀英 (served a day early in the test's clock) and the cancelled one.
    expect(centreDay.body.items.map((b: { senior: { name: string }; status: string }) => [b.senior.name, b.status])).toEqual([
      ['王秀英', 'served'],
      ['张桂英', 'cancelled'],
    ]);
    for (const b of centreDay.body.items) expect(b).toMatchObject({ serviceDate: TOMORROW, centre: { name: JIAXIN } });

    const staffDefault = await h().http.get('/api/v1/bookings?status=cancelled,rejected').set('authorization', jiaxinStaff);
    for (const b of staffDefault.body.items) {
      expect(b.centre.name).toBe(JIAXIN);
      expect(['cancelled', 'rejected']).toContain(b.status);
    }
  });
});
