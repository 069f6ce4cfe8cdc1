import { generateKeyPairSync } from 'node:crypto';
import {
  encryptResource,
  PayNotificationRejected,
  verifyPayNotification,
  wechatpaySignedHeaders,
  wechatpayTime,
  type HeaderBag,
} from '../../server/gateways/wechat-pay-notify';
import { generateSandboxCredentials } from '../../server/wechat-settings';
import { gcmDecrypt, gcmEncrypt, rsaSign, rsaVerifies } from '../helpers/wxpay';

// Notifications are built here by hand from WeChat Pay's published algorithm (see test/helpers/wxpay.ts), then
// handed to the verifier. Nothing the verifier is checked against comes from server code.

const creds = generateSandboxCredentials();
const PUB = creds.pay.platformPublicKeyPem;
const PRIV = creds.pay.platformPrivateKeyPem;
const KEY_ID = creds.pay.platformPublicKeyId;
const API_V3_KEY = creds.pay.apiV3Key;
const NOW = new Date('2026-12-01T00:30:00.000Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

const transaction = {
  mchid: creds.pay.mchId,
  appid: creds.mini.appId,
  out_trade_no: 'MLN20261201000001',
  transaction_id: '4200002345202612011234567890',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  success_time: '2026-12-01T08:29:58+08:00',
  payer: { openid: 'oSBXfamily0001' },
  amount: { total: 1250, payer_total: 1250, currency: 'CNY', payer_currency: 'CNY' },
};

interface Build {
  plaintext?: string;
  encryptAad?: string;
  envelopeAad?: string;
  nonce?: string;
  timestamp?: number;
  signWith?: string;
  serial?: string;
  mutateCiphertext?: (b: Buffer) => void;
  /** Raw body to send instead of the canonical one (it is what gets signed). */
  body?: string;
}

function build(o: Build = {}): { headers: Record<string, string>; rawBody: string } {
  const nonce = o.nonce ?? 'aBcDeFgH1234';
  let ciphertext = gcmEncrypt(API_V3_KEY, nonce, o.encryptAad ?? 'transaction', o.plaintext ?? JSON.stringify(transaction));
  if (o.mutateCiphertext) {
    const b = Buffer.from(ciphertext, 'base64');
    o.mutateCiphertext(b);
    ciphertext = b.toString('base64');
  }
  // Deliberately not JSON.stringify's layout: the verifier must use the bytes as received.
  const rawBody =
    o.body ??
    `{"id":"EV-0001", "create_time":"2026-12-01T08:30:00+08:00","resource_type":"encrypt-resource",` +
      `"event_type":"TRANSACTION.SUCCESS","summary":"支付成功",\n "resource":{"original_type":"transaction",` +
      `"algorithm":"AEAD_AES_256_GCM","ciphertext":"${ciphertext}","associated_data":"${o.envelopeAad ?? 'transaction'}","nonce":"${nonce}"}}`;
  const timestamp = String(o.timestamp ?? NOW_S);
  const signNonce = 'N0nce5tr1ng';
  return {
    headers: {
      'wechatpay-serial': o.serial ?? KEY_ID,
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': signNonce,
      'wechatpay-signature': rsaSign(o.signWith ?? PRIV, `${timestamp}\n${signNonce}\n${rawBody}\n`),
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
    rawBody,
  };
}

function verify(msg: { headers: HeaderBag; rawBody: string | Buffer }, now = NOW, apiV3Key = API_V3_KEY) {
  return verifyPayNotification({ ...msg, now, platformPublicKeyPem: PUB, platformPublicKeyId: KEY_ID, apiV3Key });
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof PayNotificationRejected) return err.reason;
    throw err;
  }
  throw new Error('expected the notification to be rejected');
}

describe('verifyPayNotification', () => {
  it('accepts a genuine notification and returns the decrypted transaction', () => {
    const n = verify(build());
    expect(n).toEqual({
      id: 'EV-0001',
      createTime: '2026-12-01T08:30:00+08:00',
      eventType: 'TRANSACTION.SUCCESS',
      resourceType: 'encrypt-resource',
      summary: '支付成功',
      resource: transaction,
    });
  });

  it('accepts the raw body as a Buffer and headers in any casing', () => {
    const { headers, rawBody } = build();
    const title = (k: string) =>
      k
        .split('-')
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join('-');
    const cased = Object.fromEntries(Object.entries(headers).map(([k, v]) => [title(k), v]));
    expect(cased['Wechatpay-Serial']).toBe(KEY_ID);
    expect(verify({ headers: cased, rawBody: Buffer.from(rawBody) }).resource).toEqual(transaction);
  });

  it('accepts an empty associated_data when the sender used none', () => {
    expect(verify(build({ encryptAad: '', envelopeAad: '' })).resource).toEqual(transaction);
  });

  it('rejects a signature made with another key', () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(reasonOf(() => verify(build({ signWith: other.privateKey })))).toBe('BAD_SIGNATURE');
  });

  it('rejects a body changed after signing, even by one byte of whitespace', () => {
    const good = build();
    expect(reasonOf(() => verify({ headers: good.headers, rawBody: good.rawBody.replace('支付成功', '支付失败') }))).toBe('BAD_SIGNATURE');
    expect(reasonOf(() => verify({ headers: good.headers, rawBody: good.rawBody.replace(',\n "resource"', ',"resource"') }))).toBe('BAD_SIGNATURE');
  });

  it('rejects a signature over a different nonce', () => {
    const good = build();
    expect(reasonOf(() => verify({ headers: { ...good.headers, 'wechatpay-nonce': 'other' }, rawBody: good.rawBody }))).toBe('BAD_SIGNATURE');
  });

  it('rejects a tampered GCM tag even though the body signature is valid', () => {
    expect(reasonOf(() => verify(build({ mutateCiphertext: (b) => (b[b.length - 1] ^= 1) })))).toBe('BAD_CIPHERTEXT');
  });

  it('rejects tampered ciphertext bytes (not only the tag)', () => {
    expect(reasonOf(() => verify(build({ mutateCiphertext: (b) => (b[0] ^= 0x80) })))).toBe('BAD_CIPHERTEXT');
  });

  it('rejects a resource whose associated_data is not what it was encrypted with', () => {
    expect(reasonOf(() => verify(build({ encryptAad: 'transaction', envelopeAad: 'refund' })))).toBe('BAD_CIPHERTEXT');
  });

  it('rejects a resource encrypted with another APIv3 key', () => {
    expect(reasonOf(() => verify(build(), NOW, 'X'.repeat(32)))).toBe('BAD_CIPHERTEXT');
  });

  it('rejects a resource whose nonce was changed', () => {
    const { rawBody } = build();
    const body = rawBody.replace('"nonce":"aBcDeFgH1234"', '"nonce":"aBcDeFgH1235"');
    expect(reasonOf(() => verify(build({ body })))).toBe('BAD_CIPHERTEXT');
  });

  it.each([
    ['301 s old', NOW_S - 301],
    ['301 s ahead', NOW_S + 301],
    ['a year old', NOW_S - 365 * 86400],
  ])('rejects a timestamp %s', (_label, timestamp) => {
    expect(reasonOf(() => verify(build({ timestamp })))).toBe('STALE_TIMESTAMP');
  });

  it.each([
    ['300 s old', NOW_S - 300],
    ['300 s ahead', NOW_S + 300],
  ])('accepts a timestamp %s (the edge of the window)', (_label, timestamp) => {
    expect(verify(build({ timestamp })).id).toBe('EV-0001');
  });

  it("rejects WeChat Pay's signature probe", () => {
    const { headers, rawBody } = build();
    headers['wechatpay-signature'] = `WECHATPAY/SIGNTEST/${headers['wechatpay-signature']}`;
    expect(reasonOf(() => verify({ headers, rawBody }))).toBe('SIGNTEST');
  });

  it('rejects a serial that is not the configured public key id, whatever the signature', () => {
    expect(reasonOf(() => verify(build({ serial: 'PUB_KEY_ID_0000000000000000000000000000000000' })))).toBe('UNKNOWN_SERIAL');
    expect(reasonOf(() => verify(build({ serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' })))).toBe('UNKNOWN_SERIAL');
  });

  it.each(['wechatpay-serial', 'wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature'])('rejects a request without %s', (name) => {
    const { headers, rawBody } = build();
    delete headers[name];
    expect(reasonOf(() => verify({ headers, rawBody }))).toBe('MALFORMED');
  });

  it('rejects a non-numeric timestamp', () => {
    const { headers, rawBody } = build();
    headers['wechatpay-timestamp'] = '2026-12-01T00:30:00Z';
    expect(reasonOf(() => verify({ headers, rawBody }))).toBe('MALFORMED');
  });

  it('rejects a validly signed body that is not JSON', () => {
    expect(reasonOf(() => verify(build({ body: '{"id":"EV-0001",' })))).toBe('MALFORMED');
  });

  it('rejects a validly signed notification without its resource fields', () => {
    expect(reasonOf(() => verify(build({ body: '{"id":"EV-0001","event_type":"TRANSACTION.SUCCESS"}' })))).toBe('MALFORMED');
    const noCiphertext = '{"id":"EV-0001","event_type":"TRANSACTION.SUCCESS","resource":{"algorithm":"AEAD_AES_256_GCM","nonce":"aBcDeFgH1234"}}';
    expect(reasonOf(() => verify(build({ body: noCiphertext })))).toBe('MALFORMED');
    const otherAlgorithm = build().rawBody.replace('AEAD_AES_256_GCM', 'AES_128_CBC');
    expect(reasonOf(() => verify(build({ body: otherAlgorithm })))).toBe('MALFORMED');
  });

  it('rejects an encrypted resource that is not a JSON object', () => {
    expect(reasonOf(() => verify(build({ plaintext: 'not json' })))).toBe('MALFORMED');
  });
});

describe("the sandbox's side (signing and encrypting as WeChat Pay)", () => {
  it('signs `timestamp\\nnonce\\nbody\\n` with the platform key, verifiable with its public key', () => {
    const body = '{"prepay_id":"wx201410272009395522657a690389285100"}';
    const h = wechatpaySignedHeaders({ privateKeyPem: PRIV, publicKeyId: KEY_ID, now: NOW, body });
    expect(h['Wechatpay-Serial']).toBe(KEY_ID);
    expect(h['Wechatpay-Timestamp']).toBe(String(NOW_S));
    expect(h['Wechatpay-Nonce']).toMatch(/^[A-Z0-9]{32}$/);
    expect(rsaVerifies(PUB, `${NOW_S}\n${h['Wechatpay-Nonce']}\n${body}\n`, h['Wechatpay-Signature'])).toBe(true);
    expect(rsaVerifies(PUB, `${NOW_S}\n${h['Wechatpay-Nonce']}\n${body} \n`, h['Wechatpay-Signature'])).toBe(false);
  });

  it('encrypts resources that AES-256-GCM with the APIv3 key and the AAD decrypts', () => {
    const r = encryptResource(transaction, { apiV3Key: API_V3_KEY, associatedData: 'transaction', originalType: 'transaction' });
    expect(r.algorithm).toBe('AEAD_AES_256_GCM');
    expect(r.nonce).toHaveLength(12);
    expect(JSON.parse(gcmDecrypt(API_V3_KEY, r.nonce, 'transaction', r.ciphertext))).toEqual(transaction);
    expect(() => gcmDecrypt(API_V3_KEY, r.nonce, 'refund', r.ciphertext)).toThrow();
  });

  it('refuses an APIv3 key that is not 32 bytes (a configuration error, not a rejection)', () => {
    expect(() => encryptResource({}, { apiV3Key: 'short', associatedData: '', originalType: 'transaction' })).toThrow(/32 bytes/);
    expect(() => verify(build(), NOW, 'short')).toThrow(/32 bytes/);
  });

  it('writes times as RFC 3339 in Beijing time', () => {
    expect(wechatpayTime(new Date('2026-12-01T16:05:09.999Z'))).toBe('2026-12-02T00:05:09+08:00');
  });
});
