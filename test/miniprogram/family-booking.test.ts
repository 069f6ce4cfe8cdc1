/** @jest-environment ./test/miniprogram/jsdom-with-node.js */
import { IsNull, Not } from 'typeorm';
import { FamilyLink, Senior, SubscribeCredit } from '../../entities';
import { centreNamed, JIAXIN, loginConsole, seen } from '../helpers/actors';
import { useMiniProgramServer } from './setup';

// The family's story end to end through the real pages, against the real server: link a parent with the 6-digit
// code, book a week of lunches with the quote shown, pay each co-payment through the WeChat Pay sandbox, allow
// reminders, then find the bookings, cancel one before the cut-off and see the refund.

const { h, as } = useMiniProgramServer();

async function unlinkedSeniorOf(centreName: string): Promise<Senior> {
  const centre = await centreNamed(h(), centreName);
  const linked = new Set((await h().db.manager.find(FamilyLink)).map((l) => l.seniorId));
  const seniors = await h().db.manager.find(Senior, { where: { homeCentreId: centre.id, latitude: Not(IsNull()) }, order: { id: 'ASC' } });
  return seniors.find((s) => !linked.has(s.id))!;
}

describe('a son links his father and books him a week of lunches', () => {
  let father: Senior;
  const openid = 'o_mp_test_son';

  test('links with the 6-digit code the centre gave the father', async () => {
    father = await unlinkedSeniorOf(JIAXIN);
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const { code } = (await h().http.post(`/api/v1/seniors/${father.id}/link-codes`).set('authorization', staff).send({}).expect(201)).body;

    const mp = as(openid);
    const home = await mp.launch('/pages/index/index');
    expect(home.text('#no-seniors')).toContain('还没有绑定老人');

    await home.tap('#link');
    const link = mp.page;
    expect(link.path).toBe('pages/family/link');
    await link.input('#code', '12345');
    await link.tap('#submit');
    expect(link.text('#error')).toBe('绑定码是 6 位数字'); // checked before asking the server

    await link.input('#code', '000000');
    await link.tap('#submit');
    expect(link.text('#error')).toBe('绑定码不对或已过期，请让老人重新获取'); // the server's Chinese message, never a code

    await link.input('#code', code);
    await link.tapText('.relation', '儿子');
    await link.tap('#submit');
    expect(mp.lastToast).toBe(`已绑定${father.name}`);
    expect(mp.page.path).toBe('pages/index/index'); // back home, which shows the father now
    expect(mp.page.texts('.senior')).toEqual([expect.stringContaining(`${father.name}（儿子）`)]);
    // The centre sees the son as the father's one family member.
    const links = (await seen(h(), staff, `/seniors/${father.id}/family-links`)).items;
    expect(links.map((l: { relation: string; senior: { id: number } }) => [l.relation, l.senior.id])).toEqual([['儿子', father.id]]);
  });

  test('books five lunches: nearest centres first, seats and menus, the quote with subsidy and why, pays each', async () => {
    const mp = as(openid);
    const home = await mp.launch('/pages/index/index');
    await home.tapText('.book-for', father.name);
    expect(mp.page.path).toBe('pages/book/service');
    await mp.page.tapText('.service', '助餐');

    const centres = mp.page;
    expect(centres.path).toBe('pages/book/centres');
    const walking = centres.texts('.walking');
    expect(walking.length).toBeGreaterThan(1);
    const minutes = walking.map((w) => Number(/步行约 (\d+) 分钟/.exec(w)![1]));
    expect(minutes).toEqual([...minutes].sort((a, b) => a - b));
    expect(centres.text()).toContain(father.address);
    await centres.tapText('.centre', JIAXIN);

    const slots = mp.page;
    expect(slots.path).toBe('pages/book/slots');
    expect(slots.text()).toContain('可以一次选好几天');
    expect(slots.text()).toMatch(/还剩 \d+ 个名额/);
    expect(slots.text()).toContain('菜单：');
    // Tomorrow and the four days after: the lunch of each.
    const lunchTexts = slots.texts('.slot');
    const lunchIdx = lunchTexts.map((t, i) => [t, i] as const).filter(([t]) => t.startsWith('午餐'));
    expect(lunchIdx.length).toBeGreaterThanOrEqual(6);
    for (const [, i] of lunchIdx.slice(1, 6)) await slots.tap('.slot', i);
    expect(slots.text('#next')).toContain('已选 5 个');
    await slots.tap('#next');

    const confirm = mp.page;
    expect(confirm.path).toBe('pages/book/confirm');
    const quotes = confirm.texts('.quote');
    expect(quotes).toHaveLength(5);
    const slotIds = String(confirm.query.slotIds).split(',').map(Number);
    // What the page shows is what the server's quote says, in yuan.
    const first = (await h().http.post('/api/v1/quotes').set('authorization', `Bearer ${mp.sessionToken()}`).send({ seniorId: father.id, slotId: slotIds[0] }))
      .body;
    expect(quotes[0]).toContain(`价格 ${first.priceFen / 100} 元`);
    expect(quotes[0]).toContain(`自付 ${first.copayFen / 100} 元`);
    if (first.subsidyFen > 0) expect(quotes[0]).toContain(first.reason);
    const total = (first.copayFen * 5) / 100; // same senior, same item, one a day: the same quote each day
    expect(confirm.text('#total')).toBe(`合计自付 ${total} 元`);
    await confirm.tapText('.mode', '送餐');
    await confirm.tap('#book');

    expect(confirm.text('#result-title')).toBe('预约成功');
    const bookings: Array<{ deliveryMode: string; channel: string; bookedBy: string; status: string }> = (
      await seen(h(), `Bearer ${mp.sessionToken()}`, `/bookings?seniorId=${father.id}`)
    ).items;
    expect(bookings).toHaveLength(5);
    expect(bookings.every((b) => b.deliveryMode === 'delivery' && b.channel === 'miniprogram' && b.bookedBy === 'family')).toBe(true);
    if (first.copayFen > 0) {
      expect(mp.payments.map((p) => p.outcome)).toEqual(['paid', 'paid', 'paid', 'paid', 'paid']);
      expect(mp.payments.every((p) => p.amountFen === first.copayFen)).toBe(true);
    }
    expect(bookings.every((b) => b.status === 'pending_confirmation')).toBe(true);
    expect(confirm.texts('.result').every((t) => t.includes('待站点确认'))).toBe(true);

    // Reminder consent: its own tap (WeChat opens that dialog only from one), recorded on the server as credits.
    await confirm.tap('#remind-yes');
    expect(mp.subscribeCalls).toEqual([{ tmplIds: ['mulin_sub_service_reminder', 'mulin_sub_rating_request'], answer: expect.any(Object) }]);
    expect(mp.lastToast).toBe('好的，服务前会提醒您');
    const credits = await h().db.manager.find(SubscribeCredit);
    expect(credits.filter((c) => c.templateId === 'mulin_sub_service_reminder').map((c) => c.credits)).toEqual([1]);
    expect(confirm.text('#done-title')).toBe('预约成功');

    await confirm.tap('#see-bookings');
    expect(mp.page.path).toBe('pages/bookings/list');
    expect(mp.page.all('.booking')).toHaveLength(5);
  });

  test('cancels one lunch before the cut-off and sees the refund', async () => {
    const mp = as(openid);
    const list = await mp.launch(`/pages/bookings/list?seniorId=${father.id}`);
    await list.tap('.booking', 0); // the latest day
    const detail = mp.page;
    expect(detail.path).toBe('pages/bookings/detail');
    expect(detail.text('#status')).toBe('待站点确认');
    expect(detail.text('#code')).toMatch(/^[A-Z0-9]{6,}$/);
    const son = `Bearer ${mp.sessionToken()}`;
    const b = await seen(h(), son, `/bookings/${detail.query.id}`);
    expect(detail.text('#money')).toContain(`自付 ${b.copayFen / 100} 元`);
    expect(detail.text('#money')).toContain('已付款');

    mp.answerModal(true);
    await detail.tap('#cancel');
    expect(mp.modals[mp.modals.length - 1].content).toBe(`取消后退回 ${b.copayFen / 100} 元，原路退到微信。确定取消吗？`);
    await h().sandbox.wxpay.settled();
    await detail.instance.load();
    await mp.idle();
    expect(detail.text('#status')).toBe('已取消');
    expect(detail.has('#cancel')).toBe(false);
    expect(detail.has('#code-card')).toBe(false);
    const { refunds } = await seen(h(), son, `/bookings/${b.id}/payments`);
    expect(detail.texts('.refund')).toEqual([`退款 ${b.copayFen / 100} 元（${refunds[0].statusLabel}）`]);
    expect(refunds.map((r: { amountFen: number }) => r.amountFen)).toEqual([b.copayFen]);
  });

  test('a bath: closes the WeChat Pay sheet without paying, is told what happens, and pays later from the booking', async () => {
    const mp = as(openid);
    const service = await mp.launch(`/pages/book/service?seniorId=${father.id}`);
    await service.tapText('.service', '助浴');
    expect(mp.page.path).toBe('pages/book/centres');
    expect(mp.page.all('.centre').length).toBeGreaterThan(0);
    await mp.page.tap('.centre', 0);
    const slots = mp.page;
    expect(slots.texts('.slot').every((t) => !t.includes('菜单'))).toBe(true);
    const free = slots.texts('.slot').findIndex((t) => t.includes('还剩'));
    expect(free).not.toBe(-1); // a time with seats left is shown
    await slots.tap('.slot', free);
    await slots.tap('#next');
    const confirm = mp.page;
    expect(confirm.texts('.quote')).toHaveLength(1);
    mp.payBehaviour = 'cancel';
    await confirm.tap('#book');
    mp.payBehaviour = 'pay';
    expect(confirm.text('#result-title')).toBe('1 个时段中订好了 0 个');
    expect(confirm.text('#result-note')).toBe('您没有付款，预约会在 15 分钟后自动取消。可以在“我的预约”里继续付款。');
    expect(confirm.texts('.result')[0]).toContain('待付款');
    await confirm.tap('#remind-no');
    await confirm.tap('#see-bookings');

    const list = mp.page;
    await list.tapText('.booking', '待付款');
    const detail = mp.page;
    expect(detail.text('#status')).toBe('待付款');
    expect(detail.has('#code-card')).toBe(false); // no code to show before it is paid
    await detail.tap('#pay');
    expect(mp.lastToast).toBe('付款成功');
    expect(detail.text('#status')).toBe('待站点确认');
    expect(detail.text('#money')).toContain('已付款');
    expect(detail.has('#code-card')).toBe(true);
  });

  test('a home visit: the windows show who comes; booked and paid like a meal', async () => {
    const mp = as(openid);
    const service = await mp.launch(`/pages/book/service?seniorId=${father.id}`);
    await service.tapText('.service', '上门服务');
    const centres = mp.page;
    expect(centres.path).toBe('pages/book/centres');
    expect(centres.all('.centre').length).toBeGreaterThan(0);
    await centres.tap('.centre', 0);
    const slots = mp.page;
    expect(slots.text()).toContain('服务人员：');
    const free = slots.texts('.slot').findIndex((t) => t.includes('还剩'));
    await slots.tap('.slot', free);
    await slots.tap('#next');
    await mp.page.tap('#book');
    expect(mp.page.text('#result-title')).toBe('预约成功');
    const visits = (await seen(h(), `Bearer ${mp.sessionToken()}`, `/bookings?seniorId=${father.id}`)).items.filter(
      (x: { serviceItem: { category: string } }) => x.serviceItem.category === 'home_visit',
    );
    expect(visits).toEqual([expect.objectContaining({ status: 'pending_confirmation', bookedBy: 'family' })]);
  });
});
