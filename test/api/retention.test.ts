import { AuditLog, FamilyLinkCode, Session, WechatInbound } from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling, type Services } from '../../server/container';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import { loginConsole, loginWechat, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// Issue 20: personal data is kept only as long as it is needed (个人信息保护法). The nightly personal-data-purge job
// deletes the conversation log after MULIN_RETAIN_CHAT_DAYS (180), ended sessions and spent codes 30 days after they
// end, stale guessing counters, and the audit log after MULIN_RETAIN_AUDIT_DAYS (1095); what is younger stays.

const DAY = 24 * 3600_000;

describeEachDb('personal data retention', (h) => {
  let runner: JobRunner<Services>;
  beforeAll(() => {
    runner = buildScheduling(h().services, { instance: 'test-instance', jobs: JOBS }).runner;
  });

  async function purgeNow(): Promise<number> {
    const r = await runner.run(jobNamed('personal-data-purge')!, h().clock.now());
    expect(r.error).toBeNull();
    return r.processed ?? 0;
  }
  const conversation = async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const res = await h().http.get(`/api/v1/seniors/${zhang.id}/conversation?limit=200`).set('authorization', staff).expect(200);
    return res.body.items.map((i: { said: string }) => i.said) as string[];
  };

  test('the conversation log after 180 days; sessions and codes 30 days after they end; what is younger stays; a rerun deletes nothing more', async () => {
    h().clock.set(T0);
    const say = (content: string) => h().sandbox.chat.send('o_senior_01', { kind: 'text', content }, false);
    await say('今天中午吃什么');
    const zhang = await seniorNamed(h(), '张桂英');
    await h()
      .http.post(`/api/v1/seniors/${zhang.id}/link-codes`)
      .set('authorization', await loginWechat(h(), 'o_mini_senior_01'))
      .expect(201);
    await loginWechat(h(), 'o_family_03'); // a 30-day session, started at T0
    await h().http.post('/api/v1/auth/password-login').send({ username: 'staff-jiaxin', password: 'wrong' }).expect(401);
    const oldSessions = await h().db.manager.countBy(Session, {});

    h().clock.set(new Date(Date.parse(T0) + 100 * DAY));
    await say('明天的菜单');
    expect(await purgeNow()).toBeGreaterThan(0); // the T0 sessions (ended at T0 + 30 days) and the day-old code
    expect(await h().db.manager.countBy(FamilyLinkCode, { seniorId: zhang.id })).toBe(0);
    expect(await h().db.manager.countBy(Session, {})).toBeLessThan(oldSessions);
    expect(await conversation()).toEqual(expect.arrayContaining(['今天中午吃什么', '明天的菜单']));

    h().clock.set(new Date(Date.parse(T0) + 181 * DAY));
    await purgeNow();
    const kept = await conversation();
    expect(kept).toContain('明天的菜单');
    expect(kept).not.toContain('今天中午吃什么');
    expect(await h().db.manager.countBy(WechatInbound, { said: '今天中午吃什么' })).toBe(0);
    expect(await purgeNow()).toBe(0);
  });

  test('the audit log after three years, not before', async () => {
    const before = await h().db.manager.count(AuditLog);
    expect(before).toBeGreaterThan(0); // the failed sign-in above, at T0
    h().clock.set(new Date(Date.parse(T0) + 1094 * DAY));
    await purgeNow();
    expect(await h().db.manager.count(AuditLog)).toBe(before);
    h().clock.set(new Date(Date.parse(T0) + 1096 * DAY));
    await purgeNow();
    expect(await h().db.manager.count(AuditLog, { where: {} })).toBeLessThan(before);
  });
});
