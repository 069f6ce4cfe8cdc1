import { Account, AuditLog } from '../../entities';
import { loginConsole, loginWechat, seniorNamed } from '../helpers/actors';
import { CONSOLE_PASSWORD, describeEachDb } from '../helpers/harness';

// Issue 20: 150 wrong passwords and then the right one logged in; 200 wrong family-link codes sent at once had
// 10–20 checked against a limit of 5 (in chat 22 of 40). Every try is now counted before it is checked, in the
// database, per account and per address; a delay grows after a few failures and a lock follows.

const HOUR = 3600_000;

describeEachDb('guessing passwords and codes', (h) => {
  // Each test starts with every counter's window and lock long past.
  beforeEach(() => h().clock.advance(2 * HOUR));

  const login = (username: string, password: string) => h().http.post('/api/v1/auth/password-login').send({ username, password });
  const statuses = (rs: Array<{ status: number }>) => rs.map((r) => r.status);
  const count = (xs: number[], x: number) => xs.filter((s) => s === x).length;

  test('one username, one try at a time: three at once, then growing delays, then a 15-minute lock even for the right password', async () => {
    for (let i = 0; i < 4; i++) expect((await login('staff-dongyuan', `wrong-${i}`)).status).toBe(401);
    const wait = await login('staff-dongyuan', CONSOLE_PASSWORD);
    expect(wait.status).toBe(429);
    expect(wait.body.error).toEqual({ code: 'LOGIN_TOO_MANY_TRIES', message: '登录失败次数太多，请 1 秒后再试', details: { retryAfterSeconds: 1 } });
    expect(wait.headers['retry-after']).toBe('1');

    // Waiting as told each time: 1 second, then 2, 4, 8, 16, 32; the tenth failure locks. The username counts however written.
    h().clock.advance(1000);
    const waits: number[] = [];
    for (let failures = 5; failures <= 10; failures++) {
      expect((await login(failures % 2 ? 'STAFF-DONGYUAN' : 'staff-dongyuan', `wrong-${failures}`)).status).toBe(401);
      const next = await login('staff-dongyuan', `wrong-${failures}`);
      expect(next.status).toBe(429);
      waits.push(next.body.error.details.retryAfterSeconds);
      if (failures < 10) h().clock.advance(next.body.error.details.retryAfterSeconds * 1000);
    }
    expect(waits).toEqual([2, 4, 8, 16, 32, 15 * 60]);
    const locked = await login('staff-dongyuan', CONSOLE_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error.message).toBe('登录失败次数太多，请 15 分钟后再试');
  });

  test('the lock runs out; the right password then signs in and forgets the failures; locks and failures are in the audit log', async () => {
    const account = await h().db.manager.findOneByOrFail(Account, { username: 'staff-zuojia' });
    // Ten failures, waiting each time as told, lock the username for a quarter hour.
    for (let failures = 0; failures < 10;) {
      const res = await login('staff-zuojia', 'wrong');
      if (res.status === 401) failures++;
      else h().clock.advance(res.body.error.details.retryAfterSeconds * 1000);
    }
    expect((await login('staff-zuojia', CONSOLE_PASSWORD)).status).toBe(429);
    h().clock.advance(15 * 60_000);
    expect((await login('staff-zuojia', CONSOLE_PASSWORD)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login('staff-zuojia', 'wrong')).status).toBe(401);
    const audit = await h().db.manager.find(AuditLog, { where: { entityType: 'account', entityId: account.id }, order: { id: 'ASC' } });
    expect(audit.filter((a) => a.action === 'attempts.locked').map((a) => a.detail.policy)).toEqual(['login_account']);
    expect(audit.filter((a) => a.action === 'auth.login_failed')).toHaveLength(14);
    expect(audit.find((a) => a.action === 'auth.login_failed')).toMatchObject({
      actorAccountId: null,
      actorRole: 'anonymous',
      ip: expect.stringContaining('127.0.0.1'),
    });
  });

  test('150 wrong passwords at once: at most four are checked, and the right one right after is refused', async () => {
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => login('staff-maiyuqiao', `guess-${i}`)));
    const s = statuses(answers);
    expect(count(s, 401)).toBeGreaterThanOrEqual(1);
    expect(count(s, 401)).toBeLessThanOrEqual(4);
    expect(count(s, 429)).toBe(150 - count(s, 401));
    expect((await login('staff-maiyuqiao', CONSOLE_PASSWORD)).status).toBe(429);
  });

  test('one address trying many usernames at once is stopped too; a colleague on that line waits a second', async () => {
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => login(`nobody-${i}`, 'whatever')));
    const s = statuses(answers);
    expect(count(s, 401)).toBeLessThanOrEqual(21);
    expect(count(s, 429)).toBe(150 - count(s, 401));
    expect((await login('staff-hushu-canteen', CONSOLE_PASSWORD)).status).toBe(429);
    h().clock.advance(1000);
    expect((await login('staff-hushu-canteen', CONSOLE_PASSWORD)).status).toBe(200);
  });

  test('200 wrong family-link codes from one account at once: at most four checked; many new accounts on one line add up', async () => {
    const guesser = await loginWechat(h(), 'parallel-guesser');
    const one = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        h()
          .http.post('/api/v1/family-links')
          .set('authorization', guesser)
          .send({ code: String(200000 + i) }),
      ),
    );
    expect(count(statuses(one), 400)).toBeLessThanOrEqual(4);
    expect(count(statuses(one), 429)).toBe(200 - count(statuses(one), 400));

    h().clock.advance(2 * HOUR);
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => loginWechat(h(), `sockpuppet-${i}`)));
    const answers = await Promise.all(
      many.flatMap((auth, i) =>
        [0, 1, 2].map((j) =>
          h()
            .http.post('/api/v1/family-links')
            .set('authorization', auth)
            .send({ code: String(300000 + i * 3 + j) }),
        ),
      ),
    );
    // Per address: ten at once, the eleventh sets a delay; whatever the number of accounts.
    expect(count(statuses(answers), 400)).toBeLessThanOrEqual(11);
    expect(count(statuses(answers), 429)).toBe(answers.length - count(statuses(answers), 400));
    for (const r of answers.filter((x) => x.status === 429)) expect(r.body.error.code).toBe('LINK_CODE_TOO_MANY_TRIES');
  });

  test('40 wrong codes in chat at once from one WeChat user: at most five are checked', async () => {
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => h().sandbox.chat.send('o_chat_guesser', { kind: 'text', content: String(400000 + i * 7) }, false)),
    );
    const texts = replies.map((r) => (r.reply.type === 'text' ? r.reply.content : ''));
    const checked = texts.filter((t) => t.includes('不对'));
    expect(checked.length).toBeGreaterThanOrEqual(1);
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(texts.filter((t) => t.includes('试错太多次了'))).toHaveLength(40 - checked.length);
  });

  test('a new family-link code ends the older ones; a new binding code ends the older code and QR code', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const senior = await loginWechat(h(), 'o_mini_senior_01');
    const first = await h().http.post(`/api/v1/seniors/${zhang.id}/link-codes`).set('authorization', senior).expect(201);
    const second = await h().http.post(`/api/v1/seniors/${zhang.id}/link-codes`).set('authorization', senior).expect(201);
    const nephew = await loginWechat(h(), 'nephew-of-zhang');
    const old = await h().http.post('/api/v1/family-links').set('authorization', nephew).send({ code: first.body.code });
    expect(old.body.error.code).toBe('LINK_CODE_INVALID');
    expect((await h().http.post('/api/v1/family-links').set('authorization', nephew).send({ code: second.body.code })).status).toBe(201);

    const staff = await loginConsole(h(), 'staff-jiaxin');
    const li = await seniorNamed(h(), '李建国');
    const a = await h().http.post(`/api/v1/seniors/${li.id}/wechat-binding`).set('authorization', staff).expect(201);
    const b = await h().http.post(`/api/v1/seniors/${li.id}/wechat-binding`).set('authorization', staff).expect(201);
    const say = async (openid: string, content: string) => {
      const r = await h().sandbox.chat.send(openid, { kind: 'text', content }, false);
      return r.reply.type === 'text' ? r.reply.content : '';
    };
    expect(await say('o_li_old_phone', a.body.code)).toContain('不对');
    const scanned = await h().sandbox.chat.send('o_li_old_phone', { kind: 'subscribe', scene: a.body.scene }, false);
    expect(scanned.reply.type === 'text' && scanned.reply.content).not.toContain('绑定好了');
    expect(await say('o_li_new_phone', b.body.code)).toContain('李建国');
  });
});
