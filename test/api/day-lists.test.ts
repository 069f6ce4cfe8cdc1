import type { Response, Test } from 'supertest';
import { Region, Senior } from '../../entities';
import { readXlsx, type Cell } from '../../server/lib/spreadsheet';
import { walkingMetres } from '../../server/lib/geo';
import { centreNamed, JIAXIN, loginConsole, loginWechat, MAIYUQIAO, seniorNamed, slotOf, STREET_CENTRE } from '../helpers/actors';
import { describeEachDb, T0, TODAY } from '../helpers/harness';

const TOMORROW = '2026-12-02';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The kitchen list of a meal slot (portions by diet note) and a centre's delivery list (by community, nearest
 * first), as JSON and as xlsx read back, on SQLite and MariaDB. Today's lunch at 嘉新 is booked for seven seniors
 * made 特困 for the test (their meals are free, so their bookings wait for no payment), with diet notes chosen so
 * that the kitchen cooks 少盐 ×3, 软食 ×2, 少盐、软食 ×1 and 普通 ×1.
 */
describeEachDb('kitchen and delivery lists', (h) => {
  const t = {} as Record<string, string>;
  const people = {} as Record<'j1' | 'j2' | 'j3' | 'j4' | 'z1' | 'z2' | 'z3', Senior>;
  let jiaxin: { id: number; latitude: number; longitude: number; address: string };
  let lunchId: number;
  let dinnerId: number;
  const api = () => h().http;
  /** The response body as the bytes of the file. */
  const file = (req: Test) =>
    req.buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });

  beforeAll(async () => {
    h().clock.set(T0);
    t.jiaxin = await loginConsole(h(), 'staff-jiaxin');
    t.maiyuqiao = await loginConsole(h(), 'staff-maiyuqiao');
    t.mishixiang = await loginConsole(h(), 'admin-mishixiang');
    t.hushu = await loginConsole(h(), 'admin-hushu');
    t.daughter = await loginWechat(h(), 'o_family_01');
    const centre = await centreNamed(h(), JIAXIN);
    jiaxin = centre;
    lunchId = (await slotOf(h(), JIAXIN, 'lunch', TODAY)).id;
    dinnerId = (await slotOf(h(), JIAXIN, 'dinner', TODAY)).id;

    const named = new Set(['张桂英', '李建国', '王秀英', '吴德明', '陈阿毛', '周玉兰']);
    const of = async (community: string) => {
      const region = await h().db.manager.findOneByOrFail(Region, { name: community });
      return (await h().db.manager.find(Senior, { where: { regionId: region.id }, order: { id: 'ASC' } })).filter((s) => !named.has(s.name));
    };
    const [inJiaxin, inZuojia] = await Promise.all([of('嘉新社区'), of('左家新村社区')]);
    // key: community, diet note, where they live (metres north of the centre; null: unknown).
    const plan: Array<[keyof typeof people, Senior, string, number | null]> = [
      ['j1', inJiaxin[0], '少盐', 0.003],
      ['j2', inJiaxin[1], '少盐', 0.004],
      ['j3', inJiaxin[2], '软食', 0.001],
      ['j4', inJiaxin[3], '软食，少盐', null],
      ['z1', inZuojia[0], '软食', 0.0005],
      ['z2', inZuojia[1], ' 少盐 ', 0.002],
      ['z3', inZuojia[2], '', 0.002],
    ];
    for (const [key, s, dietNotes, north] of plan) {
      const latitude = north === null ? null : Number((centre.latitude + north).toFixed(6));
      const longitude = north === null ? null : centre.longitude;
      await h().db.manager.update(Senior, { id: s.id }, { categories: ['hardship'], dietNotes, latitude, longitude });
      people[key] = { ...s, dietNotes, latitude, longitude };
    }
    const book = async (auth: string, seniorId: number, slotId: number, deliveryMode: string, note = '') => {
      const res = await api()
        .post('/api/v1/bookings')
        .set('authorization', auth)
        .send({ seniorId, slotId, deliveryMode, note, channel: 'console' })
        .expect(201);
      return res.body as { id: number; status: string };
    };
    for (const [key, mode, note] of [
      ['j1', 'delivery', '放门口'],
      ['j2', 'dine_in', ''],
      ['j3', 'delivery', ''],
      ['j4', 'delivery', ''],
      ['z1', 'delivery', ''],
      ['z2', 'pick_up', ''],
      ['z3', 'dine_in', ''],
    ] as const) {
      expect((await book(t.jiaxin, people[key].id, lunchId, mode, note)).status).toBe('pending_confirmation');
    }
    await book(t.jiaxin, people.j3.id, dinnerId, 'delivery'); // j3 has dinner brought too
    await book(t.jiaxin, people.j1.id, (await slotOf(h(), JIAXIN, 'lunch', TOMORROW)).id, 'delivery'); // another day
    // Not cooked: a cancelled booking; counted apart: one still waiting for its payment.
    const wang = await seniorNamed(h(), '王秀英');
    const cancelled = await book(t.jiaxin, wang.id, lunchId, 'delivery');
    await api().post(`/api/v1/bookings/${cancelled.id}/cancel`).set('authorization', t.jiaxin).send({ reason: '住院' }).expect(200);
    const zhang = await seniorNamed(h(), '张桂英');
    expect((await book(t.daughter, zhang.id, lunchId, 'delivery')).status).toBe('pending_payment');
  });

  test('the kitchen list counts portions by diet note, leaves out what was called off, and sets aside what is unpaid', async () => {
    const res = await api().get(`/api/v1/slots/${lunchId}/kitchen-list`).set('authorization', t.jiaxin).expect(200);
    const k = res.body;
    expect(k.centre).toEqual({ id: jiaxin.id, name: JIAXIN });
    expect(k.slot).toMatchObject({ id: lunchId, date: TODAY, start: '11:00', end: '12:30', kind: 'lunch', kindLabel: '午餐' });
    expect(k.menu.length).toBe(4);
    expect(k.totalPortions).toBe(7);
    expect(k.byDiet).toEqual([
      { diet: '少盐', label: '少盐', portions: 3 },
      { diet: '软食', label: '软食', portions: 2 },
      { diet: '少盐、软食', label: '少盐、软食', portions: 1 },
      { diet: '', label: '普通', portions: 1 },
    ]);
    expect(k.byDeliveryMode).toEqual([
      { mode: 'dine_in', label: '堂食', portions: 2 },
      { mode: 'pick_up', label: '自己来拿', portions: 1 },
      { mode: 'delivery', label: '送到家', portions: 4 },
    ]);
    expect(k.awaitingPayment).toEqual({ bookings: 1, portions: 1 });
    expect(k.lines).toHaveLength(7);
    expect(k.lines.map((l: { seniorName: string }) => l.seniorName)).not.toContain('王秀英');
    expect(k.lines.find((l: { seniorName: string }) => l.seniorName === people.j1.name)).toMatchObject({
      diet: '少盐',
      note: '放门口',
      deliveryMode: 'delivery',
      quantity: 1,
    });
    // Lines come grouped by diet, the portions with no note last.
    expect(k.lines.map((l: { diet: string }) => l.diet)).toEqual(['少盐', '少盐', '少盐', '少盐、软食', '软食', '软食', '']);

    const x = await file(api().get(`/api/v1/slots/${lunchId}/kitchen-list.xlsx`).set('authorization', t.jiaxin)).expect(200);
    expect(x.headers['content-type']).toBe(XLSX);
    expect(x.headers['content-disposition']).toBe(
      `attachment; filename="kitchen-list-slot-${lunchId}.xlsx"; filename*=UTF-8''${encodeURIComponent(`备餐单-${JIAXIN}-${TODAY}-午餐.xlsx`)}`,
    );
    const sheets = await readXlsx(x.body as Buffer);
    expect([...sheets.keys()]).toEqual(['备餐汇总', '明细']);
    const summary = sheets.get('备餐汇总')!;
    expect(summary.slice(0, 3)).toEqual([[`${JIAXIN} ${TODAY} 午餐（11:00–12:30）备餐单`], ['共 7 份；另有 1 份待付款，付款后再加'], ['项目', '份数']]);
    expect(summary[3][0]).toBe(`菜单：${k.menu.map((d: { name: string }) => d.name).join('、')}`);
    expect(summary.slice(4)).toEqual([
      ['按饮食要求'],
      ['少盐', 3],
      ['软食', 2],
      ['少盐、软食', 1],
      ['普通', 1],
      ['按取餐方式'],
      ['堂食', 2],
      ['自己来拿', 1],
      ['送到家', 4],
      ['合计', 7],
    ]);
    const lines = sheets.get('明细')!;
    expect(lines[2]).toEqual(['序号', '老人', '份数', '饮食要求', '取餐方式', '备注', '状态']);
    expect(lines.slice(3, -1).map((r: Cell[]) => [r[0], r[3]])).toEqual([
      [1, '少盐'],
      [2, '少盐'],
      [3, '少盐'],
      [4, '少盐、软食'],
      [5, '软食'],
      [6, '软食'],
      [7, '普通'],
    ]);
    expect(lines.at(-1)).toEqual(['合计', '', 7, '', '', '', '']);
  });

  test('the delivery list goes community by community, nearest first, with addresses and phones', async () => {
    const res = await api().get(`/api/v1/centres/${jiaxin.id}/delivery-list`).query({ date: TODAY }).set('authorization', t.jiaxin).expect(200);
    const d = res.body;
    const metres = (s: Senior) => (s.latitude === null ? null : walkingMetres(jiaxin.latitude, jiaxin.longitude, s.latitude, s.longitude!));
    expect([d.date, d.totalStops, d.totalPortions]).toEqual([TODAY, 5, 5]);
    expect(d.communities.map((c: { region: { name: string }; portions: number }) => [c.region.name, c.portions])).toEqual([
      ['左家新村社区', 1],
      ['嘉新社区', 4],
    ]);
    const [zuojia, jiaxinStops] = d.communities.map((c: { stops: Array<{ senior: { id: number }; slot: { kind: string } }> }) =>
      c.stops.map((s) => [s.senior.id, s.slot.kind]),
    );
    expect(zuojia).toEqual([[people.z1.id, 'lunch']]);
    expect(jiaxinStops).toEqual([
      [people.j3.id, 'lunch'],
      [people.j3.id, 'dinner'],
      [people.j1.id, 'lunch'],
      [people.j4.id, 'lunch'],
    ]);
    const first = d.communities[1].stops[2];
    expect(first).toEqual({
      bookingId: expect.any(Number),
      senior: { id: people.j1.id, name: people.j1.name, phone: people.j1.phone, address: people.j1.address },
      slot: { id: lunchId, start: '11:00', end: '12:30', kind: 'lunch', kindLabel: '午餐' },
      quantity: 1,
      diet: '少盐',
      note: '放门口',
      distanceMetres: metres(people.j1),
      status: 'pending_confirmation',
    });
    expect(d.communities[1].stops[3].distanceMetres).toBeNull();
    // One slot only.
    const lunchOnly = (
      await api().get(`/api/v1/centres/${jiaxin.id}/delivery-list`).query({ date: TODAY, slotId: lunchId }).set('authorization', t.mishixiang).expect(200)
    ).body;
    expect(lunchOnly.totalStops).toBe(4);

    const x = await file(api().get(`/api/v1/centres/${jiaxin.id}/delivery-list.xlsx`).query({ date: TODAY }).set('authorization', t.jiaxin)).expect(200);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(x.headers['content-disposition'])![1])).toBe(`送餐单-${JIAXIN}-${TODAY}.xlsx`);
    const rows = (await readXlsx(x.body as Buffer)).get('送餐单')!;
    expect(rows[0]).toEqual([`${JIAXIN} ${TODAY} 送餐单`]);
    expect(rows[1]).toEqual([`共 5 户 5 份；从 ${jiaxin.address} 出发，按社区和远近排列`]);
    expect(rows[2]).toEqual(['序号', '老人', '电话', '地址', '餐次', '份数', '饮食要求', '备注', '距离（米）', '签收']);
    expect(rows[3]).toEqual(['左家新村社区：1 户，1 份']);
    expect(rows[4]).toEqual([1, people.z1.name, people.z1.phone, people.z1.address, '午餐 11:00', 1, '软食', '', metres(people.z1), '']);
    expect(rows[5]).toEqual(['嘉新社区：4 户，4 份']);
    expect(rows.slice(6, 10).map((r: Cell[]) => [r[0], r[1], r[4], r[8]])).toEqual([
      [2, people.j3.name, '午餐 11:00', metres(people.j3)],
      [3, people.j3.name, '晚餐 17:00', metres(people.j3)],
      [4, people.j1.name, '午餐 11:00', metres(people.j1)],
      [5, people.j4.name, '午餐 11:00', ''],
    ]);
    expect(rows[10]).toEqual(['合计', '', '', '', '', 5, '', '', '', '']);
  });

  test("only the centre's staff and the administrators over it; meal slots only; the date is required", async () => {
    const refused = async (req: PromiseLike<Response>, status: number, code: string) => {
      const r = await req;
      expect([r.status, r.body.error.code]).toEqual([status, code]);
    };
    await refused(api().get(`/api/v1/slots/${lunchId}/kitchen-list`).set('authorization', t.maiyuqiao), 403, 'NOT_CENTRE_STAFF');
    await refused(api().get(`/api/v1/slots/${lunchId}/kitchen-list.xlsx`).set('authorization', t.hushu), 403, 'NOT_CENTRE_STAFF');
    await refused(api().get(`/api/v1/centres/${jiaxin.id}/delivery-list`).query({ date: TODAY }).set('authorization', t.hushu), 403, 'NOT_CENTRE_STAFF');
    await refused(
      api().get(`/api/v1/centres/${jiaxin.id}/delivery-list.xlsx`).query({ date: TODAY }).set('authorization', t.daughter),
      403,
      'NOT_CENTRE_STAFF',
    );
    await api().get(`/api/v1/slots/${lunchId}/kitchen-list`).set('authorization', t.mishixiang).expect(200);
    const bath = await slotOf(h(), STREET_CENTRE, 'bath', TODAY);
    const mishixiangStaff = await loginConsole(h(), 'staff-mishixiang');
    await refused(api().get(`/api/v1/slots/${bath.id}/kitchen-list`).set('authorization', mishixiangStaff), 422, 'KITCHEN_LIST_MEALS_ONLY');
    await refused(api().get('/api/v1/slots/999999/kitchen-list').set('authorization', t.jiaxin), 404, 'SLOT_NOT_FOUND');
    const noDate = await api().get(`/api/v1/centres/${jiaxin.id}/delivery-list`).set('authorization', t.jiaxin);
    expect([noDate.status, noDate.body.error.details.fields]).toEqual([400, { date: '日期（date）格式为 YYYY-MM-DD' }]);
    // Another centre's round is its own: nothing of 嘉新's.
    const maiyuqiao = await centreNamed(h(), MAIYUQIAO);
    const other = (await api().get(`/api/v1/centres/${maiyuqiao.id}/delivery-list`).query({ date: TODAY }).set('authorization', t.maiyuqiao).expect(200)).body;
    expect([other.totalStops, other.communities]).toEqual([0, []]);
  });
});
