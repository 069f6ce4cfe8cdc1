import { Region } from '../../entities';
import { centreNamed, JIAXIN, loginConsole, MAIYUQIAO } from '../helpers/actors';
import { CONSOLE_PASSWORD, describeEachDb, T0 } from '../helpers/harness';

/**
 * Staff and administrator accounts, on SQLite and MariaDB: administrators create them inside their region with a
 * one-time password that must be changed at the first sign-in; disabling ends their sessions; resetting hands out
 * a new one-time password; scope, validation and stale versions are refused.
 */
describeEachDb('staff and administrator accounts', (h) => {
  const t = {} as Record<string, string>;
  const api = () => h().http;
  const region = (name: string) => h().db.manager.findOneByOrFail(Region, { name });

  beforeAll(async () => {
    h().clock.set(T0);
    t.district = await loginConsole(h(), 'admin');
    t.mishixiang = await loginConsole(h(), 'admin-mishixiang');
    t.hushu = await loginConsole(h(), 'admin-hushu');
    t.jiaxinStaff = await loginConsole(h(), 'staff-jiaxin');
  });
  beforeEach(() => h().clock.set(T0));

  const login = (username: string, password: string) => api().post('/api/v1/auth/password-login').send({ username, password });
  const bearer = (res: { body: { token: string } }) => `Bearer ${res.body.token}`;
  async function accountId(auth: string, username: string): Promise<{ id: number; version: number }> {
    const res = await api().get('/api/v1/accounts').query({ q: username }).set('authorization', auth).expect(200);
    const found = res.body.items.find((a: { username: string }) => a.username === username);
    if (!found) throw new Error(`${username} not listed`);
    return found;
  }

  test('a new staff account signs in with its one-time password, may only change it, then works; the change is audit-logged', async () => {
    const jiaxin = await centreNamed(h(), JIAXIN);
    const created = await api()
      .post('/api/v1/accounts')
      .set('authorization', t.mishixiang)
      .send({ role: 'staff', username: 'Staff-Wang', displayName: '王小红', phone: '13905719999', centreId: jiaxin.id })
      .expect(201);
    expect(created.body.account).toMatchObject({
      username: 'staff-wang',
      displayName: '王小红',
      role: 'staff',
      roles: ['staff'],
      phone: '13905719999',
      centre: { id: jiaxin.id, name: JIAXIN },
      region: null,
      active: true,
      mustChangePassword: true,
      version: 1,
    });
    const otp: string = created.body.oneTimePassword;
    expect(otp).toMatch(/^[A-Za-z2-9]{12}$/);
    // Shown once: reading the account again never shows it.
    const read = await api().get(`/api/v1/accounts/${created.body.account.id}`).set('authorization', t.mishixiang).expect(200);
    expect(JSON.stringify(read.body)).not.toContain(otp);

    const first = await login('staff-wang', otp).expect(200);
    expect(first.body.mustChangePassword).toBe(true);
    const session = bearer(first);
    const blocked = await api().get('/api/v1/bookings').set('authorization', session);
    expect([blocked.status, blocked.body.error]).toEqual([403, { code: 'PASSWORD_CHANGE_REQUIRED', message: '请先修改初始密码，改好后才能继续使用' }]);
    expect((await api().get(`/api/v1/centres/${jiaxin.id}/slot-templates`).set('authorization', session)).body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await api().get('/api/v1/me').set('authorization', session).expect(200)).body.displayName).toBe('王小红');

    const change = (oldPassword: string, newPassword: string) =>
      api().post('/api/v1/me/password').set('authorization', session).send({ oldPassword, newPassword });
    const weak = await change(otp, '12345678');
    expect([weak.status, weak.body.error.code, weak.body.error.details.fields.newPassword]).toEqual([422, 'PASSWORD_TOO_WEAK', '新密码要同时有字母和数字']);
    expect((await change(otp, 'short1')).body.error.details.fields).toEqual({ newPassword: '新密码至少要 8 位' });
    expect((await change(otp, 'Staff-Wang2026')).body.error.details.fields).toEqual({ newPassword: '新密码不能包含用户名' });
    expect((await change(otp, 'Password123')).body.error.details.fields).toEqual({ newPassword: '新密码太常见，容易被猜到，请换一个' });
    expect((await change(otp, otp)).body.error.code).toBe('PASSWORD_UNCHANGED');
    const wrongOld = await change('not-the-password', 'Lotus-garden-88');
    expect([wrongOld.status, wrongOld.body.error.code, wrongOld.body.error.details.fields]).toEqual([
      422,
      'OLD_PASSWORD_WRONG',
      { oldPassword: '原密码不正确' },
    ]);
    const missing = await api().post('/api/v1/me/password').set('authorization', session).send({ oldPassword: otp });
    expect([missing.status, missing.body.error.details.fields]).toEqual([400, { newPassword: '请填写新密码，最多 64 位' }]);

    await change(otp, 'Lotus-garden-88').expect(204);
    // The same session now works everywhere, and the one-time password is spent.
    await api().get('/api/v1/bookings').set('authorization', session).expect(200);
    expect((await login('staff-wang', otp)).status).toBe(401);
    const again = await login('staff-wang', 'Lotus-garden-88').expect(200);
    expect(again.body.mustChangePassword).toBe(false);

    const log = await api()
      .get('/api/v1/audit-log')
      .query({ entityType: 'account', entityId: created.body.account.id })
      .set('authorization', t.mishixiang)
      .expect(200);
    // Newest first: the spent one-time password tried once more (a wrong password, from the address it came from).
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual([
      'auth.login_failed',
      'account.change_password',
      'account.change_password_failed',
      'account.create',
    ]);
    expect(log.body.items[0]).toMatchObject({ role: 'anonymous' });
    const made = log.body.items[3];
    expect(made).toMatchObject({ actor: { displayName: '米市巷街道 管理员', username: 'admin-mishixiang' }, role: 'admin', actionLabel: '新建账号' });
    expect(made.detail).toEqual({ username: 'staff-wang', role: 'staff', centreId: jiaxin.id });
    expect(JSON.stringify(log.body)).not.toContain(otp);
  });

  test('a street administrator manages staff and administrators inside the street only; staff manage no accounts', async () => {
    const [maiyuqiao, jiaxin, mishixiang, hushu, district, community] = await Promise.all([
      centreNamed(h(), MAIYUQIAO),
      centreNamed(h(), JIAXIN),
      region('米市巷街道'),
      region('湖墅街道'),
      region('拱墅区'),
      region('嘉新社区'),
    ]);
    const post = (auth: string, body: object) => api().post('/api/v1/accounts').set('authorization', auth).send(body);
    const refused = async (
      res: Promise<{ status: number; body: { error: { code: string } } }> | { status: number; body: { error: { code: string } } },
      status: number,
      code: string,
    ) => {
      const r = await res;
      expect([r.status, r.body.error.code]).toEqual([status, code]);
    };
    await refused(post(t.mishixiang, { role: 'staff', username: 'x-maiyuqiao', displayName: '甲', centreId: maiyuqiao.id }), 403, 'ACCOUNT_OUT_OF_SCOPE');
    await refused(post(t.mishixiang, { role: 'admin', username: 'x-district', displayName: '乙', regionId: district.id }), 403, 'ACCOUNT_OUT_OF_SCOPE');
    await refused(post(t.mishixiang, { role: 'admin', username: 'x-hushu', displayName: '丙', regionId: hushu.id }), 403, 'ACCOUNT_OUT_OF_SCOPE');
    await refused(post(t.mishixiang, { role: 'admin', username: 'x-community', displayName: '丁', regionId: community.id }), 422, 'ADMIN_REGION_LEVEL');
    await refused(post(t.jiaxinStaff, { role: 'staff', username: 'x-self', displayName: '戊', centreId: jiaxin.id }), 403, 'ACCOUNTS_ADMIN_ONLY');
    await refused(api().get('/api/v1/accounts').set('authorization', t.jiaxinStaff), 403, 'ACCOUNTS_ADMIN_ONLY');

    const peer = await post(t.mishixiang, { role: 'admin', username: 'mishixiang-2', displayName: '米市巷街道 副管理员', regionId: mishixiang.id }).expect(201);
    expect(peer.body.account).toMatchObject({ role: 'admin', region: { id: mishixiang.id, name: '米市巷街道' }, centre: null });
    const districtPeer = await post(t.district, { role: 'admin', username: 'district-2', displayName: '区民政局 二号', regionId: district.id }).expect(201);

    // Nobody manages someone above them, nor outside their street.
    const districtAdmin = await accountId(t.district, 'admin');
    await refused(
      api().post(`/api/v1/accounts/${districtAdmin.id}/disable`).set('authorization', t.mishixiang).send({ version: districtAdmin.version }),
      403,
      'ACCOUNT_OUT_OF_SCOPE',
    );
    await refused(api().get(`/api/v1/accounts/${districtPeer.body.account.id}`).set('authorization', t.mishixiang), 403, 'ACCOUNT_OUT_OF_SCOPE');
    const jiaxinStaff = await accountId(t.district, 'staff-jiaxin');
    await refused(
      api().post(`/api/v1/accounts/${jiaxinStaff.id}/reset-password`).set('authorization', t.hushu).send({ version: jiaxinStaff.version }),
      403,
      'ACCOUNT_OUT_OF_SCOPE',
    );
    await refused(
      api().patch(`/api/v1/accounts/${jiaxinStaff.id}`).set('authorization', t.mishixiang).send({ version: jiaxinStaff.version, centreId: maiyuqiao.id }),
      403,
      'ACCOUNT_OUT_OF_SCOPE',
    );
    // A street administrator may disable a peer of the same street, never themselves.
    const self = await accountId(t.mishixiang, 'admin-mishixiang');
    await refused(
      api().post(`/api/v1/accounts/${self.id}/disable`).set('authorization', t.mishixiang).send({ version: self.version }),
      422,
      'ACCOUNT_SELF_MANAGE',
    );
    await api().post(`/api/v1/accounts/${peer.body.account.id}/disable`).set('authorization', t.mishixiang).send({ version: 1, reason: '调岗' }).expect(200);

    // Lists: each administrator sees their own region's console accounts, and filters narrow them.
    // (Leaving out the accounts the other tests of this file make, so that this one reads the same alone.)
    const others = new Set(['staff-wang', 'staff-li', 'staff-mover']);
    const usernames = async (auth: string, query: object = {}) =>
      (
        await api()
          .get('/api/v1/accounts')
          .query({ limit: 200, ...query })
          .set('authorization', auth)
          .expect(200)
      ).body.items
        .map((a: { username: string }) => a.username)
        .filter((u: string) => !others.has(u))
        .sort();
    expect(await usernames(t.mishixiang)).toEqual(['admin-mishixiang', 'mishixiang-2', 'staff-dongyuan', 'staff-jiaxin', 'staff-mishixiang', 'staff-zuojia']);
    expect(await usernames(t.hushu)).toEqual(['admin-hushu', 'staff-hushu-canteen', 'staff-maiyuqiao', 'staff-xinyifang']);
    expect(await usernames(t.district, { role: 'admin' })).toEqual(['admin', 'admin-hushu', 'admin-mishixiang', 'district-2', 'mishixiang-2']);
    expect(await usernames(t.district, { regionId: hushu.id, role: 'staff' })).toEqual(['staff-hushu-canteen', 'staff-maiyuqiao', 'staff-xinyifang']);
    expect(await usernames(t.district, { centreId: jiaxin.id })).toEqual(['staff-jiaxin']);
    expect(await usernames(t.mishixiang, { active: 'false' })).toEqual(['mishixiang-2']);
    expect(await usernames(t.district, { q: '赵敏' })).toEqual(['staff-jiaxin']);
    const page = await api().get('/api/v1/accounts').query({ limit: 2, offset: 1 }).set('authorization', t.hushu).expect(200); // hushu: 4 in all
    expect([page.body.items.length, page.body.total]).toEqual([2, 4]);
  });

  test('wrong input is refused naming the field, in Chinese; a username is taken once', async () => {
    const jiaxin = await centreNamed(h(), JIAXIN);
    const base = { role: 'staff', username: 'staff-li', displayName: '李四', centreId: jiaxin.id };
    const cases: Array<[object, string, string]> = [
      [{ ...base, username: 'x' }, 'username', '用户名为 3–32 位小写字母、数字、点、横线或下划线，以字母或数字开头'],
      [{ ...base, username: '张三' }, 'username', '用户名为 3–32 位小写字母、数字、点、横线或下划线，以字母或数字开头'],
      [{ ...base, displayName: '' }, 'displayName', '姓名要填写，最多 64 个字'],
      [{ ...base, phone: '12345' }, 'phone', '手机号为 11 位数字，以 1 开头'],
      [{ ...base, centreId: undefined }, 'centreId', '请选择工作人员所在的站点（centreId）'],
      [{ ...base, role: 'volunteer' }, 'role', '角色只能是工作人员（staff）或管理员（admin）'],
    ];
    for (const [body, field, message] of cases) {
      const r = await api().post('/api/v1/accounts').set('authorization', t.district).send(body);
      expect([r.status, r.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(r.body.error.details.fields[field]).toBe(message);
    }
    const noCentre = await api()
      .post('/api/v1/accounts')
      .set('authorization', t.district)
      .send({ ...base, centreId: 999999 });
    expect([noCentre.status, noCentre.body.error.code]).toEqual([404, 'CENTRE_NOT_FOUND']);
    await api().post('/api/v1/accounts').set('authorization', t.district).send(base).expect(201);
    const taken = await api()
      .post('/api/v1/accounts')
      .set('authorization', t.district)
      .send({ ...base, username: 'STAFF-LI', displayName: '另一个李四' });
    expect([taken.status, taken.body.error]).toEqual([409, { code: 'USERNAME_TAKEN', message: '这个用户名已经有人用了，请换一个' }]);
    const seeded = await api()
      .post('/api/v1/accounts')
      .set('authorization', t.district)
      .send({ ...base, username: 'staff-jiaxin' });
    expect(seeded.body.error.code).toBe('USERNAME_TAKEN');
  });

  test('a staff member moved to another centre of the street signs in again there; the move is audit-logged', async () => {
    const [jiaxin, dongyuan] = await Promise.all([centreNamed(h(), JIAXIN), centreNamed(h(), '嘉新东园睦邻点')]);
    const made = await api()
      .post('/api/v1/accounts')
      .set('authorization', t.mishixiang)
      .send({ role: 'staff', username: 'staff-mover', displayName: '调岗的人', centreId: jiaxin.id })
      .expect(201);
    const first = await login('staff-mover', made.body.oneTimePassword).expect(200);
    await api()
      .post('/api/v1/me/password')
      .set('authorization', bearer(first))
      .send({ oldPassword: made.body.oneTimePassword, newPassword: 'Moving-on-2026' })
      .expect(204);
    const before = await accountId(t.mishixiang, 'staff-mover');
    const mismatch = await api().patch(`/api/v1/accounts/${before.id}`).set('authorization', t.mishixiang).send({ version: before.version, regionId: 1 });
    expect([mismatch.status, mismatch.body.error.code]).toEqual([422, 'ACCOUNT_SCOPE_MISMATCH']);
    const moved = await api()
      .patch(`/api/v1/accounts/${before.id}`)
      .set('authorization', t.mishixiang)
      .send({ version: before.version, centreId: dongyuan.id })
      .expect(200);
    expect(moved.body).toMatchObject({ centre: { id: dongyuan.id, name: '嘉新东园睦邻点' }, version: before.version + 1, mustChangePassword: false });
    expect((await api().get('/api/v1/me').set('authorization', bearer(first))).status).toBe(401);
    const again = bearer(await login('staff-mover', 'Moving-on-2026').expect(200));
    expect((await api().get('/api/v1/me').set('authorization', again).expect(200)).body.centreId).toBe(dongyuan.id);
    const [entry] = (
      await api()
        .get('/api/v1/audit-log')
        .query({ entityType: 'account', entityId: before.id, action: 'account.update' })
        .set('authorization', t.mishixiang)
        .expect(200)
    ).body.items;
    expect(entry.detail).toEqual({ centreId: [jiaxin.id, dongyuan.id], sessionsEnded: 1 });
    // 东园's staff read it in their centre's log now.
    const dongyuanLog = await api().get('/api/v1/audit-log').query({ entityType: 'account', entityId: before.id }).set('authorization', again).expect(200);
    expect(dongyuanLog.body.items.map((e: { action: string }) => e.action)).toContain('account.update');
  });

  test('disabling ends the sessions at once and stops sign-in; an edit on a stale version is refused with 409', async () => {
    const staff = await loginConsole(h(), 'staff-zuojia');
    const mini = await api().post('/api/v1/auth/login').send({ code: 'demo:o_staff_zuojia' }).expect(200);
    await api().get('/api/v1/bookings').set('authorization', staff).expect(200);
    await api().get('/api/v1/bookings').set('authorization', bearer(mini)).expect(200);
    const target = await accountId(t.mishixiang, 'staff-zuojia');

    // Someone renames them first: the disable made on what was read before is refused.
    const renamed = await api()
      .patch(`/api/v1/accounts/${target.id}`)
      .set('authorization', t.district)
      .send({ version: target.version, displayName: '孙芳（左家新村）' })
      .expect(200);
    expect(renamed.body).toMatchObject({ displayName: '孙芳（左家新村）', version: target.version + 1 });
    const stale = await api().post(`/api/v1/accounts/${target.id}/disable`).set('authorization', t.mishixiang).send({ version: target.version });
    expect([stale.status, stale.body.error.code, stale.body.error.details]).toEqual([409, 'VERSION_CONFLICT', { currentVersion: target.version + 1 }]);
    const stalePatch = await api()
      .patch(`/api/v1/accounts/${target.id}`)
      .set('authorization', t.mishixiang)
      .send({ version: target.version, phone: '13900000000' });
    expect([stalePatch.status, stalePatch.body.error.code]).toEqual([409, 'VERSION_CONFLICT']);
    await api().get('/api/v1/bookings').set('authorization', staff).expect(200); // nothing happened to them

    const disabled = await api()
      .post(`/api/v1/accounts/${target.id}/disable`)
      .set('authorization', t.mishixiang)
      .send({ version: renamed.body.version, reason: '离职' })
      .expect(200);
    expect(disabled.body).toMatchObject({ active: false, version: target.version + 2 });
    for (const session of [staff, bearer(mini)]) {
      const r = await api().get('/api/v1/bookings').set('authorization', session);
      expect([r.status, r.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
    expect((await login('staff-zuojia', CONSOLE_PASSWORD)).status).toBe(401);
    const log = await api()
      .get('/api/v1/audit-log')
      .query({ entityType: 'account', entityId: target.id, action: 'account.disable' })
      .set('authorization', t.mishixiang)
      .expect(200);
    expect(log.body.items[0].detail).toEqual({ reason: '离职', sessionsEnded: 2 });

    // Enabled again: signs in with the password they had; the old sessions stay ended.
    await api().post(`/api/v1/accounts/${target.id}/enable`).set('authorization', t.mishixiang).send({ version: disabled.body.version }).expect(200);
    expect((await api().get('/api/v1/bookings').set('authorization', staff)).status).toBe(401);
    await login('staff-zuojia', CONSOLE_PASSWORD).expect(200);
  });

  test('a reset ends the sessions and hands out a one-time password that must be changed; wrong old passwords are limited', async () => {
    const staff = await loginConsole(h(), 'staff-dongyuan');
    const target = await accountId(t.district, 'staff-dongyuan');
    const reset = await api()
      .post(`/api/v1/accounts/${target.id}/reset-password`)
      .set('authorization', t.district)
      .send({ version: target.version })
      .expect(200);
    expect(reset.body.account).toMatchObject({ mustChangePassword: true, active: true, version: target.version + 1 });
    expect((await api().get('/api/v1/bookings').set('authorization', staff)).status).toBe(401);
    expect((await login('staff-dongyuan', CONSOLE_PASSWORD)).status).toBe(401);
    const signedIn = await login('staff-dongyuan', reset.body.oneTimePassword).expect(200);
    expect(signedIn.body.mustChangePassword).toBe(true);
    const session = bearer(signedIn);
    // The mini-program workbench signs in by WeChat, with no password: it is not held to the change.
    const mini = await api().post('/api/v1/auth/login').send({ code: 'demo:o_staff_dongyuan' }).expect(200);
    expect(mini.body.mustChangePassword).toBe(false);
    await api().get('/api/v1/bookings').set('authorization', bearer(mini)).expect(200);

    const change = (oldPassword: string) =>
      api().post('/api/v1/me/password').set('authorization', session).send({ oldPassword, newPassword: 'Dongyuan-2026x' });
    for (let i = 0; i < 5; i++) expect((await change('guess-' + i)).body.error.code).toBe('OLD_PASSWORD_WRONG');
    const limited = await change(reset.body.oneTimePassword);
    expect([limited.status, limited.body.error.code]).toEqual([429, 'PASSWORD_TOO_MANY_TRIES']);
    h().clock.advance(16 * 60_000);
    const other = bearer(await login('staff-dongyuan', reset.body.oneTimePassword).expect(200));
    await change(reset.body.oneTimePassword).expect(204);
    // The session that changed it goes on; the account's other console session ends (the WeChat one too).
    await api().get('/api/v1/bookings').set('authorization', session).expect(200);
    expect((await api().get('/api/v1/bookings').set('authorization', other)).status).toBe(401);
    expect((await api().get('/api/v1/bookings').set('authorization', bearer(mini))).status).toBe(401);
  });
});
