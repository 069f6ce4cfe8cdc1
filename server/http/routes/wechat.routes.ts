import { Router } from '@koa/router';
import wechat from 'co-wechat';
import getRawBody from 'raw-body';
import type { Context, Next } from 'koa';
import { WechatCryptoError, WechatMessageCrypto } from '../../lib/wechat-message-crypto';
import type { InboundMessage, WechatInboxService } from '../../services/wechat-inbox.service';
import type { WechatSettings } from '../../wechat-settings';

/** WeChat pushes messages of a few kilobytes; anything near this is not WeChat. */
const MAX_BODY = '64kb';
/** A WeChat push is one <xml> element (after an optional XML declaration). */
const WECHAT_ROOT = /^\s*(?:<\?xml[^>]*\?>\s*)?<xml[\s>]/;

/**
 * The public account's server URL (`GET/POST /wechat`) on co-wechat, with what co-wechat leaves out put in front:
 * - the body is read here, with a size limit (413), and must be non-empty, well-formed XML (400): co-wechat would
 *   turn both into a 500 from inside;
 * - safe mode decrypts with our own cryptor (`ctx.wx_cryptor`), which checks the appid inside the message —
 *   co-wechat's leaves that as a TODO — and padding and length; a message that fails is answered 401 like a bad
 *   signature.
 * The conversation happens in WechatInboxService (dedupe, reply budget) and the bot behind it.
 */
export function wechatRoutes(settings: WechatSettings, inbox: WechatInboxService): Router {
  const { token, aesKey, appId } = settings.mp;
  const crypto = aesKey ? new WechatMessageCrypto(token, aesKey, appId) : null;
  const cryptor = crypto && {
    getSignature: (timestamp: unknown, nonce: unknown, encrypt: unknown) => signatureOrEmpty(crypto, timestamp, nonce, encrypt),
    decrypt: (text: string) => {
      try {
        return { message: crypto.decrypt(text), id: appId };
      } catch (err) {
        if (err instanceof WechatCryptoError) return { message: '', id: '' };
        throw err;
      }
    },
    encrypt: (xml: string) => crypto.encrypt(xml),
  };
  const endpoint = wechat({ token, appid: appId, encodingAESKey: aesKey ?? '' }).middleware(async (message: InboundMessage, ctx: Context) => {
    try {
      return await inbox.handle(message);
    } catch (err) {
      // The database failed us (the bot's own errors are answered inside the inbox): not the sender's fault.
      ctx.state.inboxFailed = true;
      throw err;
    }
  });

  const router = new Router();
  router.all('/wechat', async (ctx: Context, next: Next) => {
    if (cryptor) (ctx as Context & { wx_cryptor?: unknown }).wx_cryptor = cryptor;
    if (ctx.method === 'POST') {
      const xml = await readXml(ctx);
      if (xml === null) return;
      ctx.request.body = xml;
    }
    try {
      await endpoint(ctx, next);
    } catch {
      ctx.type = 'text/plain';
      if (ctx.state.inboxFailed) {
        // 5xx: WeChat delivers the message again, and the retry finds it unclaimed.
        ctx.status = 503;
        ctx.body = 'try again';
        return;
      }
      // Otherwise a body co-wechat could not make sense of.
      ctx.status = 400;
      ctx.body = 'bad request';
    }
  });
  return router;
}

/** co-wechat signs its encrypted replies with a numeric timestamp and nonce; a missing query value is no signature. */
function signatureOrEmpty(crypto: WechatMessageCrypto, timestamp: unknown, nonce: unknown, encrypt: unknown): string {
  if (timestamp === undefined || nonce === undefined || typeof encrypt !== 'string') return '';
  return crypto.envelopeSignature(String(timestamp), String(nonce), encrypt);
}

async function readXml(ctx: Context): Promise<string | null> {
  const fail = (status: number, body: string) => {
    ctx.status = status;
    ctx.type = 'text/plain';
    ctx.body = body;
    return null;
  };
  let xml: string;
  try {
    xml = await getRawBody(ctx.req, { length: ctx.request.length, limit: MAX_BODY, encoding: 'utf-8' });
  } catch (err) {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large' || e.status === 413) return fail(413, 'payload too large');
    return fail(400, 'bad request');
  }
  if (xml.trim() === '') return fail(400, 'empty body');
  // Only the root is checked here: co-wechat parses the body next, and XML it cannot parse is a 400 from the route.
  // (Parsing it here as well cost a second full xml2js parse of every message.)
  if (!WECHAT_ROOT.test(xml)) return fail(400, 'not a WeChat message');
  return xml;
}
