import { Centre, Region } from '../../entities';
import { CANTEEN, centreNamed, JIAXIN, loginConsole, loginWechat, MAIYUQIAO, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// Centres in the registry (/api/v1/centres writes, /api/v1/registry/centres reads), on SQLite and MariaDB. The demo
// district 拱墅区: Jiaxin care centre (嘉新社区, 米市巷街道) with its neighbour points, Maiyuqiao (湖墅街道), ….

const TOMORROW = '2026-12-02';

describeEachDb('centres in the registry', (h) => {
  let district: string;
  let mishixiang: string;
  let hushu: string;
  let jiaxinStaff: string;
  beforeAll(async () => {
    district = await loginConsole(h(), 'admin');
    mishixiang = await loginConsole(h(), 'admin-mishixiang');
    hushu = await loginConsole(h(), 'admin-hushu');
    jiaxinStaff = await loginConsole(h(), 'staff-jiaxin');
  });
  beforeEach(() => h().clock.set(T0));

  const region = (name: string) => h().db.manager.findOneByOrFail(Region, { name });
  const audit = (id: number) => h().services.repos.audit.forEntity('centre', id);
  const record = async (id: number, auth = district) => (await h().http.get(`/api/v1/registry/centres/${id}`).set('authorization', auth).expect(200)).body;

  async function newCentre(extra: Record<string, unknown> = {}) {
    const zuojia = await region('左家新村社区');
    const body = {
      name: '左家新村照料中心',
      kind: 'care_centre',
      regionId: zuojia.id,
      address: '拱墅区左家新村 12 幢',
      latitude: 30.2951,
      longitude: 120.1702,
      opensAt: '07:30',
      closesAt: '18:00',
      phone: '0571-8800 1234',
      ...extra,
    };
    return h().http.post('/api/v1/centres').set('authorization', mishixiang).send(body);
  }

  test('a street administrator opens a care centre and a neighbour point under it; families find them at once', async () => {
    const zuojia = await region('左家新村社区');
    const jiaxinCommunity = await region('嘉新社区');
    const res = await newCentre({ counterPayment: true, deliveryArea: { communityIds: [zuojia.id, jiaxinCommunity.id], radiusMetres: 1500 } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: '左家新村照料中心',
      kind: 'care_centre',
      kindLabel: '居家养老服务照料中心',
      parentId: null,
      regionId: zuojia.id,
      regionPath: zuojia.path,
      opensAt: '07:30',
      closesAt: '18:00',
      phone: '0571-8800 1234',
      autoConfirm: false,
      counterPayment: true,
      deliveryArea: { communityIds: [jiaxinCommunity.id, zuojia.id].sort((a, b) => a - b), radiusMetres: 1500 },
      active: true,
      version: 1,
    });
    expect(await record(res.body.id)).toEqual(res.body);
    expect(await audit(res.body.id)).toEqual([
      expect.objectContaining({ action: 'centre.create', detail: { name: '左家新村照料中心', kind: 'care_centre', regionId: zuojia.id } }),
    ]);

    const point = await newCentre({ name: '左家新村 3 幢睦邻点', kind: 'neighbour_point', parentId: res.body.id, autoConfirm: true });
    expect(point.status).toBe(201);
    expect(point.body).toMatchObject({
      kind: 'neighbour_point',
      parentId: res.body.id,
      autoConfirm: true,
      counterPayment: false,
      deliveryArea: { communityIds: [], radiusMetres: null },
    });

    const family = await loginWechat(h(), 'o_family_01');
    const seen = await h().http.get(`/api/v1/centres/${point.body.id}`).set('authorization', family).expect(200);
    expect(seen.body).toMatchObject({ name: '左家新村 3 幢睦邻点', parentId: res.body.id, hours: '07:30–18:00', serviceItems: [] });
    const listed = (await h().http.get('/api/v1/centres').set('authorization', family).expect(200)).body.items.map((c: { id: number }) => c.id);
    expect(listed).toEqual(expect.arrayContaining([res.body.id, point.body.id]));
  });

  test('wrong input is refused naming the field, out-of-scope writes with 403, and nothing is written', async () => {
    const before = await h().db.manager.count(Centre);
    const street = await region('米市巷街道');
    const jiaxin = await centreNamed(h(), JIAXIN);
    const cases: Array<[Record<string, unknown>, number, string, string, string?]> = [
      [{ name: undefined }, 400, 'VALIDATION_FAILED', 'name', '请填写名称'],
      [{ opensAt: '7:30' }, 400, 'VALIDATION_FAILED', 'opensAt', '开门时间要写成 时:分，如 09:30'],
      [{ kind: 'hotel' }, 400, 'VALIDATION_FAILED', 'kind', '类型不在可选的范围内'],
      [{ latitude: 91 }, 400, 'VALIDATION_FAILED', 'latitude', '纬度要在 -90 到 90 之间'],
      [{ phone: '电话' }, 400, 'VALIDATION_FAILED', 'phone', '电话只能有数字、空格和 - + ( )'],
      [{ deliveryArea: { communityIds: [], radiusMetres: 10 } }, 400, 'VALIDATION_FAILED', 'deliveryArea.radiusMetres', '送餐半径要在 100 到 50000 之间'],
      [{ autoConfirm: 'yes' }, 400, 'VALIDATION_FAILED', 'autoConfirm', '自动确认预约要选“是”或“否”'],
      [{ closesAt: '07:00' }, 422, 'HOURS_REVERSED', 'closesAt'],
      [{ kind: 'neighbour_point' }, 422, 'CENTRE_PARENT_INVALID', 'parentId'],
      [{ kind: 'canteen', parentId: jiaxin.id }, 422, 'CENTRE_PARENT_INVALID', 'parentId'],
      [{ deliveryArea: { communityIds: [street.id], radiusMetres: null } }, 422, 'DELIVERY_AREA_INVALID', 'deliveryCommunityIds'],
      [{ regionId: 999999 }, 404, 'REGION_NOT_FOUND', 'regionId'],
    ];
    for (const [extra, status, code, field, message] of cases) {
      const r = await newCentre(extra);
      expect([r.status, r.body.error.code]).toEqual([status, code]);
      expect(r.body.error.details.fields).toHaveProperty([field]);
      if (message) expect(r.body.error.details.fields[field]).toBe(message);
    }
    const maiyuqiao = await region('卖鱼桥社区');
    const foreign = await newCentre({ regionId: maiyuqiao.id });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'REGION_OUT_OF_SCOPE']);
    const byStaff = await h()
      .http.post('/api/v1/centres')
      .set('authorization', jiaxinStaff)
      .send({ ...(await newCentreBody()) });
    expect(byStaff.status).toBe(403);
    expect(await h().db.manager.count(Centre)).toBe(before);

    async function newCentreBody() {
      return {
        name: 'x',
        kind: 'canteen',
        regionId: (await region('嘉新社区')).id,
        address: 'x',
        latitude: 30,
        longitude: 120,
        opensAt: '07:00',
        closesAt: '19:00',
        phone: '1',
      };
    }
  });

  test('edits: administrators any field, the centre staff hours and phone; stale edits are 409 and change nothing', async () => {
    const jiaxin = await centreNamed(h(), JIAXIN);
    const start = await record(jiaxin.id);
    const patch = (auth: string, body: Record<string, unknown>, id = jiaxin.id) =>
      h().http.patch(`/api/v1/centres/${id}`).set('authorization', auth).send(body);

    const edited = await patch(mishixiang, { phone: '0571-8888 0000', autoConfirm: true, counterPayment: true, version: start.version }).expect(200);
    expect(edited.body).toMatchObject({ phone: '0571-8888 0000', autoConfirm: true, counterPayment: true, version: start.version + 1 });
    const [entry] = (await audit(jiaxin.id)).filter((a) => a.action === 'centre.update');
    expect(entry.detail).toEqual({
      changed: { phone: [start.phone, '0571-8888 0000'], autoConfirm: [start.autoConfirm, true], counterPayment: [false, true] },
    });

    const stale = await patch(district, { phone: '110', version: start.version });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'VERSION_CONFLICT']);
    expect((await record(jiaxin.id)).phone).toBe('0571-8888 0000');

    const hours = await patch(jiaxinStaff, { opensAt: '07:00', closesAt: '19:30', version: start.version + 1 }).expect(200);
    expect(hours.body).toMatchObject({ opensAt: '07:00', closesAt: '19:30', version: start.version + 2 });
    const family = await loginWechat(h(), 'o_family_01');
    expect((await h().http.get(`/api/v1/centres/${jiaxin.id}`).set('authorization', family).expect(200)).body.hours).toBe('07:00–19:30');

    const v = start.version + 2;
    const refusals: Array<[string, Record<string, unknown>, string]> = [
      [jiaxinStaff, { name: '新名字', version: v }, 'CENTRE_FIELDS_ADMIN_ONLY'],
      [jiaxinStaff, { counterPayment: false, version: v }, 'CENTRE_FIELDS_ADMIN_ONLY'],
      [await loginConsole(h(), 'staff-dongyuan'), { phone: '1', version: v }, 'CENTRE_OUT_OF_SCOPE'],
      [hushu, { phone: '1', version: v }, 'CENTRE_OUT_OF_SCOPE'],
      [mishixiang, { regionId: (await region('卖鱼桥社区')).id, version: v }, 'REGION_OUT_OF_SCOPE'],
    ];
    for (const [auth, body, code] of refusals) {
      const r = await patch(auth, body);
      expect([r.status, r.body.error.code]).toEqual([403, code]);
    }
    const staffRefusal = await patch(jiaxinStaff, { name: '新名字', version: v });
    expect(staffRefusal.body.error.details.fields).toEqual({ name: 'administrators only' });
    const empty = await patch(district, { version: v });
    expect([empty.status, empty.body.error.details.fields['(body)']]).toEqual([400, '没有要修改的内容']);
    const reversed = await patch(district, { closesAt: '06:00', version: v });
    expect([reversed.status, reversed.body.error.code]).toEqual([422, 'HOURS_REVERSED']);
    expect((await patch(district, { phone: '1', version: 1 }, 999999)).status).toBe(404);
    expect(await record(jiaxin.id)).toMatchObject({ name: JIAXIN, opensAt: '07:00', closesAt: '19:30', counterPayment: true, version: v });
    expect((await audit(jiaxin.id)).filter((a) => a.action === 'centre.update')).toHaveLength(2);
  });

  test('lists: administrators their region, staff their own centre; filters and pages', async () => {
    const list = async (auth: string, query: Record<string, string | number> = {}) =>
      (await h().http.get('/api/v1/registry/centres').query(query).set('authorization', auth).expect(200)).body as {
        items: Array<{ name: string }>;
        total: number;
      };
    const all = await list(district, { limit: 200 });
    expect(all.total).toBe(await h().db.manager.count(Centre));
    const street = await list(mishixiang, { limit: 200 });
    const streetPath = (await region('米市巷街道')).path;
    expect(street.total).toBe(
      await h()
        .db.manager.createQueryBuilder(Centre, 'c')
        .where('c.regionPath LIKE :p', { p: `${streetPath}%` })
        .getCount(),
    );
    expect(street.items.map((c) => c.name)).toContain(JIAXIN);
    expect(street.items.map((c) => c.name)).not.toContain(MAIYUQIAO);
    expect((await list(jiaxinStaff)).items.map((c) => c.name)).toEqual([JIAXIN]);
    expect((await list(district, { search: '卖鱼桥' })).items.map((c) => c.name)).toEqual([MAIYUQIAO]);
    expect((await list(district, { search: '100%' })).total).toBe(0);
    expect((await list(district, { active: 'true', limit: 200 })).total).toBe(all.total);
    expect((await list(district, { active: 'false' })).total).toBe(0);
    expect((await list(district, { kind: 'canteen' })).items.map((c) => c.name)).toEqual([CANTEEN]);
    const page = await list(district, { limit: 2, offset: 1 });
    expect([page.items.length, page.total]).toEqual([2, all.total]);
    const other = await h()
      .http.get('/api/v1/registry/centres')
      .query({ regionId: (await region('湖墅街道')).id })
      .set('authorization', mishixiang);
    expect([other.status, other.body.error.code]).toEqual([403, 'REGION_OUT_OF_SCOPE']);
    const bad = await h().http.get('/api/v1/registry/centres').query({ limit: 0 }).set('authorization', district);
    expect([bad.status, bad.body.error.details.fields.limit]).toEqual([400, '每页条数要在 1 到 200 之间']);
    expect(
      (
        await h()
          .http.get(`/api/v1/registry/centres/${(await centreNamed(h(), MAIYUQIAO)).id}`)
          .set('authorization', jiaxinStaff)
      ).status,
    ).toBe(403);
    expect(
      (
        await h()
          .http.get('/api/v1/registry/centres')
          .set('authorization', await loginWechat(h(), 'o_family_01'))
      ).status,
    ).toBe(403);
  });

  test('deactivating: refused while bookings remain or neighbour points are in use; then it leaves the listings', async () => {
    const jiaxin = await record((await centreNamed(h(), JIAXIN)).id);
    const points = await h().http.post(`/api/v1/centres/${jiaxin.id}/deactivate`).set('authorization', district).send({ version: jiaxin.version });
    expect([points.status, points.body.error.code]).toEqual([409, 'CENTRE_HAS_ACTIVE_POINTS']);

    // A centre with a booking still to serve.
    const maiyuqiao = await record((await centreNamed(h(), CANTEEN)).id);
    const slot = await slotOf(h(), CANTEEN, 'lunch', TOMORROW);
    const family = await loginWechat(h(), 'o_family_01');
    const senior = await seniorNamed(h(), '张桂英');
    const booking = await h().http.post('/api/v1/bookings').set('authorization', family).send({ seniorId: senior.id, slotId: slot.id }).expect(201);
    const busy = await h().http.post(`/api/v1/centres/${maiyuqiao.id}/deactivate`).set('authorization', hushu).send({ version: maiyuqiao.version });
    expect([busy.status, busy.body.error.code, busy.body.error.message]).toEqual([
      409,
      'CENTRE_HAS_BOOKINGS',
      '这个站点还有 1 个未完成的预约，请先关闭那些日子',
    ]);
    await h().http.post(`/api/v1/bookings/${booking.body.id}/cancel`).set('authorization', hushu).send({ reason: '测试' }).expect(200);

    const byStaff = await h()
      .http.post(`/api/v1/centres/${maiyuqiao.id}/deactivate`)
      .set('authorization', await loginConsole(h(), 'staff-hushu-canteen'))
      .send({ version: maiyuqiao.version });
    expect([byStaff.status, byStaff.body.error.code]).toEqual([403, 'CENTRE_FIELDS_ADMIN_ONLY']);
    expect(
      (await h().http.post(`/api/v1/centres/${maiyuqiao.id}/deactivate`).set('authorization', mishixiang).send({ version: maiyuqiao.version })).status,
    ).toBe(403);
    const stale = await h()
      .http.post(`/api/v1/centres/${maiyuqiao.id}/deactivate`)
      .set('authorization', hushu)
      .send({ version: maiyuqiao.version + 5 });
    expect(stale.status).toBe(409);

    const off = await h().http.post(`/api/v1/centres/${maiyuqiao.id}/deactivate`).set('authorization', hushu).send({ version: maiyuqiao.version }).expect(200);
    expect(off.body).toMatchObject({ active: false, version: maiyuqiao.version + 1 });
    expect((await h().http.get(`/api/v1/centres/${maiyuqiao.id}`).set('authorization', family)).status).toBe(404);
    const slots = await h().http.get('/api/v1/slots').query({ centreId: maiyuqiao.id }).set('authorization', family).expect(200);
    expect(slots.body.items).toEqual([]);
    const late = await h().http.post('/api/v1/bookings').set('authorization', family).send({ seniorId: senior.id, slotId: slot.id });
    expect(late.status).toBe(404);
    expect((await audit(maiyuqiao.id)).map((a) => a.action)).toContain('centre.deactivate');

    const on = await h()
      .http.post(`/api/v1/centres/${maiyuqiao.id}/activate`)
      .set('authorization', district)
      .send({ version: maiyuqiao.version + 1 })
      .expect(200);
    expect(on.body).toMatchObject({ active: true, version: maiyuqiao.version + 2 });
    expect((await h().http.get('/api/v1/slots').query({ centreId: maiyuqiao.id }).set('authorization', family).expect(200)).body.items.length).toBeGreaterThan(
      0,
    );
  });
});
