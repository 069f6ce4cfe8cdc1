import { createCipheriv, createDecipheriv, createSign, createVerify, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import Koa from 'koa';
import { PayNotificationRejected, verifyPayNotification, type PayNotification } from '../../server/gateways/wechat-pay-notify';
import { FakeClock } from '../../server/lib/clock';
import { wxpaySandboxRoutes } from '../../server/sandbox/wxpay.routes';
import { WxpaySandbox } from '../../server/sandbox/wxpay.sandbox';
import { generateSandboxCredentials, type SandboxCredentials } from '../../server/wechat-settings';

/*
 * WeChat Pay's published algorithms, written out again here so the tests never take their expectations from
 * the code under test:
 * - signatures: SHA256withRSA (PKCS#1 v1.5), base64; notifications/responses sign `timestamp\nnonce\nbody\n`,
 *   requests sign `METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n`, wx.requestPayment signs
 *   `appId\ntimeStamp\nnonceStr\npackage\n`;
 * - resources: AES-256-GCM, key = APIv3 key (32 ASCII bytes), IV = nonce, AAD = associated_data,
 *   ciphertext = base64(encrypted ‖ 16-byte tag).
 */
export function rsaSign(privateKeyPem: string, message: string): string {
  return createSign('RSA-SHA256').update(message).sign(privateKeyPem, 'base64');
}

export function rsaVerifies(publicKeyPem: string, message: string, signature: string): boolean {
  return createVerify('RSA-SHA256').update(message).verify(publicKeyPem, signature, 'base64');
}

export function gcmEncrypt(key: string, nonce: string, aad: string, plaintext: string): string {
  const c = createCipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(nonce));
  c.setAAD(Buffer.from(aad));
  return Buffer.concat([c.update(plaintext, 'utf8'), c.final(), c.getAuthTag()]).toString('base64');
}

export function gcmDecrypt(key: string, nonce: string, aad: string, ciphertext: string): string {
  const bytes = Buffer.from(ciphertext, 'base64');
  const d = createDecipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(nonce));
  d.setAuthTag(bytes.subarray(bytes.length - 16));
  d.setAAD(Buffer.from(aad));
  return Buffer.concat([d.update(bytes.subarray(0, bytes.length - 16)), d.final()]).toString('utf8');
}

/** A merchant request's Authorization header, built by hand. */
export function authorization(
  creds: SandboxCredentials,
  method: string,
  pathWithQuery: string,
  body: string,
  now: Date,
  privateKeyPem = creds.pay.merchantPrivateKeyPem,
): string {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const nonce = randomBytes(16).toString('hex');
  const signature = rsaSign(privateKeyPem, `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`);
  return `WECHATPAY2-SHA256-RSA2048 mchid="${creds.pay.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${creds.pay.serialNo}"`;
}

export const T0 = '2026-12-01T00:30:00.000Z';

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function shut(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface RunningSandbox {
  creds: SandboxCredentials;
  clock: FakeClock;
  sandbox: WxpaySandbox;
  /** e.g. `http://127.0.0.1:1234/sandbox`: what `sandboxSettings` takes. */
  sandboxBase: string;
  close(): Promise<void>;
}

/** The sandbox router mounted at `/sandbox/wxpay` of a real HTTP server on an ephemeral port. */
export async function startWxpaySandbox(retryDelaysMs = [0, 10, 10]): Promise<RunningSandbox> {
  const creds = generateSandboxCredentials();
  const clock = new FakeClock(T0);
  const sandbox = new WxpaySandbox({ creds, clock, retryDelaysMs });
  const mount = new Router({ prefix: '/sandbox/wxpay' });
  const routes = wxpaySandboxRoutes(sandbox);
  mount.use(routes.routes(), routes.allowedMethods());
  const server = http.createServer(new Koa().use(mount.routes()).callback());
  const port = await listen(server);
  return {
    creds,
    clock,
    sandbox,
    sandboxBase: `http://127.0.0.1:${port}/sandbox`,
    async close() {
      sandbox.stop();
      await shut(server);
    },
  };
}

export interface ReceivedNotification {
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** What Mulin's verifier made of it. */
  outcome: { ok: true; notification: PayNotification } | { ok: false; reason: string };
  answered: number;
}

export interface NotifyReceiver {
  /** e.g. `http://127.0.0.1:1235`: the `publicBaseUrl` for `sandboxSettings`. */
  url: string;
  received: ReceivedNotification[];
  /** The next this-many requests are answered 500 whatever they hold. */
  failNext: number;
  close(): Promise<void>;
}

/**
 * A merchant endpoint that behaves as Mulin's should: verify, answer 204 when the notification is good and
 * 400 `{"code":"FAIL"}` when not; it records every request.
 */
export async function startNotifyReceiver(creds: SandboxCredentials, clock: FakeClock): Promise<NotifyReceiver> {
  const receiver: NotifyReceiver = { url: '', received: [], failNext: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let outcome: ReceivedNotification['outcome'];
      try {
        const notification = verifyPayNotification({
          headers: req.headers,
          rawBody,
          now: clock.now(),
          platformPublicKeyPem: creds.pay.platformPublicKeyPem,
          platformPublicKeyId: creds.pay.platformPublicKeyId,
          apiV3Key: creds.pay.apiV3Key,
        });
        outcome = { ok: true, notification };
      } catch (err) {
        outcome = { ok: false, reason: err instanceof PayNotificationRejected ? err.reason : String(err) };
      }
      let answered = outcome.ok ? 204 : 400;
      if (receiver.failNext > 0) {
        receiver.failNext--;
        answered = 500;
      }
      receiver.received.push({ path: req.url ?? '', headers: req.headers, rawBody, outcome, answered });
      res.writeHead(answered, answered === 204 ? {} : { 'Content-Type': 'application/json' });
      res.end(answered === 204 ? undefined : JSON.stringify({ code: 'FAIL', message: '失败' }));
    });
  });
  const port = await listen(server);
  receiver.url = `http://127.0.0.1:${port}`;
  receiver.close = () => shut(server);
  return receiver;
}
