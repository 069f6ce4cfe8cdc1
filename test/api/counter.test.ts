import { Centre, Senior } from '../../entities';
import { centreNamed, DONGYUAN, JIAXIN, loginConsole, loginWechat, MAIYUQIAO, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0, TODAY } from '../helpers/harness';

const TOMORROW = '2026-12-02';
const AT = (shanghai: string) => `${TODAY}T${shanghai}:00+08:00`;

interface Found {
  booking: { id: number; code: string; status: string; serviceDate: string; centre: { id: number }; senior: { id: number; name: string } };
  senior: { id: number; name: string; phone: string | null; idCardLast4: string | null };
  canCheckIn: boolean;
}

/**
 * The counter without the booking code, on SQLite and MariaDB: staff find a senior among the day's bookings at
 * their centre by name or by the last four digits of the phone or the ID, check the found booking in (the same
 * check-in as by code), and book walk-ins on the spot.
 */
describeEachDb('counter check-in by name and walk-ins', (h) => {
  const t = {} as Record<string, string>;
  const b = {} as Record<'today' | 'tomorrow' | 'dongyuan' | 'unpaid', { id: number; code: string }>;
  let jiaxinId: number;
  const api = () => h().http;

  beforeAll(async () => {
    h().clock.set(T0); // 08:30, before the lunch cut-off (09:30)
    t.jiaxin = await loginConsole(h(), 'staff-jiaxin');
    t.dongyuan = await loginConsole(h(), 'staff-dongyuan');
    t.maiyuqiao = await loginConsole(h(), 'staff-maiyuqiao');
    t.mishixiang = await loginConsole(h(), 'admin-mishixiang');
    t.hushu = await loginConsole(h(), 'admin-hushu');
    t.daughter = await loginWechat(h(), 'o_family_01'); // 刘敏 → 张桂英
    jiaxinId = (await centreNamed(h(), JIAXIN)).id;
    const wang = await seniorNamed(h(), '王秀英'); // 特困: her meals are free
    const zhang = await seniorNamed(h(), '张桂英'); // pays 12 yuan of a lunch
    const book = async (auth: string, seniorId: number, slotId: number, status: string) => {
      const res = await api().post('/api/v1/bookings').set('authorization', auth).send({ seniorId, slotId, channel: 'console' }).expect(201);
      expect(res.body.status).toBe(status);
      return { id: res.body.id, code: res.body.code };
    };
    b.today = await book(t.jiaxin, wang.id, (await slotOf(h(), JIAXIN, 'lunch', TODAY)).id, 'pending_confirmation');
    b.tomorrow = await book(t.jiaxin, wang.id, (await slotOf(h(), JIAXIN, 'lunch', TOMORROW)).id, 'pending_confirmation');
    b.dongyuan = await book(t.dongyuan, wang.id, (await slotOf(h(), DONGYUAN, 'lunch', TODAY)).id, 'pending_payment'); // her free lunch of the day is taken
    b.unpaid = await book(t.daughter, zhang.id, (await slotOf(h(), JIAXIN, 'lunch', TODAY)).id, 'pending_payment');
  });

  const search = (auth: string, q: string, date = TODAY, centreId = jiaxinId) =>
    api().get(`/api/v1/centres/${centreId}/day/${date}/search`).query({ q }).set('authorization', auth);
  const ids = (items: Found[]) => items.map((i) => i.booking.id).sort((x, y) => x - y);

  test("by name, or the last four digits of the phone or the ID, only the day's bookings at this centre are found", async () => {
    const wang = await seniorNamed(h(), '王秀英');
    const byName = (await search(t.jiaxin, '王秀英').expect(200)).body;
    expect(byName.date).toBe(TODAY);
    expect(ids(byName.items)).toEqual([b.today.id]);
    expect(byName.items[0]).toMatchObject({
      booking: { id: b.today.id, status: 'pending_confirmation', serviceDate: TODAY, centre: { id: jiaxinId } },
      senior: { id: wang.id, name: '王秀英', idCardLast4: wang.idCardLast4, dietNotes: '糖尿病，低糖' },
      canCheckIn: true,
    });
    expect(byName.items[0].senior.phone).toBe(`${wang.phone!.slice(0, 3)}****${wang.phone!.slice(-4)}`); // masked
    expect(byName.seniors.map((s: { id: number }) => s.id)).not.toContain(wang.id);

    // The last four digits find her too, with anyone else of the day whose phone or ID ends so.
    const seniors = await h().db.manager.find(Senior);
    for (const last4 of [wang.phone!.slice(-4), wang.idCardLast4!]) {
      const found: Found[] = (await search(t.jiaxin, last4).expect(200)).body.items;
      expect(ids(found)).toContain(b.today.id);
      for (const f of found) {
        const s = seniors.find((x) => x.id === f.senior.id)!;
        expect(s.phone?.endsWith(last4) || s.idCardLast4 === last4).toBe(true);
        expect([f.booking.serviceDate, f.booking.centre.id]).toEqual([TODAY, jiaxinId]);
      }
    }

    // Another day, another centre: their own bookings only.
    const tomorrow = (await search(t.jiaxin, '王秀英', TOMORROW).expect(200)).body.items as Found[];
    expect(ids(tomorrow)).toEqual([b.tomorrow.id]);
    expect(tomorrow[0].canCheckIn).toBe(false);
    const dongyuan = await centreNamed(h(), DONGYUAN);
    expect(ids((await search(t.dongyuan, '王秀英', TODAY, dongyuan.id).expect(200)).body.items)).toEqual([b.dongyuan.id]);

    // Part of a name; a booking still to be paid is found but cannot be checked in yet.
    const zhang = (await search(t.jiaxin, '桂英').expect(200)).body.items as Found[];
    expect(zhang.map((f) => [f.booking.id, f.senior.name, f.canCheckIn])).toEqual([[b.unpaid.id, '张桂英', false]]);
    // Where the centre takes the co-payment at the counter (现场付), it can: staff collect it as they check her in.
    await h().db.manager.update(Centre, { id: jiaxinId }, { counterPayment: true });
    const atCounter = (await search(t.jiaxin, '桂英').expect(200)).body.items as Found[];
    expect(atCounter.map((f) => [f.booking.id, f.canCheckIn])).toEqual([[b.unpaid.id, true]]);
    await h().db.manager.update(Centre, { id: jiaxinId }, { counterPayment: false });

    // Someone without a booking that day is offered for a walk-in.
    const li = await seniorNamed(h(), '李建国');
    const walkIn = (await search(t.jiaxin, '李建国').expect(200)).body;
    expect(walkIn.items).toEqual([]);
    expect(walkIn.seniors).toEqual([{ id: li.id, name: '李建国', phone: expect.stringContaining('****'), idCardLast4: li.idCardLast4, dietNotes: '' }]);
    expect((await search(t.jiaxin, '吴德明').expect(200)).body.seniors.map((x: { name: string }) => x.name)).toEqual(['吴德明']); // the next community
    expect((await search(t.jiaxin, '陈阿毛').expect(200)).body.seniors).toEqual([]); // another street
    expect((await search(t.jiaxin, '没有这个人').expect(200)).body).toEqual({ date: TODAY, items: [], seniors: [] });
  });

  test("another centre's staff, another street's administrator and family are refused; bad input names the field", async () => {
    for (const [auth, code] of [
      [t.maiyuqiao, 'NOT_CENTRE_STAFF'],
      [t.hushu, 'NOT_CENTRE_STAFF'],
      [t.daughter, 'NOT_CENTRE_STAFF'],
    ]) {
      const r = await search(auth, '王秀英');
      expect([r.status, r.body.error.code]).toEqual([403, code]);
    }
    expect(ids((await search(t.mishixiang, '王秀英').expect(200)).body.items)).toEqual([b.today.id]);
    const empty = await search(t.jiaxin, ' ');
    expect([empty.status, empty.body.error.details.fields]).toEqual([400, { q: '请输入老人姓名，或手机号、身份证号的后四位（最多 20 个字）' }]);
    const badDay = await api().get(`/api/v1/centres/${jiaxinId}/day/2026-13-01/search`).query({ q: '王' }).set('authorization', t.jiaxin);
    expect([badDay.status, badDay.body.error.details.fields]).toEqual([400, { date: '日期（date）格式为 YYYY-MM-DD' }]);
    expect((await search(t.jiaxin, '王秀英', TODAY, 999999)).status).toBe(404);
  });

  test('the booking found is checked in by its id with the rules of check-in by code, and audit-logged', async () => {
    const checkIn = (auth: string, id: number) => api().post(`/api/v1/bookings/${id}/check-in`).set('authorization', auth).send({});
    const refused = async (auth: string, id: number, status: number, code: string) => {
      const r = await checkIn(auth, id);
      expect([r.status, r.body.error.code]).toEqual([status, code]);
    };
    h().clock.set(AT('11:10'));
    await refused(t.maiyuqiao, b.today.id, 403, 'NOT_CENTRE_STAFF');
    await refused(t.daughter, b.today.id, 403, 'NOT_CENTRE_STAFF');
    await refused(t.jiaxin, b.tomorrow.id, 409, 'WRONG_DAY');
    await refused(t.jiaxin, b.unpaid.id, 409, 'INVALID_STATE');
    await refused(t.jiaxin, 999999, 404, 'BOOKING_NOT_FOUND');

    const served = await checkIn(t.jiaxin, b.today.id).expect(200);
    expect(served.body).toMatchObject({ id: b.today.id, status: 'served', servedAt: new Date(AT('11:10')).toISOString() });
    await refused(t.jiaxin, b.today.id, 409, 'INVALID_STATE');
    const again = (await search(t.jiaxin, '王秀英').expect(200)).body.items as Found[];
    expect(again.map((f) => [f.booking.status, f.canCheckIn])).toEqual([['served', false]]);

    const log = await api().get('/api/v1/audit-log').query({ entityType: 'booking', entityId: b.today.id }).set('authorization', t.jiaxin).expect(200);
    expect(log.body.items.map((e: { action: string; actor: { username: string } }) => [e.action, e.actor.username])).toEqual([
      ['booking.check_in', 'staff-jiaxin'],
      ['booking.create', 'staff-jiaxin'],
    ]);
  });

  test('a walk-in is booked at the counter after the cut-off while the service lasts, and checked in at once when nothing is due', async () => {
    await h().db.manager.update(Senior, { name: '吴德明' }, { categories: ['hardship'] }); // a free lunch, for this test
    const [wu, li, zhang] = await Promise.all([seniorNamed(h(), '吴德明'), seniorNamed(h(), '李建国'), seniorNamed(h(), '张桂英')]);
    const lunch = await slotOf(h(), JIAXIN, 'lunch', TODAY);
    const walkIn = (auth: string, body: object, key?: string) => {
      const req = api().post(`/api/v1/centres/${jiaxinId}/walk-ins`).set('authorization', auth);
      return (key ? req.set('Idempotency-Key', key) : req).send(body);
    };
    h().clock.set(AT('11:20')); // the booking cut-off (09:30) has passed

    // The ordinary booking path keeps its cut-off, and only staff book through the counter.
    const late = await api().post('/api/v1/bookings').set('authorization', t.jiaxin).send({ seniorId: wu.id, slotId: lunch.id, channel: 'console' });
    expect([late.status, late.body.error.code]).toEqual([409, 'BOOKING_CUTOFF_PASSED']);
    const sneaky = await api().post('/api/v1/bookings').set('authorization', t.daughter).send({ seniorId: zhang.id, slotId: lunch.id, channel: 'counter' });
    expect([sneaky.status, sneaky.body.error.code]).toEqual([403, 'COUNTER_BOOKING_STAFF_ONLY']);

    const seated = await walkIn(t.jiaxin, { seniorId: wu.id, slotId: lunch.id, deliveryMode: 'dine_in', checkIn: true }, 'walk-in-wu-0001').expect(201);
    expect(seated.body).toMatchObject({ status: 'served', channel: 'counter', bookedBy: 'staff', copayFen: 0, deliveryMode: 'dine_in', senior: { id: wu.id } });
    const replay = await walkIn(t.jiaxin, { seniorId: wu.id, slotId: lunch.id, deliveryMode: 'dine_in', checkIn: true }, 'walk-in-wu-0001').expect(201);
    expect([replay.headers['idempotent-replayed'], replay.body.id, replay.body.status]).toEqual(['true', seated.body.id, 'served']);
    const twice = await walkIn(t.jiaxin, { seniorId: wu.id, slotId: lunch.id });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'ALREADY_BOOKED']);

    // 低保: half of it to pay. The booking waits for the payment; it is not checked in behind it.
    const due = await walkIn(t.jiaxin, { seniorId: li.id, slotId: lunch.id, checkIn: true }).expect(201);
    expect(due.body).toMatchObject({ status: 'pending_payment', channel: 'counter', copayFen: 750 });

    const log = await api().get('/api/v1/audit-log').query({ entityType: 'booking', entityId: seated.body.id }).set('authorization', t.jiaxin).expect(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['booking.check_in', 'booking.create']);

    // Only this centre's slots, only its staff (and administrators over it), only until the service ends.
    const maiyuqiaoLunch = await slotOf(h(), MAIYUQIAO, 'lunch', TODAY);
    const foreign = await walkIn(t.jiaxin, { seniorId: zhang.id, slotId: maiyuqiaoLunch.id });
    expect([foreign.status, foreign.body.error.code]).toEqual([422, 'SLOT_NOT_IN_CENTRE']);
    const stranger = await walkIn(t.maiyuqiao, { seniorId: zhang.id, slotId: lunch.id });
    expect([stranger.status, stranger.body.error.code]).toEqual([403, 'NOT_CENTRE_STAFF']);
    const invalid = await walkIn(t.jiaxin, { seniorId: zhang.id, slotId: lunch.id, quantity: 0 });
    expect([invalid.status, invalid.body.error.details.fields]).toEqual([400, { quantity: '份数（quantity）为 1–20 的整数' }]);
    h().clock.set(AT('12:31')); // lunch ended at 12:30
    const over = await walkIn(t.jiaxin, { seniorId: zhang.id, slotId: lunch.id });
    expect([over.status, over.body.error.code]).toEqual([409, 'BOOKING_CUTOFF_PASSED']);
  });
  test('现场付 on a booking found by search: checked in by its id with what was collected and how; a short amount is recorded as it is', async () => {
    await h().db.manager.update(Centre, { id: jiaxinId }, { counterPayment: true });
    try {
      h().clock.set(AT('12:00'));
      const li = await seniorNamed(h(), '李建国');
      const [due] = (await api().get('/api/v1/bookings').query({ centreId: jiaxinId, seniorId: li.id, date: TODAY }).set('authorization', t.jiaxin).expect(200))
        .body.items as Array<{ id: number; status: string; copayFen: number }>;
      expect(due).toMatchObject({ status: 'pending_payment', copayFen: 750 });
      const found = (await search(t.jiaxin, '李建国').expect(200)).body.items as Found[];
      expect(found.find((f) => f.booking.id === due.id)?.canCheckIn).toBe(true);

      const checkIn = (body: object) => api().post(`/api/v1/bookings/${due.id}/check-in`).set('authorization', t.jiaxin).send(body);
      const missing = await checkIn({});
      expect([missing.status, missing.body.error.code, missing.body.error.details]).toEqual([422, 'COUNTER_PAYMENT_REQUIRED', { copayFen: 750 }]);
      const badMethod = await checkIn({ counter: { amountFen: 750, method: 'alipay' } });
      expect([badMethod.status, badMethod.body.error.details.fields]).toEqual([
        400,
        { 'counter.method': '收款方式（counter.method）只能是现金、老人卡或扫码' },
      ]);
      const tooMuch = await checkIn({ counter: { amountFen: 800, method: 'cash' } });
      expect([tooMuch.status, tooMuch.body.error.code]).toEqual([422, 'COUNTER_AMOUNT_TOO_HIGH']);

      const served = await checkIn({ counter: { amountFen: 700, method: 'scanned_code' } }).expect(200);
      expect(served.body).toMatchObject({ id: due.id, status: 'served', payAtCounter: true });
      const ledger = (await api().get(`/api/v1/bookings/${due.id}/payments`).set('authorization', t.jiaxin).expect(200)).body;
      expect(ledger).toMatchObject({ counterFen: 700, counter: { amountFen: 700, method: 'scanned_code', methodLabel: '扫码' } });
    } finally {
      await h().db.manager.update(Centre, { id: jiaxinId }, { counterPayment: false });
    }
  });
});
