import { createHash } from 'node:crypto';
import net from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { loginWechat, seniorNamed } from '../helpers/actors';
import { describeEachDb, T0, type Harness } from '../helpers/harness';

// Issue 20, the edge of the HTTP server: headers on every answer, a content security policy on the pages, no
// caching of personal data, and the errors Koa's routers and Node's parser used to answer bare (405, 501, 431, a
// body that claims a compression it does not have) in the same JSON shape as every other error.

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');

/** A raw HTTP/1.1 exchange, for what supertest cannot send (oversized headers). */
function rawRequest(h: Harness, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(h.baseUrl).port), '127.0.0.1', () => socket.end(request));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('utf8')));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describeEachDb('the HTTP edge', (h) => {
  beforeEach(() => h().clock.set(T0));

  test('an API answer with personal data: nosniff, no framing, nothing may run, nothing may be kept', async () => {
    const daughter = await loginWechat(h(), 'o_family_01');
    const zhang = await seniorNamed(h(), '张桂英');
    for (const res of [
      await h().http.get(`/api/v1/seniors/${zhang.id}`).set('authorization', daughter),
      await h().http.get('/api/v1/me').set('authorization', daughter),
      await h().http.get('/api/v1/me'),
    ]) {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
        'content-security-policy': expect.stringContaining("default-src 'none'"),
      });
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  test.each(['/pay/jsapi', '/sandbox/chat', '/sandbox/pay'])('the page %s: its own inline script by hash, nothing else inline, never framed', async (path) => {
    const res = await h().http.get(path);
    expect(res.status).toBe(200);
    const csp = res.headers['content-security-policy'];
    const scripts = [...res.text.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    const scriptSrc = csp.split(';').find((d: string) => d.trim().startsWith('script-src'))!;
    for (const s of scripts) expect(scriptSrc).toContain(`'sha256-${sha256(s)}'`);
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    // A script the page did not carry is not allowed: a different text has a different hash.
    expect(scriptSrc).not.toContain(`'sha256-${sha256(`${scripts[0]} `)}'`);
  });

  test('a method a route does not have: 405 with Allow; a method no route has: 501; both as JSON errors', async () => {
    const auth = await loginWechat(h(), 'o_family_01');
    const put = await h().http.put('/api/v1/me').set('authorization', auth).send({});
    expect(put.status).toBe(405);
    expect(put.headers.allow).toContain('GET');
    expect(put.body.error).toEqual({ code: 'METHOD_NOT_ALLOWED', message: '这个地址不支持这种请求方式' });
    const healthz = await h().http.delete('/healthz');
    expect([healthz.status, healthz.body.error.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    const odd = await h().http.propfind('/api/v1/me').set('authorization', auth);
    expect([odd.status, odd.body.error?.code]).toEqual([501, 'NOT_IMPLEMENTED']);
    expect(odd.headers['content-type']).toContain('application/json');
  });

  test('headers larger than Node accepts: 431 in the JSON error shape', async () => {
    const answer = await rawRequest(h(), `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toContain('Content-Type: application/json');
    expect(JSON.parse(body)).toEqual({ error: { code: 'HEADERS_TOO_LARGE', message: '请求头太大' } });
    const garbage = await rawRequest(h(), 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.split('\r\n\r\n')[1]).error.code).toBe('BAD_REQUEST');
  });

  test('a body that says gzip, deflate or br but is not: 400 BAD_CONTENT_ENCODING, not a 500; a real gzip body works', async () => {
    const body = JSON.stringify({ code: 'demo:o_family_01' });
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await h().http.post('/api/v1/auth/login').set('content-type', 'application/json').set('content-encoding', encoding).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({ code: 'BAD_CONTENT_ENCODING', message: '请求内容的压缩格式不对' });
    }
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(body)],
      ['br', brotliCompressSync(body)],
    ] as const) {
      const ok = await h()
        .http.post('/api/v1/auth/login')
        .set('content-type', 'application/json')
        .set('content-encoding', encoding)
        .serialize((b) => b) // the compressed bytes as they are, not the Buffer as JSON
        .send(bytes);
      expect([encoding, ok.status]).toEqual([encoding, 200]);
    }
    const unknown = await h().http.post('/api/v1/auth/login').set('content-type', 'application/json').set('content-encoding', 'x-nothing').send(body);
    expect([unknown.status, unknown.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  test('/wechat refuses a signed push from outside the time window (a replay), and still takes a fresh one', async () => {
    const token = h().wechat.mp.token;
    const now = Math.floor(h().clock.now().getTime() / 1000);
    const push = (timestamp: number, msgId: string) => {
      const ts = String(timestamp);
      const nonce = `n${msgId}`;
      const xml = `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[o_senior_02]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content><MsgId>${msgId}</MsgId></xml>`;
      return h()
        .http.post('/wechat')
        .query({ timestamp: ts, nonce, signature: sha1([token, ts, nonce].sort().join('')) })
        .set('content-type', 'text/xml')
        .send(xml);
    };
    const calls = h().conversationCalls();
    for (const old of [now - 30 * 24 * 3600, now - 301, now + 301]) {
      const res = await push(old, `77000${old}`);
      expect([res.status, res.text]).toEqual([401, 'Timestamp out of range']);
    }
    expect(h().conversationCalls()).toBe(calls);
    const echo = await h()
      .http.get('/wechat')
      .query({ timestamp: String(now - 3600), nonce: 'e1', signature: sha1([token, String(now - 3600), 'e1'].sort().join('')), echostr: 'hi' });
    expect(echo.status).toBe(401);
    const fresh = await push(now - 299, '770001');
    expect(fresh.status).toBe(200);
    expect(h().conversationCalls()).toBe(calls + 1);
    // The same MsgId again, inside the window: a WeChat retry, answered without reaching the bot again.
    expect((await push(now - 290, '770001')).status).toBe(200);
    expect(h().conversationCalls()).toBe(calls + 1);
  });

  test('/healthz says whether this is the sandbox; outside production it carries no warning', async () => {
    const res = await h().http.get('/healthz');
    expect(res.body).toMatchObject({ status: 'ok', sandbox: true });
    expect(res.body.warning).toBeUndefined();
  });
});
