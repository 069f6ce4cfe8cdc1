import { PayNotification, Payment } from '../../entities';
import { JIAXIN, MAIYUQIAO, loginConsole, loginWechat, seniorNamed, slotOf } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// Issue 20, data scope: what a quote tells staff of another centre, which unmatched payment notifications an
// administrator sees, and whether a senior may read their own conversation with the bot (yes: their own side).

describeEachDb('data scope', (h) => {
  beforeEach(() => h().clock.set(T0));

  test("a walk-in quote at another centre gets the price, not the senior's circumstances; their own centre and admins get the reasons", async () => {
    const li = await seniorNamed(h(), '李建国'); // 低保, uses the Jiaxin centre
    const quote = async (auth: string, centre: string) =>
      h()
        .http.post('/api/v1/quotes')
        .set('authorization', auth)
        .send({ seniorId: li.id, slotId: (await slotOf(h(), centre, 'lunch', '2026-12-03')).id });

    const walkIn = await quote(await loginConsole(h(), 'staff-maiyuqiao'), MAIYUQIAO);
    expect(walkIn.status).toBe(200);
    expect(walkIn.body).toMatchObject({ seniorId: li.id, priceFen: 1500, policy: null, considered: [] });
    expect(walkIn.body.copayFen).toBe(walkIn.body.priceFen - walkIn.body.subsidyFen);
    expect(JSON.stringify(walkIn.body)).not.toMatch(/低保|特困|低收入|高龄/);
    expect(walkIn.body.reason).toBe('补贴已按老人的资格计算；依据只向老人所在站点和管理员显示');

    for (const auth of [await loginConsole(h(), 'staff-jiaxin'), await loginConsole(h(), 'admin')]) {
      const own = await quote(auth, JIAXIN);
      expect(own.status).toBe(200);
      expect(own.body.policy).toMatchObject({ name: '低保老人助餐补贴' });
      expect(own.body.considered.length).toBeGreaterThan(0);
    }
    // Staff of one centre still cannot quote at another centre for someone else's senior.
    expect((await quote(await loginConsole(h(), 'staff-maiyuqiao'), JIAXIN)).status).toBe(403);
  });

  test('payment notifications: one for a Jiaxin order goes to the admins over Jiaxin; one matching no order only to the district', async () => {
    const daughter = await loginWechat(h(), 'o_family_01');
    const zhang = await seniorNamed(h(), '张桂英');
    const booked = await h()
      .http.post('/api/v1/bookings')
      .set('authorization', daughter)
      .send({ seniorId: zhang.id, slotId: (await slotOf(h(), JIAXIN, 'dinner', '2026-12-03')).id })
      .expect(201);
    const paying = await h().http.post(`/api/v1/bookings/${booked.body.id}/pay`).set('authorization', daughter).send({}).expect(200);
    const ours = await h().db.manager.findOneByOrFail(Payment, { outTradeNo: paying.body.payment.outTradeNo });
    const note = (id: string, outTradeNo: string, outcome: PayNotification['outcome']) =>
      h().db.manager.save(PayNotification, {
        notificationId: id,
        eventType: 'TRANSACTION.SUCCESS',
        outTradeNo,
        outRefundNo: null,
        outcome,
        detail: '',
        flagged: true,
        rawBody: '{}',
        receivedAt: h().clock.now(),
      });
    await note('EV-scope-ours', ours.outTradeNo, 'mismatch');
    await note('EV-scope-stranger', 'NOT-AN-ORDER-OF-OURS', 'unknown_order');
    const seen = async (username: string) =>
      (
        (
          await h()
            .http.get('/api/v1/payments/problems')
            .set('authorization', await loginConsole(h(), username))
            .expect(200)
        ).body.notifications as Array<{
          notificationId: string;
        }>
      )
        .map((n) => n.notificationId)
        .filter((id) => id.startsWith('EV-scope'))
        .sort();
    expect(await seen('admin')).toEqual(['EV-scope-ours', 'EV-scope-stranger']);
    expect(await seen('admin-mishixiang')).toEqual(['EV-scope-ours']);
    expect(await seen('admin-hushu')).toEqual([]);
    expect(await seen('staff-jiaxin')).toEqual([]);
  });

  test('a senior reads their own side of their conversation with the bot; their family may not read it; staff read all of it', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const say = async (openid: string, content: string) => {
      const r = await h().sandbox.chat.send(openid, { kind: 'text', content }, false);
      expect(r.status).toBe(200);
    };
    await say('o_senior_01', '今天中午吃什么');
    await say('o_mp_family_01', '我妈今天中午吃什么');
    const read = (auth: string) => h().http.get(`/api/v1/seniors/${zhang.id}/conversation`).set('authorization', auth);

    const own = await read(await loginWechat(h(), 'o_mini_senior_01'));
    expect(own.status).toBe(200);
    const said = own.body.items.map((i: { said: string }) => i.said);
    expect(said).toContain('今天中午吃什么');
    expect(said).not.toContain('我妈今天中午吃什么');

    const all = await read(await loginConsole(h(), 'staff-jiaxin'));
    expect(all.body.items.map((i: { said: string }) => i.said)).toEqual(expect.arrayContaining(['今天中午吃什么', '我妈今天中午吃什么']));

    const family = await read(await loginWechat(h(), 'o_family_01'));
    expect(family.status).toBe(403);
    expect(family.body.error).toEqual({ code: 'CHAT_LOG_NOT_ALLOWED', message: '只有服务站点、管理员和老人本人可以查看对话记录' });
  });
});
