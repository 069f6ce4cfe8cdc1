import { ServiceItem, ServicePrice } from '../../entities';
import { addDays } from '../../server/lib/time';
import { centreNamed, JIAXIN, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0, TODAY } from '../helpers/harness';

// Service items and their dated prices (/api/v1/centres/:id/service-items, /service-items/:id, …/prices), on SQLite
// and MariaDB. Jiaxin's lunch costs 15 元 in the demo; 张桂英 (86) gets 3 元 off each meal.

const TOMORROW = addDays(TODAY, 1);

describeEachDb('service items and prices', (h) => {
  let district: string;
  let mishixiang: string;
  let hushu: string;
  let jiaxinStaff: string;
  let daughter: string;
  beforeAll(async () => {
    district = await loginConsole(h(), 'admin');
    mishixiang = await loginConsole(h(), 'admin-mishixiang');
    hushu = await loginConsole(h(), 'admin-hushu');
    jiaxinStaff = await loginConsole(h(), 'staff-jiaxin');
    daughter = await loginWechat(h(), 'o_family_01');
  });
  beforeEach(() => h().clock.set(T0));

  const audit = (id: number) => h().services.repos.audit.forEntity('service_item', id);
  const items = async (centreId: number, auth = mishixiang) =>
    (await h().http.get(`/api/v1/centres/${centreId}/service-items`).set('authorization', auth).expect(200)).body.items as Array<Record<string, unknown>>;
  const lunchOf = async () => {
    const jiaxin = await centreNamed(h(), JIAXIN);
    return h().db.manager.findOneByOrFail(ServiceItem, { centreId: jiaxin.id, kind: 'lunch' });
  };

  test('an administrator adds a service; wrong or out-of-scope requests are refused and write nothing', async () => {
    const jiaxin = await centreNamed(h(), JIAXIN);
    const body = { category: 'bath', kind: 'bath', name: '助浴（站点浴室）', priceFen: 3000, deliveryModes: ['at_centre'] };
    const created = await h().http.post(`/api/v1/centres/${jiaxin.id}/service-items`).set('authorization', mishixiang).send(body).expect(201);
    expect(created.body).toMatchObject({
      centreId: jiaxin.id,
      category: 'bath',
      kind: 'bath',
      kindLabel: '助浴',
      name: '助浴（站点浴室）',
      description: '',
      price: { priceFen: 3000, validFrom: null },
      nextPrice: null,
      deliveryModes: ['at_centre'],
      maxQuantity: 1,
      active: true,
      version: 1,
    });
    expect(await audit(created.body.id)).toEqual([
      expect.objectContaining({ action: 'service_item.create', detail: { centreId: jiaxin.id, kind: 'bath', name: '助浴（站点浴室）', priceFen: 3000 } }),
    ]);
    expect((await items(jiaxin.id, jiaxinStaff)).map((i) => i.name)).toContain('助浴（站点浴室）');
    const seen = await h().http.get(`/api/v1/centres/${jiaxin.id}`).set('authorization', daughter).expect(200);
    expect(seen.body.serviceItems.map((i: { name: string }) => i.name)).toContain('助浴（站点浴室）');

    const before = await h().db.manager.count(ServiceItem);
    const post = (auth: string, b: Record<string, unknown>, centreId = jiaxin.id) =>
      h().http.post(`/api/v1/centres/${centreId}/service-items`).set('authorization', auth).send(b);
    const cases: Array<[Record<string, unknown>, number, string, string, string?]> = [
      [{ ...body, kind: 'lunch' }, 422, 'SERVICE_KIND_MISMATCH', 'kind'],
      [{ ...body, deliveryModes: ['delivery'] }, 422, 'DELIVERY_MODES_INVALID', 'deliveryModes'],
      [{ ...body, priceFen: undefined }, 400, 'VALIDATION_FAILED', 'priceFen', '请填写价格'],
      [{ ...body, priceFen: 12.5 }, 400, 'VALIDATION_FAILED', 'priceFen', '价格要填整数'],
      [{ ...body, deliveryModes: [] }, 400, 'VALIDATION_FAILED', 'deliveryModes', '取餐方式要选 1 到 5 项'],
      [{ ...body, category: 'spa' }, 400, 'VALIDATION_FAILED', 'category', '服务类别不在可选的范围内'],
      [{ ...body, maxQuantity: 0 }, 400, 'VALIDATION_FAILED', 'maxQuantity', '每次最多份数要在 1 到 20 之间'],
    ];
    for (const [b, status, code, field, message] of cases) {
      const r = await post(mishixiang, b);
      expect([r.status, r.body.error.code]).toEqual([status, code]);
      expect(r.body.error.details.fields).toHaveProperty([field]);
      if (message) expect(r.body.error.details.fields[field]).toBe(message);
    }
    const byStaff = await post(jiaxinStaff, body);
    expect([byStaff.status, byStaff.body.error.code, byStaff.body.error.message]).toEqual([403, 'SERVICE_ITEM_ADMIN_ONLY', '只有管理员可以设置服务项目和价格']);
    const otherStreet = await post(hushu, body);
    expect([otherStreet.status, otherStreet.body.error.code]).toEqual([403, 'CENTRE_OUT_OF_SCOPE']);
    expect((await post(mishixiang, body, 999999)).status).toBe(404);
    expect(await h().db.manager.count(ServiceItem)).toBe(before);
    const otherStaff = await h()
      .http.get(`/api/v1/centres/${jiaxin.id}/service-items`)
      .set('authorization', await loginConsole(h(), 'staff-dongyuan'));
    expect([otherStaff.status, otherStaff.body.error.code]).toEqual([403, 'CENTRE_OUT_OF_SCOPE']);
  });

  test('edits on the version read; the price is not edited in place', async () => {
    const lunch = await lunchOf();
    const patch = (auth: string, b: Record<string, unknown>, id = lunch.id) => h().http.patch(`/api/v1/service-items/${id}`).set('authorization', auth).send(b);
    const r = await patch(district, { name: '爱心午餐（两荤两素）', maxQuantity: 2, version: lunch.version }).expect(200);
    expect(r.body).toMatchObject({ name: '爱心午餐（两荤两素）', maxQuantity: 2, version: lunch.version + 1, price: { priceFen: 1500, validFrom: null } });
    expect((await audit(lunch.id)).map((a) => a.detail)).toEqual([{ changed: { name: ['爱心午餐', '爱心午餐（两荤两素）'], maxQuantity: [3, 2] } }]);
    const stale = await patch(mishixiang, { name: '午餐', version: lunch.version });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'VERSION_CONFLICT']);
    const staff = await patch(jiaxinStaff, { name: '午餐', version: lunch.version + 1 });
    expect([staff.status, staff.body.error.code]).toEqual([403, 'SERVICE_ITEM_ADMIN_ONLY']);
    expect((await patch(hushu, { name: '午餐', version: lunch.version + 1 })).status).toBe(403);
    const price = await patch(district, { priceFen: 1, version: lunch.version + 1 });
    expect([price.status, price.body.error.details.fields['(body)']]).toEqual([400, '没有要修改的内容']); // a price changes by date only
    const modes = await patch(district, { deliveryModes: ['at_home'], version: lunch.version + 1 });
    expect([modes.status, modes.body.error.code]).toEqual([422, 'DELIVERY_MODES_INVALID']);
    expect((await patch(district, { name: '午餐', version: 1 }, 999999)).status).toBe(404);
    expect(await h().db.manager.findOneByOrFail(ServiceItem, { id: lunch.id })).toMatchObject({
      name: '爱心午餐（两荤两素）',
      version: lunch.version + 1,
      priceFen: 1500,
    });
  });

  test('a new price from tomorrow: bookings already made keep theirs, new bookings for that day pay it, today stays', async () => {
    const lunch = await lunchOf();
    const mother = await seniorNamed(h(), '张桂英');
    const li = await seniorNamed(h(), '李建国');
    const tomorrowSlot = await slotOf(h(), JIAXIN, 'lunch', TOMORROW);
    const todaySlot = await slotOf(h(), JIAXIN, 'lunch', TODAY);
    const made = await h().http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: mother.id, slotId: tomorrowSlot.id }).expect(201);
    expect(made.body).toMatchObject({ unitPriceFen: 1500, priceFen: 1500, subsidyFen: 300, copayFen: 1200 });

    const set = await h()
      .http.post(`/api/v1/service-items/${lunch.id}/prices`)
      .set('authorization', mishixiang)
      .send({ priceFen: 1800, validFrom: TOMORROW, version: lunch.version });
    expect(set.status).toBe(201);
    expect(set.body).toMatchObject({
      serviceItemId: lunch.id,
      version: lunch.version + 1,
      today: { priceFen: 1500, validFrom: null },
      items: [
        { id: null, priceFen: 1500, validFrom: null },
        { id: expect.any(Number), priceFen: 1800, validFrom: TOMORROW },
      ],
    });
    expect((await audit(lunch.id)).filter((a) => a.action === 'service_item.price').map((a) => [a.action, a.detail])).toEqual([
      ['service_item.price', { priceId: set.body.items[1].id, validFrom: TOMORROW, priceFen: [1500, 1800] }],
    ]);

    // The booking made before keeps its price, to the fen.
    const kept = await h().http.get(`/api/v1/bookings/${made.body.id}`).set('authorization', daughter).expect(200);
    expect(kept.body).toMatchObject({ unitPriceFen: 1500, priceFen: 1500, subsidyFen: 300, copayFen: 1200 });
    // A booking made now for tomorrow pays tomorrow's price; a quote for today still says today's.
    const after = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', jiaxinStaff)
      .send({ seniorId: li.id, slotId: tomorrowSlot.id, channel: 'console' })
      .expect(201);
    expect(after.body).toMatchObject({ unitPriceFen: 1800, priceFen: after.body.subsidyFen + after.body.copayFen });
    expect(after.body.priceFen).toBe(1800);
    const quoteToday = await h().http.post('/api/v1/quotes').set('authorization', daughter).send({ seniorId: mother.id, slotId: todaySlot.id }).expect(200);
    expect(quoteToday.body).toMatchObject({ unitPriceFen: 1500, priceFen: 1500 });
    const dayAfter = await slotOf(h(), JIAXIN, 'lunch', addDays(TODAY, 2));
    const quoteLater = await h().http.post('/api/v1/quotes').set('authorization', daughter).send({ seniorId: mother.id, slotId: dayAfter.id }).expect(200);
    expect(quoteLater.body).toMatchObject({ unitPriceFen: 1800, priceFen: 1800, subsidyFen: 300, copayFen: 1500 });

    // What families see: each day's slot at that day's price; the centre's list at today's.
    const listed = await h().http.get('/api/v1/slots').query({ serviceItemId: lunch.id, from: TODAY, to: TOMORROW }).set('authorization', daughter).expect(200);
    const priceOn = (date: string) => listed.body.items.find((s: { date: string }) => s.date === date).serviceItem.priceFen;
    expect([priceOn(TODAY), priceOn(TOMORROW)]).toEqual([1500, 1800]);
    expect((await h().http.get(`/api/v1/slots/${tomorrowSlot.id}`).set('authorization', daughter).expect(200)).body.serviceItem.priceFen).toBe(1800);
    const centre = async () =>
      (await h().http.get(`/api/v1/centres/${lunch.centreId}`).set('authorization', daughter).expect(200)).body.serviceItems.find(
        (i: { id: number }) => i.id === lunch.id,
      ).priceFen;
    expect(await centre()).toBe(1500);
    expect((await items(lunch.centreId)).find((i) => i.id === lunch.id)).toMatchObject({
      price: { priceFen: 1500, validFrom: null },
      nextPrice: { priceFen: 1800, validFrom: TOMORROW },
    });

    // Set again for the same day: replaced, not doubled. A past day, a stale version, staff: refused.
    const again = await h()
      .http.post(`/api/v1/service-items/${lunch.id}/prices`)
      .set('authorization', district)
      .send({ priceFen: 1700, validFrom: TOMORROW, version: lunch.version + 1 })
      .expect(201);
    expect(again.body.items.map((p: { priceFen: number }) => p.priceFen)).toEqual([1500, 1700]);
    const refusals: Array<[string, Record<string, unknown>, number, string]> = [
      [district, { priceFen: 1600, validFrom: addDays(TODAY, -1), version: lunch.version + 2 }, 422, 'PRICE_DATE_PASSED'],
      [district, { priceFen: 1600, validFrom: TOMORROW, version: lunch.version + 1 }, 409, 'VERSION_CONFLICT'],
      [jiaxinStaff, { priceFen: 1600, validFrom: TOMORROW, version: lunch.version + 2 }, 403, 'SERVICE_ITEM_ADMIN_ONLY'],
      [hushu, { priceFen: 1600, validFrom: TOMORROW, version: lunch.version + 2 }, 403, 'CENTRE_OUT_OF_SCOPE'],
      [district, { priceFen: -1, validFrom: TOMORROW, version: lunch.version + 2 }, 400, 'VALIDATION_FAILED'],
      [district, { priceFen: 1600, validFrom: '2026-13-01', version: lunch.version + 2 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [auth, b, status, code] of refusals) {
      const r = await h().http.post(`/api/v1/service-items/${lunch.id}/prices`).set('authorization', auth).send(b);
      expect([r.status, r.body.error.code]).toEqual([status, code]);
    }
    const badDay = await h()
      .http.post(`/api/v1/service-items/${lunch.id}/prices`)
      .set('authorization', district)
      .send({ priceFen: 1600, validFrom: '2026-13-01', version: lunch.version + 2 });
    expect(badDay.body.error.details.fields.validFrom).toBe('生效日期要写成 年-月-日，如 2026-12-01');
    expect(await h().db.manager.findBy(ServicePrice, { serviceItemId: lunch.id })).toEqual([expect.objectContaining({ priceFen: 1700, validFrom: TOMORROW })]);
    expect((await h().http.get('/api/v1/service-items/999999/prices').set('authorization', district)).status).toBe(404);
    expect((await h().http.get(`/api/v1/service-items/${lunch.id}/prices`).set('authorization', jiaxinStaff).expect(200)).body.today.priceFen).toBe(1500);

    // The next day, the new price is today's.
    h().clock.set(new Date(Date.parse(T0) + 86_400_000));
    expect(await centre()).toBe(1700);
    expect((await h().http.get(`/api/v1/bookings/${made.body.id}`).set('authorization', daughter).expect(200)).body.priceFen).toBe(1500);
  });

  test('retiring an item: refused while bookings remain; then families no longer see it or its slots', async () => {
    const jiaxin = await centreNamed(h(), JIAXIN);
    const dinner = await h().db.manager.findOneByOrFail(ServiceItem, { centreId: jiaxin.id, kind: 'dinner' });
    const mother = await seniorNamed(h(), '张桂英');
    const slot = await slotOf(h(), JIAXIN, 'dinner', addDays(TODAY, 3));
    const b = await h().http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: mother.id, slotId: slot.id }).expect(201);
    const busy = await h().http.post(`/api/v1/service-items/${dinner.id}/deactivate`).set('authorization', mishixiang).send({ version: dinner.version });
    expect([busy.status, busy.body.error.code, busy.body.error.message]).toEqual([
      409,
      'SERVICE_ITEM_HAS_BOOKINGS',
      '这个服务项目还有 1 个未完成的预约，请先关闭那些时段',
    ]);
    await h().http.post(`/api/v1/bookings/${b.body.id}/cancel`).set('authorization', daughter).send({}).expect(200);
    expect(
      (await h().http.post(`/api/v1/service-items/${dinner.id}/deactivate`).set('authorization', jiaxinStaff).send({ version: dinner.version })).status,
    ).toBe(403);

    const off = await h()
      .http.post(`/api/v1/service-items/${dinner.id}/deactivate`)
      .set('authorization', mishixiang)
      .send({ version: dinner.version })
      .expect(200);
    expect(off.body).toMatchObject({ active: false, version: dinner.version + 1 });
    const seen = await h().http.get(`/api/v1/centres/${jiaxin.id}`).set('authorization', daughter).expect(200);
    expect(seen.body.serviceItems.map((i: { id: number }) => i.id)).not.toContain(dinner.id);
    expect((await h().http.get('/api/v1/slots').query({ serviceItemId: dinner.id }).set('authorization', daughter).expect(200)).body.items).toEqual([]);
    expect((await items(jiaxin.id)).find((i) => i.id === dinner.id)).toMatchObject({ active: false });
    expect((await audit(dinner.id)).map((a) => a.action)).toEqual(['service_item.deactivate']);

    await h()
      .http.post(`/api/v1/service-items/${dinner.id}/activate`)
      .set('authorization', mishixiang)
      .send({ version: dinner.version + 1 })
      .expect(200);
    expect(
      (await h().http.get('/api/v1/slots').query({ serviceItemId: dinner.id }).set('authorization', daughter).expect(200)).body.items.length,
    ).toBeGreaterThan(0);
  });
});
