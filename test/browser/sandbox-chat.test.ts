import fs from 'node:fs';
import { type Browser } from 'playwright-core';
import { browserAvailable, launchChromium } from '../helpers/browser';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * The sandbox chat page in a real browser (Debian's chromium, driven by playwright-core): pick a demo senior,
 * type, send, and read the public account's reply — the way a newcomer first tries Mulin.
 */
const available = browserAvailable('sandbox chat page test');

(available ? describe : describe.skip)('the sandbox chat page in headless Chromium', () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    h = await startHarness('sqlite');
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  test('a senior sends a text and sees the reply; speaking and following work the same way', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${h.baseUrl}/sandbox/chat`);
    const user = page.getByLabel('微信用户');
    await user.locator('option').first().waitFor({ state: 'attached' });
    await user.selectOption('o_senior_01');

    await page.getByLabel('消息').fill('明天中午吃饭，送到家');
    await page.getByRole('button', { name: '发送', exact: true }).click();
    const reply = page.locator('.msg.bot').first();
    await reply.waitFor();
    expect(await reply.textContent()).toContain('15 元，补贴 3 元，您付 12 元');

    // Saying yes books it; the pay link shows as a link, as WeChat shows it, and opens Mulin's pay page.
    await page.getByLabel('消息').fill('好');
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.locator('.msg.bot').nth(1).waitFor();
    const pay = page.locator('.msg.bot').nth(1).getByRole('link', { name: '点这里付' });
    expect(await pay.getAttribute('href')).toContain('/pay/jsapi?t=');
    expect(await page.locator('.msg.bot').nth(1).textContent()).not.toContain('<a');

    await page.getByLabel('消息').fill('我要洗澡');
    await page.getByRole('button', { name: /说话/ }).click();
    await page.locator('.msg.bot').nth(2).waitFor();
    expect(await page.locator('.msg.bot').nth(2).textContent()).toContain('洗澡');

    await page.getByLabel('安全模式（加密）').check();
    await page.getByRole('button', { name: '关注', exact: true }).click();
    await page.locator('.msg.bot').nth(3).waitFor();
    expect(await page.locator('.msg.bot').nth(3).textContent()).toContain('您好！想订饭');

    fs.mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/sandbox-chat.png', fullPage: true });
  }, 60_000);

  test('the cashier page pays an order Mulin placed, and the sandbox notifies Mulin', async () => {
    const { prepayId } = await h.services.pay!.jsapiPrepay({
      appId: h.wechat.mini.appId,
      outTradeNo: 'MLBROWSER0001',
      description: '助餐 午餐 12月2日',
      amountFen: 1200,
      payerOpenid: 'o_family_01',
    });
    expect(prepayId).toMatch(/^wx/);
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${h.baseUrl}/sandbox/pay`);
    const row = page.locator('tr', { hasText: 'MLBROWSER0001' });
    await row.waitFor();
    expect(await row.textContent()).toContain('¥12.00');
    await row.getByRole('button', { name: '支付' }).click();
    await page.locator('tr', { hasText: 'MLBROWSER0001' }).getByText('已支付').waitFor();
    expect((await h.services.pay!.queryByOutTradeNo('MLBROWSER0001')).tradeState).toBe('SUCCESS');
    await h.sandbox.wxpay.settled();
    expect(h.sandbox.wxpay.notificationLog().some((a) => a.url === `${h.baseUrl}/pay/notify`)).toBe(true);
  }, 60_000);
});
