import { createHash } from 'node:crypto';
import { Account, EmergencyAlert, Rating, Senior, WechatInbound } from '../../entities';
import { accountNamed, loginConsole, loginWechat, seen, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0, TODAY } from '../helpers/harness';

/**
 * Conversations with the public-account bot, end to end: the sandbox signs (and in safe mode encrypts) each
 * message exactly as WeChat does and posts it to /wechat over HTTP; what comes back is what the senior reads.
 */
const TOMORROW = '2026-12-02';
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

/** A booking as the API shows it, with what these tests look at. */
interface Listed {
  id: number;
  code: string;
  status: string;
  serviceDate: string;
  serviceItem: { kind: string };
  copayFen: number;
  priceFen: number;
  subsidyFen: number;
}

describeEachDb('the chat bot', (h) => {
  let safe = false;
  let admin: string; // the district's administrator, who sees every senior's bookings and alerts

  beforeAll(async () => {
    admin = await loginConsole(h(), 'admin');
  });
  beforeEach(() => h().clock.set(T0));

  /** Sends a message as `openid` and returns the text reply; every reply keeps to three lines. */
  async function chat(openid: string, message: Parameters<ReturnType<typeof h>['sandbox']['chat']['send']>[1]): Promise<string> {
    const res = await h().sandbox.chat.send(openid, message, safe);
    expect(res.status).toBe(200);
    if (res.reply.type === 'none') return '';
    if (res.reply.type !== 'text') throw new Error(`not a text reply: ${JSON.stringify(res.reply)}`);
    expect(res.reply.content.split('\n').length).toBeLessThanOrEqual(3);
    return res.reply.content;
  }
  const say = (openid: string, content: string) => chat(openid, { kind: 'text', content });

  /** A senior's bookings that still stand, oldest first, as the administrator's booking list shows them. */
  const activeOf = async (name: string): Promise<Listed[]> => {
    const senior = await seniorNamed(h(), name);
    const { items } = await seen(h(), admin, `/bookings?seniorId=${senior.id}&status=pending_payment,pending_confirmation,confirmed&limit=200`);
    return (items as Listed[]).sort((a, b) => a.id - b.id);
  };
  const booking = (id: number): Promise<Listed> => seen(h(), admin, `/bookings/${id}`);
  /** The open (and acknowledged) alerts about a senior, as staff and administrators see them. */
  const alertsAbout = async (seniorId: number) =>
    (await seen(h(), admin, '/emergencies')).items.filter((a: { senior: { id: number } }) => a.senior.id === seniorId);

  /** A senior with no WeChat account yet, in 嘉新 (staff-jiaxin's centre). */
  async function unboundSenior(skip = 0): Promise<Senior> {
    const jiaxin = await h().db.manager.findOneByOrFail(Account, { username: 'staff-jiaxin' });
    const seniors = await h().db.manager.find(Senior, { where: { homeCentreId: jiaxin.centreId! }, order: { id: 'ASC' } });
    const bound = new Set((await h().db.manager.find(Account)).map((a) => a.seniorId));
    const free = seniors.filter((s) => !bound.has(s.id));
    return free[skip];
  }

  test('a stranger is welcomed and told how to bind; staff issue a QR code and scanning it binds at once', async () => {
    expect(await chat('o_stranger_01', { kind: 'subscribe' })).toContain('请先扫');
    expect(await say('o_stranger_01', '明天中午订一份饭')).toContain('6 位数字');

    const senior = await unboundSenior();
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const issued = await h().http.post(`/api/v1/seniors/${senior.id}/wechat-binding`).set('authorization', staff).expect(201);
    expect(issued.body.code).toMatch(/^\d{6}$/);
    expect(issued.body.qr.imageUrl).toContain('showqrcode?ticket=');
    const ticket = new URL(issued.body.qr.imageUrl).searchParams.get('ticket')!;
    expect(h().sandbox.wxapi.sceneOfTicket(ticket)).toBe(issued.body.scene);

    // Scanning follows the account: WeChat sends subscribe with EventKey qrscene_<scene>.
    expect(await chat('o_scan_01', { kind: 'subscribe', scene: issued.body.scene })).toContain(`连上了！${senior.name}您好`);
    const account = await h().db.manager.findOneByOrFail(Account, { mpOpenid: 'o_scan_01' });
    expect(account.seniorId).toBe(senior.id);
    expect(account.roles).toEqual(['senior']);
    // Scanning again (a SCAN event now, a second later: events are deduped by sender + second) is not an error,
    // and the code cannot bind anyone else.
    h().clock.advance(1000);
    expect(await chat('o_scan_01', { kind: 'scan', scene: issued.body.scene })).toContain('已经连着');
    expect(await say('o_scan_02', issued.body.code)).toContain('不对');
    expect(await h().db.manager.countBy(Account, { mpOpenid: 'o_scan_02' })).toBe(0);
    // Family members cannot issue binding codes.
    const family = `Bearer ${(await h().http.post('/api/v1/auth/login').send({ code: 'demo:o_family_01' })).body.token}`;
    const zhang = await seniorNamed(h(), '张桂英');
    const denied = await h().http.post(`/api/v1/seniors/${zhang.id}/wechat-binding`).set('authorization', family);
    expect(denied.status).toBe(403);
  });

  test('binding by the 6-digit code, and wrong codes are limited', async () => {
    const senior = await unboundSenior(1);
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const issued = await h().http.post(`/api/v1/seniors/${senior.id}/wechat-binding`).set('authorization', staff).expect(201);
    expect(await say('o_code_01', `我的码是 ${issued.body.code.slice(0, 3)} ${issued.body.code.slice(3)}`)).toContain(`${senior.name}您好`);
    expect((await h().db.manager.findOneByOrFail(Account, { mpOpenid: 'o_code_01' })).seniorId).toBe(senior.id);

    for (let i = 0; i < 5; i++) expect(await say('o_guesser', String(100000 + i * 7919))).toContain('不对');
    expect(await say('o_guesser', issued.body.code)).toContain('试错太多次');
  });

  test('booking lunch: how to eat is asked the first time, then the price after subsidy; the co-payment gets a pay link', async () => {
    // Nobody said how she will eat and she has never booked: one question, no default.
    const ask = await say('o_senior_01', '明天中午订一份饭');
    expect(ask).toBe('明天 12月2日午饭怎么吃？\n回 1 送到家，2 自己来拿，3 在食堂吃。');
    const offer = await say('o_senior_01', '1');
    expect(offer).toContain('明天 12月2日 11:00 午饭 1 份，送到家');
    expect(offer).toContain('15 元，补贴 3 元，您付 12 元');
    expect(offer).not.toContain('堂食');
    expect(offer).toMatch(/回 1 确认/);
    expect(await activeOf('张桂英')).toHaveLength(0); // an offer reserves nothing

    const done = await say('o_senior_01', '好');
    expect(done).toContain('还没订好');
    expect(done).toContain('付了才算');
    expect(done).toContain('付 12 元');
    const link = /href="([^"]+)"/.exec(done)![1];
    expect(link).toContain('/pay/jsapi?t=');
    const [booking] = await activeOf('张桂英');
    expect(booking).toMatchObject({
      serviceDate: TOMORROW,
      serviceItem: { kind: 'lunch' },
      quantity: 1,
      priceFen: 1500,
      subsidyFen: 300,
      copayFen: 1200,
      channel: 'mp_chat',
      status: 'pending_payment',
      deliveryMode: 'delivery',
    });
    expect(booking.subsidyFen + booking.copayFen).toBe(booking.priceFen);
    // The link opens Mulin's pay page.
    const page = await h().http.get(new URL(link).pathname + new URL(link).search);
    expect(page.status).toBe(200);
    expect(page.text).toContain('付款');

    // 让家人代付: the daughter gets a subscribe message in the mini-program.
    expect(await say('o_senior_01', '让家人代付')).toContain('已经请女儿帮您付');
    const toDaughter = h()
      .sandbox.wxapi.outboxFor('o_family_01')
      .filter((m) => m.templateId === h().config.templates.payRequest.mini);
    expect(toDaughter).toHaveLength(1);
    expect(JSON.stringify(toDaughter[0].payload)).toContain(`bookings/detail?id=${booking.id}`);

    // Saying yes again books nothing more: the offer was used.
    await say('o_senior_01', '1');
    expect(await activeOf('张桂英')).toHaveLength(1);
    await h().services.lifecycle.cancel(
      { accountId: 0, displayName: 'test', roles: ['admin'], seniorId: null, centreId: null, regionPath: '/', ip: 't' },
      booking.id,
    );
  });

  test('voice says the same with punctuation; without recognition the senior is asked again', async () => {
    const offer = await chat('o_senior_02', { kind: 'voice', recognition: '明天中午订一份饭，送到家。' });
    expect(offer).toContain('午饭');
    expect(offer).toContain('您付');
    expect(await say('o_senior_02', '不订了')).toContain('不订');
    expect(await activeOf('李建国')).toHaveLength(0);
    expect(await chat('o_senior_02', { kind: 'voice', recognition: '' })).toContain('没听清');
  });

  test('with nothing to pay it is booked at once; cancel asks first, then cancels', async () => {
    // 王秀英 is 特困: her meals are free. Her point has no delivery: she is asked between the two ways it has.
    expect(await say('o_senior_03', '明天午饭订一份')).toBe('明天 12月2日午饭怎么吃？\n回 1 自己来拿，2 在食堂吃。');
    const offer = await say('o_senior_03', '在食堂吃');
    expect(offer).toContain('在食堂吃');
    expect(offer).toContain('您付 0 元');
    const done = await say('o_senior_03', '1');
    expect(done).toContain('订好了');
    expect(done).not.toContain('付款');
    const [booked] = await activeOf('王秀英');
    expect(booked.copayFen).toBe(0);

    const ask = await say('o_senior_03', '退掉明天的饭');
    expect(ask).toContain('要取消');
    expect(await say('o_senior_03', '对')).toContain('已取消');
    expect((await booking(booked.id)).status).toBe('cancelled');
    expect(await say('o_senior_03', '取消')).toContain('没有能取消');
  });

  test('cancel with several bookings offers a numbered choice', async () => {
    // She ate at the canteen last time: the offer says so instead of asking again.
    expect(await say('o_senior_03', '明天中午订一份饭')).toContain('按上次在食堂吃');
    await say('o_senior_03', '确认');
    await say('o_senior_03', '明天晚饭来一份');
    await say('o_senior_03', '确认');
    expect(await activeOf('王秀英')).toHaveLength(2);
    const list = await say('o_senior_03', '不要了');
    expect(list).toContain('1 明天 11:00 午饭，2 明天 17:00 晚饭');
    expect(await say('o_senior_03', '第二个')).toContain('已取消明天 12月2日 17:00 晚饭');
    const left = await activeOf('王秀英');
    expect(left.map((b) => b.serviceItem.kind)).toEqual(['lunch']);
    expect(await say('o_senior_03', '我订了什么')).toContain('11:00 午饭 1 份');
    await say('o_senior_03', '取消');
    await say('o_senior_03', '1');
    expect(await activeOf('王秀英')).toHaveLength(0);
  });

  test("today's menu comes from the centre's menu", async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    // The menu the mini-program shows for the centre's lunch today.
    const [lunch] = (await seen(h(), admin, `/slots?centreId=${zhang.homeCentreId}&kind=lunch&from=${TODAY}&to=${TODAY}`)).items;
    const reply = await say('o_senior_01', '今天吃什么？');
    expect(reply).toContain('今天');
    // Each dish with its diet tags, as the canteen marked them: 红烧狮子头（软食）.
    const tagged = lunch.menu.dishes.map((d: { name: string; flagLabels: string[] }) =>
      d.flagLabels.length > 0 ? `${d.name}（${d.flagLabels.join('、')}）` : d.name,
    );
    expect(reply).toContain(`今天午饭 11:00：${tagged.join('、')}`);
  });

  test('a location gets the centres within ten minutes on foot, with hours and phone', async () => {
    // Beside 嘉新社区居家养老服务照料中心 (30.2932, 120.1651).
    const reply = await chat('o_senior_01', { kind: 'location', lat: 30.2935, lng: 120.1655, label: '建国北路' });
    expect(reply).toContain('离您最近的是嘉新站');
    expect(reply).toMatch(/走 \d+ 分钟/);
    expect(reply).toContain('0571-85802345');
    // Even someone not yet bound can ask.
    expect(await chat('o_stranger_02', { kind: 'location', lat: 30.2935, lng: 120.1655, label: '' })).toContain('嘉新站');
  });

  test('an emergency raises an alert at once and tells the family and the centre staff', async () => {
    const zhang = await seniorNamed(h(), '张桂英');
    const reply = await say('o_senior_01', '我摔倒了，起不来');
    expect(reply).toContain('已经告诉女儿和嘉新站');
    expect(reply).toContain('打 120');
    expect(reply).toContain('0571-85802345');
    expect(reply).toContain('躺着别动'); // not "open the door" to someone who has fallen
    expect(reply).not.toContain('开门');
    const alerts = await h().db.manager.findBy(EmergencyAlert, { seniorId: zhang.id });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'open', channel: 'mp_chat', message: '我摔倒了，起不来', centreId: zhang.homeCentreId });
    const tpl = h().config.templates.emergency;
    expect(
      h()
        .sandbox.wxapi.outboxFor('o_family_01')
        .filter((m) => m.templateId === tpl.mini),
    ).toHaveLength(1);
    expect(
      h()
        .sandbox.wxapi.outboxFor('o_staff_jiaxin')
        .filter((m) => m.templateId === tpl.mini),
    ).toHaveLength(1);

    // The SOS menu button does the same: recorded and answered at once, and joined to the alert still open (one
    // alert in the staff's list, not a page per press).
    await chat('o_senior_01', { kind: 'click', key: 'SOS' });
    expect(await h().db.manager.countBy(EmergencyAlert, { seniorId: zhang.id })).toBe(2);
    expect(await alertsAbout(zhang.id)).toHaveLength(1);

    // Staff see and acknowledge it.
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const open = await h().http.get('/api/v1/emergencies').set('authorization', staff).expect(200);
    expect(open.body.items.map((a: { senior: { name: string } }) => a.senior.name)).toContain('张桂英');
    const ack = await h().http.post(`/api/v1/emergencies/${alerts[0].id}/acknowledge`).set('authorization', staff).expect(200);
    expect(ack.body.status).toBe('acknowledged');
  });

  test("a family member's call for help is about the parent: the other family and the staff are told", async () => {
    const zhou = await seniorNamed(h(), '周玉兰');
    const reply = await say('o_mp_family_05', '我妈摔倒了');
    expect(reply).toContain('已经告诉儿子');
    expect(reply).toContain('马上去找周玉兰');
    expect(reply).not.toContain('把门打开'); // that is for the senior herself
    expect(await alertsAbout(zhou.id)).toEqual([expect.objectContaining({ status: 'open', message: '我妈摔倒了' })]);
    // 周晓峰 (her son) hears of it; 吴静, who raised it, is not told what she just said.
    const tpl = h().config.templates.emergency;
    expect(
      h()
        .sandbox.wxapi.outboxFor('o_family_04')
        .filter((m) => m.templateId === tpl.mini),
    ).toHaveLength(1);
    expect(
      h()
        .sandbox.wxapi.outboxFor('o_family_05')
        .filter((m) => m.templateId === tpl.mini),
    ).toHaveLength(0);
  });

  test('a home visit is chosen from a numbered list and offered as one service, not portions', async () => {
    const list = await say('o_mp_family_05', '给我爸约个理发');
    expect(list).toContain('给吴德明约理发，这几个时间有空');
    expect(list).toMatch(/^1 \S+ \d\d:\d\d，2 /m);
    const offer = await say('o_mp_family_05', '1');
    expect(offer).toContain('给吴德明订');
    expect(offer).toMatch(/\d\d:\d\d 理发\n/);
    expect(offer).not.toContain('份');
    expect(await say('o_mp_family_05', '不订了')).toContain('不订');
  });

  test('找人工: a person takes over and says so; a booking asked meanwhile is booked, not swallowed; the bot says when it is back', async () => {
    const li = await seniorNamed(h(), '李建国');
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const staffName = '赵敏'; // her console name is 赵敏（嘉新社区居家养老服务照料中心）: the senior reads 赵敏
    const tpl = h().config.templates.staffMessage;
    const toStaff = () =>
      h()
        .sandbox.wxapi.outboxFor('o_staff_jiaxin')
        .filter((m) => m.templateId === tpl.mini || m.templateId === tpl.mp)
        .map((m) => JSON.stringify(m.payload));
    const texts = () =>
      h()
        .sandbox.wxapi.outboxFor('o_senior_02')
        .filter((m) => m.kind === 'custom')
        .map((m) => (m.payload.text as { content: string }).content);
    const before = toStaff().length;

    // Without the word 人工.
    const ask = await say('o_senior_02', '我要找你们负责的');
    expect(ask).toContain('嘉新站的工作人员来回您');
    expect(ask).toContain('说“好了”就换回我');
    expect(toStaff().slice(before).join()).toContain('李建国想找人说话');
    expect(await say('o_senior_02', '我家水管漏水了，能不能找人来看看')).toContain('已经转给嘉新站的工作人员了');
    expect(toStaff().slice(before).join()).toContain('我家水管漏水了');

    // A staff member answers in the chat: the first answer says who has taken over.
    const replied = await h()
      .http.post(`/api/v1/seniors/${li.id}/chat/reply`)
      .set('authorization', staff)
      .send({ text: '李伯伯，我下午三点过来看看。' })
      .expect(200);
    expect(replied.body.first).toBe(true);
    expect(texts().at(-1)).toBe(`嘉新站的${staffName}来回您了：\n李伯伯，我下午三点过来看看。`);
    expect(await say('o_senior_02', '好的，三点我在家')).toContain(`已经转给嘉新站的${staffName}了`);

    // A booking during the hand-over is the bot's: booked, and the bot says it is back.
    const offer = await say('o_senior_02', '明天中午订一份饭，送到家');
    expect(offer.startsWith('小睦回来了。')).toBe(true);
    expect(offer).toContain('11:00 午饭 1 份，送到家');
    // Booked as any chat booking is, held until paid (付了才算): not swallowed by the hand-over.
    expect(await say('o_senior_02', '1')).toContain('付了才算');
    expect(await activeOf('李建国')).toHaveLength(1);
    expect((await say('o_senior_02', '今天吃什么')).startsWith('小睦')).toBe(false);

    // Staff hand back themselves: the senior is told the bot is back.
    await say('o_senior_02', '转人工');
    await h().http.post(`/api/v1/seniors/${li.id}/chat/reply`).set('authorization', staff).send({ text: '您说。' }).expect(200);
    expect((await h().http.post(`/api/v1/seniors/${li.id}/chat/release`).set('authorization', staff).expect(200)).body.released).toBe(true);
    expect(texts().at(-1)).toBe('现在又是小睦在回您。\n订饭、问菜单，直接说就行。');
    expect(await say('o_senior_02', '今天吃什么')).toContain('今天午饭');

    // The senior hands back with a word; or a quiet half hour does it.
    await say('o_senior_02', '找人工');
    expect(await say('o_senior_02', '好了')).toBe('现在又是小睦在回您。\n订饭、问菜单，直接说就行。');
    await say('o_senior_02', '找人工');
    h().clock.advance(31 * 60_000);
    expect((await say('o_senior_02', '今天吃什么')).startsWith('小睦回来了。')).toBe(true);

    // Only the centre's staff (and administrators over it) answer in the chat.
    const family = await loginWechat(h(), 'o_family_02');
    expect((await h().http.post(`/api/v1/seniors/${li.id}/chat/reply`).set('authorization', family).send({ text: '你好' })).status).toBe(403);
    expect((await h().http.post(`/api/v1/seniors/${li.id}/chat/reply`).set('authorization', staff).send({ text: ' ' })).status).toBe(400);
    const [booking] = await activeOf('李建国');
    await h().services.lifecycle.cancel(
      { accountId: 0, displayName: 'test', roles: ['admin'], seniorId: null, centreId: null, regionPath: '/', ip: 't' },
      booking.id,
    );
  });

  test('a served booking is rated from the chat', async () => {
    // Today's lunch at 08:30, before the 09:30 cut-off; 王秀英 pays nothing.
    await say('o_senior_03', '今天中午订一份饭，在食堂吃');
    await say('o_senior_03', '1');
    const [booking] = await activeOf('王秀英');
    expect(booking.serviceDate).toBe(TODAY);
    const staff = await loginConsole(h(), 'staff-zuojia'); // 王秀英's centre is 左家新村
    if (booking.status === 'pending_confirmation') await h().http.post(`/api/v1/bookings/${booking.id}/confirm`).set('authorization', staff).expect(200);
    h().clock.set('2026-12-01T03:10:00.000Z'); // 11:10, lunch is on
    await h().http.post('/api/v1/bookings/check-in').set('authorization', staff).send({ code: booking.code }).expect(200);

    expect(await say('o_senior_03', '很好')).toContain('谢谢');
    const rating = await h().db.manager.findOneByOrFail(Rating, { bookingId: booking.id }); // the score: no API shows it
    expect(rating.score).toBe(5);
    expect((await seen(h(), staff, `/bookings/${booking.id}`)).status).toBe('rated');
  });

  test('anything not understood gets the numbered menu, and a number from it works', async () => {
    const reply = await say('o_senior_02', '阿巴阿巴');
    // No echo of what was not understood, three choices, and help one word away.
    expect(reply).toBe('我没听明白。\n回 1 订饭，2 查预约，3 找人。\n有急事就说“救命”。');
    expect(await say('o_senior_02', '2')).toMatch(/您现在没有预约|您订了/);
    expect(await say('o_senior_02', '帮助')).toContain('5 找人');
    expect(await say('o_senior_02', '2')).toMatch(/洗澡，这几个时间有空/);
  });

  test('a family member books for their mother; with two parents the bot asks which', async () => {
    const offer = await say('o_mp_family_01', '给我妈订明天午饭，送到家');
    expect(offer).toContain('给张桂英订');
    expect(offer).toContain('您付 12 元');
    // A wrong day is put right in one word: the same offer for the day meant.
    expect(await say('o_mp_family_01', '不对，是后天')).toMatch(/^给张桂英订：后天 12月3日 11:00 午饭 1 份，送到家/);
    expect(await say('o_mp_family_01', '算了')).toContain('不订');

    // 吴静 looks after 吴德明 and 周玉兰.
    const ask = await say('o_mp_family_05', '订明天午饭');
    expect(ask).toContain('给哪位老人办');
    const names = [...ask.matchAll(/\d ([^，\n]+)/g)].map((m) => m[1]);
    expect([...names].sort()).toEqual(['吴德明', '周玉兰'].sort());
    const second = await say('o_mp_family_05', '2');
    expect(second).toContain(`给${names[1]}订`);
    expect(await say('o_mp_family_05', '给我妈订明天午饭')).toContain('给周玉兰订');
  });

  test('a senior gives a family code in chat; a new family member links with it and can then book', async () => {
    const reply = await say('o_senior_02', '给我孩子一个码');
    const code = /给家人的数字：(\d{6})/.exec(reply)![1];
    expect(await say('o_new_son', code)).toContain('帮李建国订饭');
    const son = await h().db.manager.findOneByOrFail(Account, { mpOpenid: 'o_new_son' });
    expect(son.roles).toContain('family');
    expect(await say('o_new_son', '给我爸订明天午饭')).toContain('给李建国订');
  });

  test('an offer expires after ten minutes', async () => {
    expect(await say('o_senior_02', '明天中午订一份饭')).toContain('回 1 确认');
    h().clock.advance(11 * 60_000);
    expect(await say('o_senior_02', '1')).toContain('直接说就行');
    expect(await activeOf('李建国')).toHaveLength(0);
  });

  test("WeChat's retries of one MsgId — also concurrent — make one booking and get the same reply", async () => {
    const { token } = h().wechat.mp;
    let n = 0;
    const post = (content: string, msgId: string) => {
      const timestamp = String(Math.floor(h().clock.now().getTime() / 1000) + ++n);
      const nonce = String(500 + n);
      const xml = `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[o_senior_02]]></FromUserName><CreateTime>1764550000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
      return h()
        .http.post('/wechat')
        .query({ timestamp, nonce, signature: sha1([token, timestamp, nonce].sort().join('')) })
        .set('content-type', 'text/xml')
        .send(xml);
    };
    const offer = await post('明天中午订一份饭', '7700000001');
    expect(offer.text).toContain('回 1 确认');
    const [a, b, c] = await Promise.all([post('1', '7700000002'), post('1', '7700000002'), post('1', '7700000002')]);
    const again = await post('1', '7700000002');
    const replies = [a, b, c, again].map((r) => r.text).filter((t) => t !== '' && t !== 'success');
    // The first answers; concurrent duplicates say nothing while it works; the later retry repeats its answer.
    expect(replies.length).toBeGreaterThanOrEqual(2);
    const content = (x: string) => /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(x)?.[1];
    expect(new Set(replies.map(content)).size).toBe(1);
    expect(content(replies[0])).toContain('付了才算');
    expect(await activeOf('李建国')).toHaveLength(1);
    expect(await h().db.manager.countBy(WechatInbound, { dedupeKey: 'msg:7700000002' })).toBe(1);
    const [booking] = await activeOf('李建国');
    await h().services.lifecycle.cancel(
      { accountId: 0, displayName: 'test', roles: ['admin'], seniorId: null, centreId: null, regionPath: '/', ip: 't' },
      booking.id,
    );
  });

  test('safe mode: the same dialogue, encrypted both ways', async () => {
    safe = true;
    try {
      const offer = await say('o_senior_02', '后天晚上订两份饭，送到家');
      expect(offer).toContain('17:00 晚饭 2 份');
      expect(await say('o_senior_02', '不要')).toContain('不订');
    } finally {
      safe = false;
    }
  });

  test('staff read the conversation: what was said, understood and answered', async () => {
    await say('o_senior_02', '明天中午订一份饭');
    await say('o_senior_02', '算了');
    const li = await seniorNamed(h(), '李建国');
    const staff = await loginConsole(h(), 'staff-jiaxin');
    const log = await h().http.get(`/api/v1/seniors/${li.id}/conversation`).query({ limit: 2 }).set('authorization', staff).expect(200);
    expect(log.body.items).toHaveLength(2);
    expect(log.body.items[0]).toMatchObject({ said: '算了', intent: 'deny' });
    expect(log.body.items[1]).toMatchObject({ said: '明天中午订一份饭', intent: 'book_meal' });
    expect(log.body.items[1].reply).toContain('午饭');
    const family = `Bearer ${(await h().http.post('/api/v1/auth/login').send({ code: 'demo:o_family_02' })).body.token}`;
    expect((await h().http.get(`/api/v1/seniors/${li.id}/conversation`).set('authorization', family)).status).toBe(403);
    const lijianguo = await accountNamed(h(), '李建国');
    expect(lijianguo.mpOpenid).toBe('o_senior_02');
  });
});
