import { Router, type RouterContext } from '@koa/router';
import { wechatpayNonce } from '../gateways/wechat-pay-notify';
import { fail, isObject, paramError, SandboxError, type ApiAnswer, type NotifyOptions, type WxpaySandbox } from './wxpay.sandbox';

const MAX_BODY_BYTES = 64 * 1024;

/** WeChat Pay's HTTP face for the sandbox: signed v3 endpoints, plus unsigned actions for the cashier page and tests. */
type Ctx = RouterContext;

async function readRawBody(ctx: Ctx): Promise<string> {
  // If a body parser ran first it kept the raw text; the signature must be checked against exactly that.
  const kept = (ctx.request as unknown as { rawBody?: unknown }).rawBody;
  if (typeof kept === 'string') return kept;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) ctx.throw(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  (ctx.request as unknown as { rawBody?: string }).rawBody = raw;
  return raw;
}

function sendSigned(ctx: Ctx, sandbox: WxpaySandbox, answer: ApiAnswer): void {
  const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
  ctx.set(sandbox.signedHeaders(text));
  ctx.set('Request-ID', wechatpayNonce());
  ctx.status = answer.status;
  if (text) {
    ctx.body = text;
    ctx.type = 'application/json; charset=utf-8';
  }
}

interface ApiRequest {
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * One WeChat Pay API route: raw body read, signature checked against the path as the merchant signed it, JSON
 * parsed, response signed. Requests arrive under the mount prefix (`/sandbox/wxpay/v3/…`) but were signed for
 * WeChat's host, where the path starts at `/v3/`.
 */
function wechatApi(sandbox: WxpaySandbox, handle: (req: ApiRequest) => ApiAnswer) {
  return async (ctx: Ctx): Promise<void> => {
    const raw = await readRawBody(ctx);
    const signedUrl = ctx.originalUrl.slice(Math.max(0, ctx.originalUrl.indexOf('/v3/')));
    const authError = sandbox.checkAuthorization(ctx.method, signedUrl, raw, ctx.get('Authorization') || undefined);
    if (authError) return sendSigned(ctx, sandbox, fail(401, 'SIGN_ERROR', authError));
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return sendSigned(ctx, sandbox, paramError('body', '请求体不是合法的 JSON'));
      }
    }
    sendSigned(ctx, sandbox, handle({ params: ctx.params as Record<string, string>, query: ctx.query, body }));
  };
}

function notifyOptions(body: unknown): NotifyOptions {
  const b = isObject(body) ? body : {};
  const flag = (k: keyof NotifyOptions) => (b[k] === true ? { [k]: true } : {});
  const duplicates = Number.isSafeInteger(b.duplicates) && (b.duplicates as number) > 0 ? { duplicates: b.duplicates as number } : {};
  return {
    ...duplicates,
    ...flag('staleTimestamp'),
    ...flag('tamperBody'),
    ...flag('tamperTag'),
    ...flag('signtest'),
    ...flag('wrongSerial'),
  };
}

/** WeChat Pay's API (signed) and the sandbox's own actions (unsigned), with paths relative to the mount. */
export function wxpaySandboxRoutes(sandbox: WxpaySandbox): Router {
  const r = new Router();
  r.post(
    '/v3/pay/transactions/jsapi',
    wechatApi(sandbox, ({ body }) => sandbox.createJsapiOrder(body)),
  );
  r.get(
    '/v3/pay/transactions/out-trade-no/:outTradeNo',
    wechatApi(sandbox, ({ params, query }) =>
      sandbox.queryOrder(params.outTradeNo, typeof query.mchid === 'string' ? query.mchid : undefined),
    ),
  );
  r.post(
    '/v3/pay/transactions/out-trade-no/:outTradeNo/close',
    wechatApi(sandbox, ({ params, body }) => sandbox.closeOrder(params.outTradeNo, body)),
  );
  r.post(
    '/v3/refund/domestic/refunds',
    wechatApi(sandbox, ({ body }) => sandbox.createRefund(body)),
  );
  r.get(
    '/v3/refund/domestic/refunds/:outRefundNo',
    wechatApi(sandbox, ({ params }) => sandbox.queryRefund(params.outRefundNo)),
  );

  r.post('/sandbox/orders/:outTradeNo/pay', async (ctx) => {
    const raw = await readRawBody(ctx);
    let body: unknown = {};
    try {
      if (raw) body = JSON.parse(raw);
    } catch {
      ctx.status = 400;
      ctx.body = { code: 'PARAM_ERROR', message: '请求体不是合法的 JSON' };
      return;
    }
    try {
      ctx.body = sandbox.pay(ctx.params.outTradeNo, notifyOptions(body));
    } catch (err) {
      if (!(err instanceof SandboxError)) throw err;
      ctx.status = err.status;
      ctx.body = { code: err.code, message: err.message };
    }
  });
  r.get('/sandbox/orders', (ctx) => {
    ctx.body = { orders: sandbox.listOrders() };
  });
  r.get('/sandbox/notifications', (ctx) => {
    ctx.body = { attempts: sandbox.notificationLog() };
  });
  return r;
}
