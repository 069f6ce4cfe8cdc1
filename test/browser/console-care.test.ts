import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { browserAvailable, launchChromium, VIEWPORT } from '../helpers/browser';
import { CareCheck, Region, Visit } from '../../entities';
import { CONSOLE_PASSWORD, startHarness, T0, type Harness } from '../helpers/harness';
import { JIAXIN, centreNamed, loginConsole, loginWechat, seniorNamed } from '../helpers/actors';

/**
 * 关爱探访 in the web console, in a real browser against the real server (SQLite, the demo district): a street
 * administrator adds a visit rule; four days later the centre's worker sees the overdue visits and resolves a worry a
 * visit raised, closes a 关爱 check the silence alarm raised, sees the volunteers, and downloads the month's report.
 * Every page is saved at 1366×768 under test-results/console-k*.png.
 */
const available = browserAvailable('console care test');

const DAY = 86_400_000;
const LATER = new Date(Date.parse(T0) + 4 * DAY);

(available ? describe : describe.skip)('关爱探访 in the web console', () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    execFileSync(process.execPath, ['console/build-if-stale.mjs'], { stdio: 'inherit' });
    h = await startHarness('sqlite');
    browser = await launchChromium();
    fs.mkdirSync('test-results', { recursive: true });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function openPage(at: Date | string): Promise<Page> {
    const page = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: VIEWPORT, acceptDownloads: true });
    await page.clock.setFixedTime(new Date(at));
    return page;
  }
  async function shot(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `test-results/console-${name}.png` });
  }
  async function signIn(page: Page, username: string, path: string): Promise<void> {
    await page.goto(`${h.baseUrl}/console${path}`);
    await page.getByPlaceholder('请输入账号').fill(username);
    await page.getByPlaceholder('请输入密码').fill(CONSOLE_PASSWORD);
    await page.getByRole('button', { name: '登 录' }).click();
    await page.waitForURL(new RegExp(`/console${path}$`));
  }

  test('a street administrator adds a visit rule', async () => {
    const page = await openPage(T0);
    await signIn(page, 'admin-mishixiang', '/visit-rules');
    expect(await page.locator('.el-menu').textContent()).toContain('探访计划');
    await page.locator('[data-test=new-rule]').click();
    const dialog = page.locator('[data-test=rule-dialog]');
    await dialog.getByText('添加探访计划').waitFor();
    await page.locator('[data-test=rule-interval] input').fill('7');
    await shot(page, 'k1-rule-form');
    await page.locator('[data-test=rule-save]').click();
    const row = page.locator('[data-test=rule-table] .el-table__body tr', { hasText: '独居' });
    await row.waitFor();
    expect(await row.textContent()).toContain('每 7 天');
    expect(await row.textContent()).toContain('米市巷街道');
    await dialog.waitFor({ state: 'hidden' });
    await shot(page, 'k2-rules');
    await page.close();
  }, 60_000);

  test("four days on, the centre's worker sees the overdue visits and resolves a worry", async () => {
    // 低保 seniors every two weeks too (made through the API); the plan job runs; 张桂英's visit is made with a worry.
    const street = await loginConsole(h, 'admin-mishixiang');
    const region = await h.db.manager.findOneByOrFail(Region, { name: '米市巷街道' });
    await h.http
      .post('/api/v1/visit-rules')
      .set('authorization', street)
      .send({ regionId: region.id, category: 'minimum_living', intervalDays: 14 })
      .expect(201);
    await h.services.visitPlans.plan();
    const zhang = await seniorNamed(h, '张桂英');
    const visit = await h.db.manager.findOneByOrFail(Visit, { seniorId: zhang.id, status: 'due' });
    await h.http
      .post(`/api/v1/visits/${visit.id}/record`)
      .set('authorization', await loginConsole(h, 'staff-jiaxin'))
      .send({
        proof: { code: visit.presenceCode },
        health: 'fair',
        mood: 'low',
        homeSafety: 'attention',
        note: '燃气灶旧了',
        concern: true,
        concernNote: '卫生间地滑',
        version: visit.version,
      })
      .expect(200);
    h.clock.set(LATER);
    expect(await loginWechat(h, 'o_mini_senior_01')).toBeTruthy();

    const page = await openPage(LATER);
    await signIn(page, 'staff-jiaxin', '/care-visits');
    const table = page.locator('[data-test=visit-table]');
    const overdue = table.locator('.el-table__body tr', { hasText: '李建国' });
    await overdue.waitFor();
    expect(await overdue.textContent()).toContain('逾期 4 天');
    await shot(page, 'k3-overdue');

    await page.locator('[data-test=visit-tabs]').getByText('需要关注').click();
    const worry = table.locator('.el-table__body tr', { hasText: '张桂英' });
    await worry.getByText('待处理').waitFor();
    expect(await worry.textContent()).toContain('卫生间地滑');
    await worry.locator('[data-test=resolve]').click();
    await page.getByLabel('处理结果').fill('已联系女儿，装了防滑垫');
    await shot(page, 'k4-resolve');
    await page.locator('[data-test=resolve-save]').click();
    await page.getByText('张桂英 的情况已处理').waitFor();
    await page.locator('[data-test=visit-tabs]').getByText('已完成').click();
    const done = table.locator('.el-table__body tr', { hasText: '张桂英' });
    await done.getByText('已处理').waitFor();
    expect(await done.textContent()).toContain('已联系女儿，装了防滑垫');
    await shot(page, 'k5-done');
    expect((await h.db.manager.findOneByOrFail(Visit, { id: visit.id })).concernStatus).toBe('resolved');
    await page.close();
  }, 90_000);

  test('the worker closes a 关爱 check with what they found; the volunteers page lists the centre’s volunteers', async () => {
    const jiaxin = await centreNamed(h, JIAXIN);
    const wang = await seniorNamed(h, '王秀英');
    await h.db.manager.save(CareCheck, {
      seniorId: wang.id,
      centreId: jiaxin.id,
      lastSignAt: new Date(Date.parse(T0) - 8 * DAY),
      silenceKey: 'browser',
      silenceDays: 7,
      status: 'open' as const,
      closedAt: null,
      closedByAccountId: null,
      note: '',
      version: 1,
      createdAt: LATER,
    });
    const page = await openPage(LATER);
    await signIn(page, 'staff-jiaxin', '/care-checks');
    const row = page.locator('[data-test=check-table] .el-table__body tr', { hasText: '王秀英' });
    await row.waitFor();
    expect(await row.textContent()).toContain('7 天');
    await shot(page, 'k6-checks');
    await row.locator('[data-test=close-check]').click();
    await page.getByLabel('核查情况').fill('电话联系上了，去女儿家住了几天');
    await page.locator('[data-test=close-save]').click();
    await page.getByText('王秀英 的关爱核查已完成').waitFor();
    await page.locator('[data-test=check-table]').getByText('没有待核查的老人').waitFor();
    await page.locator('[data-test=check-status]').getByText('已核查').click();
    await page.locator('[data-test=check-table] .el-table__body tr', { hasText: '去女儿家住了几天' }).waitFor();
    await page.locator('[data-test=check-status] .el-radio-button.is-active', { hasText: '已核查' }).waitFor();
    await page.waitForTimeout(400); // the radio's colour transition
    await shot(page, 'k7-checks-closed');

    const staff = await loginConsole(h, 'staff-jiaxin');
    const wu = await loginWechat(h, 'o_family_05');
    const me = await h.http.get('/api/v1/me').set('authorization', wu).expect(200);
    await h.http.post('/api/v1/volunteers').set('authorization', staff).send({ accountId: me.body.id, name: '吴静', phone: '13900001111' }).expect(201);
    await page.getByRole('menuitem', { name: '志愿者' }).click();
    const vol = page.locator('[data-test=volunteer-table] .el-table__body tr', { hasText: '吴静' });
    await vol.waitFor();
    await vol.getByText('0 小时').waitFor();
    await shot(page, 'k8-volunteers');
    await page.close();
  }, 90_000);

  test('the month’s report shows the figures and downloads as Excel', async () => {
    const page = await openPage(LATER);
    await signIn(page, 'admin-mishixiang', '/care-report');
    const table = page.locator('[data-test=report-table]');
    await table.locator('.el-table__body tr').first().waitFor();
    const total = page.locator('[data-test=report-total]');
    expect(await total.textContent()).toMatch(/已探访\s*1\s*次/);
    expect(await total.textContent()).toMatch(/已处理\s*1\s*件/);
    await shot(page, 'k9-report');
    const download = page.waitForEvent('download');
    await page.locator('[data-test=report-download]').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
    const bytes = fs.readFileSync((await file.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK'); // an xlsx is a zip
    await page.close();
  }, 60_000);
});
