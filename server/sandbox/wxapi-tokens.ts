import { randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock';
import type { SandboxCredentials } from '../wechat-settings';
import { fail, type WxReply } from './wxapi-answers';

export interface TokenRequest {
  endpoint: 'stable_token' | 'token';
  appId: string;
  forceRefresh: boolean;
  errcode: number;
  at: string;
}

/** Which of Mulin's two WeChat apps an appid is. */
export type Account = 'mp' | 'mini';

interface IssuedToken {
  appId: string;
  expiresAt: number;
  revoked: boolean;
}

const TOKEN_LIFE_S = 7200;
/** WeChat keeps a replaced classic token working for five more minutes. */
const CLASSIC_OVERLAP_MS = 5 * 60_000;

/** The sandbox's apps, their secrets and access tokens (classic and stable) as WeChat issues and checks them. */
export class SandboxTokens {
  readonly requests: TokenRequest[] = [];
  private readonly accounts: Map<string, { secret: string; account: Account }>;
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly stableTokens = new Map<string, string>();
  private readonly classicTokens = new Map<string, string>();

  constructor(
    creds: SandboxCredentials,
    private readonly clock: Clock,
  ) {
    this.accounts = new Map([
      [creds.mp.appId, { secret: creds.mp.secret, account: 'mp' }],
      [creds.mini.appId, { secret: creds.mini.secret, account: 'mini' }],
    ]);
  }

  /** Which app `appId` is, if it is one of ours. */
  accountOf(appId: string): Account | undefined {
    return this.accounts.get(appId)?.account;
  }

  /** Every token issued so far stops working (40001), as after a refresh elsewhere. */
  expireAll(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  reset(): void {
    this.requests.length = 0;
    this.tokens.clear();
    this.stableTokens.clear();
    this.classicTokens.clear();
  }

  /** POST /cgi-bin/stable_token: the same token until it expires, unless force_refresh. */
  stable(body: Record<string, unknown>): WxReply {
    const appId = typeof body.appid === 'string' ? body.appid : '';
    const force = body.force_refresh === true;
    const reply = this.checkCredentials(appId, body.secret, body.grant_type, 'client_credential') ?? this.issueStable(appId, force);
    this.requests.push({ endpoint: 'stable_token', appId, forceRefresh: force, errcode: reply.errcode ?? 0, at: this.clock.now().toISOString() });
    return reply;
  }

  /** GET /cgi-bin/token: a new token on every call; the previous one keeps working for five minutes. */
  classic(query: Record<string, unknown>): WxReply {
    const appId = typeof query.appid === 'string' ? query.appid : '';
    const reply = this.checkCredentials(appId, query.secret, query.grant_type, 'client_credential') ?? this.issueClassic(appId);
    this.requests.push({ endpoint: 'token', appId, forceRefresh: false, errcode: reply.errcode ?? 0, at: this.clock.now().toISOString() });
    return reply;
  }

  /** WeChat's verdict on an app's credentials and grant type: null when they are right. */
  checkCredentials(appId: string, secret: unknown, grantType: unknown, expectedGrant: string): WxReply | null {
    if (grantType !== expectedGrant) return fail(40002);
    const account = this.accounts.get(appId);
    if (!account) return fail(40013);
    if (secret !== account.secret) return fail(40125);
    return null;
  }

  /** WeChat's verdict on a token for an API of the public account or the mini-program: null when it may call it. */
  authorize(accessToken: string, account: Account): WxReply | null {
    if (accessToken === '') return fail(41001);
    const t = this.tokens.get(accessToken);
    if (!t || t.revoked) return fail(40001);
    if (t.expiresAt <= this.clock.now().getTime()) return fail(42001);
    if (this.accounts.get(t.appId)?.account !== account) return fail(48001);
    return null;
  }

  private issueStable(appId: string, force: boolean): WxReply {
    const now = this.clock.now().getTime();
    const current = this.stableTokens.get(appId);
    const issued = current ? this.tokens.get(current) : undefined;
    if (current && issued && !force && !issued.revoked && issued.expiresAt > now) {
      return { access_token: current, expires_in: Math.floor((issued.expiresAt - now) / 1000) };
    }
    if (issued) issued.revoked = true;
    const token = this.newToken(appId, now);
    this.stableTokens.set(appId, token);
    return { access_token: token, expires_in: TOKEN_LIFE_S };
  }

  private issueClassic(appId: string): WxReply {
    const now = this.clock.now().getTime();
    const previous = this.tokens.get(this.classicTokens.get(appId) ?? '');
    if (previous) previous.expiresAt = Math.min(previous.expiresAt, now + CLASSIC_OVERLAP_MS);
    const token = this.newToken(appId, now);
    this.classicTokens.set(appId, token);
    return { access_token: token, expires_in: TOKEN_LIFE_S };
  }

  private newToken(appId: string, now: number): string {
    const token = `SBX_${randomBytes(96).toString('base64url')}`;
    this.tokens.set(token, { appId, expiresAt: now + TOKEN_LIFE_S * 1000, revoked: false });
    return token;
  }
}
