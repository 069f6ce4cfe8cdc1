import { createCipheriv, createDecipheriv, createSign, randomBytes, verify as verifySignature } from 'node:crypto';
import { SHANGHAI_OFFSET_MS } from '../lib/time';

/**
 * WeChat Pay v3 message security, both directions, written with node:crypto alone.
 *
 * Mulin checks WeChat Pay's notifications (and API responses) here rather than with wechatpay-node-v3, because
 * the library gets it wrong in ways that matter for money (see STACK.md): its `verifySign` only knows platform
 * certificates, so a `PUB_KEY_ID_…` serial makes it download certificates on every call; it re-serialises the
 * body; it accepts any timestamp; and its `decipher_gcm` never calls `final()`, so a forged ciphertext decrypts
 * to garbage instead of failing. The sandbox uses the inverse helpers below to send exactly what WeChat would.
 *
 * - signature: RSA-SHA256 (PKCS#1 v1.5) by WeChat Pay's private key over `timestamp\nnonce\nbody\n`, base64, in
 *   `Wechatpay-Signature`; the key is named by `Wechatpay-Serial` (public-key mode: `PUB_KEY_ID_…`);
 * - resource: AEAD_AES_256_GCM, key = the 32-byte APIv3 key, IV = `nonce`, AAD = `associated_data`,
 *   `ciphertext` = base64(encrypted bytes ‖ 16-byte tag).
 */

/** WeChat Pay's own signature probes start with this; they must never verify. */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';
/** How far a message's timestamp may be from now, either way (WeChat: "5 minutes"). */
export const MAX_SKEW_SECONDS = 300;

export type PayNotificationRejection = 'MALFORMED' | 'UNKNOWN_SERIAL' | 'SIGNTEST' | 'STALE_TIMESTAMP' | 'BAD_SIGNATURE' | 'BAD_CIPHERTEXT';

export class PayNotificationRejected extends Error {
  constructor(
    readonly reason: PayNotificationRejection,
    message: string,
  ) {
    super(message);
    this.name = 'PayNotificationRejected';
  }
}

/** Request or response headers as Node gives them (lower-case names); other casings are found too. */
export type HeaderBag = Record<string, string | string[] | undefined>;

export interface SignedMessage {
  headers: HeaderBag;
  /** The body exactly as it came off the wire: never a re-serialised object. */
  rawBody: string | Buffer;
  now: Date;
  platformPublicKeyPem: string;
  platformPublicKeyId: string;
}

export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
  original_type: string;
}

export interface PayNotification<R = Record<string, unknown>> {
  id: string;
  createTime: string;
  eventType: string;
  resourceType: string;
  summary: string;
  resource: R;
}

function header(headers: HeaderBag, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}

function required(headers: HeaderBag, name: string): string {
  const value = header(headers, name);
  if (!value) throw new PayNotificationRejected('MALFORMED', `missing or repeated header ${name}`);
  return value;
}

function signedBytes(timestamp: string, nonce: string, body: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), Buffer.from(body), Buffer.from('\n')]);
}

/**
 * Checks a message signed by WeChat Pay (a notification or an API response) and returns nothing: it throws
 * PayNotificationRejected instead. The order matters: a serial we don't hold is refused before any key work
 * (no certificate download, ever), and the clock is checked before the signature so old captures fail fast.
 */
export function verifyWechatpaySignature(msg: SignedMessage): void {
  const serial = required(msg.headers, 'wechatpay-serial');
  const timestamp = required(msg.headers, 'wechatpay-timestamp');
  const nonce = required(msg.headers, 'wechatpay-nonce');
  const signature = required(msg.headers, 'wechatpay-signature');
  if (!/^\d{1,12}$/.test(timestamp)) throw new PayNotificationRejected('MALFORMED', 'Wechatpay-Timestamp is not a number');
  if (serial !== msg.platformPublicKeyId) {
    throw new PayNotificationRejected('UNKNOWN_SERIAL', `Wechatpay-Serial ${serial} is not the configured public key`);
  }
  if (signature.startsWith(SIGNTEST_PREFIX)) {
    throw new PayNotificationRejected('SIGNTEST', 'WeChat Pay signature probe');
  }
  const skew = Math.abs(Math.floor(msg.now.getTime() / 1000) - Number(timestamp));
  if (skew > MAX_SKEW_SECONDS) {
    throw new PayNotificationRejected('STALE_TIMESTAMP', `Wechatpay-Timestamp is ${skew} s away from now`);
  }
  const ok = verifySignature('sha256', signedBytes(timestamp, nonce, msg.rawBody), msg.platformPublicKeyPem, Buffer.from(signature, 'base64'));
  if (!ok) throw new PayNotificationRejected('BAD_SIGNATURE', 'Wechatpay-Signature does not verify');
}

function apiV3KeyBytes(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  // A configuration error, not a bad notification: fail loudly instead of rejecting every notification.
  if (key.length !== 32) throw new Error('the WeChat Pay APIv3 key must be 32 bytes');
  return key;
}

/** Decrypts a notification resource; a wrong key, nonce, AAD or a tampered ciphertext/tag fails (GCM tag check). */
export function decryptResource(resource: Pick<EncryptedResource, 'ciphertext' | 'nonce' | 'associated_data'>, apiV3Key: string): unknown {
  const key = apiV3KeyBytes(apiV3Key);
  const bytes = Buffer.from(resource.ciphertext, 'base64');
  if (bytes.length <= 16) throw new PayNotificationRejected('BAD_CIPHERTEXT', 'ciphertext shorter than its tag');
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    decipher.setAAD(Buffer.from(resource.associated_data, 'utf8'));
    plaintext = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new PayNotificationRejected('BAD_CIPHERTEXT', 'resource does not decrypt (GCM tag check failed)');
  }
  try {
    return JSON.parse(plaintext);
  } catch {
    throw new PayNotificationRejected('MALFORMED', 'decrypted resource is not JSON');
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * Verifies and opens a WeChat Pay notification (支付/退款结果通知). Throws PayNotificationRejected; the caller
 * answers 4xx/5xx with `{"code":"FAIL","message":…}` so WeChat redelivers, and processes an accepted
 * notification idempotently (the same `id` arrives many times).
 */
export function verifyPayNotification<R = Record<string, unknown>>(msg: SignedMessage & { apiV3Key: string }): PayNotification<R> {
  verifyWechatpaySignature(msg);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(msg.rawBody).toString('utf8'));
  } catch {
    throw new PayNotificationRejected('MALFORMED', 'body is not JSON');
  }
  const b = (body ?? {}) as Record<string, unknown>;
  const r = (b.resource ?? {}) as Record<string, unknown>;
  if (typeof body !== 'object' || Array.isArray(body) || !isString(b.id) || !isString(b.event_type)) {
    throw new PayNotificationRejected('MALFORMED', 'notification lacks id or event_type');
  }
  if (r.algorithm !== 'AEAD_AES_256_GCM' || !isString(r.ciphertext) || !isString(r.nonce)) {
    throw new PayNotificationRejected('MALFORMED', 'notification resource lacks algorithm, ciphertext or nonce');
  }
  // associated_data may legitimately be empty or absent ("附加数据，可能为空").
  const associatedData = isString(r.associated_data) ? r.associated_data : '';
  const resource = decryptResource({ ciphertext: r.ciphertext, nonce: r.nonce, associated_data: associatedData }, msg.apiV3Key);
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    throw new PayNotificationRejected('MALFORMED', 'decrypted resource is not an object');
  }
  return {
    id: b.id,
    createTime: isString(b.create_time) ? b.create_time : '',
    eventType: b.event_type,
    resourceType: isString(b.resource_type) ? b.resource_type : '',
    summary: isString(b.summary) ? b.summary : '',
    resource: resource as R,
  };
}

// ---- The other side: what WeChat Pay does (used by the sandbox) ----

/** A random string for nonces: WeChat uses 32 upper-case alphanumerics; any printable ASCII works. */
export function wechatpayNonce(length = 32): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(length), (b) => chars[b % chars.length]).join('');
}

/** RSA-SHA256 over `timestamp\nnonce\nbody\n`, base64. */
export function wechatpaySignature(privateKeyPem: string, timestamp: string, nonce: string, body: string | Buffer): string {
  return createSign('RSA-SHA256')
    .update(signedBytes(timestamp, nonce, body))
    .sign(privateKeyPem, 'base64');
}

/** The headers WeChat Pay puts on a notification or a response, for `body` at `now`. */
export function wechatpaySignedHeaders(opts: { privateKeyPem: string; publicKeyId: string; now: Date; body: string }): Record<string, string> {
  const timestamp = String(Math.floor(opts.now.getTime() / 1000));
  const nonce = wechatpayNonce();
  return {
    'Wechatpay-Serial': opts.publicKeyId,
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': wechatpaySignature(opts.privateKeyPem, timestamp, nonce, opts.body),
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

/** Encrypts a notification resource as WeChat Pay does (12-character nonce). */
export function encryptResource(
  plaintext: unknown,
  opts: { apiV3Key: string; associatedData: string; originalType: string; nonce?: string },
): EncryptedResource {
  const nonce = opts.nonce ?? wechatpayNonce(12);
  const cipher = createCipheriv('aes-256-gcm', apiV3KeyBytes(opts.apiV3Key), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(opts.associatedData, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: encrypted.toString('base64'),
    associated_data: opts.associatedData,
    nonce,
    original_type: opts.originalType,
  };
}

/** WeChat Pay's time format: RFC 3339 in Beijing time, e.g. `2026-12-01T08:30:00+08:00`. */
export function wechatpayTime(instant: Date): string {
  return `${new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
