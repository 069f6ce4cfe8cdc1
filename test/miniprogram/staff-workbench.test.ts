/** @jest-environment ./test/miniprogram/jsdom-with-node.js */
import { centreNamed, JIAXIN, loginWechat, MAIYUQIAO, seen } from '../helpers/actors';
import { TODAY } from '../helpers/harness';
import { bookAndPay } from './fixtures';
import { readQrOnPage } from './qr-read';
import { useMiniProgramServer } from './setup';

// The Jiaxin centre's worker on the mini-program workbench, against the real server: today's slots with counts,
// confirming and rejecting (with a reason) what families booked, and checking meals in by scanning codes —
// including the codes that must not count: already served, cancelled or rejected, another centre's, unknown.

const { h, as } = useMiniProgramServer();
const TOMORROW = '2026-12-02';

describe('staff workbench', () => {
  let lunchA: { id: number; code: string };
  let dinnerB: { id: number; code: string };
  let lunchC: { id: number; code: string };
  let elsewhere: { id: number; code: string };
  let tomorrowCancelled: { id: number; code: string };
  /** The Jiaxin worker's and the two families' own sessions, to ask the API what they would see. */
  let worker: string;
  let zhangsDaughter: string;
  let lisSon: string;
  const statusOf = async (auth: string, id: number): Promise<string> => (await seen(h(), auth, `/bookings/${id}`)).status;

  beforeAll(async () => {
    lunchA = await bookAndPay(h(), 'o_family_01', '张桂英', JIAXIN, 'lunch', TODAY);
    dinnerB = await bookAndPay(h(), 'o_family_01', '张桂英', JIAXIN, 'dinner', TODAY);
    lunchC = await bookAndPay(h(), 'o_family_02', '李建国', JIAXIN, 'lunch', TODAY);
    elsewhere = await bookAndPay(h(), 'o_family_02', '李建国', MAIYUQIAO, 'dinner', TODAY);
    tomorrowCancelled = await bookAndPay(h(), 'o_family_01', '张桂英', JIAXIN, 'lunch', TOMORROW);
    [worker, zhangsDaughter, lisSon] = [await loginWechat(h(), 'o_staff_jiaxin'), await loginWechat(h(), 'o_family_01'), await loginWechat(h(), 'o_family_02')];
    await h().http.post(`/api/v1/bookings/${tomorrowCancelled.id}/cancel`).set('authorization', zhangsDaughter).send({}).expect(200);
  });

  test('only staff accounts get the workbench', async () => {
    const mp = as('o_family_01');
    const page = await mp.launch('/pages/staff/workbench');
    expect(page.text()).toContain('这里只有站点工作人员能用');
    expect(page.has('#scan')).toBe(false);
  });

  test("today's slots with booked / confirmed / served counts, and the bookings waiting for confirmation", async () => {
    const mp = as('o_staff_jiaxin');
    const page = await mp.launch('/pages/staff/workbench');
    expect(page.text()).toContain('工作台 今天 12月1日 周二');
    const lunch = page.texts('.today-slot').find((t) => t.startsWith('午餐'))!;
    expect(lunch).toContain('已订 2｜已确认 0｜已核销 0');
    const pending = page.texts('.pending');
    expect(pending).toHaveLength(3);
    expect(pending.join('\n')).toContain('张桂英');
    expect(pending.join('\n')).toContain('李建国');
  });

  test('confirms one booking and rejects another with a reason (refunded)', async () => {
    const mp = as('o_staff_jiaxin');
    const page = await mp.launch('/pages/staff/workbench');
    const idx = (id: number) => (page.data.pending as Array<{ id: number }>).findIndex((b) => b.id === id);

    await page.tap('.confirm', idx(lunchA.id));
    expect(mp.toasts).toContain('已确认');
    expect(await statusOf(worker, lunchA.id)).toBe('confirmed');
    expect(page.texts('.today-slot').find((t) => t.startsWith('午餐'))).toContain('已订 2｜已确认 1｜已核销 0');

    // A reject without a reason is not sent; with one, it is.
    mp.answerModal(true, '   ');
    await page.tap('.reject', idx(dinnerB.id));
    expect(mp.lastToast).toBe('请填写原因');
    expect(await statusOf(worker, dinnerB.id)).toBe('pending_confirmation');
    mp.answerModal(true, '今晚厨房检修，停供晚餐');
    await page.tap('.reject', idx(dinnerB.id));
    expect(mp.modals[mp.modals.length - 1]).toMatchObject({ editable: true, title: '拒绝' });
    expect(mp.lastToast).toBe('已拒绝');
    // The family sees it rejected, with the reason, and the co-payment on its way back.
    const rejected = await seen(h(), zhangsDaughter, `/bookings/${dinnerB.id}`);
    expect(rejected).toMatchObject({ status: 'rejected', closeReason: '今晚厨房检修，停供晚餐' });
    expect(page.texts('.pending')).toHaveLength(1);
    await h().sandbox.wxpay.settled();
    expect((await seen(h(), zhangsDaughter, `/bookings/${dinnerB.id}/payments`)).refunds).toEqual([expect.objectContaining({ amountFen: rejected.copayFen })]);
  });

  test('scans codes at the counter: served once, and clear words for every code that must not count', async () => {
    const mp = as('o_staff_jiaxin');
    const page = await mp.launch('/pages/staff/workbench');
    const scan = async (code: string | null) => {
      mp.nextScan(code);
      await page.tap('#scan');
      return page.has('#scan-result') ? page.text('#scan-result') : '';
    };

    expect(await scan(lunchA.code)).toBe('核销成功：张桂英 午餐 1 份');
    expect(mp.calls).toContain('vibrateShort');
    expect(await scan(lunchC.code)).toBe('核销成功：李建国 午餐 1 份');
    expect(page.texts('.today-slot').find((t) => t.startsWith('午餐'))).toContain('已订 2｜已确认 0｜已核销 2');

    expect(await scan(lunchA.code)).toBe('这个预约已经核销过了，不要重复核销');
    expect(await scan(tomorrowCancelled.code)).toBe('这个预约已经取消了，不能核销');
    expect(await scan(dinnerB.code)).toBe('这个预约已被站点拒绝，不能核销');
    expect(await scan(elsewhere.code)).toBe('这个核销码不是本站点的预约');
    expect(await scan('NOTACODE42')).toBe('核销码无效，请让老人出示预约码');
    expect(mp.calls.filter((c) => c === 'vibrateLong')).toHaveLength(5);
    // Nothing English, no raw JSON, anywhere on the page.
    expect(page.text()).not.toMatch(/[{}]|INVALID_STATE|WRONG_CENTRE|error/i);

    expect([await statusOf(worker, lunchA.id), await statusOf(worker, lunchC.id)]).toEqual(['served', 'served']);
    expect(await statusOf(lisSon, elsewhere.id)).toBe('pending_confirmation');

    // Cancelling the scanner changes nothing and says nothing.
    const before = mp.toasts.length;
    await scan(null);
    expect(mp.toasts.length).toBe(before);
  });

  test("the QR code on the family's phone is what the counter scans", async () => {
    const b = await bookAndPay(h(), 'o_family_02', '李建国', JIAXIN, 'dinner', TODAY);
    const family = as('o_family_02');
    const detail = await family.launch(`/pages/bookings/detail?id=${b.id}`);
    const shown = readQrOnPage(detail);
    expect(shown).toBe(b.code);
    expect(detail.text('#code')).toBe(b.code);

    const mp = as('o_staff_jiaxin');
    const page = await mp.launch('/pages/staff/workbench');
    mp.nextScan(shown!);
    await page.tap('#scan');
    expect(page.text('#scan-result')).toBe('核销成功：李建国 晚餐 1 份');
    expect(await statusOf(lisSon, b.id)).toBe('served');
  });

  test("the day's bookings page the evening digest opens, and a senior's chat log from it", async () => {
    const centre = await centreNamed(h(), JIAXIN);
    const mp = as('o_staff_jiaxin');
    const day = await mp.launch(`/pages/staff/bookings?centreId=${centre.id}&date=${TODAY}`);
    expect(day.text('.h1')).toBe('今天 12月1日 周二的预约');
    const rows = day.texts('.day-booking');
    expect(rows.some((r) => r.includes('张桂英') && r.includes('已服务'))).toBe(true);
    expect(rows.some((r) => r.includes('张桂英') && r.includes('站点未接单'))).toBe(true);
    expect(day.text('#summary')).toMatch(/^共 \d+ 份$/);
    await day.tap(
      '.conversation',
      rows.findIndex((r) => r.includes('李建国')),
    );
    expect(mp.page.path).toBe('pages/staff/conversation');
    expect(mp.page.text('.h1')).toBe('李建国和公众号的对话');
    expect(mp.page.text()).toMatch(/还没有对话|老人：/);
  });
});
