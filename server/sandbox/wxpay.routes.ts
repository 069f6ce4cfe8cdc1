import { Router, type RouterContext } from '@koa/router';
import { wechatpayNonce } from '../gateways/wechat-pay-notify';
import {
  fail,
  isObject,
  paramError,
  SandboxError,
  type ApiAnswer,
  type NotifyOptions,
  type RefundKnobs,
  type SandboxRefundOutcome,
  type WxpaySandbox,
} from './wxpay.sandbox';

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

const badInput = (message: string) => new SandboxError(400, 'PARAM_ERROR', message);

/**
 * The JSON object a sandbox action was sent (an empty body is `{}`). Unknown fields are refused so that a
 * misspelt knob fails the test that set it instead of silently doing nothing.
 */
function knobBody(raw: string, known: readonly string[]): Record<string, unknown> {
  let body: unknown = {};
  try {
    if (raw) body = JSON.parse(raw);
  } catch {
    throw badInput('请求体不是合法的 JSON');
  }
  if (!isObject(body)) throw badInput('请求体必须是 JSON 对象');
  const unknown = Object.keys(body).filter((k) => !known.includes(k));
  if (unknown.length) throw badInput(`未知字段 ${unknown.join(', ')}（可用：${known.join(', ')}）`);
  return body;
}

const FLAGS = ['silent', 'staleTimestamp', 'tamperBody', 'tamperTag', 'signtest', 'wrongSerial'] as const;
const OUTCOMES: readonly SandboxRefundOutcome[] = ['SUCCESS', 'ABNORMAL', 'CLOSED'];

function notifyOptions(raw: string): NotifyOptions {
  const b = knobBody(raw, [...FLAGS, 'duplicates', 'amountFen', 'mchid', 'appid']);
  const opts: NotifyOptions = {};
  for (const k of FLAGS) {
    if (b[k] === undefined) continue;
    if (typeof b[k] !== 'boolean') throw badInput(`${k} 必须是布尔值`);
    opts[k] = b[k];
  }
  if (b.duplicates !== undefined) {
    if (!Number.isSafeInteger(b.duplicates) || (b.duplicates as number) < 0 || (b.duplicates as number) > 20) {
      throw badInput('duplicates 必须是 0-20 的整数');
    }
    opts.duplicates = b.duplicates as number;
  }
  if (b.amountFen !== undefined) {
    if (!Number.isSafeInteger(b.amountFen) || (b.amountFen as number) <= 0) throw badInput('amountFen 必须是正整数（单位：分）');
    opts.amountFen = b.amountFen as number;
  }
  for (const k of ['mchid', 'appid'] as const) {
    if (b[k] === undefined) continue;
    if (typeof b[k] !== 'string' || b[k] === '' || b[k].length > 32) throw badInput(`${k} 必须是 1-32 个字符`);
    opts[k] = b[k];
  }
  return opts;
}

function refundKnobs(raw: string): Partial<RefundKnobs> {
  const b = knobBody(raw, ['failRefunds', 'refundOutcome', 'holdRefunds']);
  const knobs: Partial<RefundKnobs> = {};
  if (b.failRefunds !== undefined) {
    if (!Number.isSafeInteger(b.failRefunds) || (b.failRefunds as number) < 0) throw badInput('failRefunds 必须是非负整数');
    knobs.failRefunds = b.failRefunds as number;
  }
  if (b.refundOutcome !== undefined) {
    if (!OUTCOMES.includes(b.refundOutcome as SandboxRefundOutcome)) throw badInput(`refundOutcome 必须是 ${OUTCOMES.join('、')} 之一`);
    knobs.refundOutcome = b.refundOutcome as SandboxRefundOutcome;
  }
  if (b.holdRefunds !== undefined) {
    if (typeof b.holdRefunds !== 'boolean') throw badInput('holdRefunds 必须是布尔值');
    knobs.holdRefunds = b.holdRefunds;
  }
  return knobs;
}

/** An unsigned sandbox action: its answer as JSON, a SandboxError as its status and `{code, message}`. */
function sandboxAction(handle: (ctx: Ctx, raw: string) => unknown) {
  return async (ctx: Ctx): Promise<void> => {
    const raw = await readRawBody(ctx);
    try {
      ctx.body = handle(ctx, raw);
    } catch (err) {
      if (!(err instanceof SandboxError)) throw err;
      ctx.status = err.status;
      ctx.body = { code: err.code, message: err.message };
    }
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
    wechatApi(sandbox, ({ params, query }) => sandbox.queryOrder(params.outTradeNo, typeof query.mchid === 'string' ? query.mchid : undefined)),
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

  r.post(
    '/sandbox/orders/:outTradeNo/pay',
    sandboxAction((ctx, raw) => sandbox.pay(ctx.params.outTradeNo, notifyOptions(raw))),
  );
  r.get('/sandbox/refund-knobs', (ctx) => {
    ctx.body = sandbox.refundKnobs();
  });
  r.post(
    '/sandbox/refund-knobs',
    sandboxAction((_ctx, raw) => sandbox.setRefundKnobs(refundKnobs(raw))),
  );
  r.post(
    '/sandbox/refunds/release',
    sandboxAction(() => ({ released: sandbox.releaseHeldRefunds() })),
  );
  r.post(
    '/sandbox/notifications/:notificationId/redeliver',
    sandboxAction((ctx) => {
      sandbox.redeliver(ctx.params.notificationId);
      return { notificationId: ctx.params.notificationId };
    }),
  );
  r.get('/sandbox/orders', (ctx) => {
    ctx.body = { orders: sandbox.listOrders() };
  });
  r.get('/sandbox/notifications', (ctx) => {
    ctx.body = { attempts: sandbox.notificationLog() };
  });
  return r;
}
