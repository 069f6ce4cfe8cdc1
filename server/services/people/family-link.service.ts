import type { Account, FamilyLink } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { AppError } from '../../errors';
import type { FamilyLinkView } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { maskPhone } from '../../lib/mask';
import { sixDigitCode } from '../../lib/random';
import { DAY } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { BindCodeRepository } from '../../repositories/bot.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AttemptLimiter, AttemptSubject } from '../access/attempt-limiter';
import type { AuditService } from '../access/audit.service';

const CODE_TTL_MS = DAY;
export interface FamilyLinkServiceDeps {
  db: Database;
  clock: Clock;
  links: FamilyLinkRepository;
  seniors: SeniorRepository;
  accounts: AccountRepository;
  attempts: AttemptLimiter;
  access: AccessService;
  audit: AuditService;
  /** Senior WeChat-binding codes share the 6-digit space: a live code must not mean both. */
  bindCodes: BindCodeRepository;
}

export type { FamilyLinkView };

export class FamilyLinkService {
  constructor(private readonly deps: FamilyLinkServiceDeps) {}

  /** A one-time 6-digit code for a senior, valid 24 h: issued by the senior, their centre's staff, or an admin. */
  async issueCode(actor: Actor, seniorId: number): Promise<{ code: string; expiresAt: string; seniorId: number }> {
    const senior = await this.deps.seniors.findById(seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.assertCanSeeSenior(actor, senior);
    if (rel === 'family') throw new AppError('LINK_CODE_ISSUER_NOT_ALLOWED');
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
    return this.deps.db.transaction(async (em) => {
      // One live code per senior: a new one ends the older ones (one senior had 75 live codes).
      await this.deps.links.expireCodesOf(em, seniorId, now);
      // Live codes must be unique, or one code would open two seniors; retry the rare collision.
      for (let attempt = 0; attempt < 20; attempt++) {
        const code = sixDigitCode();
        if ((await this.deps.links.findLiveCode(code, now, em)) || (await this.deps.bindCodes.findLiveCode(code, now, em))) continue;
        const row = await this.deps.links.insertCode(em, {
          code,
          seniorId,
          issuedByAccountId: actor.accountId,
          createdAt: now,
          expiresAt,
          usedAt: null,
          usedByAccountId: null,
        });
        if (rel === 'staff' || rel === 'admin')
          await this.deps.audit.record(em, actor, 'family_link_code.issue', { type: 'senior', id: seniorId }, { codeId: row.id });
        return { code, expiresAt: expiresAt.toISOString(), seniorId };
      }
      throw new AppError('UNAVAILABLE');
    });
  }

  /** Is this a live family-link code? (The bot asks before it makes a stranger an account to redeem it with.) */
  async isLiveCode(code: string): Promise<boolean> {
    return (await this.deps.links.findLiveCode(code, this.deps.clock.now())) !== null;
  }

  /**
   * A family member types the code: the link is made and the code is spent, together or not at all. Each try is
   * counted first (AttemptLimiter: per account, and per address from the mini-program), so guessing is slowed
   * down and then locked however many tries are sent at once; a right code gives its try back.
   */
  async redeem(actor: Actor, code: string, relation = ''): Promise<FamilyLinkView> {
    const subjects: AttemptSubject[] = [{ policy: 'code_account', id: String(actor.accountId) }];
    // From the chat the address is WeChat's; the chat counts its tries per WeChat user (BotPeople).
    if (actor.ip !== 'wechat') subjects.push({ policy: 'code_ip', id: actor.ip });
    const attempt = await this.deps.attempts.begin(subjects, { ip: actor.ip, actor, entity: { type: 'account', id: actor.accountId } });
    const now = this.deps.clock.now();
    const live = await this.deps.links.findLiveCode(code, now);
    if (!live) {
      await attempt.failed('family_link_code.failed');
      throw new AppError('LINK_CODE_INVALID');
    }
    let link: FamilyLink;
    try {
      if (hasRole(actor, 'senior') && actor.seniorId === live.seniorId) throw new AppError('OWN_LINK_CODE');
      link = await this.deps.db.transaction((em) => this.link(em, actor, live.seniorId, live.id, relation, now));
    } catch (err) {
      // Spent by someone else a moment ago: as wrong as a guess. Anything else was a right code.
      if (err instanceof AppError && err.code === 'LINK_CODE_INVALID') await attempt.failed('family_link_code.failed');
      else await attempt.succeeded();
      throw err;
    }
    await attempt.succeeded();
    return (await this.views([link], true))[0];
  }

  /** Inside the redeeming transaction: every read and write through `em`, none outside while the code is locked. */
  private async link(em: Tx, actor: Actor, seniorId: number, codeId: number, relation: string, now: Date): Promise<FamilyLink> {
    const existing = await this.deps.links.findPair(em, seniorId, actor.accountId);
    if (existing && existing.revokedAt === null) throw new AppError('ALREADY_LINKED');
    if (!(await this.deps.links.useCode(em, codeId, actor.accountId, now))) throw new AppError('LINK_CODE_INVALID');
    const fields = { relation: relation.slice(0, 16), createdVia: 'code' as const, createdAt: now, revokedAt: null, revokedByAccountId: null };
    const saved = existing
      ? await this.deps.links.saveLink(em, { ...existing, ...fields })
      : await this.deps.links.saveLink(em, { seniorId, familyAccountId: actor.accountId, ...fields });
    const account = (await this.deps.accounts.findById(actor.accountId, em))!;
    if (!account.roles.includes('family')) {
      account.roles = [...account.roles, 'family'];
      account.updatedAt = now;
      await this.deps.accounts.save(account, em);
    }
    return saved;
  }

  /** A family member's seniors, or a senior's family members. */
  async mine(actor: Actor): Promise<FamilyLinkView[]> {
    const rows: FamilyLink[] = [];
    if (hasRole(actor, 'family')) rows.push(...(await this.deps.links.activeForAccount(actor.accountId)));
    if (hasRole(actor, 'senior') && actor.seniorId !== null) rows.push(...(await this.deps.links.activeForSenior(actor.seniorId)));
    return this.views(rows, false);
  }

  async forSenior(actor: Actor, seniorId: number): Promise<FamilyLinkView[]> {
    const senior = await this.deps.seniors.findById(seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.assertCanSeeSenior(actor, senior);
    if (rel === 'family') throw new AppError('FORBIDDEN');
    return this.views(await this.deps.links.activeForSenior(seniorId), rel === 'staff' || rel === 'admin' || rel === 'self');
  }

  /** The senior may revoke any of their links; a family member may unlink themself; staff and admins for them. */
  async revoke(actor: Actor, linkId: number): Promise<void> {
    const link = await this.deps.links.findById(linkId);
    if (!link || link.revokedAt !== null) throw new AppError('FAMILY_LINK_NOT_FOUND');
    const self = link.familyAccountId === actor.accountId;
    let rel: string | null = self ? 'family' : null;
    if (!self) {
      const senior = await this.deps.seniors.findById(link.seniorId);
      rel = senior ? await this.deps.access.relationTo(actor, senior) : null;
      if (rel === null || rel === 'family') throw new AppError('FORBIDDEN');
    }
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.links.revoke(em, linkId, actor.accountId, this.deps.clock.now()))) throw new AppError('FAMILY_LINK_NOT_FOUND');
      if (rel === 'staff' || rel === 'admin') await this.deps.audit.record(em, actor, 'family_link.revoke', { type: 'family_link', id: linkId });
    });
  }

  private async views(links: FamilyLink[], fullPhone: boolean): Promise<FamilyLinkView[]> {
    const seniors = new Map((await this.deps.seniors.findByIds([...new Set(links.map((l) => l.seniorId))])).map((s) => [s.id, s]));
    const accounts = new Map<number, Account>((await this.deps.accounts.findByIds([...new Set(links.map((l) => l.familyAccountId))])).map((a) => [a.id, a]));
    return links.map((l) => {
      const a = accounts.get(l.familyAccountId);
      return {
        id: l.id,
        relation: l.relation,
        createdAt: l.createdAt.toISOString(),
        senior: { id: l.seniorId, name: seniors.get(l.seniorId)?.name ?? '' },
        family: { accountId: l.familyAccountId, displayName: a?.displayName ?? '', phone: fullPhone ? (a?.phone ?? null) : maskPhone(a?.phone) },
      };
    });
  }
}
