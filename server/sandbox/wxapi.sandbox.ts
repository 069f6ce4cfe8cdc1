import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock';
import type { SandboxCredentials } from '../wechat-settings';
import { bytes, codePoints, fail, isObject, nonEmpty, OK, type WxReply } from './wxapi-answers';
import { menuError } from './wxapi-menu';
import { SandboxTokens, type Account, type TokenRequest } from './wxapi-tokens';

export { fail, isObject, type WxReply } from './wxapi-answers';
export type { TokenRequest } from './wxapi-tokens';

export type OutboxKind = 'template' | 'subscribe' | 'custom';

/** WeChat keeps a client_msg_id for 10 minutes and takes at most 64 bytes of it. */
const CLIENT_MSG_ID_WINDOW_MS = 10 * 60_000;
const CLIENT_MSG_ID_MAX = 64;

/** A message WeChat accepted for delivery to a user. */
export interface OutboxEntry {
  kind: OutboxKind;
  openid: string;
  templateId?: string;
  /** The request body exactly as Mulin posted it. */
  payload: Record<string, unknown>;
  msgid?: string;
  at: string;
}

/** A call to a token-protected API, answered with `errcode` (0 = accepted). */
export interface ApiCall {
  path: string;
  accessToken: string;
  errcode: number;
  at: string;
}

/** A QR code made by qrcode/create; `expiresAt` (epoch ms, sandbox clock) is null for a permanent one. */
export interface IssuedQrCode {
  scene: string;
  url: string;
  expiresAt: number | null;
}

const TEMPLATE_VALUE_MAX = 20;
const SUBSCRIBE_THING_MAX = 20;
const ANY_TEMPLATE = '*';
const QR_SCENE_STR_MAX = 64;
const QR_EXPIRE_MAX_S = 30 * 24 * 3600;
/** WeChat's default when a temporary code is asked for without expire_seconds. */
const QR_EXPIRE_DEFAULT_S = 60;
const QR_LIMIT_SCENE_ID_MAX = 100_000;
const QR_ACTIONS: Record<string, { permanent: boolean; str: boolean }> = {
  QR_SCENE: { permanent: false, str: false },
  QR_STR_SCENE: { permanent: false, str: true },
  QR_LIMIT_SCENE: { permanent: true, str: false },
  QR_LIMIT_STR_SCENE: { permanent: true, str: true },
};

/**
 * An imitation of the WeChat platform API (api.weixin.qq.com) for the sandbox and the tests: tokens (classic and
 * stable), template, subscribe and customer-service messages, mini-program login, the menu and scene QR codes,
 * with WeChat's JSON shapes and errcodes and the rules WeChat enforces. Accepted messages land in an outbox. In memory only.
 */
export class WxapiSandbox {
  readonly apiCalls: ApiCall[] = [];
  menu: unknown = null;
  /** ticket → the QR code qrcode/create made for it. */
  private readonly qrCodes = new Map<string, IssuedQrCode>();
  private readonly outbox: OutboxEntry[] = [];
  private readonly clientMsgIds = new Map<string, { msgid: bigint; at: number }>();
  private readonly nextSendFailures: number[] = [];
  private readonly clock: Clock;
  private readonly tokens: SandboxTokens;
  /** openid → refused template ids ('*' = all). */
  private readonly refusals = new Map<string, Set<string>>();
  private readonly closedWindows = new Set<string>();
  /** Template msgids are 64-bit and do not fit a JS number: the client must keep them exact. */
  private nextMsgid = 2942412553405874177n;

  constructor({ creds, clock }: { creds: SandboxCredentials; clock: Clock }) {
    this.clock = clock;
    this.tokens = new SandboxTokens(creds, clock);
  }

  /** Every stable_token and token request, in order, with what it was answered. */
  get tokenRequests(): readonly TokenRequest[] {
    return this.tokens.requests;
  }

  // ---- knobs (tests and the sandbox page) ----

  /** The user refuses this template (or, without one, every template): subscribe/send answers 43101. */
  refuseSubscribe(openid: string, templateId?: string): void {
    const set = this.refusals.get(openid) ?? new Set<string>();
    set.add(templateId ?? ANY_TEMPLATE);
    this.refusals.set(openid, set);
  }

  allowSubscribe(openid: string, templateId?: string): void {
    if (templateId === undefined) this.refusals.delete(openid);
    else this.refusals.get(openid)?.delete(templateId);
  }

  /** The next `n` template sends fail with `errcode` (e.g. -1 system busy, 45009 quota) before anything is sent. */
  failNextTemplateSends(n: number, errcode: number): void {
    for (let i = 0; i < n; i++) this.nextSendFailures.push(errcode);
  }

  /** The user has not written to the public account for 48 hours: custom/send answers 45015. */
  closeWindow(openid: string): void {
    this.closedWindows.add(openid);
  }

  openWindow(openid: string): void {
    this.closedWindows.delete(openid);
  }

  /** Every token issued so far stops working (40001), as after a refresh elsewhere. */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  reset(): void {
    this.tokens.reset();
    this.apiCalls.length = 0;
    this.outbox.length = 0;
    this.menu = null;
    this.qrCodes.clear();
    this.refusals.clear();
    this.closedWindows.clear();
    this.clientMsgIds.clear();
    this.nextSendFailures.length = 0;
  }

  /** The scene a scan of this ticket reports; null when no such code was made or it has expired. */
  sceneOfTicket(ticket: string): string | null {
    return this.qrCodeOf(ticket)?.scene ?? null;
  }

  /** The QR code behind a ticket while it still works (what showqrcode draws). */
  qrCodeOf(ticket: string): IssuedQrCode | null {
    const qr = this.qrCodes.get(ticket);
    if (!qr || (qr.expiresAt !== null && qr.expiresAt <= this.clock.now().getTime())) return null;
    return { ...qr };
  }

  outboxFor(openid: string): OutboxEntry[] {
    return this.outbox.filter((m) => m.openid === openid);
  }

  allOutbox(): OutboxEntry[] {
    return [...this.outbox];
  }

  // ---- access tokens (SandboxTokens) ----

  /** POST /cgi-bin/stable_token: the same token until it expires, unless force_refresh. */
  stableToken(body: Record<string, unknown>): WxReply {
    return this.tokens.stable(body);
  }

  /** GET /cgi-bin/token: a new token on every call; the previous one keeps working for five minutes. */
  classicToken(query: Record<string, unknown>): WxReply {
    return this.tokens.classic(query);
  }

  // ---- mini-program login ----

  /** GET /sns/jscode2session. `demo:<openid>` logs in as that openid; any other code as a stable derived one. */
  jscode2session(query: Record<string, unknown>): WxReply {
    const appId = typeof query.appid === 'string' ? query.appid : '';
    const denied = this.tokens.checkCredentials(appId, query.secret, query.grant_type, 'authorization_code');
    if (denied) return denied;
    if (this.tokens.accountOf(appId) !== 'mini') return fail(40013);
    const code = query.js_code;
    if (typeof code !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(code) || code === 'demo:') return fail(40029);
    // The derivation the earlier stand-in login used, so accounts made before the sandbox existed are found again.
    const openid = code.startsWith('demo:') ? code.slice(5) : `oSBX${createHash('sha256').update(code).digest('base64url').slice(0, 24)}`;
    const sessionKey = createHash('sha256').update(`session:${appId}:${code}`).digest().subarray(0, 16).toString('base64');
    return { openid, session_key: sessionKey };
  }

  // ---- messages and menu ----

  /** POST /cgi-bin/message/template/send (public account). */
  sendTemplate(accessToken: string, body: Record<string, unknown>): WxReply {
    return this.call('/cgi-bin/message/template/send', accessToken, 'mp', () => {
      if (!nonEmpty(body.touser)) return fail(40003);
      if (!nonEmpty(body.template_id)) return fail(40037);
      if (!isObject(body.data)) return fail(47001);
      for (const [key, field] of Object.entries(body.data)) {
        if (!isObject(field) || typeof field.value !== 'string') return fail(47001, `data.${key}`);
        // Since 2023: one line of at most 20 characters per field.
        if (/[\r\n]/.test(field.value) || codePoints(field.value) > TEMPLATE_VALUE_MAX) return fail(47003, `data.${key}.value invalid`);
      }
      const failure = this.nextSendFailures.shift();
      if (failure !== undefined) return fail(failure);
      // client_msg_id (防重入 id): WeChat sends one message per openid + client_msg_id within 10 minutes.
      const clientMsgId = typeof body.client_msg_id === 'string' ? body.client_msg_id : '';
      const once = clientMsgId !== '' ? `${body.touser}|${clientMsgId}` : null;
      if (once) {
        if (Buffer.byteLength(clientMsgId) > CLIENT_MSG_ID_MAX) return fail(45067, 'clientmsgid size out of limit');
        const seen = this.clientMsgIds.get(once);
        if (seen && this.clock.now().getTime() - seen.at < CLIENT_MSG_ID_WINDOW_MS) return { ...OK, msgid: seen.msgid };
      }
      const msgid = this.nextMsgid++;
      if (once) this.clientMsgIds.set(once, { msgid, at: this.clock.now().getTime() });
      this.deliver('template', body.touser, body, body.template_id, msgid.toString());
      return { ...OK, msgid };
    });
  }

  /** POST /cgi-bin/message/subscribe/send (mini-program). */
  sendSubscribe(accessToken: string, body: Record<string, unknown>): WxReply {
    return this.call('/cgi-bin/message/subscribe/send', accessToken, 'mini', () => {
      if (!nonEmpty(body.touser)) return fail(40003);
      if (!nonEmpty(body.template_id)) return fail(40037);
      if (!isObject(body.data)) return fail(47001);
      for (const [key, field] of Object.entries(body.data)) {
        if (!isObject(field) || typeof field.value !== 'string') return fail(47001, `data.${key}`);
        if (key.startsWith('thing') && codePoints(field.value) > SUBSCRIBE_THING_MAX) return fail(47003, `data.${key}.value invalid`);
      }
      const refused = this.refusals.get(body.touser);
      if (refused && (refused.has(ANY_TEMPLATE) || refused.has(body.template_id))) return fail(43101);
      this.deliver('subscribe', body.touser, body, body.template_id);
      return OK;
    });
  }

  /** POST /cgi-bin/message/custom/send (public account; text only here). */
  sendCustom(accessToken: string, body: Record<string, unknown>): WxReply {
    return this.call('/cgi-bin/message/custom/send', accessToken, 'mp', () => {
      if (!nonEmpty(body.touser)) return fail(40003);
      if (body.msgtype !== 'text') return fail(40008);
      if (!isObject(body.text) || !nonEmpty(body.text.content)) return fail(47001, 'text.content');
      if (this.closedWindows.has(body.touser)) return fail(45015);
      this.deliver('custom', body.touser, body);
      return OK;
    });
  }

  /** POST /cgi-bin/menu/create (public account), checked as WeChat checks it (menuError). */
  createMenu(accessToken: string, body: Record<string, unknown>): WxReply {
    return this.call('/cgi-bin/menu/create', accessToken, 'mp', () => {
      const invalid = menuError(body);
      if (invalid) return invalid;
      this.menu = body;
      return OK;
    });
  }

  /**
   * POST /cgi-bin/qrcode/create (public account): temporary (QR_SCENE, QR_STR_SCENE; expire_seconds up to 30
   * days, 60 s when left out) or permanent (QR_LIMIT_SCENE, QR_LIMIT_STR_SCENE) codes. Tickets look like WeChat's
   * (base64, so they need encoding in a URL).
   */
  createQrCode(accessToken: string, body: Record<string, unknown>): WxReply {
    return this.call('/cgi-bin/qrcode/create', accessToken, 'mp', () => {
      const action = typeof body.action_name === 'string' ? QR_ACTIONS[body.action_name] : undefined;
      if (!action) return fail(40097, 'action_name');
      const scene = isObject(body.action_info) && isObject(body.action_info.scene) ? body.action_info.scene : null;
      if (!scene) return fail(40097, 'action_info.scene');
      let sceneText: string;
      if (action.str) {
        if (!nonEmpty(scene.scene_str) || bytes(scene.scene_str) > QR_SCENE_STR_MAX) return fail(40097, 'scene_str');
        sceneText = scene.scene_str;
      } else {
        const id = scene.scene_id;
        const max = action.permanent ? QR_LIMIT_SCENE_ID_MAX : 0xffffffff;
        if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > max) return fail(40097, 'scene_id');
        sceneText = String(id);
      }
      const expireSeconds = body.expire_seconds ?? QR_EXPIRE_DEFAULT_S;
      if (
        !action.permanent &&
        (typeof expireSeconds !== 'number' || !Number.isInteger(expireSeconds) || expireSeconds < 1 || expireSeconds > QR_EXPIRE_MAX_S)
      ) {
        return fail(40097, 'expire_seconds');
      }
      const ticket = `gQ${randomBytes(70).toString('base64')}`;
      const url = `http://weixin.qq.com/q/${randomBytes(18).toString('base64url')}`;
      const expiresAt = action.permanent ? null : this.clock.now().getTime() + (expireSeconds as number) * 1000;
      this.qrCodes.set(ticket, { scene: sceneText, url, expiresAt });
      return action.permanent ? { ticket, url } : { ticket, expire_seconds: expireSeconds, url };
    });
  }

  private call(path: string, accessToken: string, account: Account, handle: () => WxReply): WxReply {
    const reply = this.tokens.authorize(accessToken, account) ?? handle();
    this.apiCalls.push({ path, accessToken, errcode: Number(reply.errcode ?? 0), at: this.nowIso() });
    return reply;
  }

  private deliver(kind: OutboxKind, openid: string, payload: Record<string, unknown>, templateId?: string, msgid?: string): void {
    this.outbox.push({
      kind,
      openid,
      ...(templateId ? { templateId } : {}),
      payload: structuredClone(payload),
      ...(msgid ? { msgid } : {}),
      at: this.nowIso(),
    });
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }
}
