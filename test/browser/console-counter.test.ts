import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { type Browser, type Page } from 'playwright-core';
import { browserAvailable, launchChromium, VIEWPORT } from '../helpers/browser';
import { Centre } from '../../entities';
import { CONSOLE_PASSWORD, startHarness, T0, TODAY, type Harness } from '../helpers/harness';
import { centreNamed, JIAXIN, loginConsole, loginWechat, seen, seniorNamed, slotOf } from '../helpers/actors';

/**
 * The web console at a busy counter, in Debian's chromium against the real server on SQLite with the demo district:
 * check-in by name and by the last four digits, 现场付 with what was collected, a walk-in booked and checked in at
 * once, the kitchen and delivery lists, the centre's emergency on Today; a refund paid back outside WeChat Pay from
 * Money; the bookings exported to Excel. Screens at 1366×768 under test-results/console-c*.png.
 */
const available = browserAvailable('web console counter test');

const TOMORROW = '2026-12-02';

(available ? describe : describe.skip)('the web console at the counter, in headless Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let staff: string;
  let daughter: string;
  let jiaxinId: number;
  beforeAll(async () => {
    execFileSync(process.execPath, ['console/build-if-stale.mjs'], { stdio: 'inherit' });
    h = await startHarness('sqlite');
    browser = await launchChromium();
    fs.mkdirSync('test-results', { recursive: true });
    staff = await loginConsole(h, 'staff-jiaxin');
    daughter = await loginWechat(h, 'o_family_01');
    jiaxinId = (await centreNamed(h, JIAXIN)).id;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function openPage(): Promise<Page> {
    const page = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: VIEWPORT, acceptDownloads: true });
    await page.clock.setFixedTime(new Date(T0));
    return page;
  }
  async function shot(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(350); // dialogs finish opening
    await page.screenshot({ path: `test-results/console-${name}.png` });
  }
  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${h.baseUrl}/console/`);
    await page.getByPlaceholder('请输入账号').fill(username);
    await page.getByPlaceholder('请输入密码').fill(CONSOLE_PASSWORD);
    await page.getByRole('button', { name: '登 录' }).click();
  }
  const box = (page: Page) => page.getByLabel('核销码、姓名或后四位');
  const result = (page: Page) => page.locator('[data-test=checkin-result]');

  test('check-in by name: the search shows the day’s bookings, Enter checks in the first; an emergency shows on Today, is acknowledged, then 处理完毕 takes it off', async () => {
    const lunch = await slotOf(h, JIAXIN, 'lunch', TODAY);
    const wang = await seniorNamed(h, '王秀英');
    const made = await h.http.post('/api/v1/bookings').set('authorization', staff).send({ seniorId: wang.id, slotId: lunch.id, channel: 'phone' }).expect(201);
    expect(made.body.status).toBe('pending_confirmation');

    const page = await openPage();
    await signIn(page, 'staff-jiaxin');
    await page.waitForURL(/\/console\/today$/);
    await page.locator('[data-test=slot-card]').first().waitFor();
    // The box has the focus: the name is typed straight in; the search finds her booking, which can be checked in.
    await page.keyboard.type('王秀英');
    const row = page.locator('[data-test=found-booking]', { hasText: '王秀英' });
    await row.getByRole('button', { name: '核销（回车）' }).waitFor();
    expect(await row.textContent()).toContain('午餐');
    await shot(page, 'c01-today-search');
    await page.keyboard.press('Enter');
    await result(page).getByText('已核销：王秀英').waitFor();
    expect(await box(page).inputValue()).toBe('');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('checkin-code');
    expect((await seen(h, staff, `/bookings/${made.body.id}`)).status).toBe('served');

    // Esc clears what was typed.
    await page.keyboard.type('李');
    await page.keyboard.press('Escape');
    expect(await box(page).inputValue()).toBe('');

    // 张桂英's daughter presses 助急: the alert is on Today in red, with her phone, address and contacts.
    const zhang = await seniorNamed(h, '张桂英');
    await h.http.post('/api/v1/emergencies').set('authorization', daughter).send({ seniorId: zhang.id, message: '电话打不通' }).expect(201);
    await page.reload();
    const sos = page.locator('[data-test=today-emergencies]');
    await sos.getByText('张桂英').waitFor();
    await sos.getByText('紧急联系人').waitFor();
    expect(await sos.textContent()).toContain(zhang.address);
    await shot(page, 'c02-today-emergency');
    await sos.getByRole('button', { name: '确认响应' }).click();
    await sos.getByText('已响应、尚未处理完毕的求助 1 条').waitFor();
    expect((await seen(h, staff, '/emergencies')).items.find((a: { senior: { id: number } }) => a.senior.id === zhang.id).status).toBe('acknowledged');
    // Handled: 处理完毕 asks how it ended and what was done; without a note it says so, then the banner is gone.
    await sos.getByRole('button', { name: '处理完毕' }).click();
    const dialog = page.locator('[data-test=alert-resolve]');
    await dialog.getByText('已送医').click();
    await dialog.getByRole('button', { name: '确认处理完毕' }).click();
    await dialog.getByText('请填写处理情况').waitFor();
    await dialog.getByLabel('处理情况').fill('已送市一医院，女儿陪同');
    await dialog.getByRole('button', { name: '确认处理完毕' }).click();
    await page.getByText('张桂英 的求助已处理完毕（已送医）').waitFor();
    await sos.waitFor({ state: 'detached' });
    expect((await seen(h, staff, '/emergencies')).items.filter((a: { senior: { id: number } }) => a.senior.id === zhang.id)).toEqual([]);
    const closed = (await seen(h, staff, '/emergencies?status=resolved')).items.find((a: { senior: { id: number } }) => a.senior.id === zhang.id);
    expect(closed).toMatchObject({ outcomeLabel: '已送医', resolution: '已送市一医院，女儿陪同' });
    await page.close();
  }, 120_000);

  test('现场付: check-in by the last four of the phone asks what was collected, warns of a short payment and records it; a walk-in is booked, paid and checked in', async () => {
    await h.db.manager.update(Centre, { id: jiaxinId }, { counterPayment: true });
    try {
      const zhang = await seniorNamed(h, '张桂英');
      const lunch = await slotOf(h, JIAXIN, 'lunch', TODAY);
      const made = await h.http
        .post('/api/v1/bookings')
        .set('authorization', daughter)
        .send({ seniorId: zhang.id, slotId: lunch.id, payAt: 'counter' })
        .expect(201);
      expect(made.body).toMatchObject({ payAtCounter: true });
      const copay = made.body.copayFen as number;
      expect(copay).toBeGreaterThan(200);

      const page = await openPage();
      await signIn(page, 'staff-jiaxin');
      await page.waitForURL(/\/console\/today$/);
      await page.locator('[data-test=slot-card]').first().waitFor();
      await page.keyboard.type(zhang.phone!.slice(-4));
      const row = page.locator('[data-test=found-booking]', { hasText: '张桂英' });
      await row.getByText('现场付').waitFor();
      await page.keyboard.press('Enter');
      const dialog = page.locator('[data-test=counter-pay]');
      const amount = dialog.getByLabel('实收金额（元）');
      await amount.waitFor();
      expect(await amount.inputValue()).toBe((copay / 100).toFixed(2));
      await amount.fill(String((copay - 200) / 100));
      await dialog.getByText('老人卡').click();
      await dialog.locator('[data-test=short-warning]').getByText('少收 ¥2.00').waitFor();
      await shot(page, 'c03-today-counter-pay');
      await dialog.getByRole('button', { name: /收款并核销/ }).click();
      await result(page).getByText('已核销：张桂英').waitFor();
      expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('checkin-code');
      const ledger = await seen(h, daughter, `/bookings/${made.body.id}/payments`);
      expect(ledger).toMatchObject({ counterFen: copay - 200, counter: { amountFen: copay - 200, method: 'senior_card', methodLabel: '老人卡' } });

      // 吴德明 comes in without a booking: found by name among the street's seniors, booked for lunch, paid, eaten.
      await box(page).fill('吴德明');
      const person = page.locator('[data-test=found-senior]', { hasText: '吴德明' });
      await person.getByRole('button', { name: '临时预约' }).click();
      const walkIn = page.locator('[data-test=walk-in]');
      await walkIn.locator('[data-test=walk-in-quote]').waitFor();
      await walkIn.getByText('堂食').click();
      await shot(page, 'c04-today-walk-in');
      await walkIn.getByRole('button', { name: '预约并核销' }).click();
      const wu = await seniorNamed(h, '吴德明');
      const pay = page.locator('[data-test=counter-pay]');
      // A co-payment is due: the counter collects it and checks in; with none, it was checked in at once.
      const outcome = await Promise.race([
        pay
          .getByRole('button', { name: /收款并核销/ })
          .waitFor()
          .then(() => 'pay' as const),
        result(page)
          .getByText('已核销：吴德明')
          .waitFor()
          .then(() => 'served' as const),
      ]);
      if (outcome === 'pay') {
        await pay.getByRole('button', { name: /收款并核销/ }).click();
        await result(page).getByText('已核销：吴德明').waitFor();
      }
      const hisToday = (await seen(h, staff, `/bookings?seniorId=${wu.id}&centreId=${jiaxinId}&date=${TODAY}`)).items;
      expect(hisToday.map((b: { status: string; channel: string; deliveryMode: string }) => [b.status, b.channel, b.deliveryMode])).toEqual([
        ['served', 'counter', 'dine_in'],
      ]);

      // The short payment is on Money's problems list.
      await page.getByRole('menuitem', { name: '资金与结算' }).click();
      await page.getByRole('tab', { name: /待处理问题/ }).click();
      const shortfalls = page.locator('[data-test=shortfalls]');
      await shortfalls.getByText(made.body.code).waitFor();
      expect(await shortfalls.textContent()).toContain('¥2.00');
      await page.close();
    } finally {
      await h.db.manager.update(Centre, { id: jiaxinId }, { counterPayment: false });
    }
  }, 120_000);

  test('the kitchen list of a meal and the day’s delivery list open grouped as the API groups them, and download as xlsx', async () => {
    const page = await openPage();
    await signIn(page, 'staff-jiaxin');
    await page.waitForURL(/\/console\/today$/);
    const lunchCard = page.locator('[data-test=slot-card]', { hasText: '午餐' }).first();
    await lunchCard.getByRole('button', { name: '厨房备餐单' }).click();
    const dialog = page.locator('[data-test=day-list]');
    await dialog.getByText('要做的份数').waitFor();
    await dialog.locator('.el-table__body').getByText('王秀英').waitFor();
    await shot(page, 'c05-today-kitchen-list');
    const download = page.waitForEvent('download');
    await dialog.getByRole('button', { name: '下载 Excel 打印' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
    await file.saveAs('test-results/console-c-kitchen.xlsx');
    expect(fs.readFileSync('test-results/console-c-kitchen.xlsx').subarray(0, 2).toString()).toBe('PK');
    await dialog.getByRole('button', { name: '关闭', exact: true }).click();

    // No meal is to be delivered today yet: only the empty state (no "共 0 户、0 份"), and nothing to print.
    const none = await seen<{ totalStops: number }>(h, staff, `/centres/${jiaxinId}/delivery-list?date=${TODAY}`);
    expect(none.totalStops).toBe(0);
    await page.getByRole('button', { name: '送餐单' }).click();
    await dialog.getByText('这一天没有送餐').waitFor();
    expect(await dialog.locator('[data-test=delivery-totals]').count()).toBe(0);
    expect(await dialog.textContent()).not.toContain('共 0 户');
    expect(await dialog.getByRole('button', { name: '下载 Excel 打印' }).isDisabled()).toBe(true);
    await shot(page, 'c06a-today-delivery-list-empty');
    await dialog.getByRole('button', { name: '关闭', exact: true }).click();

    // 李建国 asks by phone for his lunch brought home, to pay at the door (现场付): the list has him, with the totals.
    const li = await seniorNamed(h, '李建国');
    const lunch = await slotOf(h, JIAXIN, 'lunch', TODAY);
    await h.db.manager.update(Centre, { id: jiaxinId }, { counterPayment: true });
    try {
      const booked = await h.http
        .post('/api/v1/bookings')
        .set('authorization', staff)
        .send({ seniorId: li.id, slotId: lunch.id, channel: 'phone', deliveryMode: 'delivery', payAt: 'counter' })
        .expect(201);
      expect(booked.body.status).toBe('pending_confirmation');
    } finally {
      await h.db.manager.update(Centre, { id: jiaxinId }, { counterPayment: false });
    }
    await page.reload();
    await page.locator('[data-test=slot-card]').first().waitFor();
    await page.getByRole('button', { name: '送餐单' }).click();
    await dialog.locator('.el-table__body').getByText('李建国').waitFor();
    expect(await dialog.locator('[data-test=delivery-totals]').innerText()).toMatch(/^共 1 户、1 份/);
    expect(await dialog.getByText('这一天没有送餐').count()).toBe(0);
    expect(await dialog.getByRole('button', { name: '下载 Excel 打印' }).isDisabled()).toBe(false);
    await shot(page, 'c06-today-delivery-list');
    await page.close();
  }, 90_000);

  test('Money: an abnormal refund is recorded as paid back outside WeChat Pay and leaves the problems list', async () => {
    const zhang = await seniorNamed(h, '张桂英');
    const lunch = await slotOf(h, JIAXIN, 'lunch', TOMORROW);
    const made = await h.http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: zhang.id, slotId: lunch.id }).expect(201);
    const order = (await h.http.post(`/api/v1/bookings/${made.body.id}/pay`).set('authorization', daughter).send({}).expect(200)).body.payment.outTradeNo;
    h.sandbox.wxpay.pay(order);
    await h.sandbox.wxpay.settled();
    h.sandbox.wxpay.setRefundKnobs({ refundOutcome: 'ABNORMAL' });
    try {
      await h.http.post(`/api/v1/bookings/${made.body.id}/cancel`).set('authorization', daughter).send({}).expect(200);
      await h.sandbox.wxpay.settled();
    } finally {
      h.sandbox.wxpay.setRefundKnobs({ refundOutcome: 'SUCCESS' });
    }
    const [refund] = (await seen(h, staff, `/bookings/${made.body.id}/payments`)).refunds;
    expect(refund).toMatchObject({ status: 'abnormal', needsStaff: true });

    const page = await openPage();
    await signIn(page, 'staff-jiaxin');
    await page.waitForURL(/\/console\/today$/);
    await page.getByRole('menuitem', { name: '资金与结算' }).click();
    await page.getByRole('tab', { name: /待处理问题/ }).click();
    const row = page.locator('[data-test=problem-refunds] .el-table__body tr', { hasText: refund.outRefundNo });
    // An abnormal refund cannot be retried (the API says REFUND_NOT_RETRYABLE): only 线下已退 is offered.
    await row.getByRole('button', { name: '线下已退' }).waitFor();
    expect(await row.getByRole('button', { name: /重试退款|重新退款/ }).count()).toBe(0);
    await row.getByRole('button', { name: '线下已退' }).click();
    const dialog = page.locator('[data-test=offline-dialog]');
    // The reference is required: said before anything is sent.
    await dialog.getByRole('button', { name: '确认已退回' }).click();
    await dialog.getByText('请填写凭证号').waitFor();
    await dialog.getByText('银行转账').click();
    await dialog.getByLabel('凭证号').fill('ZZ20261201001');
    await dialog.getByLabel('备注').fill('已转账给刘敏');
    await shot(page, 'c07-money-offline');
    await dialog.getByRole('button', { name: '确认已退回' }).click();
    await row.waitFor({ state: 'detached' });
    await shot(page, 'c08-money-after');
    const after = (await seen(h, staff, `/bookings/${made.body.id}/payments`)).refunds[0];
    expect(after).toMatchObject({ resolution: 'offline', offline: { method: 'bank_transfer', reference: 'ZZ20261201001', note: '已转账给刘敏' } });
    await page.close();
  }, 90_000);

  test('Money: a closed refund offers 重新退款 and 线下已退; once a later refund paid it back, 重新退款 says so and it leaves the list', async () => {
    const zhang = await seniorNamed(h, '张桂英');
    const lunch = await slotOf(h, JIAXIN, 'lunch', TOMORROW);
    const made = await h.http.post('/api/v1/bookings').set('authorization', daughter).send({ seniorId: zhang.id, slotId: lunch.id, quantity: 2 }).expect(201);
    const order = (await h.http.post(`/api/v1/bookings/${made.body.id}/pay`).set('authorization', daughter).send({}).expect(200)).body.payment.outTradeNo;
    h.sandbox.wxpay.pay(order);
    await h.sandbox.wxpay.settled();
    // One portion fewer: WeChat Pay closes that refund.
    h.sandbox.wxpay.setRefundKnobs({ refundOutcome: 'CLOSED' });
    try {
      await h.http.post(`/api/v1/bookings/${made.body.id}/reduce`).set('authorization', daughter).send({ quantity: 1 }).expect(200);
      await h.sandbox.wxpay.settled();
    } finally {
      h.sandbox.wxpay.setRefundKnobs({ refundOutcome: 'SUCCESS' });
    }
    const [closed] = (await seen(h, staff, `/bookings/${made.body.id}/payments`)).refunds;
    expect(closed).toMatchObject({ status: 'closed', needsStaff: true });

    const page = await openPage();
    await signIn(page, 'staff-jiaxin');
    await page.waitForURL(/\/console\/today$/);
    await page.getByRole('menuitem', { name: '资金与结算' }).click();
    await page.getByRole('tab', { name: /待处理问题/ }).click();
    const row = page.locator('[data-test=problem-refunds] .el-table__body tr', { hasText: closed.outRefundNo });
    await row.getByRole('button', { name: '重新退款' }).waitFor();
    expect(await row.getByRole('button', { name: '线下已退' }).count()).toBe(1);
    expect(await row.getByRole('button', { name: '重试退款' }).count()).toBe(0);
    await shot(page, 'c08b-money-closed-refund');

    // Meanwhile she cancels: that refund pays back everything still owed, the closed one included.
    await h.http.post(`/api/v1/bookings/${made.body.id}/cancel`).set('authorization', daughter).send({}).expect(200);
    await h.sandbox.wxpay.settled();
    // The page still shows it; 重新退款 hears from the API that it is paid back, says so, and the row goes.
    await row.getByRole('button', { name: '重新退款' }).click();
    await page.getByText('这笔钱后来的退款已经退回了，不用再退，已从待处理中移除').waitFor();
    await row.waitFor({ state: 'detached' });
    const refunds = (await seen(h, staff, `/bookings/${made.body.id}/payments`)).refunds as Array<{
      outRefundNo: string;
      status: string;
      resolution: string | null;
    }>;
    expect(refunds.find((r) => r.outRefundNo === closed.outRefundNo)).toMatchObject({ status: 'closed', resolution: 'covered' });
    expect(refunds.filter((r) => r.status === 'success')).toHaveLength(1);
    await page.close();
  }, 90_000);

  test('Bookings: 导出 Excel downloads the filtered list, read back with its Chinese headers and amounts in yuan', async () => {
    const page = await openPage();
    await signIn(page, 'staff-jiaxin');
    await page.waitForURL(/\/console\/today$/);
    await page.getByRole('menuitem', { name: '预约管理' }).click();
    await page.waitForURL(/\/console\/bookings$/);
    await page.locator('.el-table__body tr').first().waitFor();
    // At 1366 px the filters and 查询/重置 are on one line.
    const top = async (name: string) => (await page.getByRole('button', { name, exact: true }).boundingBox())!.y;
    const dateTop = (await page.getByPlaceholder('开始日期').boundingBox())!.y;
    expect(Math.abs((await top('查询')) - dateTop)).toBeLessThan(12);
    expect(await top('重置')).toBe(await top('查询'));
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 Excel' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`预约-${TODAY}.xlsx`);
    await file.saveAs('test-results/console-c-bookings.xlsx');
    await shot(page, 'c09-bookings-export');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile('test-results/console-c-bookings.xlsx');
    const ws = wb.getWorksheet('预约')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 6)).toEqual(['核销码', '服务日期', '时段', '站点', '服务项目', '老人']);
    const list = await seen(h, staff, `/bookings?centreId=${jiaxinId}&date=${TODAY}&limit=200`);
    expect(ws.rowCount - 1).toBe(list.total);
    const copayCol = header.indexOf('自付（元）') + 1;
    const codes = new Map<string, number>(list.items.map((b: { code: string; copayFen: number }) => [b.code, b.copayFen]));
    for (let r = 2; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      expect(row.getCell(copayCol).value).toBe(codes.get(String(row.getCell(1).value))! / 100);
    }
    await page.close();
  }, 90_000);
});
