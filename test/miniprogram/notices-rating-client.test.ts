/** @jest-environment ./test/miniprogram/jsdom-with-node.js */
import { Region } from '../../entities';
import { JOBS, jobNamed } from '../../jobs';
import { buildScheduling } from '../../server/container';
import { JIAXIN, loginConsole, seen } from '../helpers/actors';
import { T0, TODAY } from '../helpers/harness';
import { bookAndPay } from './fixtures';
import { useMiniProgramServer } from './setup';

// Notices with read receipts, rating after a service, and the API client's own behaviour (Chinese errors as
// toasts, retries on network failure, signing in again when the server has forgotten the session).

const { h, as, withPageTimers } = useMiniProgramServer();

/** How many bookings the list page should show: the senior's bookings, as the API gives them to the family. */
async function bookingsOfListedSenior(mp: ReturnType<typeof as>): Promise<number> {
  const { items } = await seen(h(), `Bearer ${mp.sessionToken()}`, `/bookings?seniorId=${mp.page.data.seniorId}&limit=100`);
  expect(items.length).toBeGreaterThan(0); // else the page's list proves nothing
  return items.length;
}

describe('notices', () => {
  test('the list marks unread ones; opening one is the read receipt', async () => {
    const admin = await loginConsole(h(), 'admin');
    const regionId = (await h().db.manager.findOneByOrFail(Region, { name: '拱墅区' })).id;
    const notice = (
      await h()
        .http.post('/api/v1/notices')
        .set('authorization', admin)
        .send({ title: '冬季助餐时间调整', body: '12 月起午餐 11:00 开始供应，请大家错峰用餐。', audience: { regionId, roles: ['family'] } })
        .expect(201)
    ).body;
    const { runner } = buildScheduling(h().services, { instance: 'mp-notices-test', jobs: JOBS });
    const run = await runner.run(jobNamed('notice-broadcast')!, new Date(T0));
    expect(run.error).toBeNull();

    const mp = as('o_family_01');
    const home = await mp.launch('/pages/index/index');
    expect(home.text('#notices')).toMatch(/通知\s*1/);
    await home.tap('#notices');
    const list = mp.page;
    expect(list.path).toBe('pages/notices/list');
    expect(list.text('#unread-count')).toBe('1 条未读');
    expect(list.texts('.unread')).toEqual([expect.stringContaining('冬季助餐时间调整')]);
    expect(list.texts('.unread')[0]).toMatch(/^未读/);

    await list.tap('.notice', 0);
    const detail = mp.page;
    expect(detail.path).toBe('pages/notices/detail');
    expect(detail.text('#title')).toBe('冬季助餐时间调整');
    expect(detail.text('#body')).toBe('12 月起午餐 11:00 开始供应，请大家错峰用餐。');
    // The administrator following the notice sees her read receipt (she is the only reader yet).
    expect((await seen(h(), admin, `/notices/${notice.id}`)).progress.read).toBe(1);

    // Back on the list (onShow reloads): read now, no unread count.
    wx.navigateBack({ delta: 1 });
    await mp.idle();
    expect(mp.page.path).toBe('pages/notices/list');
    expect(mp.page.texts('.unread')).toEqual([]);
    expect(mp.page.has('#unread-count')).toBe(false);
    expect(mp.page.texts('.read')).toEqual([expect.stringContaining('冬季助餐时间调整')]);
  });

  test('no notices: a sentence, not an empty screen', async () => {
    const mp = as('o_mp_nobody_yet');
    const list = await mp.launch('/pages/notices/list');
    expect(list.text()).toContain('暂时没有通知');
  });
});

describe('rating', () => {
  test('after the meal is checked in, the daughter rates it from the booking', async () => {
    const b = await bookAndPay(h(), 'o_family_01', '张桂英', JIAXIN, 'lunch', TODAY);
    const staff = await loginConsole(h(), 'staff-jiaxin');
    await h().http.post('/api/v1/bookings/check-in').set('authorization', staff).send({ code: b.code }).expect(200);

    const mp = as('o_family_01');
    const detail = await mp.launch(`/pages/bookings/detail?id=${b.id}`);
    expect(detail.text('#status')).toBe('已服务');
    expect(detail.has('#cancel')).toBe(false);
    expect(detail.texts('.star')).toEqual(['1 星 很不满意', '2 星 不满意', '3 星 一般', '4 星 满意', '5 星 很满意']);
    await detail.tap('#submit-rating');
    expect(mp.lastToast).toBe('请先选几颗星');
    await detail.tap('.star', 4);
    await detail.input('#comment', '饭菜很软，老人爱吃');
    await detail.tap('#submit-rating');
    expect(mp.lastToast).toBe('谢谢您的评价');
    expect(detail.text('#status')).toBe('已评价');
    expect(detail.has('#rating')).toBe(false);
    expect(await seen(h(), `Bearer ${mp.sessionToken()}`, `/bookings/${b.id}`)).toMatchObject({ status: 'rated' });
  });
});

describe('the API client', () => {
  test('a network failure is retried for reads; the page loads as if nothing happened', async () => {
    const mp = as('o_family_01');
    const home = await mp.launch('/pages/index/index'); // signed in
    mp.failNextRequests(2);
    await withPageTimers(async () => {
      await home.tap('.bookings-of', 0);
      await mp.waitFor(() => mp.page.path === 'pages/bookings/list' && mp.page.data.state !== 'loading', 'the bookings list');
    });
    expect(mp.requests.filter((r) => r.status === 'network-failure')).toHaveLength(2);
    expect(mp.page.all('.booking')).toHaveLength(await bookingsOfListedSenior(mp));
    expect(mp.toasts).toEqual([]);
  });

  test('when the network stays down: a plain Chinese sentence and a retry button, never raw JSON', async () => {
    const mp = as('o_family_01');
    await mp.launch('/pages/index/index');
    mp.failNextRequests(3);
    await withPageTimers(async () => {
      wx.navigateTo({ url: '/pages/bookings/list?seniorId=1' });
      await mp.waitFor(() => mp.page.path === 'pages/bookings/list' && mp.page.data.state === 'error', 'the error state');
    });
    expect(mp.page.text()).toContain('网络不太好，请稍后再试');
    await mp.page.tapIn('#state', '.retry');
    expect(mp.page.data.state).toBe('');
    expect(mp.page.all('.booking')).toHaveLength(await bookingsOfListedSenior(mp));
  });

  test("a booking that cannot be shown: the server's reason in Chinese, and a retry button", async () => {
    const mp = as('o_family_01');
    const detail = await mp.launch('/pages/bookings/detail?id=999999');
    expect(detail.text()).toContain('再试一次');
    expect(detail.text()).not.toMatch(/NOT_FOUND|\{|error/i);
    expect(detail.text()).toMatch(/[\u4e00-\u9fff]/);
  });

  test('a session the server forgot: the client signs in again by itself and the request goes through', async () => {
    const mp = as('o_family_01');
    const home = await mp.launch('/pages/index/index');
    const token = mp.sessionToken();
    await h().http.post('/api/v1/auth/logout').set('authorization', `Bearer ${token}`).expect(204);
    await home.tap('.bookings-of', 0);
    expect(mp.page.path).toBe('pages/bookings/list');
    expect(mp.page.data.state).toBe('');
    expect(mp.sessionToken()).not.toBe(token);
    expect(mp.requests.filter((r) => r.status === 401)).toHaveLength(1);
    expect(mp.toasts).toEqual([]);
  });

  test('a write that may not be repeated is not retried on a network failure: it says so instead', async () => {
    const b = await bookAndPay(h(), 'o_family_01', '张桂英', JIAXIN, 'dinner', '2026-12-03');
    const mp = as('o_family_01');
    const detail = await mp.launch(`/pages/bookings/detail?id=${b.id}`);
    mp.answerModal(true);
    // The ledger read before the question is retried; the cancel itself fails once and is not sent again.
    mp.failNextRequests(0);
    const origRequest = wx.request;
    let failCancel = true;
    wx.request = ((o: WechatMiniprogram.RequestOption) => {
      if (failCancel && o.url.endsWith('/cancel')) {
        failCancel = false;
        o.fail?.({ errMsg: 'request:fail timeout', errno: 5 } as WechatMiniprogram.RequestFailCallbackErr);
        return { abort() {} } as WechatMiniprogram.RequestTask;
      }
      return origRequest(o);
    }) as typeof wx.request;
    try {
      await detail.tap('#cancel');
    } finally {
      wx.request = origRequest;
    }
    expect(mp.lastToast).toBe('网络不太好，请稍后再试');
    expect((await seen(h(), `Bearer ${mp.sessionToken()}`, `/bookings/${b.id}`)).status).toBe('pending_confirmation');
    expect(detail.text('#status')).toBe('待站点确认');
  });

  test('a kept session about to run out is renewed before use, not discovered by a 401', async () => {
    const first = as('o_family_01');
    await first.launch('/pages/index/index');
    const kept = { ...(structuredClone(wx.getStorageSync('mulin.session') as object) as { token: string; expiresAt: string }) };
    const mp = as('o_family_01');
    mp.setStorage('mulin.session', { ...kept, expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    await mp.launch('/pages/bookings/list?seniorId=1');
    expect(mp.requests[0].path).toBe('/api/v1/auth/login');
    expect(mp.requests.filter((r) => r.status === 401)).toEqual([]);
    expect(mp.sessionToken()).not.toBe(kept.token);
    expect(mp.page.all('.booking')).toHaveLength(await bookingsOfListedSenior(mp));
  });
});
