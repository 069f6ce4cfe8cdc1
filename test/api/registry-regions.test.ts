import { Region } from '../../entities';
import { loginConsole, loginWechat } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// Regions (区 → 街道 → 社区) through /api/v1/regions, on SQLite and MariaDB: the demo district 拱墅区 has the streets
// 米市巷街道 (admin-mishixiang) and 湖墅街道 (admin-hushu), two communities each; `admin` administers the district.

interface Node {
  id: number;
  name: string;
  level: string;
  levelLabel: string;
  parentId: number | null;
  version: number;
  children: Node[];
}

const names = (nodes: Node[]): unknown => nodes.map((n) => (n.children.length ? { [n.name]: names(n.children) } : n.name));

describeEachDb('regions', (h) => {
  let district: string;
  let mishixiang: string;
  let hushu: string;
  beforeAll(async () => {
    district = await loginConsole(h(), 'admin');
    mishixiang = await loginConsole(h(), 'admin-mishixiang');
    hushu = await loginConsole(h(), 'admin-hushu');
  });
  beforeEach(() => h().clock.set(T0));

  const region = (name: string) => h().db.manager.findOneByOrFail(Region, { name });
  const tree = async (auth: string) => (await h().http.get('/api/v1/regions').set('authorization', auth).expect(200)).body.items as Node[];
  const audit = (id: number) => h().services.repos.audit.forEntity('region', id);

  test('each administrator sees their region as a tree; staff their street; a family member nothing', async () => {
    expect(names(await tree(district))).toEqual([{ 拱墅区: [{ 米市巷街道: ['嘉新社区', '左家新村社区'] }, { 湖墅街道: ['卖鱼桥社区', '信义坊社区'] }] }]);
    const [street] = await tree(mishixiang);
    expect(street).toMatchObject({ name: '米市巷街道', level: 'street', levelLabel: '街道', version: 1 });
    expect(names([street])).toEqual([{ 米市巷街道: ['嘉新社区', '左家新村社区'] }]);
    expect(names(await tree(await loginConsole(h(), 'staff-maiyuqiao')))).toEqual([{ 湖墅街道: ['卖鱼桥社区', '信义坊社区'] }]);
    const family = await h()
      .http.get('/api/v1/regions')
      .set('authorization', await loginWechat(h(), 'o_family_01'));
    expect([family.status, family.body.error.code]).toEqual([403, 'REGION_OUT_OF_SCOPE']);
    expect((await h().http.get('/api/v1/regions')).status).toBe(401);
  });

  test('the district adds a street, the street its communities; each only inside its own region', async () => {
    const gongshu = await region('拱墅区');
    const res = await h().http.post('/api/v1/regions').set('authorization', district).send({ name: '祥符街道', parentId: gongshu.id }).expect(201);
    expect(res.body).toMatchObject({
      name: '祥符街道',
      level: 'street',
      parentId: gongshu.id,
      path: `${gongshu.path}${res.body.id}/`,
      version: 1,
      children: [],
    });
    expect(await audit(res.body.id)).toEqual([
      expect.objectContaining({ action: 'region.create', actorRole: 'admin', detail: { name: '祥符街道', level: 'street', parentId: gongshu.id } }),
    ]);

    const street = await region('米市巷街道');
    const community = await h().http.post('/api/v1/regions').set('authorization', mishixiang).send({ name: '  新河坊社区 ', parentId: street.id }).expect(201);
    expect(community.body).toMatchObject({ name: '新河坊社区', level: 'community', levelLabel: '社区' });
    expect(names(await tree(mishixiang))).toEqual([{ 米市巷街道: ['嘉新社区', '左家新村社区', '新河坊社区'] }]);

    const before = await h().db.manager.count(Region);
    // Another street's administrator, a street administrator adding a street, staff: refused, nothing written.
    const refusals: Array<[string, number, string]> = [
      [hushu, street.id, 'REGION_OUT_OF_SCOPE'],
      [mishixiang, gongshu.id, 'REGION_OUT_OF_SCOPE'],
      [await loginConsole(h(), 'staff-jiaxin'), street.id, 'REGION_OUT_OF_SCOPE'],
    ];
    for (const [auth, parentId, code] of refusals) {
      const r = await h().http.post('/api/v1/regions').set('authorization', auth).send({ name: '越权社区', parentId });
      expect([r.status, r.body.error.code]).toEqual([403, code]);
      expect(r.body.error.message).toBe('这个地区不在您的管辖范围内');
    }
    const jiaxin = await region('嘉新社区');
    const underCommunity = await h().http.post('/api/v1/regions').set('authorization', district).send({ name: '楼道', parentId: jiaxin.id });
    expect([underCommunity.status, underCommunity.body.error.code]).toEqual([422, 'REGION_PARENT_INVALID']);
    expect(underCommunity.body.error.details.fields).toHaveProperty('parentId');
    const taken = await h().http.post('/api/v1/regions').set('authorization', mishixiang).send({ name: '嘉新社区', parentId: street.id });
    expect([taken.status, taken.body.error.code, taken.body.error.message]).toEqual([409, 'REGION_NAME_TAKEN', '同一个上级地区下已经有这个名字了']);
    const unknown = await h().http.post('/api/v1/regions').set('authorization', district).send({ name: '无名', parentId: 999999 });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'REGION_NOT_FOUND']);
    for (const [body, field, message] of [
      [{ parentId: street.id }, 'name', '请填写名称'],
      [{ name: '   ', parentId: street.id }, 'name', '请填写名称'],
      [{ name: '长'.repeat(65), parentId: street.id }, 'name', '名称最多 64 个字'],
      [{ name: '好名字' }, 'parentId', '请填写上级地区'],
      [{ name: '好名字', parentId: 'x' }, 'parentId', '请选择上级地区'],
    ] as const) {
      const r = await h().http.post('/api/v1/regions').set('authorization', district).send(body);
      expect([r.status, r.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(r.body.error.details.fields[field]).toBe(message);
    }
    expect(await h().db.manager.count(Region)).toBe(before);
  });

  test('renamed by whoever manages it, on the version read; a stale rename is a 409 and changes nothing', async () => {
    const zuojia = await region('左家新村社区');
    const renamed = await h()
      .http.patch(`/api/v1/regions/${zuojia.id}`)
      .set('authorization', mishixiang)
      .send({ name: '左家新村', version: zuojia.version })
      .expect(200);
    expect(renamed.body).toMatchObject({ id: zuojia.id, name: '左家新村', version: zuojia.version + 1 });
    expect((await audit(zuojia.id)).map((a) => [a.action, a.detail])).toEqual([['region.rename', { name: ['左家新村社区', '左家新村'] }]]);

    const stale = await h().http.patch(`/api/v1/regions/${zuojia.id}`).set('authorization', district).send({ name: '左家', version: zuojia.version });
    expect([stale.status, stale.body.error.code, stale.body.error.message]).toEqual([409, 'VERSION_CONFLICT', '这条记录刚被别人改过，请刷新后再改']);
    expect((await region('左家新村')).version).toBe(zuojia.version + 1);

    const street = await region('米市巷街道');
    const own = await h().http.patch(`/api/v1/regions/${street.id}`).set('authorization', mishixiang).send({ name: '米市巷', version: street.version });
    expect([own.status, own.body.error.code]).toEqual([403, 'REGION_OUT_OF_SCOPE']); // a street is the district's to name
    const other = await h()
      .http.patch(`/api/v1/regions/${zuojia.id}`)
      .set('authorization', hushu)
      .send({ name: '左家', version: zuojia.version + 1 });
    expect(other.status).toBe(403);
    const sibling = await h()
      .http.patch(`/api/v1/regions/${zuojia.id}`)
      .set('authorization', mishixiang)
      .send({ name: '嘉新社区', version: zuojia.version + 1 });
    expect([sibling.status, sibling.body.error.code]).toEqual([409, 'REGION_NAME_TAKEN']);
    const noVersion = await h().http.patch(`/api/v1/regions/${zuojia.id}`).set('authorization', mishixiang).send({ name: '左家' });
    expect([noVersion.status, noVersion.body.error.details.fields.version]).toEqual([400, '请填写版本号']);
    expect((await h().http.patch('/api/v1/regions/999999').set('authorization', district).send({ name: '无', version: 1 })).status).toBe(404);
    expect((await h().http.patch('/api/v1/regions/abc').set('authorization', district).send({ name: '无', version: 1 })).status).toBe(400);
    expect((await region('左家新村')).version).toBe(zuojia.version + 1);

    await h().http.patch(`/api/v1/regions/${street.id}`).set('authorization', district).send({ name: '米市巷街道（新）', version: street.version }).expect(200);
    expect((await audit(zuojia.id)).length).toBe(1);
  });
});
