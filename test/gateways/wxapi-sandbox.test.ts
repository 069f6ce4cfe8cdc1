import supertest from 'supertest';
import { FakeClock } from '../../server/lib/clock';
import { T0 } from '../helpers/harness';
import { startWxapiSandbox, type WxapiSandboxServer } from '../helpers/wxapi';

// The WeChat API sandbox itself, as any client reaches it over HTTP: its tokens, its rules for template messages,
// and the knobs tests and the sandbox pages turn. (WechatMessenger against it: wechat-messenger.test.ts.)

const TPL = 'tpl_booking_confirmed';

describe('wxapi sandbox over HTTP', () => {
  let wx: WxapiSandboxServer;
  let clock: FakeClock;
  let http: ReturnType<typeof supertest>;
  const base = '/sandbox/wxapi';

  beforeAll(async () => {
    clock = new FakeClock(T0);
    wx = await startWxapiSandbox(clock);
    http = supertest(wx.server);
  });
  afterAll(async () => {
    await wx.close();
  });
  beforeEach(() => {
    clock.set(T0);
    wx.sandbox.reset();
  });

  const stable = (body: object) => http.post(`${base}/cgi-bin/stable_token`).send(body);
  const mpStable = (force = false) => stable({ grant_type: 'client_credential', appid: wx.creds.mp.appId, secret: wx.creds.mp.secret, force_refresh: force });
  const template = (token: string, body: object) => http.post(`${base}/cgi-bin/message/template/send?access_token=${token}`).send(body);

  test('tokens: wrong appid 40013, wrong secret 40125; classic tokens replace each other; stable ones stay until forced', async () => {
    const classic = (appid: string, secret: string) => http.get(`${base}/cgi-bin/token`).query({ grant_type: 'client_credential', appid, secret });
    expect((await classic('wx_nobody', wx.creds.mp.secret)).body).toMatchObject({ errcode: 40013 });
    expect((await classic(wx.creds.mp.appId, 'wrong')).body).toMatchObject({ errcode: 40125 });
    expect((await stable({ grant_type: 'client_credential', appid: wx.creds.mini.appId, secret: 'wrong' })).body).toMatchObject({ errcode: 40125 });

    const c1 = (await classic(wx.creds.mp.appId, wx.creds.mp.secret)).body;
    expect(c1).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    const c2 = (await classic(wx.creds.mp.appId, wx.creds.mp.secret)).body;
    expect(c2.access_token).not.toBe(c1.access_token);
    const page = { touser: 'o1', template_id: TPL, data: { keyword1: { value: 'x' } } };
    expect((await template(c1.access_token, page)).body).toMatchObject({ errcode: 0 });
    clock.advance(6 * 60_000);
    expect((await template(c1.access_token, page)).body).toMatchObject({ errcode: 42001 });
    expect((await template(c2.access_token, page)).body).toMatchObject({ errcode: 0 });

    const s1 = (await mpStable()).body;
    clock.advance(100_000);
    const s2 = (await mpStable()).body;
    expect(s2).toEqual({ access_token: s1.access_token, expires_in: 7100 });
    const s3 = (await mpStable(true)).body;
    expect(s3).toEqual({ access_token: expect.any(String), expires_in: 7200 });
    expect(s3.access_token).not.toBe(s1.access_token);
    expect((await template(s1.access_token, page)).body).toMatchObject({ errcode: 40001 });
    expect((await template('', page)).body).toMatchObject({ errcode: 41001 });

    const miniToken = (await stable({ grant_type: 'client_credential', appid: wx.creds.mini.appId, secret: wx.creds.mini.secret })).body.access_token;
    expect((await template(miniToken, page)).body).toMatchObject({ errcode: 48001 });
  });

  test('template/send enforces WeChat rules and writes msgid as a bare 64-bit number; the outbox route lists it', async () => {
    const token = (await mpStable()).body.access_token as string;
    const send = (data: object, touser: string | null = 'o1') => template(token, { touser, template_id: TPL, data });
    expect((await send({ keyword1: { value: 'x'.repeat(21) } })).body).toMatchObject({ errcode: 47003 });
    expect((await send({ keyword1: { value: '两行\n文字' } })).body).toMatchObject({ errcode: 47003 });
    expect((await send({ keyword1: { value: 'x' } }, null)).body).toMatchObject({ errcode: 40003 });
    expect((await send({ keyword1: 'not an object' })).body).toMatchObject({ errcode: 47001 });

    const ok = await send({ keyword1: { value: '😀'.repeat(20) } });
    expect(ok.body).toMatchObject({ errcode: 0, errmsg: 'ok' });
    expect(ok.text).toMatch(/"msgid":\d{19}\}$/);
    const listed = await http.get(`${base}/sandbox/outbox`).query({ openid: 'o1' });
    expect(listed.body.items).toEqual([expect.objectContaining({ kind: 'template', openid: 'o1', templateId: TPL, msgid: ok.text.match(/(\d{19})/)![1] })]);
    expect((await http.get(`${base}/sandbox/outbox`).query({ openid: 'o2' })).body.items).toEqual([]);
  });

  test('knobs over HTTP; bodies that are empty or not JSON get 44002 / 47001', async () => {
    const token = (await mpStable()).body.access_token as string;
    expect((await http.post(`${base}/sandbox/knobs`).send({ action: 'closeWindow', openid: 'o1' })).status).toBe(204);
    const text = { touser: 'o1', msgtype: 'text', text: { content: 'hi' } };
    expect((await http.post(`${base}/cgi-bin/message/custom/send?access_token=${token}`).send(text)).body).toMatchObject({ errcode: 45015 });
    expect((await http.post(`${base}/sandbox/knobs`).send({ action: 'openWindow', openid: 'o1' })).status).toBe(204);
    expect((await http.post(`${base}/cgi-bin/message/custom/send?access_token=${token}`).send(text)).body).toMatchObject({ errcode: 0 });
    expect((await http.post(`${base}/sandbox/knobs`).send({ action: 'expireTokens' })).status).toBe(204);
    expect((await http.post(`${base}/cgi-bin/message/custom/send?access_token=${token}`).send(text)).body).toMatchObject({ errcode: 40001 });
    expect((await http.post(`${base}/sandbox/knobs`).send({ action: 'nonsense' })).status).toBe(400);

    const raw = (body: string) => http.post(`${base}/cgi-bin/stable_token`).set('content-type', 'application/json').send(body);
    expect((await raw('')).body).toMatchObject({ errcode: 44002 });
    expect((await raw('{not json')).body).toMatchObject({ errcode: 47001 });
  });
});
