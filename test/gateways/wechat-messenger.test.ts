import { createHash } from 'node:crypto';
import { WechatAccessToken, WechatSubscribeRefusal } from '../../entities';
import { WechatLoginError } from '../../server/gateways/wechat-login.gateway';
import { WechatApiError, WechatMessenger } from '../../server/gateways/wechat-messenger.gateway';
import { WechatStateRepository } from '../../server/repositories/wechat-state.repository';
import type { WechatSettings } from '../../server/wechat-settings';
import { describeEachDb, T0 } from '../helpers/harness';
import { rejection, startWxapiSandbox, type WxapiSandboxServer } from '../helpers/wxapi';

const FAMILY = 'o_mp_family_0001';
const SENIOR_MINI = 'o_mini_senior_0001';
const TPL = 'tpl_booking_confirmed';
const SUB_REMINDER = 'sub_meal_reminder';
const SUB_RATING = 'sub_rating_invite';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const codePoints = (s: string) => [...s].length;

describeEachDb('WechatMessenger against the wxapi sandbox', (h) => {
  let wx: WxapiSandboxServer;
  const messenger = (settings: WechatSettings = wx.settings) => new WechatMessenger({ settings, tokens: new WechatStateRepository(h().db), clock: h().clock });
  const callsTo = (path: string) => wx.sandbox.apiCalls.filter((c) => c.path === path);
  const storedToken = (appId: string) => h().db.manager.findOneBy(WechatAccessToken, { appId });

  beforeAll(async () => {
    wx = await startWxapiSandbox(h().clock);
  });
  afterAll(async () => {
    await wx.close();
  });
  beforeEach(async () => {
    h().clock.set(T0);
    wx.sandbox.reset();
    await h().db.manager.createQueryBuilder().delete().from(WechatAccessToken).execute();
    await h().db.manager.createQueryBuilder().delete().from(WechatSubscribeRefusal).execute();
  });

  describe('code2Session', () => {
    test('a demo code logs in as its openid; other codes map to a stable derived openid; no access token needed', async () => {
      const m = messenger();
      const demo = await m.code2Session('demo:o_family_01');
      expect(demo.openid).toBe('o_family_01');
      expect(demo.sessionKey).toMatch(/^[A-Za-z0-9+/]{22}==$/);

      const a = await m.code2Session('0a3Xk91lZ2');
      expect(a.openid).toMatch(/^oSBX[\w-]{24}$/);
      expect((await m.code2Session('0a3Xk91lZ2')).openid).toBe(a.openid);
      expect((await m.code2Session('0a3Xk91lZ3')).openid).not.toBe(a.openid);
      // The derivation the earlier stand-in login used: accounts created with it keep their openid.
      expect(a.openid).toBe(`oSBX${createHash('sha256').update('0a3Xk91lZ2').digest('base64url').slice(0, 24)}`);
      expect(wx.sandbox.tokenRequests).toHaveLength(0);
    });

    test('malformed codes are WechatLoginError 40029; a wrong secret is 40125; an unreachable WeChat is WechatApiError -1', async () => {
      const m = messenger();
      for (const code of ['', 'has space', 'demo:', 'x'.repeat(129)]) {
        const err = await rejection(m.code2Session(code));
        expect(err).toBeInstanceOf(WechatLoginError);
        expect(err).toMatchObject({ errcode: 40029 });
      }
      const wrongSecret = messenger({ ...wx.settings, mini: { ...wx.settings.mini, secret: 'not-the-secret' } });
      expect(await rejection(wrongSecret.code2Session('demo:x'))).toMatchObject({ name: 'WechatLoginError', errcode: 40125 });

      const offline = messenger({ ...wx.settings, apiBase: 'http://127.0.0.1:1/sandbox/wxapi' });
      const err = await rejection(offline.code2Session('demo:x'));
      expect(err).toBeInstanceOf(WechatApiError);
      expect(err).not.toBeInstanceOf(WechatLoginError);
      expect((err as WechatApiError).errcode).toBe(-1);
      expect((err as Error).message).not.toContain(wx.settings.mini.secret);
    });
  });

  describe('access token', () => {
    test('fetched once through stable_token, stored in the database and reused by another instance without fetching', async () => {
      const first = messenger();
      expect(await first.sendText(FAMILY, '您好')).toBe('sent');
      expect(await first.sendText(FAMILY, '再见')).toBe('sent');
      expect(wx.sandbox.tokenRequests).toEqual([
        expect.objectContaining({ endpoint: 'stable_token', appId: wx.creds.mp.appId, forceRefresh: false, errcode: 0 }),
      ]);
      const row = await storedToken(wx.creds.mp.appId);
      expect(row).toMatchObject({ appId: wx.creds.mp.appId, expiresAt: new Date(Date.parse(T0) + (7200 - 60) * 1000) });

      const otherInstance = messenger();
      expect(await otherInstance.sendText(FAMILY, '第二台服务器')).toBe('sent');
      expect(wx.sandbox.tokenRequests).toHaveLength(1);
      expect(callsTo('/cgi-bin/message/custom/send').map((c) => c.accessToken)).toEqual([row!.token, row!.token, row!.token]);

      // The mini-program has its own token (the sandbox answers 48001 to the public account's).
      expect(await otherInstance.sendSubscribe(SENIOR_MINI, SUB_REMINDER, 'pages/index/index', { thing1: '午餐' })).toBe('sent');
      expect(wx.sandbox.tokenRequests.map((r) => r.appId)).toEqual([wx.creds.mp.appId, wx.creds.mini.appId]);
      expect((await storedToken(wx.creds.mini.appId))!.token).not.toBe(row!.token);
    });

    test('its lifetime follows the injected clock: a token handed out again late in life is used for half of what is left', async () => {
      const m = messenger();
      await m.sendText(FAMILY, 'a');
      const t1 = (await storedToken(wx.creds.mp.appId))!.token;

      h().clock.advance(7150 * 1000); // past our margin, 50 s before WeChat's expiry
      await m.sendText(FAMILY, 'b');
      expect(wx.sandbox.tokenRequests).toHaveLength(2);
      const again = (await storedToken(wx.creds.mp.appId))!;
      expect(again.token).toBe(t1);
      expect(again.expiresAt.getTime()).toBe(h().clock.now().getTime() + 25_000);

      h().clock.advance(60 * 1000);
      await m.sendText(FAMILY, 'c');
      expect(wx.sandbox.tokenRequests.map((r) => r.forceRefresh)).toEqual([false, false, false]);
      const t2 = (await storedToken(wx.creds.mp.appId))!.token;
      expect(t2).not.toBe(t1);
      expect(callsTo('/cgi-bin/message/custom/send').map((c) => [c.accessToken, c.errcode])).toEqual([
        [t1, 0],
        [t1, 0],
        [t2, 0],
      ]);
    });

    test('a refused token (40001) is refreshed with force_refresh once and the call retried; the new token is shared', async () => {
      const m = messenger();
      await m.sendText(FAMILY, 'a');
      const t1 = (await storedToken(wx.creds.mp.appId))!.token;
      wx.sandbox.expireTokens();

      expect(await m.sendTemplate(FAMILY, TPL, { keyword1: '午餐' })).toMatch(/^\d+$/);
      expect(wx.sandbox.tokenRequests.map((r) => r.forceRefresh)).toEqual([false, true]);
      const t2 = (await storedToken(wx.creds.mp.appId))!.token;
      expect(t2).not.toBe(t1);
      expect(callsTo('/cgi-bin/message/template/send').map((c) => [c.accessToken, c.errcode])).toEqual([
        [t1, 40001],
        [t2, 0],
      ]);
      expect(wx.sandbox.outboxFor(FAMILY).filter((o) => o.kind === 'template')).toHaveLength(1);

      await messenger().sendText(FAMILY, '另一台');
      expect(wx.sandbox.tokenRequests).toHaveLength(2);
      expect(callsTo('/cgi-bin/message/custom/send').at(-1)).toMatchObject({ accessToken: t2, errcode: 0 });
    });

    test('two instances refused the same token at once: one forced refresh, the other takes its token from the database', async () => {
      const [a, b] = [messenger(), messenger()];
      await a.sendText(FAMILY, 'warm-up');
      const t1 = (await storedToken(wx.creds.mp.appId))!.token;
      wx.sandbox.expireTokens();

      // "At once" made certain: the first two sends are held at WeChat until both have arrived, so both carry the
      // token that is about to be refused, whatever the scheduling.
      const send = wx.sandbox.sendTemplate.bind(wx.sandbox);
      let arrived = 0;
      let release!: () => void;
      const bothArrived = new Promise<void>((resolve) => (release = resolve));
      const spy = jest.spyOn(wx.sandbox, 'sendTemplate').mockImplementation(((token: string, body: Record<string, unknown>) => {
        if (++arrived > 2) return send(token, body);
        if (arrived === 2) release();
        return bothArrived.then(() => send(token, body));
      }) as unknown as typeof wx.sandbox.sendTemplate);
      let sent: string[];
      try {
        sent = await Promise.all([a.sendTemplate(FAMILY, TPL, { keyword1: '甲' }), b.sendTemplate(FAMILY, TPL, { keyword1: '乙' })]);
      } finally {
        spy.mockRestore();
      }
      expect(sent.every((id) => /^\d+$/.test(id))).toBe(true);
      const t2 = (await storedToken(wx.creds.mp.appId))!.token;
      const calls = callsTo('/cgi-bin/message/template/send').map((c) => [c.accessToken, c.errcode]);
      expect(calls).toHaveLength(4);
      expect(calls).toEqual(
        expect.arrayContaining([
          [t1, 40001],
          [t1, 40001],
          [t2, 0],
          [t2, 0],
        ]),
      );
      expect(wx.sandbox.tokenRequests.filter((r) => r.forceRefresh)).toHaveLength(1);
    });

    test('the retry happens once: a token refused again after the refresh is an error, not a loop', async () => {
      const m = messenger();
      const send = wx.sandbox.sendTemplate.bind(wx.sandbox);
      const spy = jest.spyOn(wx.sandbox, 'sendTemplate').mockImplementation((token, body) => {
        wx.sandbox.expireTokens();
        return send(token, body);
      });
      try {
        const err = await rejection(m.sendTemplate(FAMILY, TPL, { keyword1: '午餐' }));
        expect(err).toBeInstanceOf(WechatApiError);
        expect((err as WechatApiError).errcode).toBe(40001);
        expect(callsTo('/cgi-bin/message/template/send')).toHaveLength(2);
        expect(wx.sandbox.tokenRequests.map((r) => r.forceRefresh)).toEqual([false, true]);
      } finally {
        spy.mockRestore();
      }
    });

    test('the classic cgi-bin/token is never used', async () => {
      const m = messenger();
      await m.sendText(FAMILY, 'a');
      wx.sandbox.expireTokens();
      await m.sendText(FAMILY, 'b');
      await m.sendSubscribe(SENIOR_MINI, SUB_REMINDER, 'pages/index/index', { thing1: '午餐' });
      expect(wx.sandbox.tokenRequests.length).toBeGreaterThanOrEqual(3);
      expect(wx.sandbox.tokenRequests.every((r) => r.endpoint === 'stable_token')).toBe(true);
    });
  });

  describe('template messages', () => {
    test('2023 rules: no first/remark, one line, at most 20 code points, cut between graphemes with …; msgid exact', async () => {
      const miniprogram = { appid: wx.creds.mini.appId, pagepath: 'pages/booking/detail?id=1' };
      const msgid = await messenger().sendTemplate(
        FAMILY,
        TPL,
        {
          first: '您好，您的预约已确认',
          keyword1: '张桂英',
          keyword2: '第一行\n第二行\r\n第三行',
          keyword3: '社区长者食堂午餐预约已经确认请按时到达取餐谢谢配合',
          keyword4: 'ABCDEFGHIJKLMNOPQR😀tail',
          keyword5: 'ABCDEFGHIJKLMNOPQRS😀tail',
          keyword6: 'ABCDEFGHIJKLMNOPQ👨‍👩‍👧x',
          keyword7: 'ABCDEFGHIJKLMNOPQRST',
          remark: '感谢使用睦邻',
        },
        { url: 'https://mulin.example/b/1', miniprogram },
      );

      const [sent] = wx.sandbox.outboxFor(FAMILY);
      expect(sent).toMatchObject({ kind: 'template', templateId: TPL, msgid });
      expect(BigInt(msgid)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
      expect(sent.payload).toMatchObject({ touser: FAMILY, template_id: TPL, url: 'https://mulin.example/b/1', miniprogram });
      const data = sent.payload.data as Record<string, { value: string }>;
      expect(Object.keys(data).sort()).toEqual(['keyword1', 'keyword2', 'keyword3', 'keyword4', 'keyword5', 'keyword6', 'keyword7']);
      expect(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.value]))).toEqual({
        keyword1: '张桂英',
        keyword2: '第一行 第二行 第三行',
        keyword3: '社区长者食堂午餐预约已经确认请按时到达…',
        keyword4: 'ABCDEFGHIJKLMNOPQR😀…',
        keyword5: 'ABCDEFGHIJKLMNOPQRS…',
        keyword6: 'ABCDEFGHIJKLMNOPQ…',
        keyword7: 'ABCDEFGHIJKLMNOPQRST',
      });
      for (const { value } of Object.values(data)) {
        expect(codePoints(value)).toBeLessThanOrEqual(20);
        expect(value).not.toMatch(/[\r\n]/);
        expect(value).not.toMatch(LONE_SURROGATE);
      }
    });

    test('a send repeated with the same client_msg_id within 10 minutes is one message; later, or another id, is new', async () => {
      const m = messenger();
      const send = (id: string) => m.sendTemplate(FAMILY, TPL, { thing1: '政策通知' }, {}, id);
      const first = await send('notice-1-delivery-7');
      expect(await send('notice-1-delivery-7')).toBe(first);
      expect(wx.sandbox.outboxFor(FAMILY)).toHaveLength(1);
      expect(wx.sandbox.outboxFor(FAMILY)[0].payload).toMatchObject({ client_msg_id: 'notice-1-delivery-7', data: { thing1: { value: '政策通知' } } });
      expect(await send('notice-1-delivery-8')).not.toBe(first);
      h().clock.advance(10 * 60_000 + 1);
      await send('notice-1-delivery-7');
      expect(wx.sandbox.outboxFor(FAMILY)).toHaveLength(3);
      const tooLong = await rejection(send('x'.repeat(65)));
      expect(tooLong).toBeInstanceOf(WechatApiError);
      expect((tooLong as WechatApiError).errcode).toBe(45067);
    });

    test('a transient failure is an error with its code, and nothing is sent', async () => {
      wx.sandbox.failNextTemplateSends(1, -1);
      const err = await rejection(messenger().sendTemplate(FAMILY, TPL, { thing1: '政策通知' }, {}, 'n-1'));
      expect((err as WechatApiError).errcode).toBe(-1);
      expect(wx.sandbox.outboxFor(FAMILY)).toHaveLength(0);
    });
  });

  describe('subscribe messages', () => {
    test('43101 is recorded; later sends are not attempted (on any instance) until the mini-program reports consent', async () => {
      const m = messenger();
      wx.sandbox.refuseSubscribe(SENIOR_MINI, SUB_REMINDER);
      expect(await m.sendSubscribe(SENIOR_MINI, SUB_REMINDER, 'pages/index/index', { thing1: '午餐' })).toBe('refused');
      expect(await h().db.manager.countBy(WechatSubscribeRefusal, { openid: SENIOR_MINI, templateId: SUB_REMINDER })).toBe(1);
      expect(callsTo('/cgi-bin/message/subscribe/send')).toHaveLength(1);

      wx.sandbox.allowSubscribe(SENIOR_MINI, SUB_REMINDER); // WeChat would accept now, but no consent was reported
      expect(await messenger().sendSubscribe(SENIOR_MINI, SUB_REMINDER, 'pages/index/index', { thing1: '晚餐' })).toBe('refused');
      expect(callsTo('/cgi-bin/message/subscribe/send')).toHaveLength(1);
      expect(wx.sandbox.outboxFor(SENIOR_MINI)).toHaveLength(0);

      // A refusal is per template.
      expect(
        await m.sendSubscribe(SENIOR_MINI, SUB_RATING, 'pages/rate/rate?id=9', {
          thing1: '请为今天的助浴服务打分您的意见对我们很重要',
          time2: '2026-12-01 10:00',
        }),
      ).toBe('sent');
      const [rating] = wx.sandbox.outboxFor(SENIOR_MINI);
      expect(rating).toMatchObject({ kind: 'subscribe', templateId: SUB_RATING });
      expect(rating.payload).toEqual({
        touser: SENIOR_MINI,
        template_id: SUB_RATING,
        page: 'pages/rate/rate?id=9',
        data: { thing1: { value: '请为今天的助浴服务打分您的意见对我们很…' }, time2: { value: '2026-12-01 10:00' } },
      });

      await m.consentGiven(SENIOR_MINI, [SUB_REMINDER]);
      expect(await h().db.manager.countBy(WechatSubscribeRefusal, { openid: SENIOR_MINI })).toBe(0);
      expect(await m.sendSubscribe(SENIOR_MINI, SUB_REMINDER, 'pages/index/index', { thing1: '晚餐' })).toBe('sent');
      expect(wx.sandbox.outboxFor(SENIOR_MINI).map((o) => o.templateId)).toEqual([SUB_RATING, SUB_REMINDER]);
    });
  });

  describe('customer-service text', () => {
    test('sent within the 48-hour window; outside it (45015) sendTextOrTemplate falls back to the template', async () => {
      const m = messenger();
      expect(await m.sendText(FAMILY, '您的午餐已送到\n请趁热吃')).toBe('sent');
      expect(wx.sandbox.outboxFor(FAMILY)).toEqual([
        expect.objectContaining({ kind: 'custom', payload: { touser: FAMILY, msgtype: 'text', text: { content: '您的午餐已送到\n请趁热吃' } } }),
      ]);

      wx.sandbox.closeWindow(FAMILY);
      expect(await m.sendText(FAMILY, '还在吗')).toBe('outside_window');
      const viaFallback = await m.sendTextOrTemplate(FAMILY, '明天的午餐已订好', { templateId: TPL, data: { keyword1: '明天午餐', keyword2: '已订好' } });
      expect(viaFallback).toEqual({ channel: 'template', msgid: expect.stringMatching(/^\d+$/) });
      const outbox = wx.sandbox.outboxFor(FAMILY);
      expect(outbox.map((o) => o.kind)).toEqual(['custom', 'template']);
      expect(outbox[1]).toMatchObject({ templateId: TPL, msgid: (viaFallback as { msgid: string }).msgid });
      expect(outbox[1].payload.data).toEqual({ keyword1: { value: '明天午餐' }, keyword2: { value: '已订好' } });

      wx.sandbox.openWindow(FAMILY);
      expect(await m.sendTextOrTemplate(FAMILY, '收到', { templateId: TPL, data: { keyword1: 'x' } })).toEqual({ channel: 'text' });
      expect(wx.sandbox.outboxFor(FAMILY).map((o) => o.kind)).toEqual(['custom', 'template', 'custom']);
    });
  });

  describe('menu and errors', () => {
    test('createMenu reaches WeChat; its errcodes and every other unexpected one are WechatApiError', async () => {
      const m = messenger();
      const menu = {
        button: [
          { type: 'click', name: '订餐', key: 'BOOK_MEAL' },
          { type: 'view', name: '我的', url: 'https://mulin.example/me' },
        ],
      };
      await m.createMenu(menu);
      expect(wx.sandbox.menu).toEqual(menu);

      const tooWide = { button: ['一', '二', '三', '四'].map((name) => ({ type: 'click', name, key: name })) };
      // Thunks, not promises: a call started early could reject before anything awaits it (an unhandled rejection).
      const cases: Array<[() => Promise<unknown>, number]> = [
        [() => m.createMenu(tooWide), 40016],
        [() => m.sendTemplate('', TPL, { keyword1: 'x' }), 40003],
        [() => m.sendTemplate(FAMILY, '', { keyword1: 'x' }), 40037],
        [() => m.sendText(FAMILY, ''), 47001],
      ];
      for (const [call, errcode] of cases) {
        const err = await rejection(call());
        expect(err).toBeInstanceOf(WechatApiError);
        expect(err).toMatchObject({ errcode });
      }
    });

    test('a wrong secret surfaces as the token errcode; an unreachable WeChat as -1; neither leaks the secret', async () => {
      const wrong = messenger({ ...wx.settings, mp: { ...wx.settings.mp, secret: 'not-the-secret' } });
      expect(await rejection(wrong.sendText(FAMILY, 'x'))).toMatchObject({ name: 'WechatApiError', errcode: 40125 });
      expect(await storedToken(wx.creds.mp.appId)).toBeNull();

      const offline = messenger({ ...wx.settings, apiBase: 'http://127.0.0.1:1/sandbox/wxapi' });
      const err = await rejection(offline.sendTemplate(FAMILY, TPL, { keyword1: 'x' }));
      expect(err).toBeInstanceOf(WechatApiError);
      expect((err as WechatApiError).errcode).toBe(-1);
      expect((err as Error).message).not.toContain(wx.settings.mp.secret);
    });
  });
});
