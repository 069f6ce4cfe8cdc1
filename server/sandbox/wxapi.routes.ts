import { Router, type RouterContext } from '@koa/router';
import { z } from 'zod';
import { fail, isObject, type IssuedQrCode, type WxapiSandbox, type WxReply } from './wxapi.sandbox';

/** The WeChat platform API's HTTP face for the sandbox, plus the outbox and knobs for the chat page and tests. */
const knobSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('refuseSubscribe'), openid: z.string().min(1), templateId: z.string().min(1).optional() }),
  z.object({ action: z.literal('allowSubscribe'), openid: z.string().min(1), templateId: z.string().min(1).optional() }),
  z.object({ action: z.literal('closeWindow'), openid: z.string().min(1) }),
  z.object({ action: z.literal('openWindow'), openid: z.string().min(1) }),
  z.object({ action: z.literal('expireTokens') }),
  z.object({ action: z.literal('reset') }),
]);

const BODY_LIMIT = 64 * 1024;

type BodyRead = { ok: true; body: Record<string, unknown> } | { ok: false; reply: WxReply };

/** The JSON body, whether or not a body parser ran before us; WeChat's own errcodes when there is none or it is bad. */
async function jsonBody(ctx: RouterContext): Promise<BodyRead> {
  const bad = (errcode: number): BodyRead => ({ ok: false, reply: fail(errcode) });
  const parsed = (ctx.request as { body?: unknown }).body;
  if (parsed !== undefined) return isObject(parsed) ? { ok: true, body: parsed } : bad(47001);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return bad(47001);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return bad(44002);
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? { ok: true, body: value } : bad(47001);
  } catch {
    return bad(47001);
  }
}

/** WeChat answers HTTP 200 with JSON; msgids are written as bare 64-bit integers. */
function answer(ctx: RouterContext, reply: WxReply): void {
  ctx.status = 200;
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = JSON.stringify(reply, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000${v}\u0000` : v)).replace(/"\\u0000(\d+)\\u0000"/g, '$1');
}

const xmlText = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * What the sandbox shows for a ticket instead of a real QR code (no scanner could read one anyway): a bordered
 * card saying so, with the scene a scan would report, wrapped to fit.
 */
function qrCodeSvg(qr: IssuedQrCode): string {
  const chars = [...qr.scene];
  const lines: string[] = [];
  for (let i = 0; i < chars.length; i += 24) lines.push(chars.slice(i, i + 24).join(''));
  const scene = lines.map((l, i) => `<text x="140" y="${150 + i * 22}" font-size="16" font-family="monospace" text-anchor="middle">${xmlText(l)}</text>`);
  const expiry = qr.expiresAt === null ? '永久 permanent' : `有效至 ${new Date(qr.expiresAt).toISOString()}`;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="280" height="280" viewBox="0 0 280 280">',
    '<rect x="4" y="4" width="272" height="272" fill="#fff" stroke="#111" stroke-width="8"/>',
    '<text x="140" y="48" font-size="20" text-anchor="middle">沙箱二维码</text>',
    '<text x="140" y="72" font-size="12" text-anchor="middle">sandbox QR code (not scannable)</text>',
    '<text x="140" y="120" font-size="12" text-anchor="middle">scene</text>',
    ...scene,
    `<text x="140" y="256" font-size="11" text-anchor="middle">${xmlText(expiry)}</text>`,
    '</svg>',
  ].join('');
}

const tokenOf = (ctx: RouterContext) => (typeof ctx.query.access_token === 'string' ? ctx.query.access_token : '');

/**
 * The sandbox's api.weixin.qq.com, with paths as WeChat has them (mount it at `/sandbox/wxapi`), and its stand-in
 * for mp.weixin.qq.com's `GET /showqrcode?ticket=`, plus `GET /sandbox/outbox?openid=`, `GET /sandbox/menu` and
 * `POST /sandbox/knobs` for the sandbox page, the tests and `npm run wechat:menu` (no token needed).
 */
export function wxapiSandboxRoutes(sandbox: WxapiSandbox): Router {
  const r = new Router();
  // Handlers may answer later (tests hold an answer back to line up concurrent requests).
  const post = (path: string, handle: (body: Record<string, unknown>, ctx: RouterContext) => WxReply | Promise<WxReply>) =>
    r.post(path, async (ctx) => {
      const read = await jsonBody(ctx);
      answer(ctx, read.ok ? await handle(read.body, ctx) : read.reply);
    });

  post('/cgi-bin/stable_token', (body) => sandbox.stableToken(body));
  r.get('/cgi-bin/token', (ctx) => answer(ctx, sandbox.classicToken(ctx.query)));
  r.get('/sns/jscode2session', (ctx) => answer(ctx, sandbox.jscode2session(ctx.query)));
  post('/cgi-bin/message/template/send', (body, ctx) => sandbox.sendTemplate(tokenOf(ctx), body));
  post('/cgi-bin/message/subscribe/send', (body, ctx) => sandbox.sendSubscribe(tokenOf(ctx), body));
  post('/cgi-bin/message/custom/send', (body, ctx) => sandbox.sendCustom(tokenOf(ctx), body));
  post('/cgi-bin/menu/create', (body, ctx) => sandbox.createMenu(tokenOf(ctx), body));
  post('/cgi-bin/qrcode/create', (body, ctx) => sandbox.createQrCode(tokenOf(ctx), body));
  // mp.weixin.qq.com/cgi-bin/showqrcode in real WeChat: no token, the ticket is the key.
  r.get('/showqrcode', (ctx) => {
    const qr = typeof ctx.query.ticket === 'string' ? sandbox.qrCodeOf(ctx.query.ticket) : null;
    if (!qr) {
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'no such QR code (unknown or expired ticket)';
      return;
    }
    ctx.type = 'image/svg+xml; charset=utf-8';
    ctx.body = qrCodeSvg(qr);
  });

  r.get('/sandbox/menu', (ctx) => {
    ctx.body = { menu: sandbox.menu };
  });

  r.get('/sandbox/outbox', (ctx) => {
    const openid = typeof ctx.query.openid === 'string' ? ctx.query.openid : '';
    ctx.body = { items: openid ? sandbox.outboxFor(openid) : sandbox.allOutbox() };
  });
  r.post('/sandbox/knobs', async (ctx) => {
    const read = await jsonBody(ctx);
    const knob = knobSchema.safeParse(read.ok ? read.body : undefined);
    if (!knob.success) {
      ctx.status = 400;
      ctx.body = { error: { code: 'VALIDATION_FAILED', message: knob.error.issues.map((i) => i.message).join('; ') } };
      return;
    }
    const k = knob.data;
    if (k.action === 'refuseSubscribe') sandbox.refuseSubscribe(k.openid, k.templateId);
    else if (k.action === 'allowSubscribe') sandbox.allowSubscribe(k.openid, k.templateId);
    else if (k.action === 'closeWindow') sandbox.closeWindow(k.openid);
    else if (k.action === 'openWindow') sandbox.openWindow(k.openid);
    else if (k.action === 'expireTokens') sandbox.expireTokens();
    else sandbox.reset();
    ctx.status = 204;
  });
  return r;
}
