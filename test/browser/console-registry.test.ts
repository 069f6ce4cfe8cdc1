import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { type Browser, type Page } from 'playwright-core';
import { browserAvailable, launchChromium, VIEWPORT } from '../helpers/browser';
import { CONSOLE_PASSWORD, DB_KINDS, startHarness, T0, TODAY, type Harness } from '../helpers/harness';
import { JIAXIN, centreNamed, loginConsole, loginWechat, seen, seniorNamed, slotOf } from '../helpers/actors';
import { mysqlAvailable } from '../helpers/mysql-env';

/**
 * The registry's pages of the web console in a real browser (Debian's chromium, playwright-core) against the real
 * server with the demo district, on SQLite and MariaDB: centres (prices from a date, closing a slot, a member of
 * staff's one centre; an administrator adds a centre and a service item), the week's menu, a subsidy policy's preview, the dashboard's charts and the emergencies (acknowledged, then 处理完毕).
 * Every page is saved at 1366×768 under test-results/console-*.png.
 */
const available = browserAvailable('web console test');

for (const kind of DB_KINDS) {
  const skip = !available || (kind === 'mariadb' && !mysqlAvailable());
  (skip ? describe.skip : describe)(`the console's registry pages in headless Chromium [${kind}]`, () => {
    let h: Harness;
    let browser: Browser;
    beforeAll(async () => {
      execFileSync(process.execPath, ['console/build-if-stale.mjs'], { stdio: 'inherit' });
      h = await startHarness(kind);
      browser = await launchChromium();
      fs.mkdirSync('test-results', { recursive: true });
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await h?.close();
    });

    async function openPage(): Promise<Page> {
      const page = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: VIEWPORT });
      await page.clock.setFixedTime(new Date(T0));
      return page;
    }
    async function shot(page: Page, name: string): Promise<void> {
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(400); // dialogs and charts finish their opening animation
      await page.screenshot({ path: `test-results/console-${name}.png` });
    }
    async function signIn(page: Page, username: string): Promise<void> {
      await page.goto(`${h.baseUrl}/console/`);
      await page.getByPlaceholder('请输入账号').fill(username);
      await page.getByPlaceholder('请输入密码').fill(CONSOLE_PASSWORD);
      await page.getByRole('button', { name: '登 录' }).click();
      await page.waitForURL(/\/console\/(today|bookings)$/);
    }
    /** Books a senior into a slot by the centre's phone, as staff do. */
    async function book(staff: string, senior: string, slotId: number): Promise<{ id: number; code: string; status: string }> {
      const res = await h.http
        .post('/api/v1/bookings')
        .set('authorization', staff)
        .send({ seniorId: (await seniorNamed(h, senior)).id, slotId, channel: 'phone' });
      expect(res.status).toBe(201);
      return res.body;
    }

    test('an administrator sets a service item a new price from a future date and sees the price history', async () => {
      const page = await openPage();
      await signIn(page, 'admin');
      await page.getByRole('menuitem', { name: '服务站点' }).click();
      await page.locator('[data-test=centre-table] .el-table__body tr', { hasText: JIAXIN }).click();
      await page.waitForURL(/\/console\/centres\/\d+/);
      await page.locator('[data-test=centre-name]').getByText(JIAXIN).waitFor();
      await shot(page, 'r01-centre-info');

      await page.getByRole('tab', { name: '服务项目与价格' }).click();
      const lunchRow = page.locator('[data-test=item-table] .el-table__body tr', { hasText: '午餐' }).first();
      await lunchRow.getByRole('button', { name: '调整价格' }).click();
      const dialog = page.locator('.el-dialog', { hasText: '价格记录' });
      await dialog.locator('[data-test=price-history] .el-table__body tr').first().waitFor();
      const inputs = dialog.locator('.set-price input');
      await inputs.nth(0).fill('16.5');
      await inputs.nth(1).fill('2026-12-10');
      await inputs.nth(1).press('Enter');
      await dialog.locator('[data-test=add-price]').click();
      const future = dialog.locator('[data-test=price-history] .el-table__body tr', { hasText: '2026-12-10' });
      await future.waitFor();
      expect(await future.textContent()).toMatch(/¥16\.50.*待生效/);
      expect(await dialog.locator('[data-test=price-history]').textContent()).toContain('今日执行');
      await shot(page, 'r02-centre-prices');
      await page.keyboard.press('Escape');
      expect(await lunchRow.locator('[data-test=next-price]').textContent()).toContain('2026-12-10 起 ¥16.50');

      // What families will be charged: the API's own schedule says the same.
      const admin = await loginConsole(h, 'admin');
      const centre = await centreNamed(h, JIAXIN);
      const items = await seen<{ items: Array<{ id: number; kind: string }> }>(h, admin, `/centres/${centre.id}/service-items`);
      const lunch = items.items.find((i) => i.kind === 'lunch')!;
      const prices = await seen<{ items: Array<{ priceFen: number; validFrom: string | null }> }>(h, admin, `/service-items/${lunch.id}/prices`);
      expect(prices.items.at(-1)).toMatchObject({ priceFen: 1650, validFrom: '2026-12-10' });
      await page.close();
    }, 120_000);

    test('closing a slot with a reason says first who is booked, then cancels their bookings', async () => {
      const staff = await loginConsole(h, 'staff-jiaxin');
      const slot = await slotOf(h, JIAXIN, 'lunch', TODAY);
      const booking = await book(staff, '王秀英', slot.id);
      const { start } = await seen<{ start: string }>(h, staff, `/slots/${slot.id}`);

      const page = await openPage();
      await signIn(page, 'staff-jiaxin');
      const centre = await centreNamed(h, JIAXIN);
      await page.goto(`${h.baseUrl}/console/centres/${centre.id}?tab=slots`);
      const row = page.locator('[data-test=slot-table] .el-table__body tr', { hasText: start });
      await row.first().waitFor();
      await shot(page, 'r03-centre-slots');
      await row.first().getByRole('button', { name: '关闭' }).click();
      const warning = page.locator('[data-test=close-warning]');
      await warning.waitFor();
      expect(await warning.textContent()).toMatch(/已有 1 份预约.*退回.*微信通知/);
      await page.getByLabel('关闭原因').fill('厨房燃气检修，今天午餐暂停');
      await shot(page, 'r04-slot-close-confirm');
      await page.getByRole('button', { name: '确认关闭并通知' }).click();
      await page.getByText(/取消并退款 1 个预约/).waitFor();
      await row.first().getByText('已关闭').waitFor();
      expect(await row.first().textContent()).toContain('厨房燃气检修');

      const after = await seen(h, staff, `/bookings/${booking.id}`);
      expect(after.status).toBe('cancelled');

      await page.getByRole('tab', { name: '停业日' }).click();
      await page.locator('[data-test=closure-table]').waitFor();
      await shot(page, 'r05-centre-closures');
      await page.close();
    }, 120_000);

    test('staff copy last week into next week, add a diet tag and publish the menu', async () => {
      // The slots-ahead job makes next week's slots (the demo has one week of them).
      await h.services.slotTemplates.generateAhead();
      const page = await openPage();
      await signIn(page, 'staff-jiaxin');
      await page.getByRole('menuitem', { name: '每周菜单' }).click();
      await page.locator('[data-test=menu-day]').first().waitFor();
      await shot(page, 'r06-menu-this-week');
      await page.getByRole('button', { name: '下一周' }).click();
      const meal = page.locator('[data-test=meal-2026-12-08-lunch]');
      await meal.waitFor();
      await page.locator('[data-test=copy-last-week]').click();
      await page.getByText(/已复制上周 \d+ 餐的菜单/).waitFor();
      const firstDish = meal.locator('.dish').first();
      expect(await firstDish.locator('input').first().inputValue()).not.toBe('');
      await firstDish.locator('.dish-flags').click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: '清真' }).click();
      await page.keyboard.press('Escape');
      await shot(page, 'r07-menu-edit');
      await page.locator('[data-test=save-menu]').click();
      await page.getByText('菜单已保存发布').waitFor();
      await page.getByText(/已发布（第 \d+ 版/).waitFor();

      const staff = await loginConsole(h, 'staff-jiaxin');
      const centre = await centreNamed(h, JIAXIN);
      type Week = { version: number; days: Array<{ date: string; meals: Array<{ kind: string; dishes: Array<{ name: string; flags: string[] }> }> }> };
      const next = await seen<Week>(h, staff, `/centres/${centre.id}/menus?week=2026-12-07`);
      const last = await seen<Week>(h, staff, `/centres/${centre.id}/menus?week=2026-11-30`);
      const lunchOf = (w: Week, date: string) => w.days.find((d) => d.date === date)!.meals.find((m) => m.kind === 'lunch')!;
      expect(next.version).toBeGreaterThan(0);
      expect(lunchOf(next, '2026-12-08').dishes.map((d) => d.name)).toEqual(lunchOf(last, '2026-12-01').dishes.map((d) => d.name));
      expect(lunchOf(next, '2026-12-08').dishes[0].flags).toContain('halal');
      await page.close();
    }, 120_000);

    test('an administrator previews who a new policy reaches and what it costs a month, then publishes it', async () => {
      const page = await openPage();
      await signIn(page, 'admin');
      await page.getByRole('menuitem', { name: '补贴政策' }).click();
      await page.locator('[data-test=policy-table] .el-table__body tr').first().waitFor();
      await shot(page, 'r08-policies');
      await page.locator('[data-test=new-policy]').click();
      await page.getByPlaceholder('例如：高龄老人助餐补贴').fill('高龄老人晚餐补贴');
      await page.locator('[data-test=run-preview]').click();
      const seniors = page.locator('[data-test=preview-seniors]');
      await seniors.waitFor();
      expect(Number(await seniors.textContent())).toBeGreaterThan(0);
      expect(await page.locator('[data-test=preview-cost]').textContent()).toMatch(/^¥\d+\.\d\d$/);
      expect(await page.locator('[data-test=policy-preview]').textContent()).toContain('高龄');
      await shot(page, 'r09-policy-preview');
      await page.locator('[data-test=save-policy]').click();
      await page.getByText('补贴政策已发布').waitFor();
      await page.locator('[data-test=policy-table] .el-table__body tr', { hasText: '高龄老人晚餐补贴' }).getByText('未生效').waitFor();
      await page.close();
    }, 120_000);

    test('the dashboard draws its charts for the district with figures, and the budget is set from it', async () => {
      // Today's dinner at 嘉新: two seniors booked, one served; a rating; an alert raised.
      const staff = await loginConsole(h, 'staff-jiaxin');
      const dinner = await slotOf(h, JIAXIN, 'dinner', TODAY);
      const served = await book(staff, '王秀英', dinner.id);
      await book(staff, '李建国', dinner.id);
      if (served.status === 'pending_confirmation') await h.http.post(`/api/v1/bookings/${served.id}/confirm`).set('authorization', staff).expect(200);
      await h.http.post('/api/v1/bookings/check-in').set('authorization', staff).send({ code: served.code }).expect(200);
      const family = await loginWechat(h, 'o_family_01');
      await h.http
        .post('/api/v1/emergencies')
        .set('authorization', family)
        .send({ seniorId: (await seniorNamed(h, '张桂英')).id, message: '头晕' })
        .expect(201);

      const page = await openPage();
      await signIn(page, 'admin');
      await page.getByRole('menuitem', { name: '数据看板' }).click();
      await page.waitForURL(/\/console\/dashboard$/);
      await page.locator('[data-test=chart-meals] canvas').waitFor();
      expect(Number(await page.locator('[data-test=kpi-booked]').textContent())).toBeGreaterThanOrEqual(2);
      expect(Number(await page.locator('[data-test=kpi-served]').textContent())).toBeGreaterThanOrEqual(1);
      expect(await page.locator('[data-test=kpi-seniors]').textContent()).toMatch(/^\s*[1-9]\d*\s*$/);
      for (const c of ['meals', 'subsidy', 'seniors', 'ratings', 'emergencies']) {
        expect(await page.locator(`[data-test=chart-${c}] canvas`).count()).toBe(1);
      }
      await page.locator('[data-test=set-budget]').click();
      await page.getByLabel('预算金额（元）').fill('50000');
      await page.getByRole('button', { name: '保存' }).click();
      await page.getByText('预算已保存').waitFor();
      await page.locator('[data-test=kpi-budget]').getByText('¥50000.00').waitFor();
      await shot(page, 'r10-dashboard');
      await page.close();
    }, 120_000);

    test('emergencies: the open alert with the contacts, acknowledged from the list, then 处理完毕 takes it off', async () => {
      const page = await openPage();
      await signIn(page, 'admin');
      await page.getByRole('menuitem', { name: '紧急求助' }).click();
      const row = page.locator('[data-test=alert-table] .el-table__body tr', { hasText: '张桂英' });
      // The senior's emergency contact from the registry, beside the senior's own phone.
      await row.locator('.contact').first().waitFor();
      expect(await row.locator('.contact').first().textContent()).toMatch(/（(儿子|女儿|侄子)）\s*139/);
      expect(await row.textContent()).toContain('头晕');
      await shot(page, 'r11-emergencies');
      await row.getByRole('button', { name: '确认响应' }).click();
      await row.getByText('已响应').waitFor();
      expect(await row.getByRole('button', { name: '确认响应' }).count()).toBe(0);
      // 处理完毕: how it ended and what was done; the alert leaves the list.
      await row.getByRole('button', { name: '处理完毕' }).click();
      const dialog = page.locator('[data-test=alert-resolve]');
      await dialog.getByText('头晕').waitFor();
      await dialog.getByText('已到场处理').click();
      await dialog.getByLabel('处理情况').fill('社工上门量了血压，已休息');
      await shot(page, 'r11b-emergency-resolve');
      await dialog.getByRole('button', { name: '确认处理完毕' }).click();
      await page.getByText('张桂英 的求助已处理完毕（已到场处理）').waitFor();
      await row.waitFor({ state: 'detached' });
      await page.close();
    }, 120_000);

    test('a member of staff sees only their own centre in Centres, and may change only its hours and phone', async () => {
      const page = await openPage();
      await signIn(page, 'staff-jiaxin');
      await page.getByRole('menuitem', { name: '服务站点' }).click();
      const rows = page.locator('[data-test=centre-table] .el-table__body tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(1);
      expect(await rows.first().textContent()).toContain(JIAXIN);
      expect(await page.locator('[data-test=region-tree]').getByRole('button', { name: '添加' }).count()).toBe(0);
      expect(await page.locator('[data-test=add-centre]').count()).toBe(0);
      await shot(page, 'r12-centres-staff');
      await rows.first().click();
      await page.locator('[data-test=edit-centre]').getByText('修改营业时间和电话').click();
      const dialog = page.locator('.el-dialog', { hasText: '修改营业时间和电话' });
      await dialog.getByText('营业时间').first().waitFor();
      expect(await dialog.getByText('站点名称').count()).toBe(0);
      expect(await dialog.getByText('送餐社区').count()).toBe(0);
      await page.close();

      const admin = await openPage();
      await signIn(admin, 'admin');
      await admin.getByRole('menuitem', { name: '服务站点' }).click();
      await admin.locator('[data-test=centre-table] .el-table__body tr').nth(1).waitFor();
      expect(await admin.locator('[data-test=centre-table] .el-table__body tr').count()).toBeGreaterThan(1);
      await shot(admin, 'r13-centres-admin');
      await admin.close();
    }, 120_000);

    test('an administrator adds a neighbour point (errors named in Chinese first), sees it listed, and adds it a lunch with a price', async () => {
      const page = await openPage();
      await signIn(page, 'admin');
      await page.getByRole('menuitem', { name: '服务站点' }).click();
      await page.locator('[data-test=centre-table] .el-table__body tr').first().waitFor();
      await page.locator('[data-test=add-centre]').click();
      const dialog = page.locator('.el-dialog', { hasText: '添加站点' });
      await dialog.getByText('送餐半径').waitFor();

      // Nothing filled in: each field says what it needs, in Chinese.
      await dialog.locator('[data-test=create-centre]').click();
      await dialog.locator('[data-test=centre-form-error]').getByText('请按红字提示修改后再添加').waitFor();
      await dialog.locator('.el-form-item__error', { hasText: '请填写名称' }).waitFor();
      const errors = async () => (await dialog.locator('.el-form-item__error').allTextContents()).map((t) => t.trim()).filter((t) => t);
      expect(await errors()).toEqual(expect.arrayContaining(['请填写名称', '请填写类型', '请填写所在地区', '请填写地址', '请填写纬度', '请填写电话']));
      await shot(page, 'r14-centre-add-errors');

      // A neighbour point without its care centre: the server's rule, under 所属中心.
      await dialog.getByLabel('站点名称').fill('河东苑睦邻点');
      await dialog.locator('[data-test=centre-kind]').click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: '养老睦邻点' }).click();
      await dialog.locator('[data-test=centre-region]').click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: '米市巷街道 / 嘉新社区' }).click();
      await dialog.getByLabel('地址').fill('拱墅区河东苑 3 幢 1 楼');
      await dialog.getByLabel('纬度').fill('30.2801');
      await dialog.getByLabel('经度').fill('120.1702');
      await dialog.getByLabel('电话').fill('0571-8888 1234');
      await dialog.locator('[data-test=create-centre]').click();
      await dialog.locator('.el-form-item__error', { hasText: '睦邻点要属于本区一个在用的照料中心或街道中心' }).waitFor();
      expect(await errors()).toEqual(['睦邻点要属于本区一个在用的照料中心或街道中心，其他站点不能有上级站点']);

      await dialog.locator('[data-test=centre-parent]').click();
      await page.locator('.el-select-dropdown__item:visible', { hasText: JIAXIN }).click();
      await shot(page, 'r15-centre-add-form');
      await dialog.locator('[data-test=create-centre]').click();
      await page.getByText('已添加站点：河东苑睦邻点').waitFor();
      await dialog.waitFor({ state: 'hidden' });
      const row = page.locator('[data-test=centre-table] .el-table__body tr', { hasText: '河东苑睦邻点' });
      await row.waitFor();
      expect(await row.textContent()).toMatch(/养老睦邻点.*嘉新社区.*08:00–17:00.*0571-8888 1234.*运营中/);
      await shot(page, 'r16-centre-added');

      // What the registry keeps: it belongs to the Jiaxin care centre, in its community.
      const admin = await loginConsole(h, 'admin');
      const jiaxin = await centreNamed(h, JIAXIN);
      const found = await seen<{ items: Array<{ id: number; name: string; parentId: number | null; regionId: number; kind: string }> }>(
        h,
        admin,
        '/registry/centres?search=河东苑',
      );
      expect(found.items).toEqual([expect.objectContaining({ name: '河东苑睦邻点', kind: 'neighbour_point', parentId: jiaxin.id, regionId: jiaxin.regionId })]);

      // Its own page: 添加服务项目, a lunch at ¥12.50, listed with today's price.
      await row.click();
      await page.waitForURL(/\/console\/centres\/\d+/);
      await page.getByRole('tab', { name: '服务项目与价格' }).click();
      await page.locator('[data-test=item-table]').getByText('这个站点还没有服务项目').waitFor();
      await page.locator('[data-test=add-item]').click();
      const itemDialog = page.locator('.el-dialog', { hasText: '添加服务项目' });
      await itemDialog.getByLabel('名称').fill('睦邻午餐');
      await itemDialog.getByLabel('价格（元）').fill('12.5');
      await itemDialog.getByRole('button', { name: '添加', exact: true }).click();
      await page.getByText('已添加服务项目：睦邻午餐').waitFor();
      const item = page.locator('[data-test=item-table] .el-table__body tr', { hasText: '睦邻午餐' });
      await item.waitFor();
      expect(await item.textContent()).toMatch(/午餐.*¥12\.50/);
      await shot(page, 'r17-centre-item-added');
      const items = await seen<{ items: Array<{ name: string; price: { priceFen: number } }> }>(h, admin, `/centres/${found.items[0]!.id}/service-items`);
      expect(items.items.map((i) => [i.name, i.price.priceFen])).toEqual([['睦邻午餐', 1250]]);
      await page.close();
    }, 180_000);
  });
}
