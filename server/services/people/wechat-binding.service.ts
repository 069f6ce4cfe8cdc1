import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Account, SeniorBindCode } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { AppError } from '../../errors';
import type { WechatMessenger } from '../../gateways/wechat-messenger.gateway';
import type { Clock } from '../../lib/clock';
import { DAY } from '../../lib/time';
import { sixDigitCode } from '../../lib/random';
import type { AccountRepository } from '../../repositories/account.repository';
import type { BindCodeRepository } from '../../repositories/bot.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import { ACCOUNT_TEXTS } from '../../words/texts';
import type { AccessService } from '../access/access.service';
import { actorForAccount, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';

const CODE_TTL_MS = 7 * DAY;
/** WeChat's longest-lived temporary QR code. */
const SCENE_TTL_S = 30 * 24 * 3600;
export const BIND_SCENE_PREFIX = 'bind_';

export interface BindingIssued {
  seniorId: number;
  seniorName: string;
  code: string;
  codeExpiresAt: string;
  scene: string;
  /** The QR code to print, or null when WeChat could not make one just now (the code still works). */
  qr: { imageUrl: string; url: string; expiresAt: string } | null;
}

export type BindOutcome =
  | { kind: 'bound'; seniorName: string; accountId: number; seniorId: number }
  | { kind: 'already'; seniorName: string; accountId: number; seniorId: number }
  | { kind: 'bound_to_other'; seniorName: string }
  | { kind: 'family_account' }
  | { kind: 'invalid' };

export interface WechatBindingServiceDeps {
  db: Database;
  clock: Clock;
  codes: BindCodeRepository;
  familyCodes: FamilyLinkRepository;
  seniors: SeniorRepository;
  accounts: AccountRepository;
  messenger: WechatMessenger;
  access: AccessService;
  audit: AuditService;
  logger: Logger;
}

/**
 * 绑定微信: staff issue a senior a QR code and a 6-digit code; the senior scans or sends it from their own WeChat
 * and that public-account openid becomes theirs. Spending the code and attaching the openid happen in one
 * transaction, so a code is never half used.
 */
export class WechatBindingService {
  constructor(private readonly deps: WechatBindingServiceDeps) {}

  /** Staff of the senior's centre, or an administrator over them, issue a fresh code and QR scene. */
  async issue(actor: Actor, seniorId: number): Promise<BindingIssued> {
    const senior = await this.deps.seniors.findById(seniorId);
    if (!senior || !senior.active) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.assertCanSeeSenior(actor, senior);
    if (rel !== 'staff' && rel !== 'admin') throw new AppError('BINDING_CODE_ISSUER_NOT_ALLOWED');
    const now = this.deps.clock.now();
    const scene = `${BIND_SCENE_PREFIX}${randomBytes(12).toString('base64url')}`;
    const row = await this.deps.db.transaction(async (em) => {
      // One live code (and QR code) per senior: a new one ends the older ones (one senior had 75 live codes).
      await this.deps.codes.expireOf(em, seniorId, now);
      for (let attempt = 0; attempt < 20; attempt++) {
        const code = sixDigitCode();
        // A live code must mean one thing: not another senior's, and not a family-link code either.
        if ((await this.deps.codes.findLiveCode(code, now, em)) || (await this.deps.familyCodes.findLiveCode(code, now, em))) continue;
        const saved = await this.deps.codes.insert(em, {
          seniorId,
          code,
          scene,
          issuedByAccountId: actor.accountId,
          createdAt: now,
          codeExpiresAt: new Date(now.getTime() + CODE_TTL_MS),
          sceneExpiresAt: new Date(now.getTime() + SCENE_TTL_S * 1000),
          usedAt: null,
          usedByAccountId: null,
        });
        await this.deps.audit.record(em, actor, 'wechat_binding.issue', { type: 'senior', id: seniorId }, { bindCodeId: saved.id });
        return saved;
      }
      throw new AppError('UNAVAILABLE');
    });
    let qr: BindingIssued['qr'] = null;
    try {
      const made = await this.deps.messenger.createQrScene(scene, SCENE_TTL_S);
      qr = { imageUrl: made.imageUrl, url: made.url, expiresAt: new Date(now.getTime() + made.expiresInSeconds * 1000).toISOString() };
    } catch (err) {
      this.deps.logger.warn({ err, seniorId }, 'binding QR code could not be made; the 6-digit code still works');
    }
    return {
      seniorId,
      seniorName: senior.name,
      code: row.code,
      codeExpiresAt: row.codeExpiresAt.toISOString(),
      scene,
      qr,
    };
  }

  /** Is this a live senior binding code? (The bot tries it before family-link codes.) */
  async isLiveCode(code: string): Promise<boolean> {
    return (await this.deps.codes.findLiveCode(code, this.deps.clock.now())) !== null;
  }

  bindByScene(openid: string, scene: string): Promise<BindOutcome> {
    return this.bind(openid, (em, now) => this.deps.codes.findLiveScene(scene, now, em));
  }

  bindByCode(openid: string, code: string): Promise<BindOutcome> {
    return this.bind(openid, (em, now) => this.deps.codes.findLiveCode(code, now, em));
  }

  private async bind(openid: string, find: (em: Tx, now: Date) => Promise<SeniorBindCode | null>): Promise<BindOutcome> {
    const now = this.deps.clock.now();
    try {
      return await this.deps.db.transaction((em) => this.bindIn(em, openid, now, find));
    } catch (err) {
      // Two deliveries of one scan racing to create the same account: the second finds the first's work.
      if (!this.deps.db.isDuplicateKey(err)) throw err;
      return this.deps.db.transaction((em) => this.bindIn(em, openid, now, find));
    }
  }

  private async bindIn(em: Tx, openid: string, now: Date, find: (em: Tx, now: Date) => Promise<SeniorBindCode | null>): Promise<BindOutcome> {
    const current = await this.deps.accounts.findByMpOpenid(openid, em);
    const live = await find(em, now);
    if (!live) {
      // Scanning the same QR again after binding is common: say it is done rather than "expired".
      if (current?.seniorId) {
        const mine = await this.deps.seniors.findById(current.seniorId, em);
        return { kind: 'already', seniorName: mine?.name ?? '', accountId: current.id, seniorId: current.seniorId };
      }
      return { kind: 'invalid' };
    }
    const senior = await this.deps.seniors.findById(live.seniorId, em);
    if (!senior || !senior.active) return { kind: 'invalid' };
    if (current?.seniorId === senior.id) return { kind: 'already', seniorName: senior.name, accountId: current.id, seniorId: senior.id };
    if (current?.seniorId) {
      const other = await this.deps.seniors.findById(current.seniorId, em);
      return { kind: 'bound_to_other', seniorName: other?.name ?? '' };
    }
    const existing = await this.deps.accounts.findBySenior(senior.id, em);
    let account: Account;
    if (current && existing) {
      return { kind: 'family_account' };
    } else if (current) {
      // A family member's WeChat that is also the senior's own (a shared phone): one account, both roles.
      current.seniorId = senior.id;
      current.roles = [...new Set([...current.roles, 'senior' as const])];
      current.updatedAt = now;
      account = await this.deps.accounts.save(current, em);
    } else if (existing) {
      // The senior had an account (made by staff, or an old WeChat): this WeChat replaces the old one.
      existing.mpOpenid = openid;
      existing.updatedAt = now;
      account = await this.deps.accounts.save(existing, em);
    } else {
      account = await this.deps.accounts.insertWechatAccount(now, { displayName: senior.name, roles: ['senior'], mpOpenid: openid, seniorId: senior.id }, em);
    }
    if (!(await this.deps.codes.use(em, live.id, account.id, now))) return { kind: 'invalid' };
    const actor = actorForAccount(account, 'wechat');
    await this.deps.audit.record(em, actor, 'wechat_binding.bind', { type: 'senior', id: senior.id }, { bindCodeId: live.id });
    return { kind: 'bound', seniorName: senior.name, accountId: account.id, seniorId: senior.id };
  }

  /** A public-account user's account for redeeming a family-link code, created on first need. */
  async familyAccountFor(openid: string): Promise<Account> {
    const now = this.deps.clock.now();
    const found = await this.deps.accounts.findByMpOpenid(openid);
    if (found) return found;
    try {
      return await this.deps.accounts.insertWechatAccount(now, { displayName: ACCOUNT_TEXTS.wechatUser, roles: ['family'], mpOpenid: openid });
    } catch (err) {
      if (!this.deps.db.isDuplicateKey(err)) throw err;
      return (await this.deps.accounts.findByMpOpenid(openid))!;
    }
  }
}
