import { Booking, EmergencyAlert, EmergencyCheck } from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling, buildServices, type Services } from '../../server/container';
import type { JobRunner } from '../../server/services/scheduler/job-runner';
import { JIAXIN, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

/**
 * The bot's care for the person behind the message, end to end through /wechat: emergencies that are named but
 * not meant, unsure ones asked about (answered yes, answered no, or not answered — then the emergency-checks job
 * tells the centre anyway, on whichever instance runs it), loneliness, and messages that must not get an offer.
 */
const MINUTE = 60_000;
const at = (ms: number) => new Date(Date.parse(T0) + ms);

describeEachDb('the chat bot cares', (h) => {
  let runner: JobRunner<Services>;
  /** A second instance on the same database and clock, as another server behind the load balancer. */
  let other: JobRunner<Services>;

  beforeAll(() => {
    runner = buildScheduling(h().services, { instance: 'instance-a', jobs: JOBS }).runner;
    other = buildScheduling(buildServices(h().services.deps), { instance: 'instance-b', jobs: JOBS }).runner;
  });
  beforeEach(() => h().clock.set(T0));

  async function say(openid: string, content: string): Promise<string> {
    const res = await h().sandbox.chat.send(openid, { kind: 'text', content }, false);
    expect(res.status).toBe(200);
    if (res.reply.type !== 'text') throw new Error(`not a text reply: ${JSON.stringify(res.reply)}`);
    expect(res.reply.content.split('\n').length).toBeLessThanOrEqual(3);
    return res.reply.content;
  }
  async function runChecks(r: JobRunner<Services>, when: Date): Promise<number> {
    h().clock.set(when);
    const tick = new Date(Math.floor(when.getTime() / MINUTE) * MINUTE);
    const result = await r.run(jobNamed('emergency-checks')!, tick);
    expect(result.error).toBeNull();
    return result.processed ?? -1;
  }
  const alertsOf = async (name: string) => h().db.manager.countBy(EmergencyAlert, { seniorId: (await seniorNamed(h(), name)).id });
  const textsTo = (openid: string) =>
    h()
      .sandbox.wxapi.outboxFor(openid)
      .filter((m) => m.kind === 'custom')
      .map((m) => (m.payload.text as { content: string }).content);
  const staffNotes = (openid: string) =>
    h()
      .sandbox.wxapi.outboxFor(openid)
      .filter((m) => m.templateId === h().config.templates.staffMessage.mini || m.templateId === h().config.templates.staffMessage.mp)
      .map((m) => JSON.stringify(m.payload));

  test('a danger named and denied answers the real question and raises nothing', async () => {
    const before = await alertsOf('陈阿毛');
    const reply = await say('o_senior_04', '我好着呢没跌跤，问下后天啥菜');
    expect(reply).toContain('后天午饭');
    expect(reply).not.toContain('救命');
    expect(await say('o_senior_04', '上次摔倒以后腿脚不好，想请人陪我去医院')).toMatch(/陪看病，这几个时间有空|最近两周没有空的陪看病时间/);
    expect(await alertsOf('陈阿毛')).toBe(before);
    expect(await h().db.manager.countBy(EmergencyCheck, { seniorId: (await seniorNamed(h(), '陈阿毛')).id })).toBe(0);
  });

  test('a clear emergency with words in between never waits for an answer', async () => {
    const before = await alertsOf('陈阿毛');
    const reply = await say('o_senior_04', '心口有点疼');
    const [told, call, meanwhile] = reply.split('\n');
    expect(told).toBe('已经告诉卖鱼桥站，马上有人来。');
    expect(call).toMatch(/^很急就打 120。卖鱼桥站电话 [\d-]+$/);
    expect(meanwhile).toBe('先坐下或躺下，别走动，等人来。');
    expect(await alertsOf('陈阿毛')).toBe(before + 1);
  });

  test('unsure: asked in one line with help one word away; "1" raises it now', async () => {
    const before = await alertsOf('陈阿毛');
    expect(await say('o_senior_04', '头有点晕')).toBe('是不是出事了？回 1 马上叫家人和卖鱼桥站。\n没事就回 2。很急就打 120。');
    expect(await alertsOf('陈阿毛')).toBe(before);
    expect(await say('o_senior_04', '1')).toContain('已经告诉卖鱼桥站，马上有人来');
    expect(await alertsOf('陈阿毛')).toBe(before + 1);
    // Answered: the job has nothing left to do for it.
    expect(await runChecks(runner, at(5 * MINUTE))).toBe(0);
    expect(await alertsOf('陈阿毛')).toBe(before + 1);
  });

  test('unsure: "没事" settles it, and the job leaves it alone', async () => {
    const before = await alertsOf('陈阿毛');
    await say('o_senior_04', '有点心慌');
    expect(await say('o_senior_04', '没事')).toBe('好的，没事就好。\n有事随时说“救命”。');
    expect(await runChecks(runner, at(5 * MINUTE))).toBe(0);
    expect(await alertsOf('陈阿毛')).toBe(before);
  });

  test('unsure and then silent: after three minutes the centre and the family are told anyway, once, by whichever instance runs the job', async () => {
    const zhou = await seniorNamed(h(), '周玉兰');
    const before = await alertsOf('周玉兰');
    const tpl = h().config.templates.emergency;
    const sonBefore = h()
      .sandbox.wxapi.outboxFor('o_family_04')
      .filter((m) => m.templateId === tpl.mini).length;
    expect(await say('o_senior_05', '我有点不舒服')).toContain('是不是出事了？回 1');

    expect(await runChecks(other, at(2 * MINUTE + 59_000))).toBe(0); // not yet due
    expect(await alertsOf('周玉兰')).toBe(before);
    expect(await runChecks(other, at(3 * MINUTE))).toBe(1);
    expect(await runChecks(runner, at(3 * MINUTE + 10_000))).toBe(0); // the same tick on the first instance
    expect(await runChecks(runner, at(4 * MINUTE))).toBe(0); // and the next one
    const alerts = await h().db.manager.find(EmergencyAlert, { where: { seniorId: zhou.id }, order: { id: 'DESC' } });
    expect(alerts).toHaveLength(before + 1);
    expect(alerts[0]).toMatchObject({ status: 'open', channel: 'mp_chat', message: '我有点不舒服' });
    expect(
      h()
        .sandbox.wxapi.outboxFor('o_family_04')
        .filter((m) => m.templateId === tpl.mini),
    ).toHaveLength(sonBefore + 1);
    // She is told, in plain words, who was told.
    const told = textsTo('o_senior_05').at(-1)!;
    expect(told).toMatch(/^您没回话，我已经告诉.*儿子.*信义坊睦邻点，/);
    expect(told).toContain('很急就打 120');
    const check = await h().db.manager.findOneByOrFail(EmergencyCheck, { seniorId: zhou.id });
    expect(check).toMatchObject({ status: 'raised_unanswered', alertId: alerts[0].id });

    // Her late "没事" is not taken for a new request: the centre already knows.
    expect(await say('o_senior_05', '没事')).toBe('信义坊睦邻点已经知道了，会给您打电话。\n有事随时说“救命”。');
  });

  test('loneliness gets a kind answer, never an offer; for a senior who lives alone, a quiet note to her centre', async () => {
    const notesBefore = staffNotes('o_staff_jiaxin').length;
    const reply = await say('o_senior_01', '就我一个人，没人说话');
    expect(reply).toBe('一个人闷了吧，您跟我说说话也行。\n想让嘉新站给您打个电话，就回 1。');
    const notes = staffNotes('o_staff_jiaxin').slice(notesBefore);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('张桂英（独居）说很孤单');
    // Said again the same day: no second note.
    await say('o_senior_01', '想老伴了');
    expect(staffNotes('o_staff_jiaxin').slice(notesBefore)).toHaveLength(1);
    expect(await say('o_senior_01', '1')).toBe('好，已经请嘉新站给您打电话。\n等一会儿就来电话，先喝口热水。');
    expect(staffNotes('o_staff_jiaxin').slice(notesBefore).at(-1)).toContain('张桂英想有人打个电话');
    // 李建国 does not live alone: a kind answer, nothing sent.
    const now = staffNotes('o_staff_jiaxin').length;
    expect(await say('o_senior_02', '孩子们都不来看我')).toContain('回 1');
    expect(staffNotes('o_staff_jiaxin')).toHaveLength(now);
  });

  test('no, questions, talk and statements get no offer; a price question gets the price', async () => {
    const offers = /回 1 确认|怎么吃？/;
    for (const said of ['别给我订了', '这周不洗了', '礼拜天的不要', '订了没有', '外头下小雨了', '中饭刚吃完', '饭先停几天', '谢谢你']) {
      expect([said, await say('o_senior_06', said)]).toEqual([said, expect.not.stringMatching(offers)]);
    }
    const price = await say('o_senior_06', '午饭几块钱');
    expect(price).toMatch(/午饭 15 元，补贴 \d+ 元，您付 \d+ 元。\n想订就说“订午饭”。/);
    expect(price).not.toMatch(offers);
  });

  test("tomorrow's usual meal (the mini-program's one-tap card): what she had last time, for her and her family only", async () => {
    const li = await seniorNamed(h(), '李建国');
    const son = await loginWechat(h(), 'o_family_02');
    const usual = () => h().http.get(`/api/v1/seniors/${li.id}/usual-meal`).set('authorization', son);
    expect((await usual().expect(200)).body).toEqual({ usual: null }); // no last time
    const today = await slotOf(h(), JIAXIN, 'lunch', T0.slice(0, 10));
    await h().http.post('/api/v1/bookings').set('authorization', son).send({ seniorId: li.id, slotId: today.id, deliveryMode: 'pick_up' }).expect(201);
    const { body } = await usual().expect(200);
    expect(body.usual).toMatchObject({ seniorId: li.id, date: '2026-12-02', start: '11:00', kind: 'lunch', deliveryMode: 'pick_up', priceFen: 1500 });
    expect(body.usual.subsidyFen + body.usual.copayFen).toBe(1500);
    const stranger = await loginWechat(h(), 'o_family_01');
    expect((await h().http.get(`/api/v1/seniors/${li.id}/usual-meal`).set('authorization', stranger)).status).toBe(403);
  });

  test('a head-count is a number of portions', async () => {
    const offer = await say('o_senior_02', '我们俩明天中午订饭，送到家');
    expect(offer).toContain('11:00 午饭 2 份，送到家');
    expect(offer).toContain('30 元');
    expect(await say('o_senior_02', '不订了')).toContain('不订');
    const li = await seniorNamed(h(), '李建国');
    expect(await h().db.manager.countBy(Booking, { seniorId: li.id, quantity: 2 })).toBe(0);
  });
});
