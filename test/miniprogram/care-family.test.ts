/** @jest-environment ./test/miniprogram/jsdom-with-node.js */
import { Account, Region, TimeBankEntry, Visit, VisitPhoto } from '../../entities';
import { loginConsole, loginWechat, seniorNamed } from '../helpers/actors';
import { TINY_PNG } from '../helpers/images';
import { useMiniProgramServer } from './setup';

// 探访关爱 in the mini-program, continued (issue 24), against the real server: the centre's worker adds a photo to
// the visit form; the daughter opens her mother's visits from her home (only the next visit until her mother shares
// her visits, then the worry and what was done, and the photo); a volunteer's own page shows their seniors, the visit due and their hours, and the
// hour a recorded visit adds.

const { h, as } = useMiniProgramServer();

describe("a family's and a volunteer's pages of visits", () => {
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
    const wu = await h().db.manager.findOneByOrFail(Account, { miniOpenid: 'o_family_05' });
    const volunteer = await h().http.post('/api/v1/volunteers').set('authorization', staff).send({ accountId: wu.id, name: '吴静' }).expect(201);
    await h()
      .http.post(`/api/v1/volunteers/${volunteer.body.id}/pairings`)
      .set('authorization', staff)
      .send({ seniorId: liId, consentBy: 'family', consentNote: '儿子电话同意' })
      .expect(200);
    await h().services.visitPlans.plan();
  });

  test('the worker takes a photo on the form; it goes up with the visit', async () => {
    const visit = await h().db.manager.findOneByOrFail(Visit, { seniorId: zhangId, status: 'due' });
    const mp = as('o_staff_jiaxin');
    const form = await mp.launch(`/pages/staff/visit-record?id=${visit.id}`);
    expect(form.text('#add-photo')).toBe('拍照片（可以不拍）');
    mp.nextPhotos(null); // changed their mind
    await form.tap('#add-photo');
    expect(form.has('#photos-text')).toBe(false);
    mp.nextPhotos([{ name: 'kitchen.png', bytes: TINY_PNG }]);
    await form.tap('#add-photo');
    expect(form.text('#photos-text')).toBe('已选 1 张照片，登记时一起传上去');
    expect(form.text('#add-photo')).toBe('再拍一张');

    await form.input('#code', visit.presenceCode);
    await form.tapText('.health', '一般');
    await form.tapText('.mood', '好');
    await form.tapText('.safety', '有隐患');
    await form.input('#note', '燃气灶旧了');
    await form.tap('#concern');
    await form.input('#concern-note', '燃气灶打不着火');
    await form.tap('#submit');
    expect(mp.lastToast).toBe('已登记');
    const photos = await h().db.manager.findBy(VisitPhoto, { visitId: visit.id });
    expect(photos.map((p) => [p.contentType, p.bytes])).toEqual([['image/png', TINY_PNG.length]]);
  });

  test("the daughter opens her mother's visits from home: until her mother shares them, only the next visit; then the worry, what the centre did, the photo", async () => {
    const visit = await h().db.manager.findOneByOrFail(Visit, { seniorId: zhangId, status: 'done' });
    const staff = await loginConsole(h(), 'staff-jiaxin');
    await h()
      .http.post(`/api/v1/visits/${visit.id}/resolve-concern`)
      .set('authorization', staff)
      .send({ resolution: '已请师傅上门修好', version: visit.version })
      .expect(200);
    await h().services.visitPlans.plan(); // her next visit, a week after this one

    // She has not chosen to share her visits with the family: her daughter reads only when the next visit is, and why.
    const mp = as('o_family_01');
    const home = await mp.launch('/pages/index/index');
    await home.tapText('.care-of', '张桂英的探访');
    let page = mp.page;
    expect(page.path).toBe('pages/care/visits');
    expect(page.text('#title')).toBe('张桂英的探访');
    expect(page.text('#next')).toBe('下次探访：12月8日 周二，赵敏（嘉新社区居家养老服务照料中心）来');
    expect(page.text('#not-shared')).toBe(
      '张桂英还没有选择把探访情况告诉家人，所以这里只显示下次探访的安排。探访时看到的情况和需要关注的事，要张桂英本人同意后家人才能看到。',
    );
    expect(page.has('.care-visit')).toBe(false);
    expect(page.has('.see-photos')).toBe(false);
    expect(page.has('#state .empty')).toBe(false);
    expect(page.text('#state')).toBe('');

    const zhang = await seniorNamed(h(), '张桂英');
    await h()
      .http.put(`/api/v1/seniors/${zhangId}/care-sharing`)
      .set('authorization', await loginWechat(h(), 'o_mini_senior_01'))
      .send({ share: true, version: zhang.version })
      .expect(200);

    // Now she shares: the visit, what the visitor saw, the worry and what was done, and the photo.
    await mp.launch(`/pages/care/visits?seniorId=${zhangId}&name=${encodeURIComponent('张桂英')}`);
    page = mp.page;
    expect(page.has('#not-shared')).toBe(false);
    const card = page.texts('.care-visit')[0]!;
    expect(card).toContain('今天 12月1日 周二 赵敏（嘉新社区居家养老服务照料中心）来过');
    expect(card).toContain('身体一般，精神好，居家有隐患');
    expect(card).toContain('燃气灶旧了');
    expect(card).toContain('需要关注：燃气灶打不着火（已处理：已请师傅上门修好）');
    await page.tapText('.see-photos', '看照片（1 张）');
    expect(mp.previews).toHaveLength(1);
    expect(mp.files.get(mp.previews[0]![0]!)?.equals(TINY_PNG)).toBe(true);
  });

  test("a volunteer's page: the senior paired with them, the visit due, their hours; a recorded visit adds one", async () => {
    const li = await seniorNamed(h(), '李建国');
    const mp = as('o_family_05');
    const home = await mp.launch('/pages/index/index');
    expect(home.text('#visits')).toBe('探访老人');
    await home.tap('#volunteer');
    const page = mp.page;
    expect(page.path).toBe('pages/care/volunteer');
    expect(page.text('#name')).toBe('吴静');
    expect(page.text('#balance')).toBe('时间银行：0 小时');
    expect(page.texts('.paired')).toEqual(['李建国']);
    expect(page.texts('.open-visit')[0]).toContain('李建国');
    expect(page.texts('.open-visit')[0]).toContain('今天 12月1日 周二到期');

    await page.tapText('.open-visit .record', '登记探访');
    const form = mp.page;
    expect(form.text('#senior')).toBe('李建国');
    mp.location = { latitude: li.latitude! + 0.0003, longitude: li.longitude! };
    await form.tap('#locate');
    await form.tapText('.health', '好');
    await form.tapText('.mood', '好');
    await form.tapText('.safety', '安全');
    await form.tap('#submit');
    expect(mp.lastToast).toBe('已登记，时间银行记 1 小时');

    // Back on their page: the hour is there, and the visit is no longer due.
    expect(mp.page.path).toBe('pages/care/volunteer');
    expect(mp.page.text('#balance')).toBe('时间银行：1 小时');
    expect(mp.page.texts('.entry')[0]).toContain('+1 小时');
    expect(mp.page.has('.open-visit')).toBe(false);
    expect(mp.page.text('#no-visits')).toBe('现在没有要去的探访');
    expect(await h().db.manager.countBy(TimeBankEntry, { holderKind: 'volunteer', kind: 'credit' })).toBe(1);
  });
});
