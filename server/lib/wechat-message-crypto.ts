import { createCipheriv, createDecipheriv, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The public account's message-push protocol, both directions: plain-mode signatures and safe-mode (安全模式)
 * encryption. Mulin's `/wechat` endpoint uses it to check what WeChat sends; the sandbox uses it to send exactly
 * what WeChat would.
 *
 * - plain signature = sha1(sort(token, timestamp, nonce).join(''))
 * - safe mode: AES-256-CBC, key = base64(EncodingAESKey + '='), IV = first 16 bytes of the key, PKCS#7 padding to a
 *   multiple of 32 bytes; plaintext = 16 random bytes + 4-byte big-endian length + XML + appid;
 *   msg_signature = sha1(sort(token, timestamp, nonce, encrypt).join(''))
 */
export function plainSignature(token: string, timestamp: string, nonce: string): string {
  return sha1([token, timestamp, nonce].sort().join(''));
}

export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1([token, timestamp, nonce, encrypt].sort().join(''));
}

/** Compares two hex signatures in constant time (a mismatch in length is simply false). */
export function sameSignature(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function sha1(s: string): string {
  return hash('sha1', s, 'hex'); // one-shot: a third of createHash's cost for a short input
}

export class WechatCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatCryptoError';
  }
}

/** Safe-mode encryption for one public account (token, EncodingAESKey, appid). */
export class WechatMessageCrypto {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(
    readonly token: string,
    encodingAesKey: string,
    readonly appId: string,
  ) {
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    if (this.key.length !== 32) throw new WechatCryptoError('EncodingAESKey must decode to 32 bytes');
    this.iv = this.key.subarray(0, 16);
  }

  /** `random` is for tests that need a fixed ciphertext; WeChat uses 16 fresh random bytes. */
  encrypt(xml: string, random: Buffer = randomBytes(16)): string {
    const msg = Buffer.from(xml, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(msg.length, 0);
    const plain = Buffer.concat([random, len, msg, Buffer.from(this.appId, 'utf8')]);
    const pad = 32 - (plain.length % 32);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  /** The XML inside `encrypt`; throws unless the padding, the length and the appid are all right. */
  decrypt(encrypt: string): string {
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
    } catch {
      throw new WechatCryptoError('ciphertext is not a whole number of AES blocks');
    }
    const pad = plain.length > 0 ? plain[plain.length - 1] : 0;
    if (pad < 1 || pad > 32 || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
      throw new WechatCryptoError('bad PKCS#7 padding');
    }
    const body = plain.subarray(16, plain.length - pad);
    if (body.length < 4) throw new WechatCryptoError('message too short');
    const len = body.readUInt32BE(0);
    if (4 + len > body.length) throw new WechatCryptoError('message length out of range');
    const appId = body.subarray(4 + len).toString('utf8');
    if (appId !== this.appId) throw new WechatCryptoError('message is for another appid');
    return body.subarray(4, 4 + len).toString('utf8');
  }

  /** msg_signature of an envelope with this account's token. */
  envelopeSignature(timestamp: string, nonce: string, encrypt: string): string {
    return msgSignature(this.token, timestamp, nonce, encrypt);
  }

  /** The safe-mode envelope WeChat posts, or a passive reply in safe mode. */
  envelope(xml: string, timestamp: string, nonce: string, toUserName?: string): string {
    const encrypt = this.encrypt(xml);
    const signature = msgSignature(this.token, timestamp, nonce, encrypt);
    return toUserName === undefined
      ? `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`
      : `<xml><ToUserName><![CDATA[${toUserName}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  }
}

/** Wraps text for a CDATA section (a `]]>` inside is split across two sections). */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
