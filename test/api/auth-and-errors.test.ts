import { Account, Session } from '../../entities';
import { sha256Hex } from '../../server/lib/password';
import { loginWechat, seen } from '../helpers/actors';
import { CONSOLE_PASSWORD, describeEachDb } from '../helpers/harness';

describeEachDb('sign-in, sessions and errors', (h) => {
  test('a first mini-program login creates a family account; the token is stored only as a hash', async () => {
    const res = await h().http.post('/api/v1/auth/login').send({ code: 'first-visit-code' });
    expect(res.status).toBe(200);
    expect(res.body.account).toMatchObject({ roles: ['family'], displayName: '微信用户' });
    const again = await h().http.post('/api/v1/auth/login').send({ code: 'first-visit-code' });
    expect(again.body.account.id).toBe(res.body.account.id);
    expect(await h().db.manager.countBy(Session, { tokenHash: res.body.token })).toBe(0);
    expect(await h().db.manager.countBy(Session, { tokenHash: sha256Hex(res.body.token) })).toBe(1);
    const me = await h().http.get('/api/v1/me').set('authorization', `Bearer ${res.body.token}`);
    expect(me.body.id).toBe(res.body.account.id);
  });

  test('console password login: right password works, wrong one and unknown users are refused alike', async () => {
    const ok = await h().http.post('/api/v1/auth/password-login').send({ username: 'admin', password: CONSOLE_PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body.account.roles).toEqual(['admin']);
    const stored = await h().db.manager.findOneByOrFail(Account, { username: 'admin' });
    expect(stored.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    for (const body of [
      { username: 'admin', password: 'wrong' },
      { username: 'nobody', password: CONSOLE_PASSWORD },
    ]) {
      const bad = await h().http.post('/api/v1/auth/password-login').send(body);
      expect(bad.status).toBe(401);
      expect(bad.body.error).toEqual({ code: 'INVALID_CREDENTIALS', message: '用户名或密码不正确' });
    }
  });

  test('logout ends the session', async () => {
    const auth = await loginWechat(h(), 'o_family_03');
    expect((await h().http.post('/api/v1/auth/logout').set('authorization', auth)).status).toBe(204);
    expect((await h().http.get('/api/v1/me').set('authorization', auth)).status).toBe(401);
  });

  test('sessions asked for together are each told apart: two of one account, another account, an expired one, a deactivated account', async () => {
    const [a1, a2, b, expired, gone] = await Promise.all(
      ['o_family_01', 'o_family_01', 'o_family_02', 'o_family_03', 'o_family_04'].map((o) => loginWechat(h(), o)),
    );
    const tokenHash = (auth: string) => sha256Hex(auth.replace('Bearer ', ''));
    await h().db.manager.update(Session, { tokenHash: tokenHash(expired) }, { expiresAt: new Date(h().clock.now().getTime() - 1) });
    const idOf = async (auth: string): Promise<number> => (await seen(h(), auth, '/me')).id;
    const [idA, idB, goneId] = [await idOf(a1), await idOf(b), await idOf(gone)];
    await h().db.manager.update(Account, { id: goneId }, { active: false });
    try {
      // Asked in one turn, as concurrent requests are: one batched lookup answers all five.
      const actors = await Promise.all([a1, a2, b, expired, gone].map((auth) => h().services.auth.authenticate(auth.replace('Bearer ', ''), '127.0.0.1')));
      expect(actors.map((a) => a?.accountId ?? null)).toEqual([idA, idA, idB, null, null]);
      expect(idA).not.toBe(idB);
      const answers = await Promise.all([a1, b, expired, gone].map((auth) => h().http.get('/api/v1/me').set('authorization', auth)));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 401]);
    } finally {
      await h().db.manager.update(Account, { id: goneId }, { active: true });
    }
  });

  test('malformed JSON, wrong shapes and unknown ids get precise errors, never a 500', async () => {
    const auth = await loginWechat(h(), 'o_family_01');
    const badJson = await h().http.post('/api/v1/bookings').set('authorization', auth).set('content-type', 'application/json').send('{"slotId": 1,');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error).toEqual({ code: 'BAD_JSON', message: '请求内容不是有效的 JSON' });

    const shape = await h().http.post('/api/v1/bookings').set('authorization', auth).send({ slotId: 'abc', quantity: 0, deliveryMode: 'drone' });
    expect(shape.status).toBe(400);
    expect(shape.body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(shape.body.error.details.fields).sort()).toEqual(['deliveryMode', 'quantity', 'slotId']);

    const unknownSlot = await h().http.post('/api/v1/bookings').set('authorization', auth).send({ seniorId: 1, slotId: 999999 });
    expect(unknownSlot.status).toBe(404);
    expect(unknownSlot.body.error).toEqual({ code: 'SLOT_NOT_FOUND', message: '没有找到这个时段' });
    expect((await h().http.get('/api/v1/bookings/999999').set('authorization', auth)).body.error.code).toBe('BOOKING_NOT_FOUND');
    expect((await h().http.get('/api/v1/centres/999999').set('authorization', auth)).body.error.code).toBe('CENTRE_NOT_FOUND');
    expect((await h().http.get('/api/v1/bookings/abc').set('authorization', auth)).status).toBe(400);
    expect((await h().http.get('/api/v1/nothing-here')).status).toBe(404);

    const huge = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', auth)
      .send({ note: 'x'.repeat(100_000), slotId: 1 });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    const missingKey = await h().http.post('/api/v1/bookings').set('authorization', auth).set('Idempotency-Key', 'short').send({ slotId: 1 });
    expect(missingKey.status).toBe(400);
  });

  test('an error response never carries a stack trace or SQL', async () => {
    const auth = await loginWechat(h(), 'o_family_01');
    const res = await h().http.get('/api/v1/slots?from=2026-13-45').set('authorization', auth);
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.from).toBe('expected a date, YYYY-MM-DD');
    expect(JSON.stringify(res.body)).not.toMatch(/SELECT|at .*\.ts|Error:/);
  });

  test('/healthz reports the database', async () => {
    const res = await h().http.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: { kind: h().kind, ok: true } });
  });
});
