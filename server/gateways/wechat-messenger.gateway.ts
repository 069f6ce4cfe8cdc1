import WechatAPI from 'co-wechat-api';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock';
import type { WechatSettings } from '../wechat-settings';
import { WechatLoginError, type WechatLoginGateway, type WechatSession } from './wechat-login.gateway';

/** WeChat answered with an errcode we do not turn into a result, or (errcode -1) could not be reached. */
/** An access token as every instance shares it. */
export interface StoredToken {
  token: string;
  /** When instances stop using it (a margin before WeChat's own expiry). */
  expiresAt: Date;
}

/** Where the WeChat state every instance shares is kept (WechatStateRepository, built at the composition root). */
export interface WechatStateStore {
  currentToken(appId: string): Promise<StoredToken | null>;
  refreshToken(appId: string, now: Date, rejected: string | undefined, fetchFresh: () => Promise<StoredToken>): Promise<StoredToken>;
  hasRefused(openid: string, templateId: string): Promise<boolean>;
  recordRefusal(openid: string, templateId: string, now: Date): Promise<void>;
  clearRefusals(openid: string, templateIds: string[]): Promise<void>;
}

export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat API error ${errcode}: ${errmsg}`);
    this.name = 'WechatApiError';
  }
}

export interface TemplateLink {
  url?: string;
  miniprogram?: { appid: string; pagepath: string };
}

export interface MenuButton {
  name: string;
  type?: string;
  key?: string;
  url?: string;
  appid?: string;
  pagepath?: string;
  sub_button?: MenuButton[];
}

export type TextOrTemplateResult = { channel: 'text' } | { channel: 'template'; msgid: string };

/** A temporary QR code whose scan reports `scene` (subscribe: EventKey `qrscene_<scene>`; SCAN: `<scene>`). */
export interface QrScene {
  ticket: string;
  /** What the QR code encodes (`http://weixin.qq.com/q/…`), for drawing it ourselves. */
  url: string;
  /** The image WeChat draws for the ticket, for an `<img>` or a print-out. */
  imageUrl: string;
  expiresInSeconds: number;
}

export interface WechatMessengerDeps {
  settings: WechatSettings;
  tokens: WechatStateStore;
  clock: Clock;
  logger?: Logger;
}

const REAL_API_BASE = 'https://api.weixin.qq.com';
/** Where WeChat serves a QR code's image; another host than the API. */
const REAL_SHOWQRCODE = 'https://mp.weixin.qq.com/cgi-bin/showqrcode';
/** WeChat's limits for a temporary string-scene QR code: a scene of 1 to 64 (see checkQrScene), at most 30 days. */
const QR_SCENE_MAX = 64;
const QR_EXPIRE_MAX_S = 30 * 24 * 3600;
const ERR_INVALID_TOKEN = 40001;
const ERR_EXPIRED_TOKEN = 42001;
const ERR_SUBSCRIBE_REFUSED = 43101;
const ERR_OUTSIDE_WINDOW = 45015;
/** Since 2023 a template message field shows at most 20 characters, on one line. */
const TEMPLATE_VALUE_MAX = 20;
/** Subscribe-message `thing` fields (free text) are limited the same way; other kinds have their own formats. */
const SUBSCRIBE_THING_MAX = 20;

const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/** One line, at most `max` code points, cut between grapheme clusters so no emoji or surrogate pair is split. */
function fitValue(raw: string, max: number): string {
  const line = raw.replace(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/g, ' ');
  if ([...line].length <= max) return line;
  let kept = '';
  let points = 0;
  for (const { segment } of graphemes.segment(line)) {
    const n = [...segment].length;
    if (points + n > max - 1) break;
    kept += segment;
    points += n;
  }
  return `${kept}…`;
}

/** Secrets, tokens and login codes travel in query strings; error messages that quote a URL must not carry them. */
function redact(message: string): string {
  return message.replace(/([?&](?:secret|access_token|js_code)=)[^&\s]*/g, '$1***');
}

function toApiError(err: unknown): WechatApiError {
  if (err instanceof WechatApiError) return err;
  const e = err as WechatAPI.ApiError;
  // co-wechat-api sets a numeric `code` only for a reply carrying an errcode; httpx's socket errors have string codes.
  if (e?.name === 'WeChatAPIError' && typeof e.code === 'number') return new WechatApiError(e.code, redact(e.message));
  return new WechatApiError(-1, redact(e instanceof Error ? e.message : String(err)));
}

/** json-bigint hands 64-bit ids over as BigNumber; `toFixed` never switches to exponent notation. */
function idString(value: unknown): string {
  if (value && typeof value === 'object' && 'toFixed' in value) return (value as WechatAPI.BigNumberLike).toFixed();
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  throw new WechatApiError(-1, 'no msgid in the reply');
}

/**
 * Counted in UTF-8 bytes, the stricter reading of WeChat's "1 to 64" (a scene is meant for ids such as
 * `senior:123`); control characters would end up inside the EventKey of the XML WeChat pushes.
 */
function checkQrScene(scene: string, expireSeconds: number): void {
  if (scene === '' || Buffer.byteLength(scene, 'utf8') > QR_SCENE_MAX || /\p{Cc}/u.test(scene)) {
    throw new RangeError(`QR scene must be 1–${QR_SCENE_MAX} bytes of printable text, got ${JSON.stringify(scene)}`);
  }
  if (!Number.isInteger(expireSeconds) || expireSeconds < 1 || expireSeconds > QR_EXPIRE_MAX_S) {
    throw new RangeError(`QR expiry must be a whole number of seconds from 1 to ${QR_EXPIRE_MAX_S}, got ${expireSeconds}`);
  }
}

function postJSON(body: unknown): WechatAPI.RequestOptions {
  return { method: 'POST', dataType: 'json', data: JSON.stringify(body), headers: { 'Content-Type': 'application/json', Accept: 'application/json' } };
}

interface ClientDeps {
  appId: string;
  secret: string;
  apiBase: string;
  tokens: WechatStateStore;
  clock: Clock;
  logger?: Logger;
}

/**
 * co-wechat-api for one appid, adapted to Mulin:
 * - every call goes to `apiBase` (the sandbox in development and tests), whatever host the library wrote;
 * - tokens come from `stable_token` and live in the database, shared by every instance (the library's classic
 *   `cgi-bin/token` would hand each instance a new token that invalidates the others');
 * - a 40001/42001 reply gets one token refresh and one retry. The library's own retry (api_common.js, request)
 *   retries up to three times and cannot tell which token was refused, so it is switched off (retry = 0);
 * - validity is judged by the injected clock, not by the library's `Date.now()`.
 */
class PlatformClient extends WechatAPI {
  private readonly refreshing = new Map<string, Promise<WechatAPI.TokenData>>();
  private readonly apiBase: string;

  constructor(private readonly deps: ClientDeps) {
    super(deps.appId, deps.secret, async () => {
      const stored = await deps.tokens.currentToken(deps.appId);
      return stored ? { accessToken: stored.token, expireTime: stored.expiresAt.getTime() } : null;
    });
    this.apiBase = deps.apiBase.replace(/\/+$/, '');
  }

  override async request(url: string, opts?: WechatAPI.RequestOptions): Promise<unknown> {
    const target = this.redirect(url);
    try {
      return await super.request(target, opts, 0);
    } catch (err) {
      const error = toApiError(err);
      const refused = new URL(target).searchParams.get('access_token');
      if (!refused || (error.errcode !== ERR_INVALID_TOKEN && error.errcode !== ERR_EXPIRED_TOKEN)) throw error;
      const fresh = await this.refresh(refused, error.errcode === ERR_INVALID_TOKEN);
      const retry = new URL(target);
      retry.searchParams.set('access_token', fresh.accessToken);
      try {
        return await super.request(retry.href, opts, 0);
      } catch (again) {
        throw toApiError(again);
      }
    }
  }

  override async ensureAccessToken(): Promise<WechatAPI.TokenData> {
    const stored = await this.getToken();
    if (stored && this.deps.clock.now().getTime() < stored.expireTime) return stored;
    return this.refresh(undefined, false);
  }

  override getAccessToken(): Promise<WechatAPI.TokenData> {
    return this.refresh(undefined, false);
  }

  /** Concurrent callers in this process share one refresh; other instances are held off by the row lock. */
  private refresh(refused: string | undefined, force: boolean): Promise<WechatAPI.TokenData> {
    const key = refused ?? '';
    let pending = this.refreshing.get(key);
    if (!pending) {
      const { tokens, appId, clock } = this.deps;
      pending = tokens
        .refreshToken(appId, clock.now(), refused, () => this.fetchStableToken(force))
        .then((t) => ({ accessToken: t.token, expireTime: t.expiresAt.getTime() }))
        .finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, pending);
    }
    return pending;
  }

  private async fetchStableToken(force: boolean): Promise<StoredToken> {
    const { appId, secret, clock, logger } = this.deps;
    const body = { grant_type: 'client_credential', appid: appId, secret, force_refresh: force };
    const data = (await this.request(`${REAL_API_BASE}/cgi-bin/stable_token`, postJSON(body))) as { access_token?: string; expires_in?: number };
    if (!data?.access_token || !data.expires_in) throw new WechatApiError(-1, 'stable_token: no access_token in the reply');
    // Stop using it a minute early; a token handed out again late in its life keeps half of what is left.
    const lifeSeconds = Math.max(data.expires_in - 60, data.expires_in / 2);
    logger?.info({ appId, force, expiresIn: data.expires_in }, 'wechat access token fetched');
    return { token: data.access_token, expiresAt: new Date(clock.now().getTime() + lifeSeconds * 1000) };
  }

  /**
   * POST cgi-bin/qrcode/create for a temporary string-scene code. co-wechat-api's createTmpQRCode builds the same
   * body (it switches to QR_STR_SCENE when the scene is a string) but is not declared in co-wechat-api.d.ts; token
   * refresh and error mapping happen in `request` above either way.
   */
  async createStrSceneQr(scene: string, expireSeconds: number): Promise<unknown> {
    const { accessToken } = await this.ensureAccessToken();
    const body = { expire_seconds: expireSeconds, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: scene } } };
    return this.request(`${REAL_API_BASE}/cgi-bin/qrcode/create?access_token=${encodeURIComponent(accessToken)}`, postJSON(body));
  }

  /**
   * POST cgi-bin/message/template/send with `client_msg_id`, which co-wechat-api's sendTemplate cannot pass:
   * WeChat sends one message per openid + client_msg_id within 10 minutes, so a send repeated after a crash is
   * not a second message.
   */
  async sendTemplateOnce(body: Record<string, unknown>): Promise<unknown> {
    const { accessToken } = await this.ensureAccessToken();
    return this.request(`${REAL_API_BASE}/cgi-bin/message/template/send?access_token=${encodeURIComponent(accessToken)}`, postJSON(body));
  }

  private redirect(url: string): string {
    const target = url.startsWith(`${REAL_API_BASE}/`) ? this.apiBase + url.slice(REAL_API_BASE.length) : url;
    if (!target.startsWith(`${this.apiBase}/`)) throw new WechatApiError(-1, `refusing to call ${new URL(url).host}: not under the configured API base`);
    return target;
  }
}

/**
 * Everything Mulin sends to WeChat: template and customer-service messages and the menu through the public
 * account, subscribe messages and logins through the mini-program. The only module that knows co-wechat-api.
 */
export class WechatMessenger implements WechatLoginGateway {
  private readonly mp: PlatformClient;
  private readonly mini: PlatformClient;
  /** Where QR images are shown: WeChat's page, or the sandbox's stand-in next to its API. */
  private readonly showQrCodeBase: string;
  private readonly tokens: WechatStateStore;
  private readonly clock: Clock;
  private readonly logger?: Logger;

  constructor({ settings, tokens, clock, logger }: WechatMessengerDeps) {
    const common = { apiBase: settings.apiBase, tokens, clock, logger };
    this.mp = new PlatformClient({ ...common, appId: settings.mp.appId, secret: settings.mp.secret });
    this.mini = new PlatformClient({ ...common, appId: settings.mini.appId, secret: settings.mini.secret });
    const apiBase = settings.apiBase.replace(/\/+$/, '');
    this.showQrCodeBase = apiBase === REAL_API_BASE ? REAL_SHOWQRCODE : `${apiBase}/showqrcode`;
    this.tokens = tokens;
    this.clock = clock;
    this.logger = logger;
  }

  async code2Session(code: string): Promise<WechatSession> {
    let data: { openid?: string; unionid?: string; session_key?: string };
    try {
      data = (await this.mini.code2Session(code)) as typeof data;
    } catch (err) {
      const error = toApiError(err);
      // -1 is "could not ask" (or WeChat's "system busy"), not a verdict on the code.
      if (error.errcode === -1) throw error;
      throw new WechatLoginError(error.errcode, error.errmsg);
    }
    if (!data?.openid || !data.session_key) throw new WechatApiError(-1, 'jscode2session: no openid in the reply');
    return { openid: data.openid, sessionKey: data.session_key, ...(data.unionid ? { unionid: data.unionid } : {}) };
  }

  /**
   * A template message under the 2023 rules; returns WeChat's msgid. With `clientMsgId` (≤ 64 bytes) a repeat of
   * the same send within 10 minutes is not delivered twice (WeChat's 防重入 id).
   */
  async sendTemplate(openid: string, templateId: string, data: Record<string, string>, link: TemplateLink = {}, clientMsgId?: string): Promise<string> {
    const fields: Record<string, { value: string }> = {};
    for (const [key, value] of Object.entries(data)) {
      // WeChat no longer shows `first` and `remark`; text put there would silently vanish.
      if (key === 'first' || key === 'remark') continue;
      fields[key] = { value: fitValue(value, TEMPLATE_VALUE_MAX) };
    }
    const sent = clientMsgId
      ? this.mp.sendTemplateOnce({
          touser: openid,
          template_id: templateId,
          url: link.url,
          miniprogram: link.miniprogram,
          client_msg_id: clientMsgId,
          data: fields,
        })
      : this.mp.sendTemplate(openid, templateId, link.url, undefined, fields, link.miniprogram);
    const reply = (await this.call(sent)) as { msgid?: unknown };
    return idString(reply?.msgid);
  }

  /** A mini-program subscribe message. 'refused' when the user has said no (or has not consented again) to it. */
  async sendSubscribe(openid: string, templateId: string, page: string, data: Record<string, string>): Promise<'sent' | 'refused'> {
    if (await this.tokens.hasRefused(openid, templateId)) return 'refused';
    const fields: Record<string, { value: string }> = {};
    for (const [key, value] of Object.entries(data)) {
      fields[key] = { value: fitValue(value, key.startsWith('thing') ? SUBSCRIBE_THING_MAX : Infinity) };
    }
    try {
      await this.call(this.mini.sendSubscribeMessage(openid, templateId, page, fields));
      return 'sent';
    } catch (err) {
      if (!(err instanceof WechatApiError) || err.errcode !== ERR_SUBSCRIBE_REFUSED) throw err;
      await this.tokens.recordRefusal(openid, templateId, this.clock.now());
      this.logger?.info({ templateId }, 'subscribe message refused; not sending it again until consent');
      return 'refused';
    }
  }

  /** The mini-program reports that the user accepted these templates again (`wx.requestSubscribeMessage`). */
  async consentGiven(openid: string, templateIds: string[]): Promise<void> {
    await this.tokens.clearRefusals(openid, templateIds);
  }

  /** A customer-service text; only possible within 48 hours of the user's last message to the public account. */
  async sendText(openid: string, text: string): Promise<'sent' | 'outside_window'> {
    try {
      await this.call(this.mp.sendText(openid, text));
      return 'sent';
    } catch (err) {
      if (err instanceof WechatApiError && err.errcode === ERR_OUTSIDE_WINDOW) return 'outside_window';
      throw err;
    }
  }

  /** The text when the 48-hour window is open, the template message otherwise. */
  async sendTextOrTemplate(
    openid: string,
    text: string,
    fallback: { templateId: string; data: Record<string, string>; link?: TemplateLink },
  ): Promise<TextOrTemplateResult> {
    if ((await this.sendText(openid, text)) === 'sent') return { channel: 'text' };
    return { channel: 'template', msgid: await this.sendTemplate(openid, fallback.templateId, fallback.data, fallback.link) };
  }

  async createMenu(menu: { button: MenuButton[] }): Promise<void> {
    await this.call(this.mp.createMenu(menu));
  }

  /**
   * A temporary public-account QR code: scanning it follows the account (or, for a follower, reports a SCAN)
   * with `scene` as the event key. RangeError for a scene or expiry WeChat would refuse.
   */
  async createQrScene(scene: string, expireSeconds: number): Promise<QrScene> {
    checkQrScene(scene, expireSeconds);
    const reply = (await this.call(this.mp.createStrSceneQr(scene, expireSeconds))) as { ticket?: unknown; url?: unknown; expire_seconds?: unknown };
    if (typeof reply?.ticket !== 'string' || reply.ticket === '' || typeof reply.url !== 'string') {
      throw new WechatApiError(-1, 'qrcode/create: no ticket in the reply');
    }
    return {
      ticket: reply.ticket,
      url: reply.url,
      // Tickets are base64: '+', '/' and '=' must not reach the query string as they are.
      imageUrl: `${this.showQrCodeBase}?ticket=${encodeURIComponent(reply.ticket)}`,
      expiresInSeconds: typeof reply.expire_seconds === 'number' ? reply.expire_seconds : expireSeconds,
    };
  }

  private async call<T>(pending: Promise<T>): Promise<T> {
    try {
      return await pending;
    } catch (err) {
      throw toApiError(err);
    }
  }
}
