import { JIAXIN, MAIYUQIAO, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

/** Every role boundary: family only for linked seniors, staff only at their centre, admins only in their region. */
describeEachDb('role boundaries', (h) => {
  const t = {} as Record<string, string>;
  let jiaxinBooking: { id: number; code: string };

  beforeAll(async () => {
    h().clock.set(T0);
    t.daughter = await loginWechat(h(), 'o_family_01'); // 刘敏 → 张桂英
    t.stranger = await loginWechat(h(), 'o_family_06'); // 陈小燕, linked to nobody
    t.zhang = await loginWechat(h(), 'o_mini_senior_01'); // 张桂英 herself
    t.jiaxinStaff = await loginConsole(h(), 'staff-jiaxin');
    t.maiyuqiaoStaff = await loginConsole(h(), 'staff-maiyuqiao');
    t.district = await loginConsole(h(), 'admin');
    t.mishixiang = await loginConsole(h(), 'admin-mishixiang');
    t.hushu = await loginConsole(h(), 'admin-hushu');
    const zhang = await seniorNamed(h(), '张桂英');
    const res = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', t.daughter)
      .send({ seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'dinner', '2026-12-03')).id });
    expect(res.status).toBe(201);
    jiaxinBooking = res.body;
  });

  test('without a session every API answers 401 UNAUTHENTICATED', async () => {
    for (const [method, path] of [
      ['get', '/api/v1/bookings'],
      ['post', '/api/v1/bookings'],
      ['get', '/api/v1/centres'],
      ['get', '/api/v1/me'],
    ] as const) {
      const res = await h().http[method](path).set('authorization', 'Bearer not-a-real-token-at-all-xxxx');
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual({ code: 'UNAUTHENTICATED', message: '请先登录' });
    }
  });

  test('a family member cannot book, quote, see or list for a senior they are not linked to', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const slot = await slotOf(h(), JIAXIN, 'lunch', '2026-12-03');
    for (const res of [
      await h().http.post('/api/v1/bookings').set('authorization', t.stranger).send({ seniorId: zhang.id, slotId: slot.id }),
      await h().http.post('/api/v1/quotes').set('authorization', t.stranger).send({ seniorId: zhang.id, slotId: slot.id }),
      await h().http.get(`/api/v1/seniors/${zhang.id}`).set('authorization', t.stranger),
      await h().http.get(`/api/v1/bookings?seniorId=${zhang.id}`).set('authorization', t.stranger),
      await h().http.get(`/api/v1/bookings/${jiaxinBooking.id}`).set('authorization', t.stranger),
      await h().http.post(`/api/v1/bookings/${jiaxinBooking.id}/cancel`).set('authorization', t.stranger).send({}),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('NOT_LINKED');
    }
    expect((await h().http.get('/api/v1/bookings').set('authorization', t.stranger)).body).toEqual({ items: [], total: 0 });
  });

  test('a linked daughter sees her mother, phone whole, ID digits hidden; a senior cannot book for someone else', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const seen = await h().http.get(`/api/v1/seniors/${zhang.id}`).set('authorization', t.daughter);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ name: '张桂英', phone: zhang.phone, idCardLast4: null, isVeryOld: true });
    const li = await seniorNamed(h(), '李建国');
    const res = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', t.zhang)
      .send({ seniorId: li.id, slotId: (await slotOf(h(), JIAXIN, 'lunch', '2026-12-03')).id });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  test('staff of one centre cannot confirm, reject, check in or book at another', async () => {
    const confirm = await h().http.post(`/api/v1/bookings/${jiaxinBooking.id}/confirm`).set('authorization', t.maiyuqiaoStaff).send();
    expect(confirm.status).toBe(403);
    expect(confirm.body.error).toEqual({ code: 'NOT_CENTRE_STAFF', message: '只有本站点的工作人员可以处理这个预约' });
    expect((await h().http.post(`/api/v1/bookings/${jiaxinBooking.id}/reject`).set('authorization', t.maiyuqiaoStaff).send({ reason: 'x' })).status).toBe(403);
    const scan = await h().http.post('/api/v1/bookings/check-in').set('authorization', t.maiyuqiaoStaff).send({ code: jiaxinBooking.code });
    expect(scan.status).toBe(409);
    expect(scan.body.error).toEqual({ code: 'WRONG_CENTRE', message: '这个核销码不是本站点的预约' });
    const chen = await seniorNamed(h(), '陈阿毛');
    const book = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', t.maiyuqiaoStaff)
      .send({ seniorId: chen.id, slotId: (await slotOf(h(), JIAXIN, 'lunch', '2026-12-03')).id });
    expect(book.status).toBe(403);
    const list = await h()
      .http.get(`/api/v1/bookings?centreId=${jiaxinBooking && (await slotOf(h(), JIAXIN, 'lunch', '2026-12-03')).centreId}`)
      .set('authorization', t.maiyuqiaoStaff);
    expect(list.status).toBe(403);
    const ownList = await h()
      .http.get(`/api/v1/bookings?centreId=${(await slotOf(h(), MAIYUQIAO, 'lunch', '2026-12-03')).centreId}`)
      .set('authorization', t.maiyuqiaoStaff);
    expect(ownList.status).toBe(200);
  });

  test('a family member cannot confirm or check in their own booking', async () => {
    expect((await h().http.post(`/api/v1/bookings/${jiaxinBooking.id}/confirm`).set('authorization', t.daughter).send()).status).toBe(403);
    expect((await h().http.post('/api/v1/bookings/check-in').set('authorization', t.daughter).send({ code: jiaxinBooking.code })).status).toBe(403);
  });

  test('administrators act only inside their region', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const outside = await h().http.get(`/api/v1/seniors/${zhang.id}`).set('authorization', t.hushu);
    expect(outside.status).toBe(403);
    expect((await h().http.post(`/api/v1/bookings/${jiaxinBooking.id}/cancel`).set('authorization', t.hushu).send({})).status).toBe(403);
    const inside = await h().http.get(`/api/v1/seniors/${zhang.id}`).set('authorization', t.mishixiang);
    expect(inside.status).toBe(200);
    expect(inside.body.idCardLast4).toBe(zhang.idCardLast4);
    const listed = await h().http.get('/api/v1/seniors?limit=200').set('authorization', t.hushu);
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(24); // 湖墅街道's half of the district's 48
    expect(listed.body.items.map((s: { name: string }) => s.name)).not.toContain('张桂英');
    const all = await h().http.get('/api/v1/seniors?limit=200').set('authorization', t.district);
    expect(all.body.total).toBe(48);
    const confirmed = await h().http.post(`/api/v1/bookings/${jiaxinBooking.id}/cancel`).set('authorization', t.district).send({ reason: '测试' });
    expect(confirmed.status).toBe(200);
  });

  test('staff list only the seniors who use their centre; families may not list seniors', async () => {
    const mine = await h().http.get('/api/v1/seniors?limit=200').set('authorization', t.jiaxinStaff);
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(12);
    const jiaxinCentre = (await slotOf(h(), JIAXIN, 'lunch', '2026-12-03')).centreId;
    for (const s of mine.body.items) expect(s.homeCentreId).toBe(jiaxinCentre);
    expect((await h().http.get('/api/v1/seniors').set('authorization', t.daughter)).status).toBe(403);
  });
});
