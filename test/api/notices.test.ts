import { Account, FamilyLink, NoticeDelivery, Region, Senior } from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling } from '../../server/container';
import type { Services } from '../../server/container';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import { loginConsole, loginWechat, seen } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

/**
 * 政策通知 end to end on SQLite and MariaDB: an administrator composes a notice, previews its audience, schedules
 * it; the notice-broadcast job fans it out and pushes it through the sandbox; progress, retries, cancellation,
 * crash recovery and the mini-program inbox with read receipts.
 */
const MINUTE = 60_000;
const at = (ms: number) => new Date(Date.parse(T0) + ms);

describeEachDb('policy notices', (h) => {
  let runner: JobRunner<Services>;
  let admin: string;

  beforeAll(async () => {
    runner = buildScheduling(h().services, { instance: 'notices-test', jobs: JOBS }).runner;
    admin = await loginConsole(h(), 'admin');
  });
  beforeEach(() => {
    h().clock.set(T0);
    h().sandbox.wxapi.reset();
  });

  async function runJob(when: Date): Promise<number> {
    h().clock.set(when);
    const r = await runner.run(jobNamed('notice-broadcast')!, new Date(Math.floor(when.getTime() / MINUTE) * MINUTE));
    expect(r.error).toBeNull();
    return r.processed ?? 0;
  }
  /** A notice as the administrator follows it: its status and progress (pushes, inbox copies, reads). */
  const followed = (id: number) => seen(h(), admin, `/notices/${id}`);
  const regionId = async (name: string) => (await h().db.manager.findOneByOrFail(Region, { name })).id;
  const tpl = () => h().config.templates.policyNotice;
  /** The audience computed here in plain code from the tables, independent of the SQL the fan-out uses. */
  async function expectedRecipients(regionName: string, roles: string[], minAge?: number, categories?: string[]): Promise<Account[]> {
    const region = await h().db.manager.findOneByOrFail(Region, { name: regionName });
    const [accounts, seniors, links] = await Promise.all([h().db.manager.find(Account), h().db.manager.find(Senior), h().db.manager.find(FamilyLink)]);
    const centres: Array<{ id: number; regionPath: string }> = await h().db.manager.query('SELECT id, regionPath FROM centre');
    const bornBy = minAge === undefined ? null : `${2026 - minAge}-12-01`;
    const matches = (s: Senior | undefined) =>
      !!s &&
      s.active &&
      s.regionPath.startsWith(region.path) &&
      (bornBy === null || s.birthDate <= bornBy) &&
      (!categories?.length || s.categories.some((c) => categories.includes(c)));
    const byId = new Map(seniors.map((s) => [s.id, s]));
    return accounts.filter((a) => {
      if (!a.active) return false;
      if (roles.includes('senior') && a.roles.includes('senior') && a.seniorId !== null && matches(byId.get(a.seniorId))) return true;
      if (
        roles.includes('family') &&
        a.roles.includes('family') &&
        links.some((l) => l.familyAccountId === a.id && l.revokedAt === null && matches(byId.get(l.seniorId)))
      )
        return true;
      const centre = centres.find((c) => c.id === a.centreId);
      return roles.includes('staff') && a.roles.includes('staff') && !!centre && centre.regionPath.startsWith(region.path);
    });
  }

  test('preview counts the audience exactly; only an administrator over the region may address it', async () => {
    const audience = { regionId: await regionId('米市巷街道'), roles: ['senior', 'family'], minAge: 80 };
    const res = await h().http.post('/api/v1/notices/preview').set('authorization', admin).send({ audience }).expect(200);
    const expected = await expectedRecipients('米市巷街道', ['senior', 'family'], 80);
    expect(expected.length).toBeGreaterThan(3);
    expect(res.body.recipients).toBe(expected.length);
    expect(res.body.byWechat).toBe(expected.filter((a) => a.mpOpenid || a.miniOpenid).length);

    const hushuAdmin = await loginConsole(h(), 'admin-hushu');
    const denied = await h().http.post('/api/v1/notices/preview').set('authorization', hushuAdmin).send({ audience });
    expect(denied.status).toBe(403);
    const family = await loginWechat(h(), 'o_family_01');
    expect((await h().http.post('/api/v1/notices/preview').set('authorization', family).send({ audience })).status).toBe(403);
    const bad = await h()
      .http.post('/api/v1/notices')
      .set('authorization', admin)
      .send({ title: '', body: 'x', audience: { regionId: 1, roles: [] } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details.fields)).toEqual(expect.arrayContaining(['title', 'audience.roles']));
    const unknown = await h()
      .http.post('/api/v1/notices/preview')
      .set('authorization', admin)
      .send({ audience: { regionId: 99999, roles: ['senior'] } });
    expect(unknown.status).toBe(404);
    const past = await h()
      .http.post('/api/v1/notices')
      .set('authorization', admin)
      .send({ title: '通知', body: '内容', audience, scheduledAt: '2026-11-30T00:00:00Z' });
    expect(past.status).toBe(422);
    expect(past.body.error.code).toBe('NOTICE_TIME_PASSED');
    expect((await seen(h(), admin, '/notices')).items).toEqual([]);
  });

  test('a scheduled notice goes out at its time, to each recipient once; running again sends nothing more', async () => {
    const audience = { regionId: await regionId('拱墅区'), roles: ['senior', 'family', 'staff'] };
    const created = await h()
      .http.post('/api/v1/notices')
      .set('authorization', admin)
      .send({ title: '2027年高龄津贴申领通知', body: '请80岁以上老人于12月31日前到社区服务站登记。', audience, scheduledAt: at(60 * MINUTE).toISOString() })
      .expect(201);
    expect(created.body).toMatchObject({ status: 'scheduled', scheduledAt: at(60 * MINUTE).toISOString() });
    const id = created.body.id as number;

    await runJob(at(59 * MINUTE));
    expect(await followed(id)).toMatchObject({ status: 'scheduled', progress: { total: 0, inbox: 0 } });

    await runJob(at(60 * MINUTE));
    const expected = await expectedRecipients('拱墅区', ['senior', 'family', 'staff']);
    const reachable = expected.filter((a) => a.mpOpenid || a.miniOpenid);

    // The sandbox got one push per reachable person: a template where they follow the public account.
    const pushes = h()
      .sandbox.wxapi.allOutbox()
      .filter((m) => m.templateId === tpl().mp || m.templateId === tpl().mini);
    expect(pushes).toHaveLength(reachable.length);
    expect(new Set(pushes.map((p) => p.openid)).size).toBe(reachable.length);
    for (const a of reachable) {
      const mine = pushes.filter((p) => p.openid === (a.mpOpenid ?? a.miniOpenid));
      expect(mine).toHaveLength(1);
      expect(mine[0].templateId).toBe(a.mpOpenid ? tpl().mp : tpl().mini);
    }
    const sample = pushes.find((p) => p.templateId === tpl().mp)!;
    expect(sample.payload.client_msg_id).toMatch(new RegExp(`^notice-${id}-\\d+$`));
    expect((sample.payload.data as Record<string, { value: string }>).thing1.value).toBe('2027年高龄津贴申领通知');
    expect((sample.payload.data as Record<string, { value: string }>).thing3.value).toBe('拱墅区');

    // Everyone gets an inbox copy; everyone reachable a push, every one sent.
    const progress = { total: reachable.length, sent: reachable.length, failed: 0, pending: 0, inbox: expected.length, read: 0 };
    expect(await followed(id)).toMatchObject({ status: 'sent', progress });

    await runJob(at(61 * MINUTE));
    await runJob(at(60 * MINUTE));
    expect((await followed(id)).progress).toMatchObject(progress);
    expect(
      h()
        .sandbox.wxapi.allOutbox()
        .filter((m) => m.templateId === tpl().mp || m.templateId === tpl().mini),
    ).toHaveLength(reachable.length);
  });

  test('transient errors are retried after a backoff; a refusal (43101) is recorded and not retried', async () => {
    h().sandbox.wxapi.refuseSubscribe('o_staff_jiaxin');
    const audience = { regionId: await regionId('嘉新社区'), roles: ['senior', 'staff'] };
    const { body } = await h().http.post('/api/v1/notices').set('authorization', admin).send({ title: '停水通知', body: '明天上午停水', audience }).expect(201);
    h().sandbox.wxapi.failNextTemplateSends(2, -1);
    await runJob(at(0));
    let progress = (await h().http.get(`/api/v1/notices/${body.id}`).set('authorization', admin)).body.progress;
    expect(progress.failed).toBe(1);
    expect(progress.pending).toBe(2);
    const refused = await h().db.manager.findOneByOrFail(NoticeDelivery, { noticeId: body.id, status: 'failed' });
    expect(refused.errcode).toBe(43101);
    expect((await h().db.manager.findOneByOrFail(Account, { id: refused.accountId })).miniOpenid).toBe('o_staff_jiaxin');
    const waiting = await h().db.manager.findBy(NoticeDelivery, { noticeId: body.id, status: 'pending' });
    expect(waiting.every((d) => d.errcode === -1 && d.attempts === 1 && d.nextAttemptAt.getTime() === at(30_000).getTime())).toBe(true);

    await runJob(at(20_000)); // too early for the retry
    expect((await h().http.get(`/api/v1/notices/${body.id}`).set('authorization', admin)).body.progress.pending).toBe(2);
    await runJob(at(MINUTE));
    progress = (await h().http.get(`/api/v1/notices/${body.id}`).set('authorization', admin)).body;
    expect(progress.progress).toMatchObject({ pending: 0, failed: 1 });
    expect(progress.status).toBe('sent');
    expect(h().sandbox.wxapi.outboxFor('o_staff_jiaxin')).toHaveLength(0);
  });

  test('a cancelled notice sends nothing more; a sent one cannot be cancelled', async () => {
    const audience = { regionId: await regionId('湖墅街道'), roles: ['senior'] };
    const later = await h()
      .http.post('/api/v1/notices')
      .set('authorization', admin)
      .send({ title: '讲座', body: '防诈骗讲座', audience, scheduledAt: at(30 * MINUTE).toISOString() })
      .expect(201);
    const cancelled = await h().http.post(`/api/v1/notices/${later.body.id}/cancel`).set('authorization', admin).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    await runJob(at(31 * MINUTE));
    expect(await followed(later.body.id)).toMatchObject({ status: 'cancelled', progress: { total: 0, inbox: 0 } });
    expect((await h().http.post(`/api/v1/notices/${later.body.id}/cancel`).set('authorization', admin)).status).toBe(409);
    // Another street's administrator does not see it at all.
    const other = await loginConsole(h(), 'admin-mishixiang');
    expect((await h().http.get(`/api/v1/notices/${later.body.id}`).set('authorization', other)).status).toBe(404);
  });

  test('a sender that died mid-batch: its claims are taken again after the lease, and nobody gets a push twice', async () => {
    const audience = { regionId: await regionId('拱墅区'), roles: ['senior'] };
    const { body } = await h().http.post('/api/v1/notices').set('authorization', admin).send({ title: '体检通知', body: '免费体检', audience }).expect(201);
    await h().services.broadcasts.fanOutDue();
    // A sender claims a batch, delivers some of it to WeChat, and dies before recording anything.
    const claimed = await h().services.repos.notices.claim(body.id, at(0), at(2 * MINUTE), 1000);
    expect(claimed.length).toBeGreaterThan(4);
    for (const d of claimed.slice(0, 3))
      await h().services.messenger.sendTemplate(d.mpOpenid!, tpl().mp, { thing1: '体检通知' }, {}, `notice-${body.id}-${d.id}`);
    await runJob(at(MINUTE)); // still leased: nothing is sent
    expect(
      h()
        .sandbox.wxapi.allOutbox()
        .filter((m) => m.templateId === tpl().mp),
    ).toHaveLength(3);
    await runJob(at(2 * MINUTE + 1000));
    const pushes = h()
      .sandbox.wxapi.allOutbox()
      .filter((m) => m.templateId === tpl().mp);
    expect(pushes).toHaveLength(claimed.length);
    expect(new Set(pushes.map((p) => p.openid)).size).toBe(claimed.length);
    const rows = await h().db.manager.findBy(NoticeDelivery, { noticeId: body.id, channel: 'mp_template' });
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 2)).toBe(true);
  });

  test('the mini-program lists notices with unread marks; opening one is the read receipt', async () => {
    const audience = { regionId: await regionId('拱墅区'), roles: ['family'] };
    const { body } = await h()
      .http.post('/api/v1/notices')
      .set('authorization', admin)
      .send({ title: '家属须知', body: '冬季防滑提示', link: 'https://example.gov.cn/notice/1', audience })
      .expect(201);
    await runJob(at(0));
    const daughter = await loginWechat(h(), 'o_family_01');
    const inbox = await h().http.get('/api/v1/me/notices').set('authorization', daughter).expect(200);
    const item = inbox.body.items.find((n: { id: number }) => n.id === body.id);
    expect(item).toMatchObject({ title: '家属须知', read: false, link: 'https://example.gov.cn/notice/1' });
    // Hers are this one and the district-wide notice of an earlier test (the others were not for families).
    expect(inbox.body.items.map((n: { title: string; read: boolean }) => [n.title, n.read])).toEqual([
      ['家属须知', false],
      ['2027年高龄津贴申领通知', false],
    ]);
    expect(inbox.body.unread).toBe(2);
    const opened = await h().http.get(`/api/v1/me/notices/${body.id}`).set('authorization', daughter).expect(200);
    expect(opened.body).toMatchObject({ body: '冬季防滑提示', read: true });
    await h().http.get(`/api/v1/me/notices/${body.id}`).set('authorization', daughter).expect(200);
    expect((await h().http.get('/api/v1/me/notices').set('authorization', daughter)).body.items.find((n: { id: number }) => n.id === body.id).read).toBe(true);
    expect((await h().http.get(`/api/v1/notices/${body.id}`).set('authorization', admin)).body.progress.read).toBe(1);
    // Someone it was not addressed to cannot open it.
    const senior = await loginWechat(h(), 'o_mini_senior_01');
    expect((await h().http.get(`/api/v1/me/notices/${body.id}`).set('authorization', senior)).status).toBe(404);
  });
});
