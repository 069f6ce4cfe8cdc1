import type { Account } from '../../../entities';
import { AppError } from '../../errors';
import type { WechatLoginGateway } from '../../gateways/wechat-login.gateway';
import { WechatLoginError } from '../../gateways/wechat-login.gateway';
import type { AccountView, LoginAnswer } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { hashPassword, sha256Hex, verifyPassword } from '../../lib/password';
import { sessionToken } from '../../lib/random';
import { DAY } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import { ACCOUNT_TEXTS } from '../../words/texts';
import { actorForAccount, type Actor } from './actor';
import type { AttemptLimiter } from './attempt-limiter';

const MINI_SESSION_DAYS = 30;
const CONSOLE_SESSION_HOURS = 12;

export type LoginResult = LoginAnswer<Date>;

export type { AccountView };

export function accountView(a: Account): AccountView {
  return { id: a.id, displayName: a.displayName, roles: [...a.roles], seniorId: a.seniorId, centreId: a.centreId, regionId: a.regionId };
}

/** Mini-program login by WeChat code, console login by password, and bearer-token sessions stored hashed. */
export class AuthService {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly wechat: WechatLoginGateway,
    private readonly clock: Clock,
    /** Password guessing is slowed down and then locked, per username and per address (issue 20). */
    private readonly attempts: AttemptLimiter,
  ) {}

  async loginWithWechatCode(code: string): Promise<LoginResult> {
    let session;
    try {
      session = await this.wechat.code2Session(code);
    } catch (err) {
      if (err instanceof WechatLoginError) throw new AppError('WECHAT_LOGIN_FAILED', undefined, { errcode: err.errcode });
      throw err;
    }
    const now = this.clock.now();
    let account = await this.accounts.findByMiniOpenid(session.openid);
    if (!account) {
      // A first visit to the mini-program: most people who open it are family members of a senior.
      try {
        account = await this.accounts.insertWechatAccount(now, {
          displayName: ACCOUNT_TEXTS.wechatUser,
          roles: ['family'],
          miniOpenid: session.openid,
          unionid: session.unionid ?? null,
        });
      } catch {
        // Two first logins raced; the other one created the account.
        account = await this.accounts.findByMiniOpenid(session.openid);
        if (!account) throw new AppError('UNAVAILABLE');
      }
    }
    if (!account.active) throw new AppError('ACCOUNT_DISABLED');
    return this.startSession(account, 'miniprogram', MINI_SESSION_DAYS * DAY);
  }

  async loginWithPassword(username: string, password: string, ip: string): Promise<LoginResult> {
    const account = await this.accounts.findByUsername(username);
    // Usernames compare case-insensitively on MariaDB: `Admin` must count against `admin`.
    const attempt = await this.attempts.begin(
      [
        { policy: 'login_account', id: username.trim().toLowerCase() },
        { policy: 'login_ip', id: ip },
      ],
      { ip, entity: { type: 'account', id: account?.id ?? 0 } },
    );
    const ok = await verifyPassword(password, account?.passwordHash ?? null);
    if (!account || !ok || !account.active) {
      // The name typed is kept only when it is an account's: an unknown one is often a password typed in the wrong box.
      await attempt.failed('auth.login_failed', account ? { username: account.username } : { unknownUsername: true });
      throw new AppError('INVALID_CREDENTIALS');
    }
    await attempt.succeeded({ reset: ['login_account'] });
    return this.startSession(account, 'console', CONSOLE_SESSION_HOURS * 3600_000);
  }

  async setPassword(accountId: number, password: string): Promise<void> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw new AppError('ACCOUNT_NOT_FOUND');
    account.passwordHash = await hashPassword(password);
    account.updatedAt = this.clock.now();
    await this.accounts.save(account);
  }

  /** The actor behind a bearer token, or null when the token is unknown, expired or revoked. */
  async authenticate(token: string, ip: string): Promise<Actor | null> {
    if (token.length < 20 || token.length > 100) return null;
    const found = await this.accounts.loadSession(sha256Hex(token));
    if (!found) return null;
    const { session, account } = found;
    if (session.revokedAt !== null || session.expiresAt <= this.clock.now() || !account.active) return null;
    const actor = actorForAccount(account, ip);
    // A one-time password (new account, reset) holds the console to changing it; WeChat sign-ins use no password.
    if (account.mustChangePassword && session.channel === 'console') actor.passwordChangeRequired = true;
    return actor;
  }

  async logout(token: string): Promise<void> {
    await this.accounts.revokeSession(sha256Hex(token), this.clock.now());
  }

  async me(actor: Actor): Promise<AccountView> {
    const account = await this.accounts.findById(actor.accountId);
    if (!account) throw new AppError('UNAUTHENTICATED');
    return accountView(account);
  }

  private async startSession(account: Account, channel: 'miniprogram' | 'console', ttlMs: number): Promise<LoginResult> {
    const token = sessionToken();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + ttlMs);
    await this.accounts.insertSession({ tokenHash: sha256Hex(token), accountId: account.id, channel, createdAt: now, expiresAt, revokedAt: null });
    return { token, expiresAt, account: accountView(account), mustChangePassword: channel === 'console' && account.mustChangePassword };
  }
}
