import 'reflect-metadata';
import WechatAPI from 'co-wechat-api';
import supertest from 'supertest';
import { WechatAccessToken } from '../../entities';
import type { Database } from '../../server/db/database';
import { openDatabase } from '../../server/db/open';
import { WechatApiError, WechatMessenger } from '../../server/gateways/wechat-messenger.gateway';
import { FakeClock } from '../../server/lib/clock';
import { WechatStateRepository } from '../../server/repositories/wechat-state.repository';
import type { WechatSettings } from '../../server/wechat-settings';
import { T0 } from '../helpers/harness';
import { rejection, startWxapiSandbox, type WxapiSandboxServer } from '../helpers/wxapi';

const SCENE = 'senior:42';
const THIRTY_DAYS = 30 * 24 * 3600;

// The token store's behaviour on both databases is wechat-messenger.test.ts's business; SQLite suffices here.
describe('WechatMessenger.createQrScene against the wxapi sandbox', () => {
  let wx: WxapiSandboxServer;
  let db: Database;
  const clock = new FakeClock(T0);
  const messenger = (settings: WechatSettings = wx.settings) => new WechatMessenger({ settings, tokens: new WechatStateRepository(db), clock });
  const qrCalls = () => wx.sandbox.apiCalls.filter((c) => c.path === '/cgi-bin/qrcode/create');

  beforeAll(async () => {
    wx = await startWxapiSandbox(clock);
    db = await openDatabase({ kind: 'sqlite', file: ':memory:' });
  });
  afterAll(async () => {
    await wx.close();
    await db.ds.destroy();
  });
  beforeEach(async () => {
    clock.set(T0);
    wx.sandbox.reset();
    await db.manager.createQueryBuilder().delete().from(WechatAccessToken).execute();
  });

  test('makes a QR_STR_SCENE code: the sandbox knows the scene by its ticket, the image URL shows it', async () => {
    const qr = await messenger().createQrScene(SCENE, 3600);
    expect(qr).toEqual({
      ticket: expect.stringMatching(/^gQ[A-Za-z0-9+/]+=*$/),
      url: expect.stringMatching(/^http:\/\/weixin\.qq\.com\/q\/[\w-]+$/),
      imageUrl: `${wx.settings.apiBase}/showqrcode?ticket=${encodeURIComponent(qr.ticket)}`,
      expiresInSeconds: 3600,
    });
    expect(qr.imageUrl).not.toMatch(/ticket=.*[+/=]/); // the base64 ticket arrives intact only when encoded
    expect(wx.sandbox.sceneOfTicket(qr.ticket)).toBe(SCENE);
    expect(qrCalls()).toEqual([expect.objectContaining({ errcode: 0 })]);

    const image = await fetch(qr.imageUrl);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await image.text();
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain(SCENE);
    expect(svg).toContain('sandbox QR code');

    expect((await fetch(`${wx.settings.apiBase}/showqrcode?ticket=${encodeURIComponent(`${qr.ticket}x`)}`)).status).toBe(404);
    expect((await fetch(`${wx.settings.apiBase}/showqrcode`)).status).toBe(404);
  });

  test('the scene is escaped in the image; 64 bytes and 30 days are the limits, both accepted', async () => {
    const m = messenger();
    const odd = await m.createQrScene('a<b&"c"', 60);
    const svg = await (await fetch(odd.imageUrl)).text();
    expect(svg).toContain('a&#60;b&#38;&#34;c&#34;');
    expect(svg).not.toContain('<b');

    const longest = await m.createQrScene('x'.repeat(64), THIRTY_DAYS);
    expect(longest.expiresInSeconds).toBe(THIRTY_DAYS);
    expect(wx.sandbox.sceneOfTicket(longest.ticket)).toBe('x'.repeat(64));
    expect(wx.sandbox.sceneOfTicket(odd.ticket)).toBe('a<b&"c"');
  });

  test('scenes and expiries WeChat would refuse are a RangeError, before anything is sent', async () => {
    const m = messenger();
    const cases: Array<[string, number]> = [
      ['', 60],
      ['x'.repeat(65), 60],
      ['长'.repeat(22), 60], // 66 bytes in UTF-8
      ['two\nlines', 60],
      [SCENE, 0],
      [SCENE, -5],
      [SCENE, 1.5],
      [SCENE, Number.NaN],
      [SCENE, THIRTY_DAYS + 1],
    ];
    for (const [scene, expiry] of cases) {
      expect(await rejection(m.createQrScene(scene, expiry))).toBeInstanceOf(RangeError);
    }
    expect(wx.sandbox.apiCalls).toHaveLength(0);
    expect(wx.sandbox.tokenRequests).toHaveLength(0);
  });

  test('a ticket stops naming its scene when the code expires, by the sandbox clock', async () => {
    const qr = await messenger().createQrScene(SCENE, 600);
    clock.advance(599_000);
    expect(wx.sandbox.sceneOfTicket(qr.ticket)).toBe(SCENE);
    expect((await fetch(qr.imageUrl)).status).toBe(200);
    clock.advance(1_000);
    expect(wx.sandbox.sceneOfTicket(qr.ticket)).toBeNull();
    expect((await fetch(qr.imageUrl)).status).toBe(404);
    expect(wx.sandbox.sceneOfTicket('never-issued')).toBeNull();
  });

  test('a refused token is refreshed and the call retried; other errcodes and no answer are WechatApiError', async () => {
    const m = messenger();
    await m.createQrScene(SCENE, 60);
    wx.sandbox.expireTokens();
    const qr = await m.createQrScene('senior:43', 60);
    expect(wx.sandbox.sceneOfTicket(qr.ticket)).toBe('senior:43');
    expect(qrCalls().map((c) => c.errcode)).toEqual([0, 40001, 0]);

    const spy = jest.spyOn(wx.sandbox, 'createQrCode').mockReturnValue({ errcode: 40097, errmsg: 'invalid args' });
    try {
      expect(await rejection(m.createQrScene(SCENE, 60))).toMatchObject({ name: 'WechatApiError', errcode: 40097 });
    } finally {
      spy.mockRestore();
    }
    const offline = messenger({ ...wx.settings, apiBase: 'http://127.0.0.1:1/sandbox/wxapi' });
    const err = await rejection(offline.createQrScene(SCENE, 60));
    expect(err).toBeInstanceOf(WechatApiError);
    expect((err as WechatApiError).errcode).toBe(-1);
  });

  test('against real WeChat: the exact request to api.weixin.qq.com, and the image on mp.weixin.qq.com', async () => {
    const ticket = 'gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw==';
    const sent: Array<{ url: string; body: unknown }> = [];
    const spy = jest.spyOn(WechatAPI.prototype, 'request').mockImplementation(async (url, opts) => {
      sent.push({ url, body: JSON.parse(String(opts?.data)) });
      if (url.includes('/cgi-bin/stable_token')) return { access_token: 'REAL_TOKEN', expires_in: 7200 };
      return { ticket, expire_seconds: 1800, url: 'http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI' };
    });
    try {
      const real = messenger({ ...wx.settings, sandbox: false, apiBase: 'https://api.weixin.qq.com' });
      const qr = await real.createQrScene(SCENE, 1800);
      expect(qr).toEqual({
        ticket,
        url: 'http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI',
        imageUrl: `https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`,
        expiresInSeconds: 1800,
      });
      expect(sent[1]).toEqual({
        url: 'https://api.weixin.qq.com/cgi-bin/qrcode/create?access_token=REAL_TOKEN',
        body: { expire_seconds: 1800, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: SCENE } } },
      });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('wxapi sandbox qrcode/create over HTTP', () => {
  let wx: WxapiSandboxServer;
  let http: ReturnType<typeof supertest>;
  const clock = new FakeClock(T0);
  const base = '/sandbox/wxapi';
  let token: string;

  beforeAll(async () => {
    wx = await startWxapiSandbox(clock);
    http = supertest(wx.server);
  });
  afterAll(async () => {
    await wx.close();
  });
  beforeEach(async () => {
    clock.set(T0);
    wx.sandbox.reset();
    token = (await http.post(`${base}/cgi-bin/stable_token`).send({ grant_type: 'client_credential', appid: wx.creds.mp.appId, secret: wx.creds.mp.secret }))
      .body.access_token;
  });

  const create = (body: object, accessToken = token) => http.post(`${base}/cgi-bin/qrcode/create?access_token=${accessToken}`).send(body);
  const strScene = (scene_str: unknown, expire_seconds?: unknown) => ({ expire_seconds, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str } } });

  test('WeChat shapes: temporary codes carry expire_seconds (60 when left out), permanent ones do not; numeric scenes', async () => {
    const temp = await create(strScene(SCENE, 300));
    expect(temp.body).toEqual({ ticket: expect.any(String), expire_seconds: 300, url: expect.stringMatching(/^http:\/\/weixin\.qq\.com\/q\//) });
    expect(wx.sandbox.sceneOfTicket(temp.body.ticket)).toBe(SCENE);

    const defaulted = await create({ action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: 'd' } } });
    expect(defaulted.body.expire_seconds).toBe(60);

    const numeric = await create({ expire_seconds: 60, action_name: 'QR_SCENE', action_info: { scene: { scene_id: 123 } } });
    expect(wx.sandbox.sceneOfTicket(numeric.body.ticket)).toBe('123');

    const permanent = await create({ action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: 'centre:1' } } });
    expect(permanent.body).toEqual({ ticket: expect.any(String), url: expect.any(String) });
    clock.advance(365 * 24 * 3600 * 1000);
    expect(wx.sandbox.sceneOfTicket(permanent.body.ticket)).toBe('centre:1');
    expect(wx.sandbox.sceneOfTicket(temp.body.ticket)).toBeNull();
  });

  test('bad arguments are 40097, a bad token 40001 / 41001, the mini-program token 48001', async () => {
    const bad: object[] = [
      {},
      { ...strScene(SCENE, 60), action_name: 'QR_NONSENSE' },
      { expire_seconds: 60, action_name: 'QR_STR_SCENE' },
      { expire_seconds: 60, action_name: 'QR_STR_SCENE', action_info: {} },
      strScene('', 60),
      strScene('x'.repeat(65), 60),
      strScene(42, 60),
      strScene(SCENE, 0),
      strScene(SCENE, THIRTY_DAYS + 1),
      strScene(SCENE, '60'),
      { expire_seconds: 60, action_name: 'QR_SCENE', action_info: { scene: { scene_id: 0 } } },
      { action_name: 'QR_LIMIT_SCENE', action_info: { scene: { scene_id: 100_001 } } },
    ];
    for (const body of bad) expect((await create(body)).body).toMatchObject({ errcode: 40097, errmsg: expect.stringContaining('invalid args') });

    expect((await create(strScene(SCENE, 60), 'SBX_not_a_token')).body).toMatchObject({ errcode: 40001 });
    expect((await create(strScene(SCENE, 60), '')).body).toMatchObject({ errcode: 41001 });
    const mini = await http
      .post(`${base}/cgi-bin/stable_token`)
      .send({ grant_type: 'client_credential', appid: wx.creds.mini.appId, secret: wx.creds.mini.secret });
    expect((await create(strScene(SCENE, 60), mini.body.access_token)).body).toMatchObject({ errcode: 48001 });
    expect(wx.sandbox.apiCalls.every((c) => c.path === '/cgi-bin/qrcode/create' && c.errcode !== 0)).toBe(true);
  });
});
