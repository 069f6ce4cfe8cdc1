import { Region, Senior } from '../../entities';
import { centreNamed, JIAXIN, loginConsole, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0, TODAY } from '../helpers/harness';

const AT = (shanghai: string) => `${TODAY}T${shanghai}:00+08:00`;

/**
 * docs/setup-district.md (steps 9–10), step by step through the API on SQLite and MariaDB: a district administrator makes
 * a street administrator and a staff member, the staff member signs in with the one-time password and changes it,
 * then books and checks in the centre's first walk-in, checks in a booking made ahead found by the last four digits,
 * and prints the day's lists. (The demo district stands in for sections 0–5 of setup-district.md; if the document
 * changes, so must this.)
 */
describeEachDb('setting up a district: staff accounts and the first booking at the counter', (h) => {
  test('from the district administrator to the first check-in at the counter', async () => {
    h().clock.set(T0);
    const api = () => h().http;
    const H = await loginConsole(h(), 'admin');
    const street = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    const centre = await centreNamed(h(), JIAXIN);

    // 6. Staff and administrator accounts
    const streetAdmin = await api()
      .post('/api/v1/accounts')
      .set('authorization', H)
      .send({ role: 'admin', username: 'mishixiang-admin', displayName: '米市巷街道 民政', regionId: street.id })
      .expect(201);
    expect(streetAdmin.body.account).toMatchObject({ role: 'admin', region: { id: street.id }, mustChangePassword: true, version: 1 });
    const staff = await api()
      .post('/api/v1/accounts')
      .set('authorization', H)
      .send({ role: 'staff', username: 'jiaxin-zhao', displayName: '赵敏', phone: '13905710002', centreId: centre.id })
      .expect(201);
    const otp = staff.body.oneTimePassword;
    const signIn = await api().post('/api/v1/auth/password-login').send({ username: 'jiaxin-zhao', password: otp }).expect(200);
    expect(signIn.body.mustChangePassword).toBe(true);
    const SH = `Bearer ${signIn.body.token}`;
    expect((await api().get(`/api/v1/centres/${centre.id}/day/${TODAY}/search`).query({ q: '张' }).set('authorization', SH)).body.error.code).toBe(
      'PASSWORD_CHANGE_REQUIRED',
    );
    await api().post('/api/v1/me/password').set('authorization', SH).send({ oldPassword: otp, newPassword: 'Jiaxin-lunch-2026' }).expect(204);
    const listed = await api().get('/api/v1/accounts').query({ centreId: centre.id }).set('authorization', H).expect(200);
    expect(listed.body.items.find((a: { username: string }) => a.username === 'jiaxin-zhao')).toMatchObject({ mustChangePassword: false, version: 2 });

    // 7. The first booking at the counter: a senior who has not booked walks up after the cut-off.
    const wang = await seniorNamed(h(), '王秀英'); // 特困: her lunch is free
    const lunch = await slotOf(h(), JIAXIN, 'lunch', TODAY);
    h().clock.set(AT('11:05'));
    const found = await api().get(`/api/v1/centres/${centre.id}/day/${TODAY}/search`).query({ q: '王秀英' }).set('authorization', SH).expect(200);
    expect(found.body).toMatchObject({ items: [], seniors: [{ id: wang.id, name: '王秀英' }] });
    const walkIn = await api()
      .post(`/api/v1/centres/${centre.id}/walk-ins`)
      .set('authorization', SH)
      .set('Idempotency-Key', 'counter-2026-12-01-0001')
      .send({ seniorId: wang.id, slotId: lunch.id, deliveryMode: 'dine_in', checkIn: true })
      .expect(201);
    expect(walkIn.body).toMatchObject({ status: 'served', channel: 'counter', bookedBy: 'staff', priceFen: 1500, subsidyFen: 1500, copayFen: 0 });

    // A senior who booked ahead is found by the last four digits and checked in by the booking's id.
    h().clock.set(T0);
    await h().db.manager.update(Senior, { name: '李建国' }, { categories: ['hardship'] });
    const li = await seniorNamed(h(), '李建国');
    const ahead = await api()
      .post('/api/v1/bookings')
      .set('authorization', SH)
      .send({ seniorId: li.id, slotId: lunch.id, deliveryMode: 'delivery', channel: 'console' })
      .expect(201);
    h().clock.set(AT('11:10'));
    const byDigits = await api()
      .get(`/api/v1/centres/${centre.id}/day/${TODAY}/search`)
      .query({ q: li.phone!.slice(-4) })
      .set('authorization', SH)
      .expect(200);
    expect(byDigits.body.items.map((i: { booking: { id: number }; canCheckIn: boolean }) => [i.booking.id, i.canCheckIn])).toContainEqual([
      ahead.body.id,
      true,
    ]);
    const served = await api().post(`/api/v1/bookings/${ahead.body.id}/check-in`).set('authorization', SH).send().expect(200);
    expect(served.body.status).toBe('served');

    // The day's lists, and who did what.
    const kitchen = await api().get(`/api/v1/slots/${lunch.id}/kitchen-list`).set('authorization', SH).expect(200);
    expect(kitchen.body.lines.map((l: { bookingId: number }) => l.bookingId)).toEqual(expect.arrayContaining([walkIn.body.id, ahead.body.id]));
    await api().get(`/api/v1/slots/${lunch.id}/kitchen-list.xlsx`).set('authorization', SH).expect(200);
    const round = await api().get(`/api/v1/centres/${centre.id}/delivery-list`).query({ date: TODAY }).set('authorization', SH).expect(200);
    expect(round.body.communities.flatMap((c: { stops: Array<{ bookingId: number }> }) => c.stops.map((s) => s.bookingId))).toContain(ahead.body.id);
    await api().get(`/api/v1/centres/${centre.id}/delivery-list.xlsx`).query({ date: TODAY }).set('authorization', SH).expect(200);
    const log = await api().get('/api/v1/audit-log').query({ entityType: 'booking', entityId: walkIn.body.id }).set('authorization', H).expect(200);
    expect(log.body.items.map((e: { action: string; actor: { username: string } }) => [e.action, e.actor.username])).toEqual([
      ['booking.check_in', 'jiaxin-zhao'],
      ['booking.create', 'jiaxin-zhao'],
    ]);
  });
});
