import { randomInt } from 'node:crypto';
import { Router } from '@koa/router';
import getRawBody from 'raw-body';
import type { Context } from 'koa';
import type { Clock } from '../../lib/clock';
import { plainSignature, sameSignature, WechatCryptoError, WechatMessageCrypto } from '../../lib/wechat-message-crypto';
import { parseWechatXml, passiveReplyXml, WechatXmlError, type XmlElement } from '../../lib/wechat-xml';
import type { InboundMessage, WechatInboxService } from '../../services/chat/wechat-inbox.service';
import type { WechatSettings } from '../../wechat-settings';

/** WeChat pushes messages of a few kilobytes; anything near this is not WeChat. */
const MAX_BODY = '64kb';

/**
 * The public account's server URL (`GET/POST /wechat`): WeChat's message-push protocol, on our own XML reader and
 * cryptor (server/lib). It used to be co-wechat; this does what co-wechat did and what it left out:
 * - GET answers `echostr` when the signature is right (safe mode: decrypted, for our appid only);
 * - POST checks the plain signature before the body is even read, and in safe mode the `msg_signature` over the
 *   envelope's Encrypt before anything is decrypted; then decrypts with the appid, padding and length checked;
 * - the body is read with a size limit (413) and must be a well-formed WeChat `<xml>` message (400, never a 500);
 * - signatures are compared in constant time, and a signed timestamp more than `maxSkewSeconds` from now is refused
 *   (a captured push replayed a month later used to be accepted; the MsgId dedupe still catches retries within it);
 * - a reply's CreateTime is in seconds (co-wechat wrote milliseconds), from the injected clock, and its text is in
 *   CDATA that stays well-formed whatever the text holds.
 * The conversation happens in WechatInboxService (dedupe, reply budget) and the bot behind it.
 */
export function wechatRoutes(settings: WechatSettings, inbox: WechatInboxService, clock: Clock, maxSkewSeconds: number): Router {
  const { token, aesKey, appId } = settings.mp;
  const crypto = aesKey ? new WechatMessageCrypto(token, aesKey, appId) : null;
  const router = new Router();
  /** WeChat signs the time it sent the request: seconds since the epoch, near our own. */
  const fresh = (timestamp: string) => /^\d{1,12}$/.test(timestamp) && Math.abs(Number(timestamp) - clock.now().getTime() / 1000) <= maxSkewSeconds;

  router.get('/wechat', (ctx) => {
    const q = pushQuery(ctx);
    if (!fresh(q.timestamp)) return stale(ctx);
    if (q.encrypted) {
      if (!crypto || !sameSignature(q.msgSignature, crypto.envelopeSignature(q.timestamp, q.nonce, q.echostr))) return refuse(ctx);
      try {
        ctx.body = crypto.decrypt(q.echostr);
      } catch (err) {
        if (err instanceof WechatCryptoError) return refuse(ctx);
        throw err;
      }
    } else {
      if (!sameSignature(q.signature, plainSignature(token, q.timestamp, q.nonce))) return refuse(ctx);
      ctx.body = q.echostr;
    }
    ctx.type = 'text/plain';
  });

  router.post('/wechat', async (ctx) => {
    const q = pushQuery(ctx);
    if (!fresh(q.timestamp)) return stale(ctx);
    if (!q.encrypted && !sameSignature(q.signature, plainSignature(token, q.timestamp, q.nonce))) return refuse(ctx);
    const xml = await readBody(ctx);
    if (xml === null) return;
    let message: InboundMessage;
    try {
      let doc = parseWechatXml(xml);
      if (q.encrypted) {
        if (!crypto) return fail(ctx, 400, 'safe mode is not configured');
        const encrypt = doc.Encrypt;
        if (typeof encrypt !== 'string' || !sameSignature(q.msgSignature, crypto.envelopeSignature(q.timestamp, q.nonce, encrypt))) return refuse(ctx);
        doc = parseWechatXml(crypto.decrypt(encrypt));
      }
      if (!isMessage(doc)) return fail(ctx, 400, 'not a WeChat message');
      message = doc;
    } catch (err) {
      if (err instanceof WechatCryptoError) return refuse(ctx);
      if (err instanceof WechatXmlError) return fail(ctx, 400, 'bad request');
      throw err;
    }

    let reply;
    try {
      reply = await inbox.handle(message);
    } catch {
      // The database failed us (the bot's own errors are answered inside the inbox): not the sender's fault.
      // 5xx: WeChat delivers the message again, and the retry finds it unclaimed.
      return fail(ctx, 503, 'try again');
    }
    if (reply === '') {
      // "No passive reply": WeChat shows nothing and does not retry.
      ctx.body = '';
      return;
    }
    const now = Math.floor(clock.now().getTime() / 1000);
    const out = passiveReplyXml(message.FromUserName, message.ToUserName, now, reply);
    ctx.type = 'application/xml';
    ctx.body = q.encrypted && crypto ? crypto.envelope(out, String(now), String(randomInt(1e9, 1e10))) : out;
  });
  return router;
}

interface PushQuery {
  encrypted: boolean;
  signature?: string;
  msgSignature?: string;
  timestamp: string;
  nonce: string;
  echostr: string;
}

function pushQuery(ctx: Context): PushQuery {
  // URLSearchParams read directly: koa's ctx.query builds an object of every parameter for each request, and
  // every push has a query string of its own (its signature and nonce), so it is never reused. A parameter given
  // twice counts by its first value.
  const q = new URLSearchParams(ctx.querystring);
  const msgSignature = q.get('msg_signature') ?? undefined;
  return {
    // As WeChat marks safe mode; compatible mode (encrypt_type absent) is plain.
    encrypted: q.get('encrypt_type') === 'aes' && msgSignature !== undefined,
    signature: q.get('signature') ?? undefined,
    msgSignature,
    timestamp: q.get('timestamp') ?? '',
    nonce: q.get('nonce') ?? '',
    echostr: q.get('echostr') ?? '',
  };
}

/** Every push names its account, its sender and its type. */
function isMessage(doc: XmlElement): doc is XmlElement & InboundMessage {
  return [doc.ToUserName, doc.FromUserName, doc.MsgType].every((v) => typeof v === 'string' && v !== '');
}

function refuse(ctx: Context): void {
  fail(ctx, 401, 'Invalid signature');
}

function stale(ctx: Context): void {
  fail(ctx, 401, 'Timestamp out of range');
}

function fail(ctx: Context, status: number, body: string): null {
  ctx.status = status;
  ctx.type = 'text/plain';
  ctx.body = body;
  return null;
}

async function readBody(ctx: Context): Promise<string | null> {
  let xml: string;
  try {
    xml = await getRawBody(ctx.req, { length: ctx.request.length, limit: MAX_BODY, encoding: 'utf-8' });
  } catch (err) {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large' || e.status === 413) return fail(ctx, 413, 'payload too large');
    return fail(ctx, 400, 'bad request');
  }
  if (xml.trim() === '') return fail(ctx, 400, 'empty body');
  return xml;
}
