import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { browserAvailable, launchChromium, VIEWPORT } from '../helpers/browser';
import { JobRun, Senior } from '../../entities';
import { CONSOLE_PASSWORD, startHarness, T0, type Harness } from '../helpers/harness';
import { loginConsole, loginWechat, seniorNamed } from '../helpers/actors';
import { idNumber } from '../helpers/id-numbers';
import { writeXlsxFile, type SheetCell } from '../../server/lib/spreadsheet';

/**
 * The console's people pages in a real browser (Debian's chromium, driven by playwright-core) against the real
 * server on SQLite with the demo district: the forced password change after a reset, a locked-out sign-in, the
 * seniors' registry as a member of staff sees it (and does not see another centre's), the civil-affairs Excel import
 * with its dry run, staff accounts and the audit log, the job runs. Every page is saved at 1366×768 under
 * test-results/console-*.png.
 */
const available = browserAvailable('web console people test');

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An .xlsx file of these rows, written by exceljs through the server's own writer (as the API import test does). */
async function xlsx(rows: ReadonlyArray<readonly SheetCell[]>): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mulin-xlsx-'));
  try {
    const file = path.join(dir, 'list.xlsx');
    await writeXlsxFile(file, '老人名单', rows);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(available ? describe : describe.skip)('the web console: seniors, import, accounts, audit log (headless Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let admin: string;
  beforeAll(async () => {
    execFileSync(process.execPath, ['console/build-if-stale.mjs'], { stdio: 'inherit' });
    h = await startHarness('sqlite');
    browser = await launchChromium();
    fs.mkdirSync('test-results', { recursive: true });
    admin = await loginConsole(h, 'admin');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });
  beforeEach(() => h.clock.set(T0));

  async function openPage(): Promise<Page> {
    const page = await browser.newPage({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: VIEWPORT });
    await page.clock.setFixedTime(new Date(T0));
    return page;
  }
  async function shot(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `test-results/console-${name}.png` });
  }
  async function signIn(page: Page, username: string, password = CONSOLE_PASSWORD): Promise<void> {
    await page.goto(`${h.baseUrl}/console/`);
    await page.getByPlaceholder('请输入账号').fill(username);
    await page.getByPlaceholder('请输入密码').fill(password);
    await page.getByRole('button', { name: '登 录' }).click();
  }
  async function accountOf(username: string): Promise<{ id: number; version: number }> {
    const res = await h.http.get('/api/v1/accounts').query({ q: username }).set('authorization', admin);
    expect(res.status).toBe(200);
    const a = res.body.items.find((x: { username: string }) => x.username === username);
    expect(a).toBeDefined();
    return a;
  }

  test('a reset password must be changed at sign-in: the one-time password, then a new one, then Today', async () => {
    const staff = await accountOf('staff-dongyuan');
    const reset = await h.http.post(`/api/v1/accounts/${staff.id}/reset-password`).set('authorization', admin).send({ version: staff.version });
    expect(reset.status).toBe(200);
    const once: string = reset.body.oneTimePassword;

    const page = await openPage();
    await signIn(page, 'staff-dongyuan', once);
    await page.waitForURL(/\/console\/password\?forced=1/);
    await page.getByText('请先设置您自己的新密码').waitFor();
    await shot(page, 'p01-forced-change');
    // Anything else is refused until the password is changed: the app brings the user back here.
    await page.goto(`${h.baseUrl}/console/bookings`);
    await page.waitForURL(/\/console\/password\?forced=1/);

    // A weak new password: the API's Chinese reason under the field.
    await page.locator('input[name=oldPassword]').fill(once);
    await page.locator('input[name=newPassword]').fill('abcdefgh');
    await page.locator('input[name=again]').fill('abcdefgh');
    await page.getByRole('button', { name: '确认修改' }).click();
    await page.getByText('字母和数字', { exact: false }).last().waitFor();

    await page.locator('input[name=newPassword]').fill('Dongyuan2026x');
    await page.locator('input[name=again]').fill('Dongyuan2026x');
    await page.getByRole('button', { name: '确认修改' }).click();
    await page.waitForURL(/\/console\/today$/);
    await page.locator('[data-test=slot-card]').first().waitFor();
    expect(await page.locator('header').textContent()).toContain('钱丽华');

    // The new password is the password now, and no change is asked for any more.
    const again = await h.http.post('/api/v1/auth/password-login').send({ username: 'staff-dongyuan', password: 'Dongyuan2026x' });
    expect(again.status).toBe(200);
    expect(again.body.mustChangePassword).toBe(false);
    await page.close();
  }, 90_000);

  test('a locked-out sign-in shows the API message in Chinese', async () => {
    let last: { status: number; body: { error: { code: string; message: string } } } | undefined;
    // Wrong passwords, a minute apart (past each growing delay), until the account is locked for a while.
    for (let i = 0; i < 20; i++) {
      h.clock.advance(65_000);
      last = await h.http.post('/api/v1/auth/password-login').send({ username: 'staff-xinyifang', password: `wrong-${i}` });
      if (last.status === 429 && /分钟/.test(last.body.error.message)) break;
    }
    expect(last!.status).toBe(429);
    expect(last!.body.error.code).toBe('LOGIN_TOO_MANY_TRIES');
    const page = await openPage();
    await signIn(page, 'staff-xinyifang');
    const err = page.locator('[data-test=login-error]');
    await err.waitFor();
    expect(await err.textContent()).toContain(last!.body.error.message);
    expect(await err.textContent()).toMatch(/登录失败次数太多，请 \d+ 分钟后再试/);
    await shot(page, 'p02-locked-out');
    await page.close();
  }, 60_000);

  test("staff see their own centre's seniors only; another centre's senior by URL is refused in Chinese; register shows errors by field", async () => {
    const other = await seniorNamed(h, '陈阿毛'); // 卖鱼桥's
    const own = await seniorNamed(h, '张桂英'); // 嘉新's
    const page = await openPage();
    await signIn(page, 'staff-jiaxin');
    await page.waitForURL(/\/console\/today$/);
    await page.getByRole('menuitem', { name: '老人档案' }).click();
    await page.waitForURL(/\/console\/seniors$/);
    const table = page.locator('[data-test=senior-table] .el-table__body');
    await table.getByText('张桂英').waitFor();
    expect(await table.textContent()).not.toContain('陈阿毛');
    await shot(page, 'p03-seniors');

    // Searching for the other centre's senior finds nobody.
    await page.getByPlaceholder('姓名 / 身份证或电话后四位').fill('陈阿毛');
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator('[data-test=senior-table]').getByText('没有符合条件的老人').waitFor();

    // Opening them by URL: the API's refusal, in Chinese.
    await page.goto(`${h.baseUrl}/console/seniors/${other.id}`);
    const refused = page.locator('[data-test=senior-refused]');
    await refused.waitFor();
    // The page says what the API answers this member of staff (403), word for word.
    const answer = await h.http.get(`/api/v1/seniors/${other.id}`).set('authorization', await loginConsole(h, 'staff-jiaxin'));
    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(await refused.textContent()).toContain(answer.body.error.message);
    expect(await refused.textContent()).not.toContain('陈阿毛');
    await shot(page, 'p04-senior-refused');

    // Their own senior: the profile, and the tabs.
    await page.goto(`${h.baseUrl}/console/seniors/${own.id}`);
    await page.getByText('牙口不好，饭菜软一点').waitFor();
    await shot(page, 'p05-senior-profile');

    // Her choice to let the family read the visits, recorded by staff at her word: her daughter's care page follows it.
    const daughter = await loginWechat(h, 'o_family_01');
    const shared = async () => (await h.http.get(`/api/v1/seniors/${own.id}/care`).set('authorization', daughter).expect(200)).body.sharedWithFamily;
    const before = await shared();
    const sharing = page.locator('[data-test=care-sharing]');
    const said = (share: boolean) => (share ? '已记录：老人同意把探访情况告诉家人' : '已记录：探访情况不再告诉家人');
    await sharing.click();
    await page.getByText(said(!before)).waitFor();
    expect(await shared()).toBe(!before);
    await sharing.click(); // back as it was (the switch works from the record read afresh)
    await page.getByText(said(before)).waitFor();
    expect(await shared()).toBe(before);

    // Editing while someone else saves first: 409, said plainly, reload, then the edit goes through.
    await page.locator('[data-test=senior-edit]').click();
    const edit = page.locator('.el-dialog', { hasText: '编辑档案' });
    const diet = edit.getByPlaceholder('例如：糖尿病，低糖；牙口不好');
    await diet.waitFor();
    const staffAuth = await loginConsole(h, 'staff-jiaxin');
    const current = await h.http.get(`/api/v1/seniors/${own.id}`).set('authorization', staffAuth);
    const meanwhile = await h.http
      .patch(`/api/v1/seniors/${own.id}`)
      .set('authorization', staffAuth)
      .send({ dietNotes: '软食，少盐', version: current.body.version });
    expect(meanwhile.status).toBe(200);
    await diet.fill('软食');
    await edit.locator('[data-test=senior-save]').click();
    const conflict = edit.locator('[data-test=version-conflict]');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('别人刚刚改过这份档案');
    await shot(page, 'p05b-senior-edit-conflict');
    await conflict.getByRole('button', { name: '重新载入' }).click();
    // The form now holds what the other edit saved.
    for (let i = 0; i < 50 && (await diet.inputValue()) !== '软食，少盐'; i++) await page.waitForTimeout(100);
    expect(await diet.inputValue()).toBe('软食，少盐');
    await diet.fill('软食，少盐，不吃辣');
    await edit.locator('[data-test=senior-save]').click();
    await page.getByText('软食，少盐，不吃辣').waitFor();
    expect((await h.http.get(`/api/v1/seniors/${own.id}`).set('authorization', staffAuth)).body.dietNotes).toBe('软食，少盐，不吃辣');
    await page.getByRole('tab', { name: '能力评估' }).click();
    await page.getByRole('button', { name: '新增评估' }).waitFor();
    await page.getByRole('tab', { name: '对话记录' }).click();
    await page.locator('[data-test=chat]').waitFor();
    await page.getByRole('tab', { name: '家属绑定' }).click();
    await page.getByText('刘敏').waitFor();
    await shot(page, 'p06-senior-family');

    // Register with mistakes: each message under its field, from the API, in Chinese.
    await page.goto(`${h.baseUrl}/console/seniors`);
    await page.getByRole('button', { name: '登记老人' }).click();
    const dialog = page.locator('.el-dialog', { hasText: '登记老人' });
    await dialog.locator('input[name=name]').fill('钱阿婆');
    await dialog.locator('input[name=idNumber]').fill('330105194406181234');
    await dialog.locator('input[name=phone]').fill('12345');
    await dialog.locator('[data-test=senior-save]').click();
    await dialog.locator('[data-test=form-error]').waitFor();
    const phoneItem = dialog.locator('.el-form-item', { hasText: '联系电话' });
    expect(await phoneItem.locator('.el-form-item__error').textContent()).toMatch(/联系电话要是 11 位手机号/);
    expect(await dialog.locator('.el-form-item', { hasText: '住址' }).locator('.el-form-item__error').textContent()).toContain('请填写住址');
    await phoneItem.locator('.el-form-item__error').waitFor({ state: 'visible' });
    await page.waitForTimeout(400); // the messages fade in
    await shot(page, 'p07-senior-register-errors');
    await page.close();
  }, 120_000);

  test('an administrator imports the civil-affairs list as an Excel file: the dry run row by row, then applied', async () => {
    const ids = { a: idNumber('1941-02-03', 12), b: idNumber('1950-07-08', 21), c: idNumber('1938-12-30', 34) };
    // A real .xlsx as a clerk's Excel keeps it (exceljs, as test/api/seniors-import.test.ts): a title line above the
    // header, a birth date as an Excel date, a phone number as a number.
    const sheet = await xlsx([
      ['米市巷街道 2026 年 12 月 老人名单'],
      ['姓名', '性别', '身份证号', '出生日期', '联系电话', '住址', '所属社区', '人员类别', '紧急联系人', '紧急联系人电话'],
      ['周新华', '女', ids.a, new Date('1941-02-03T00:00:00Z'), 13811112222, '嘉新社区 2 幢 101', '嘉新社区', '低保、独居', '周明', '13822223333'],
      ['吴根宝', '男', ids.b, null, null, '左家新村 7 幢', '左家新村社区', null, null, null],
      ['两处错', '女', ids.c, null, '12345', '嘉新社区', '嘉新社区', '低保、有钱人', null, null],
      ['周新华', '女', ids.a, null, null, '嘉新社区 2 幢 101', '嘉新社区', null, null, null],
    ]);

    const page = await openPage();
    await signIn(page, 'admin-mishixiang');
    await page.waitForURL(/\/console\/bookings$/);
    await page.getByRole('menuitem', { name: '批量导入' }).click();
    await page.waitForURL(/\/console\/seniors-import$/);
    await page.getByText('还没有选择文件').waitFor();
    await page.locator('[data-test=import-file]').setInputFiles({ name: '米市巷街道老人名单.xlsx', mimeType: XLSX, buffer: sheet });

    const report = page.locator('[data-test=import-report]');
    await report.waitFor();
    await report.getByText('试算结果').first().waitFor();
    // The title line is skipped: the header is found on row 2.
    await report.getByText('表头在第 2 行').waitFor();
    const counts = await report.locator('[data-test=import-counts]').innerText();
    expect(counts.replace(/\s+/g, ' ')).toBe('2 新增 0 更新 0 无变化 1 重复行 1 有错误');
    const table = report.locator('[data-test=import-rows] .el-table__body');
    const row = (n: number) => table.locator('tr', { has: page.locator('td:first-child', { hasText: new RegExp(`^${n}$`) }) });
    expect(await row(3).innerText()).toMatch(/新增\s+周新华/);
    expect(await row(4).innerText()).toMatch(/新增\s+吴根宝/);
    expect(await row(5).innerText()).toMatch(/有错误\s+两处错/);
    expect(await row(5).innerText()).toContain('联系电话');
    expect(await row(5).innerText()).toContain('有钱人');
    expect(await row(6).innerText()).toMatch(/重复行[\s\S]*与第 3 行/);
    // Nothing is written by the dry run.
    expect(await h.db.manager.countBy(Senior, { name: '吴根宝' })).toBe(0);
    await shot(page, 'p08-import-dry-run');

    await page.locator('[data-test=import-apply]').click();
    const applied = page.locator('[data-test=import-applied]');
    await applied.waitFor();
    expect(await applied.textContent()).toContain('新增 2 人，更新 0 人；1 行有错误未导入，1 行重复');
    await shot(page, 'p09-import-applied');
    const imported = await h.http
      .get('/api/v1/seniors')
      .query({ search: '吴根宝' })
      .set('authorization', await loginConsole(h, 'admin-mishixiang'));
    expect(imported.body.items.map((s: { name: string }) => s.name)).toEqual(['吴根宝']);
    // The Excel number and date came through as the phone and birth date the clerk typed.
    const zhou = await seniorNamed(h, '周新华');
    expect([zhou.phone, zhou.birthDate]).toEqual(['13811112222', '1941-02-03']);
    expect(await h.db.manager.countBy(Senior, { name: '两处错' })).toBe(0);
    await page.close();
  }, 120_000);

  test('an administrator creates a staff account (its one-time password shown once), and the audit log shows it; the job runs', async () => {
    const started = new Date(T0);
    await h.db.manager.save(JobRun, [
      {
        job: 'payment-expiry',
        tick: started,
        instance: 'web-1',
        triggeredBy: 'schedule',
        startedAt: started,
        finishedAt: new Date(started.getTime() + 1250),
        processed: 3,
        error: null,
      },
      {
        job: 'monthly-settlement',
        tick: started,
        instance: 'web-1',
        triggeredBy: 'manual',
        startedAt: started,
        finishedAt: new Date(started.getTime() + 4000),
        processed: null,
        error: '数据库连接超时',
      },
    ]);

    const page = await openPage();
    await signIn(page, 'admin');
    await page.waitForURL(/\/console\/bookings$/);
    await page.getByRole('menuitem', { name: '账号管理' }).click();
    await page.locator('[data-test=account-table] .el-table__body').getByText('staff-jiaxin', { exact: true }).waitFor();
    await shot(page, 'p10-accounts');

    await page.locator('[data-test=account-new]').click();
    const dialog = page.locator('.el-dialog', { hasText: '新建账号' });
    await dialog.locator('input[name=username]').fill('staff-jiaxin2');
    await dialog.locator('input[name=displayName]').fill('孙小红');
    await dialog.locator('input[name=phone]').fill('13905719999');
    await dialog.locator('[data-test=account-centre]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '嘉新社区居家养老服务照料中心' }).click();
    await dialog.locator('[data-test=account-save]').click();

    const otp = page.locator('[data-test=one-time-password]');
    await otp.waitFor();
    const password = (await otp.textContent())!.trim();
    expect(password.length).toBeGreaterThanOrEqual(8);
    await shot(page, 'p11-account-one-time-password');
    await page.getByRole('button', { name: '我已记下' }).click();
    await page.locator('[data-test=account-table] .el-table__body').getByText('孙小红').waitFor();
    expect(await page.locator('[data-test=account-table] .el-table__body tr', { hasText: '孙小红' }).textContent()).toContain('待改密');
    // The password shown is the account's: it signs in, and must be changed first.
    const first = await h.http.post('/api/v1/auth/password-login').send({ username: 'staff-jiaxin2', password });
    expect(first.status).toBe(200);
    expect(first.body.mustChangePassword).toBe(true);
    const created = await accountOf('staff-jiaxin2');

    await page.getByRole('menuitem', { name: '操作日志' }).click();
    await page.waitForURL(/\/console\/audit$/);
    const log = page.locator('[data-test=audit-table] .el-table__body');
    const entry = log.locator('tr', { hasText: '新建账号' }).first();
    await entry.waitFor();
    expect(await entry.textContent()).toContain('拱墅区民政局 管理员');
    expect(await entry.textContent()).toContain(`账号 #${created.id}`);
    await shot(page, 'p12-audit');
    // A click on the record filters the log down to it.
    await entry.getByText(`账号 #${created.id}`).click();
    await page.waitForLoadState('networkidle');
    const texts = await log.locator('tr').allTextContents();
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(t).toContain(`账号 #${created.id}`);

    await page.getByRole('menuitem', { name: '定时任务' }).click();
    const jobs = page.locator('[data-test=job-table] .el-table__body');
    await jobs.getByText('关闭超时未付款的预约').waitFor();
    expect(await jobs.locator('tr', { hasText: 'payment-expiry' }).textContent()).toMatch(/1\.3 秒|1\.2 秒/);
    expect(await jobs.locator('tr', { hasText: 'monthly-settlement' }).textContent()).toContain('数据库连接超时');
    await shot(page, 'p13-jobs');
    await page.close();
  }, 120_000);
});
