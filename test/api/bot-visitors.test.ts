import { Account, Region, Visit } from '../../entities';
import { loginConsole, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

/**
 * 探访关爱 in the chat (issue 24): a senior asks "这周谁来看我" through /wechat and hears who is coming and when —
 * nobody yet, then the centre's staff member the plan gave the visit to, then her paired volunteer, and a visit whose
 * day has passed as "这几天"; her daughter asks for her and hears it about her mother. No offer is ever made.
 */
const DAY = 86_400_000;

describeEachDb('the chat bot says who is coming to see her', (h) => {
  async function say(openid: string, content: string): Promise<string> {
    const res = await h().sandbox.chat.send(openid, { kind: 'text', content }, false);
    expect(res.status).toBe(200);
    if (res.reply.type !== 'text') throw new Error(`not a text reply: ${JSON.stringify(res.reply)}`);
    expect(res.reply.content.split('\n').length).toBeLessThanOrEqual(3);
    expect(res.reply.content).not.toMatch(/回 1 确认|怎么吃？/);
    return res.reply.content;
  }

  beforeAll(() => h().clock.set(T0));

  test('nobody planned: she is told so, and how to ask for someone', async () => {
    expect(await say('o_senior_01', '这周谁来看我')).toBe('这两周还没有安排人来看您。\n想有人来，就说“找人”，站里来安排。');
  });

  test('the plan gives today’s visit to 赵敏 of her centre, then the next one to her paired volunteer; her daughter hears it for her; a day passed is 这几天', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const street = await loginConsole(h(), 'admin-mishixiang');
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const region = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    await h()
      .http.post('/api/v1/visit-rules')
      .set('authorization', street)
      .send({ regionId: region.id, category: 'living_alone', minAge: 80, intervalDays: 7 })
      .expect(201);
    await h().services.visitPlans.plan();
    expect(await say('o_senior_01', '这周谁来看我')).toBe('今天 12月1日，赵敏来看您。\n有事想先说，就说“找人”。');

    // 吴静 volunteers for the centre and is paired with her; 赵敏 makes today's visit; the next one is 吴静's.
    const wu = await h().db.manager.findOneByOrFail(Account, { miniOpenid: 'o_family_05' });
    const volunteer = await h().http.post('/api/v1/volunteers').set('authorization', staff).send({ accountId: wu.id, name: '吴静' }).expect(201);
    await h()
      .http.post(`/api/v1/volunteers/${volunteer.body.id}/pairings`)
      .set('authorization', staff)
      .send({ seniorId: zhang.id, consentBy: 'senior', consentNote: '本人当面同意' })
      .expect(200);
    const today = await h().db.manager.findOneByOrFail(Visit, { seniorId: zhang.id, status: 'due' });
    await h()
      .http.post(`/api/v1/visits/${today.id}/record`)
      .set('authorization', staff)
      .send({ proof: { code: today.presenceCode }, health: 'good', mood: 'good', homeSafety: 'safe', version: today.version })
      .expect(200);
    await h().services.visitPlans.plan();
    expect(await say('o_senior_01', '啥时候有人来看我')).toBe('12月8日 周二，志愿者吴静来看您。\n有事想先说，就说“找人”。');
    expect(await say('o_senior_01', '志愿者哪天来')).toContain('12月8日 周二，志愿者吴静');

    // Her daughter, on the public account, asks for her mother.
    expect(await say('o_mp_family_01', '我妈这周谁去看她')).toBe('12月8日 周二，志愿者吴静来看张桂英。\n有事想先说，就说“找人”。');

    // The day passes and nobody has come yet: still to come, these days.
    h().clock.set(new Date(Date.parse(T0) + 9 * DAY));
    expect(await say('o_senior_01', '这周有人来看我吗')).toBe('这几天，志愿者吴静来看您。\n有事想先说，就说“找人”。');
  });

  test('not the question: "没人来看我" is a feeling, answered kindly', async () => {
    expect(await say('o_senior_01', '好久都没人来看看我了')).toContain('一个人闷了吧');
  });
});
