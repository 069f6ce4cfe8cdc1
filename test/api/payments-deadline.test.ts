import { Booking, Centre, Reminder } from '../../entities';
import { JIAXIN, loginConsole, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0 } from '../helpers/harness';

// The pay deadline as a senior hears it: a chat booking with a co-payment is "not booked until paid", held until
// the slot's cut-off (not fifteen minutes), the family told at once that they can pay, the senior reminded an hour
// before the deadline; where the centre takes co-payments at the counter, it is booked at once.

const MINUTE = 60_000;

describeEachDb('the pay deadline in chat', (h) => {
  let admin: string;

  beforeAll(async () => {
    admin = await loginConsole(h(), 'admin');
  });
  beforeEach(() => h().clock.set(T0));
  afterEach(async () => {
    h().clock.set(T0);
    await h().db.manager.update(Centre, { name: JIAXIN }, { counterPayment: false });
    const zhang = await seniorNamed(h(), '张桂英');
    for (const b of await h().db.manager.find(Booking, { where: { seniorId: zhang.id } })) {
      if (['pending_payment', 'pending_confirmation', 'confirmed'].includes(b.status)) {
        await h().http.post(`/api/v1/bookings/${b.id}/cancel`).set('authorization', admin).send({});
      }
    }
    await h().sandbox.wxpay.settled();
  });

  /** What the senior reads back; a reply about paying keeps to three lines and ends with what to say next. */
  async function say(openid: string, content: string): Promise<string> {
    const res = await h().sandbox.chat.send(openid, { kind: 'text', content }, false);
    expect(res.status).toBe(200);
    if (res.reply.type !== 'text') throw new Error(`not a text reply: ${JSON.stringify(res.reply)}`);
    return res.reply.content;
  }
  const data = (m: { payload: Record<string, unknown> }) =>
    Object.fromEntries(Object.entries(m.payload.data as Record<string, { value: string }>).map(([k, v]) => [k, v.value]));
  /** Asks for a meal in chat, says how she eats if asked (the first time: 1, delivered), and confirms the offer. */
  const bookInChat = async (text: string) => {
    const first = await say('o_senior_01', text);
    if (first.includes('怎么吃')) await say('o_senior_01', '1');
    return say('o_senior_01', '好');
  };
  const lastBooking = async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    return (await h().db.manager.find(Booking, { where: { seniorId: zhang.id }, order: { id: 'DESC' }, take: 1 }))[0];
  };

  test('not booked until paid, in plain words; held until the cut-off, the family told, the senior reminded, then given up', async () => {
    const reply = await bookInChat('明天中午订一份饭');
    const lines = reply.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('还没订好：明天 12月2日 11:00 午饭 1 份');
    expect(lines[1]).toMatch(/^付了才算。明天上午8点半前付 12 元：<a href="[^"]+\/pay\/jsapi\?t=[^"]+">点这里付<\/a>$/);
    expect(lines[2]).toBe('不方便付就回“家人付”。');
    expect(reply).not.toContain('自动取消');

    // Held for a day (the cut-off, 09:30 tomorrow, is further), not fifteen minutes.
    const booking = await lastBooking();
    expect(booking).toMatchObject({ status: 'pending_payment', channel: 'mp_chat', payAtCounter: false });
    expect(booking.paymentDueAt!.toISOString()).toBe('2026-12-02T00:30:00.000Z');
    h().clock.advance(16 * MINUTE);
    expect(await h().services.payments.expireUnpaid()).toEqual({ expired: 0, paid: 0 });

    // The daughter hears at once that she can pay: she has not agreed to subscribe messages in the mini-program,
    // so it comes on the public account, and opens her own pay page.
    expect(await h().services.reminders.sendDue()).toBeGreaterThanOrEqual(1);
    const toDaughter = h()
      .sandbox.wxapi.outboxFor('o_mp_family_01')
      .filter((m) => m.templateId === h().config.templates.payRequest.mp);
    expect(toDaughter.map(data)).toEqual([{ thing1: '张桂英的预约可以帮忙付款', thing2: '12月2日 午餐', amount3: '12元', time4: '2026年12月2日 08:30' }]);
    expect(String(toDaughter[0].payload.url)).toContain('/pay/jsapi?t=');

    // The senior, an hour before the deadline (07:30), on the public account, with her own pay link.
    h().clock.set('2026-12-01T23:29:00.000Z');
    await h().services.reminders.sendDue();
    const template = () =>
      h()
        .sandbox.wxapi.outboxFor('o_senior_01')
        .filter((m) => m.templateId === h().config.templates.payRequest.mp);
    expect(template()).toHaveLength(0);
    h().clock.set('2026-12-01T23:30:00.000Z');
    await h().services.reminders.sendDue();
    expect(template().map(data)).toEqual([{ thing1: '预约还没付款，付了才算订好', thing2: '12月2日 午餐', amount3: '12元', time4: '2026年12月2日 08:30' }]);
    expect(String(template()[0].payload.url)).toContain('/pay/jsapi?t=');

    // Still unpaid at the deadline: given up, the seat and the day's subsidy free again.
    h().clock.set('2026-12-02T00:30:00.000Z');
    expect(await h().services.payments.expireUnpaid()).toMatchObject({ expired: 1 });
    expect((await lastBooking()).status).toBe('expired');
  });

  test('paid in time: nobody is reminded any more', async () => {
    const reminders = () =>
      h()
        .sandbox.wxapi.outboxFor('o_senior_01')
        .filter((m) => m.templateId === h().config.templates.payRequest.mp).length;
    const before = reminders();
    const reply = await bookInChat('明天中午订一份饭');
    const link = new URL(/href="([^"]+)"/.exec(reply)![1]);
    const prepared = await h()
      .http.post('/pay/jsapi')
      .set('content-type', 'application/json')
      .send({ t: link.searchParams.get('t') })
      .expect(200);
    h().sandbox.wxpay.pay(prepared.body.payment.outTradeNo);
    await h().sandbox.wxpay.settled();
    const booking = await lastBooking();
    expect(booking.status).toBe('pending_confirmation');
    expect(await h().db.manager.countBy(Reminder, { bookingId: booking.id, kind: 'payment_due', status: 'pending' })).toBe(0);
    h().clock.set('2026-12-01T23:30:00.000Z');
    await h().services.reminders.sendDue();
    expect(reminders()).toBe(before);
  });

  test('where the centre takes co-payments at the counter, it is booked at once, to be paid there', async () => {
    await h().db.manager.update(Centre, { name: JIAXIN }, { counterPayment: true });
    h().clock.advance(2000); // past the moment centres are shared for
    const reply = await bookInChat('后天中午订一份饭');
    expect(reply.split('\n')).toEqual(['订好了！后天 12月3日 11:00 午饭 1 份。', '站里确认后就算定了，到时候在站里付 12 元。', '想取消就说“取消”。']);
    const booking = await lastBooking();
    expect(booking).toMatchObject({ status: 'pending_confirmation', payAtCounter: true, paymentDueAt: null, copayFen: 1200 });
    h().clock.advance(2 * 24 * 60 * MINUTE);
    expect(await h().services.payments.expireUnpaid()).toEqual({ expired: 0, paid: 0 });
  });
});
