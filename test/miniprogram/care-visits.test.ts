/** @jest-environment ./test/miniprogram/jsdom-with-node.js */
import { Account, Region, TimeBankEntry, Visit } from '../../entities';
import { loginConsole, loginWechat, seniorNamed } from '../helpers/actors';
import { useMiniProgramServer } from './setup';

// 探访关爱 in the mini-program (issue 24), against the real server: the senior's page shows the code a visitor types;
// the centre's worker finds her visit in 我的探访 and records it with the short form (wrong code refused, a worry
// switched on reaches the centre's list); a paired volunteer records theirs by the phone's location and sees the
// hour the time bank counted; a family member who is no volunteer has no visits button.

const { h, as } = useMiniProgramServer();

describe('visits in the mini-program', () => {
  let zhangId: number;
  let liId: number;

  beforeAll(async () => {
    const street = await loginConsole(h(), 'admin-mishixiang');
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const region = await h().db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    for (const [category, intervalDays] of [
      ['living_alone', 7],
      ['minimum_living', 14],
    ] as const)
      await h().http.post('/api/v1/visit-rules').set('authorization', street).send({ regionId: region.id, category, intervalDays }).expect(201);
    zhangId = (await seniorNamed(h(), '张桂英')).id;
    liId = (await seniorNamed(h(), '李建国')).id;
    // 吴静 volunteers for 嘉新 and is paired with 李建国 before the plan runs: his visit is hers.
    const wu = await h().db.manager.findOneByOrFail(Account, { miniOpenid: 'o_family_05' });
    const volunteer = await h().http.post('/api/v1/volunteers').set('authorization', staff).send({ accountId: wu.id, name: '吴静' }).expect(201);
    await h()
      .http.post(`/api/v1/volunteers/${volunteer.body.id}/pairings`)
      .set('authorization', staff)
      .send({ seniorId: liId, consentBy: 'family', consentNote: '儿子电话同意' })
      .expect(200);
    await h().services.visitPlans.plan();
  });

  test("the senior's home opens her visit code: the six digits the visitor types, and the day", async () => {
    const visit = await h().db.manager.findOneByOrFail(Visit, { seniorId: zhangId, status: 'due' });
    const mp = as('o_mini_senior_01');
    const home = await mp.launch('/pages/index/index');
    await home.tap('#visit-code');
    const page = mp.page;
    expect(page.path).toBe('pages/care/code');
    expect(page.text('#visit-code')).toBe(visit.presenceCode);
    expect(page.text('#due')).toBe('这次探访：今天 12月1日 周二');
    expect(page.text()).toContain('有人上门探访时，请把这 6 个数字给他看');
  });

  test('on her own code page the senior says whether her family may read how the visits went; her daughter sees no switch', async () => {
    const daughter = await loginWechat(h(), 'o_family_01');
    const shared = async () =>
      (await h().http.get(`/api/v1/seniors/${zhangId}/care`).set('authorization', daughter).expect(200)).body as {
        sharedWithFamily: boolean;
        recordsHidden: boolean;
      };
    expect(await shared()).toMatchObject({ sharedWithFamily: false, recordsHidden: true });
    const page = await as('o_mini_senior_01').launch(`/pages/care/code?seniorId=${zhangId}`);
    expect(page.text('#share')).toBe('不告诉家人（点一下就告诉）');
    await page.tap('#share');
    expect(page.text('#share')).toBe('告诉家人（点一下就不告诉）');
    expect(await shared()).toMatchObject({ sharedWithFamily: true, recordsHidden: false });
    await page.tap('#share');
    expect(page.text('#share')).toBe('不告诉家人（点一下就告诉）');
    expect(await shared()).toMatchObject({ sharedWithFamily: false });
    // The family see her code (to show a visitor) but do not decide for her.
    const theirs = await as('o_family_01').launch(`/pages/care/code?seniorId=${zhangId}`);
    expect(theirs.has('#share')).toBe(false);
  });

  test('the worker records her visit: no proof, a wrong code, then her code with the form and a worry', async () => {
    const visit = await h().db.manager.findOneByOrFail(Visit, { seniorId: zhangId, status: 'due' });
    const mp = as('o_staff_jiaxin');
    const home = await mp.launch('/pages/index/index');
    await home.tap('#visits');
    const list = mp.page;
    expect(list.path).toBe('pages/staff/visits');
    expect(list.texts('.visit').find((t) => t.includes('张桂英'))).toContain('今天 12月1日 周二到期');
    expect(list.texts('.visit').some((t) => t.includes('李建国'))).toBe(false); // 吴静's, not the worker's
    await list.tapText('.visit .record', '登记探访');
    const form = mp.page;
    expect(form.path).toBe('pages/staff/visit-record');
    expect(form.text('#senior')).toBe('张桂英');

    await form.tap('#submit');
    expect(form.text('#error')).toBe('请填老人出示的 6 位探访码，或用手机定位');
    await form.input('#code', visit.presenceCode === '111111' ? '222222' : '111111');
    await form.tap('#submit');
    expect(form.text('#error')).toBe('请选好身体、精神和居家安全');
    await form.tapText('.health', '一般');
    await form.tapText('.mood', '低落');
    await form.tapText('.safety', '有隐患');
    await form.tap('#submit');
    expect(form.text('#error')).toBe('探访码不对，请让老人再看一下');
    expect((await h().db.manager.findOneByOrFail(Visit, { id: visit.id })).status).toBe('due');

    await form.input('#code', visit.presenceCode!);
    await form.input('#needs', '想装个扶手');
    await form.tap('#concern');
    expect(form.text('#concern')).toBe('是，需要关注');
    await form.input('#concern-note', '卫生间地滑');
    await form.tap('#submit');
    expect(mp.lastToast).toBe('已登记');
    expect(mp.page.path).toBe('pages/staff/visits');
    expect(mp.page.texts('.visit').some((t) => t.includes('张桂英'))).toBe(false);

    const done = await h().db.manager.findOneByOrFail(Visit, { id: visit.id });
    expect(done).toMatchObject({ status: 'done', proof: 'code', health: 'fair', mood: 'low', homeSafety: 'attention', needs: '想装个扶手' });
    expect(done).toMatchObject({ concernStatus: 'open', concernNote: '卫生间地滑' });
  });

  test("a paired volunteer records hers by the phone's location and is told the hour the time bank counted", async () => {
    const li = await seniorNamed(h(), '李建国');
    const visit = await h().db.manager.findOneByOrFail(Visit, { seniorId: liId, status: 'due' });
    const mp = as('o_family_05');
    const home = await mp.launch('/pages/index/index');
    await home.tap('#visits');
    await mp.page.tapText('.visit .record', '登记探访');
    const form = mp.page;
    expect(form.text('#senior')).toBe('李建国');

    // Location refused: told what to do instead.
    await form.tap('#locate');
    expect(form.text('#error')).toBe('没能定位，请打开定位，或填探访码');
    mp.location = { latitude: li.latitude! + 0.0003, longitude: li.longitude! };
    await form.tap('#locate');
    expect(form.text('#locate')).toBe('已定位');
    await form.tapText('.health', '好');
    await form.tapText('.mood', '好');
    await form.tapText('.safety', '安全');
    await form.tap('#submit');
    expect(mp.lastToast).toBe('已登记，时间银行记 1 小时');

    const done = await h().db.manager.findOneByOrFail(Visit, { id: visit.id });
    expect(done).toMatchObject({ status: 'done', proof: 'location', concernStatus: 'none' });
    expect(done.distanceM).toBeLessThan(300);
    expect(await h().db.manager.findOneByOrFail(TimeBankEntry, { visitId: visit.id })).toMatchObject({ kind: 'credit', minutes: 60 });
  });

  test('a family member who is no volunteer has no visits button; a senior with no visit planned is told so', async () => {
    const family = await as('o_family_01').launch('/pages/index/index');
    expect(family.has('#visits')).toBe(false);
    expect(family.has('#link')).toBe(true);
    // 张桂英's visit is done and the next one is not planned yet.
    const mp = as('o_mini_senior_01');
    const page = await mp.launch(`/pages/care/code?seniorId=${zhangId}`);
    expect(page.has('#visit-code')).toBe(false);
    expect(page.text()).toContain('最近没有安排探访');
  });
});
