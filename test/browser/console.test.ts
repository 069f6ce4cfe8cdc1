import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { browserAvailable, launchChromium, VIEWPORT } from '../helpers/browser';
import { CONSOLE_PASSWORD, startHarness, T0, TODAY, type Harness } from '../helpers/harness';
import { JIAXIN, loginConsole, seniorNamed, slotOf } from '../helpers/actors';

/**
 * The web console in a real browser (Debian's chromium, driven by playwright-core) against the real server on
 * SQLite with the demo district: a member of staff signs in and works the counter; an administrator sends a notice
 * and takes the month's settlement. Every page visited is saved at 1366×768 under test-results/console-*.png.
 */
const available = browserAvailable('web console test');

(available ? describe : describe.skip)('the web console in headless Chromium', () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    // What `npm start` does first: build console/dist when it is missing or older than its sources.
    execFileSync(process.execPath, ['console/build-if-stale.mjs'], { stdio: 'inherit' });
    h = await startHarness('sqlite');
    browser = await launchChromium();
    fs.mkdirSync('test-results', { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** A page whose clock reads the harness's fake "now" (2026-12-01 08:30 in Shanghai), so "today" agrees. */
  async function openPage(): Promise<Page> {
    const page = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: VIEWPORT });
    await page.clock.setFixedTime(new Date(T0));
    return page;
  }
  async function shot(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `test-results/console-${name}.png` });
  }
  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${h.baseUrl}/console/`);
    await page.getByPlaceholder('请输入账号').fill(username);
    await page.getByPlaceholder('请输入密码').fill(CONSOLE_PASSWORD);
    await page.getByRole('button', { name: '登 录' }).click();
  }

  test('a wrong password shows the API message in Chinese', async () => {
    const page = await openPage();
    await page.goto(`${h.baseUrl}/console/today`);
    await page.waitForURL(/\/console\/login\?next=/);
    await page.getByPlaceholder('请输入账号').fill('staff-jiaxin');
    await page.getByPlaceholder('请输入密码').fill('not-the-password');
    await page.getByRole('button', { name: '登 录' }).click();
    const err = page.locator('[data-test=login-error]');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/[\u4e00-\u9fa5]/);
    await shot(page, '01-login-error');
    await page.close();
  }, 60_000);

  test('staff at the counter: Today shows the slots, confirms, rejects with a reason and checks in by code', async () => {
    // Today at 嘉新, booked by the centre on the phone: 王秀英 (特困, nothing to pay) for lunch and dinner, waiting for
    // the centre to confirm; 李建国 and 张桂英 for dinner, waiting for their co-payment.
    const staff = await loginConsole(h, 'staff-jiaxin');
    const book = async (name: string, kind: 'lunch' | 'dinner') => {
      const slot = await slotOf(h, JIAXIN, kind, TODAY);
      const res = await h.http
        .post('/api/v1/bookings')
        .set('authorization', staff)
        .send({ seniorId: (await seniorNamed(h, name)).id, slotId: slot.id, channel: 'phone' });
      expect(res.status).toBe(201);
      return res.body;
    };
    const lunch = await book('王秀英', 'lunch');
    const dinner = await book('王秀英', 'dinner');
    await book('李建国', 'dinner');
    await book('张桂英', 'dinner');
    expect([lunch.status, dinner.status]).toEqual(['pending_confirmation', 'pending_confirmation']);

    const page = await openPage();
    await signIn(page, 'staff-jiaxin');
    await page.waitForURL(/\/console\/today$/);
    await page.locator('[data-test=slot-card]').first().waitFor();
    // The menu fits the role: staff see Today, not the administrators' notices.
    const menu = page.locator('.el-menu');
    expect(await menu.textContent()).toContain('今日服务');
    expect(await menu.textContent()).not.toContain('政策通知');
    expect(await page.locator('header').textContent()).toContain('赵敏');
    await shot(page, '02-today');

    // Confirm the lunch from the list; the code box keeps the focus for the next senior.
    const lunchRow = () => page.locator('.el-table__body tr', { hasText: '午餐' }).first();
    await lunchRow().getByRole('button', { name: '确认' }).click();
    await lunchRow().getByText('已确认').waitFor();

    // Check-in by the code the senior shows: typed into the box that has the focus, Enter.
    await page.keyboard.type(lunch.code);
    await page.keyboard.press('Enter');
    const result = page.locator('[data-test=checkin-result]');
    await result.getByText('已核销：王秀英').waitFor();
    await lunchRow().getByText('已服务').waitFor();

    // Reject the dinner with a reason.
    await page.locator('.el-table__body tr', { hasText: '晚餐' }).filter({ hasText: '王秀英' }).getByRole('button', { name: '拒绝' }).click();
    await page.getByLabel('拒绝原因').fill('今晚厨房检修');
    await shot(page, '03-today-reject');
    await page.getByRole('button', { name: '确认拒绝' }).click();
    await page.locator('.el-table__body tr', { hasText: '晚餐' }).filter({ hasText: '王秀英' }).getByText('站点未接单').waitFor();
    expect(await page.locator('[data-test=slot-card]', { hasText: '午餐' }).textContent()).toMatch(/1\/\d+已订.*1已服务/);
    await shot(page, '04-today-after');

    const seen = await h.http.get(`/api/v1/bookings/${dinner.id}`).set('authorization', staff);
    expect(seen.body).toMatchObject({ status: 'rejected', closeReason: '今晚厨房检修' });
    await page.close();
  }, 90_000);

  test('staff: Bookings filters by status, Money shows the day and the problems, Centres shows their own centre', async () => {
    const page = await openPage();
    await signIn(page, 'staff-jiaxin');
    await page.waitForURL(/\/console\/today$/);
    await page.getByRole('menuitem', { name: '预约管理' }).click();
    await page.waitForURL(/\/console\/bookings$/);
    await page.locator('.el-table__body tr').first().waitFor();
    expect(await page.locator('.el-table__body').textContent()).toContain('王秀英');
    await shot(page, '05-bookings');

    await page.getByRole('menuitem', { name: '资金与结算' }).click();
    await page.getByText('待处理问题').waitFor();
    await shot(page, '06-money-staff');

    // Every menu entry is a page now: staff see their own centre among the centres.
    await page.getByRole('menuitem', { name: /服务站点/ }).click();
    await page.waitForURL(/\/console\/centres$/);
    await page.locator('.el-table__body tr').first().waitFor();
    expect(await page.locator('.el-table__body').textContent()).toContain('嘉新社区居家养老服务照料中心');

    // Signing out ends the session on the server too.
    await page.locator('[data-test=user-menu]').click();
    await page.getByText('退出登录').click();
    await page.waitForURL(/\/console\/login/);
    await page.close();
  }, 90_000);

  test('an administrator sends a notice and follows it to the end, then generates and downloads the settlement', async () => {
    const page = await openPage();
    await signIn(page, 'admin');
    await page.waitForURL(/\/console\/bookings$/);
    const menu = await page.locator('.el-menu').textContent();
    expect(menu).toContain('政策通知');
    expect(menu).not.toContain('今日服务');

    await page.getByRole('menuitem', { name: '政策通知' }).click();
    await page.getByRole('button', { name: '新建通知' }).click();
    await page.getByPlaceholder('例如：关于调整老年食堂助餐补贴标准的通知').fill('元旦助餐安排');
    await page.getByPlaceholder('写给老人和家属看的话，尽量简短清楚').fill('1月1日老年食堂照常供应午餐，晚餐暂停一天。');
    const count = page.locator('[data-test=recipient-count]');
    await count.getByText('将送达').waitFor();
    await shot(page, '08-notice-compose');
    await page.getByRole('button', { name: '立即发送' }).last().click();
    const bar = page.locator('[data-test=notice-progress]');
    await bar.waitFor();
    // The broadcast job fans it out and pushes it through the sandbox; the dialog follows it to 100 %.
    await h.services.broadcasts.run();
    await page.locator('.el-dialog').getByText('已发送').waitFor({ timeout: 15_000 });
    expect(await bar.textContent()).toContain('100%');
    await shot(page, '09-notice-sent');
    await page.keyboard.press('Escape');

    await page.getByRole('menuitem', { name: '资金与结算' }).click();
    await page.getByRole('button', { name: '生成结算' }).click();
    await page.locator('.summary').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '下载 Excel' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
    const saved = `test-results/console-settlement.xlsx`;
    await file.saveAs(saved);
    expect(fs.readFileSync(saved).subarray(0, 2).toString()).toBe('PK');
    await shot(page, '10-money-settlement');
    await page.close();
  }, 90_000);
});
