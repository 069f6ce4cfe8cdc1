import { centreNamed, JIAXIN, loginConsole, loginWechat, MAIYUQIAO, seniorNamed, slotOf } from '../helpers/actors';
import { Region } from '../../entities';
import { describeEachDb, T0 } from '../helpers/harness';

const TOMORROW = '2026-12-02';

interface Entry {
  id: number;
  at: string;
  actor: { id: number; displayName: string; username: string | null } | null;
  role: string;
  action: string;
  entity: { type: string; id: number };
  detail: Record<string, unknown>;
}

/**
 * The audit log through the API, on SQLite and MariaDB: who did what to which record, when and from where, read
 * by scope (staff: their centre's; an administrator: their region's; entries that belong nowhere, the district's)
 * and filtered by actor, action, record and dates.
 */
describeEachDb('the audit log', (h) => {
  const t = {} as Record<string, string>;
  const id = {} as Record<string, number>;
  const api = () => h().http;

  beforeAll(async () => {
    h().clock.set(T0);
    t.jiaxin = await loginConsole(h(), 'staff-jiaxin');
    t.maiyuqiao = await loginConsole(h(), 'staff-maiyuqiao');
    t.district = await loginConsole(h(), 'admin');
    t.mishixiang = await loginConsole(h(), 'admin-mishixiang');
    t.hushu = await loginConsole(h(), 'admin-hushu');
    t.stranger = await loginWechat(h(), 'o_family_06'); // 陈小燕, linked to nobody
    for (const k of ['jiaxin', 'maiyuqiao', 'mishixiang', 'district']) id[k] = (await api().get('/api/v1/me').set('authorization', t[k]).expect(200)).body.id;

    const [wang, chen, jiaxin, hushu] = await Promise.all([
      seniorNamed(h(), '王秀英'),
      seniorNamed(h(), '陈阿毛'),
      centreNamed(h(), JIAXIN),
      h().db.manager.findOneByOrFail(Region, { name: '湖墅街道' }),
    ]);
    // 嘉新's staff book and confirm; 卖鱼桥's staff book; each street's account work; a stranger's wrong link code.
    const booked = await api()
      .post('/api/v1/bookings')
      .set('authorization', t.jiaxin)
      .send({ seniorId: wang.id, slotId: (await slotOf(h(), JIAXIN, 'lunch', TOMORROW)).id, channel: 'console' })
      .expect(201);
    id.jiaxinBooking = booked.body.id;
    await api().post(`/api/v1/bookings/${booked.body.id}/confirm`).set('authorization', t.jiaxin).send().expect(200);
    const other = await api()
      .post('/api/v1/bookings')
      .set('authorization', t.maiyuqiao)
      .send({ seniorId: chen.id, slotId: (await slotOf(h(), MAIYUQIAO, 'lunch', TOMORROW)).id, channel: 'console' })
      .expect(201);
    id.maiyuqiaoBooking = other.body.id;
    const staff = await api()
      .post('/api/v1/accounts')
      .set('authorization', t.mishixiang)
      .send({ role: 'staff', username: 'staff-jiaxin-2', displayName: '嘉新 新同事', centreId: jiaxin.id })
      .expect(201);
    id.newStaff = staff.body.account.id;
    h().clock.advance(86_400_000); // the next day
    t.district = await loginConsole(h(), 'admin');
    const admin = await api()
      .post('/api/v1/accounts')
      .set('authorization', t.district)
      .send({ role: 'admin', username: 'hushu-2', displayName: '湖墅街道 二号', regionId: hushu.id })
      .expect(201);
    id.newAdmin = admin.body.account.id;
    expect((await api().post('/api/v1/family-links').set('authorization', t.stranger).send({ code: '000000', relation: '女儿' })).status).toBe(400);
    h().clock.set(T0);
  });

  const read = async (auth: string, query: Record<string, string | number> = {}): Promise<{ items: Entry[]; total: number }> => {
    h().clock.set(T0);
    return (
      await api()
        .get('/api/v1/audit-log')
        .query({ limit: 200, ...query })
        .set('authorization', auth)
        .expect(200)
    ).body;
  };
  const seen = (entries: Entry[]) => entries.map((e) => `${e.action} ${e.entity.type}#${e.entity.id}`);

  test("staff read their centre's entries, administrators their region's, the district also what belongs nowhere", async () => {
    const jiaxinEntries = [
      `account.create account#${id.newStaff}`,
      `booking.confirm booking#${id.jiaxinBooking}`,
      `booking.create booking#${id.jiaxinBooking}`,
    ];
    const maiyuqiaoEntries = [`booking.create booking#${id.maiyuqiaoBooking}`];
    const hushuEntries = [`account.create account#${id.newAdmin}`, ...maiyuqiaoEntries];
    const unscoped = `family_link_code.failed account#${(await api().get('/api/v1/me').set('authorization', t.stranger)).body.id}`;

    expect(seen((await read(t.jiaxin)).items)).toEqual(jiaxinEntries);
    expect(seen((await read(t.maiyuqiao)).items)).toEqual(maiyuqiaoEntries);
    expect(seen((await read(t.mishixiang)).items)).toEqual(jiaxinEntries);
    expect(seen((await read(t.hushu)).items)).toEqual(hushuEntries);
    const all = seen((await read(t.district)).items);
    expect(all).toEqual([unscoped, `account.create account#${id.newAdmin}`, ...jiaxinEntries.slice(0, 1), ...maiyuqiaoEntries, ...jiaxinEntries.slice(1)]);

    const family = await api().get('/api/v1/audit-log').set('authorization', t.stranger);
    expect([family.status, family.body.error]).toEqual([403, { code: 'AUDIT_LOG_NOT_ALLOWED', message: '只有工作人员和管理员可以查看操作日志' }]);
  });

  test('an entry says who did what to which record, when and from where', async () => {
    const [confirm] = (await read(t.district, { action: 'booking.confirm' })).items;
    expect(confirm).toEqual({
      id: expect.any(Number),
      at: T0,
      actor: { id: id.jiaxin, displayName: '赵敏（嘉新社区居家养老服务照料中心）', username: 'staff-jiaxin' },
      role: 'staff',
      roleLabel: '工作人员',
      action: 'booking.confirm',
      actionLabel: '确认预约',
      entity: { type: 'booking', typeLabel: '预约', id: id.jiaxinBooking },
      detail: { from: 'pending_confirmation', to: 'confirmed' },
      ip: expect.stringMatching(/127\.0\.0\.1$/),
    });
  });

  test('filters: actor, actions, record, dates; pages with a total', async () => {
    expect(seen((await read(t.district, { actorId: id.maiyuqiao })).items)).toEqual([`booking.create booking#${id.maiyuqiaoBooking}`]);
    expect(seen((await read(t.district, { action: 'booking.confirm,account.create' })).items)).toEqual([
      `account.create account#${id.newAdmin}`,
      `account.create account#${id.newStaff}`,
      `booking.confirm booking#${id.jiaxinBooking}`,
    ]);
    expect(seen((await read(t.district, { entityType: 'booking', entityId: id.jiaxinBooking })).items)).toEqual([
      `booking.confirm booking#${id.jiaxinBooking}`,
      `booking.create booking#${id.jiaxinBooking}`,
    ]);
    expect((await read(t.district, { from: TOMORROW, to: TOMORROW })).items.map((e) => e.action)).toEqual(['family_link_code.failed', 'account.create']);
    expect((await read(t.district, { to: '2026-12-01' })).total).toBe(4);
    expect((await read(t.district, { from: '2026-12-03' })).items).toEqual([]);
    const page = await read(t.district, { limit: 2, offset: 1 });
    expect([page.items.length, page.total]).toEqual([2, 6]);
    // Filters never widen the scope: a street administrator asking for another street's record gets nothing.
    expect((await read(t.mishixiang, { entityType: 'booking', entityId: id.maiyuqiaoBooking })).items).toEqual([]);
  });

  test('wrong filters are refused naming the field', async () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ from: '2026-13-01' }, 'from', '开始日期（from）格式为 YYYY-MM-DD'],
      [{ to: 'yesterday' }, 'to', '结束日期（to）格式为 YYYY-MM-DD'],
      [{ action: 'DROP TABLE' }, 'action', '操作（action）为英文代码，如 booking.check_in，多个用逗号分开'],
      [{ actorId: 'me' }, 'actorId', '操作人（actorId）要是账号编号'],
      [{ entityType: 'Booking!' }, 'entityType', '记录类型（entityType）为英文代码，如 booking'],
    ];
    for (const [query, field, message] of cases) {
      const r = await api().get('/api/v1/audit-log').query(query).set('authorization', t.district);
      expect([r.status, r.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(Object.values(r.body.error.details.fields)).toEqual([message]);
      expect(Object.keys(r.body.error.details.fields)[0].split('.')[0]).toBe(field);
    }
    const reversed = await api().get('/api/v1/audit-log').query({ from: '2026-12-02', to: '2026-12-01' }).set('authorization', t.district);
    expect([reversed.status, reversed.body.error.code]).toEqual([422, 'DATE_RANGE_REVERSED']);
  });
});
