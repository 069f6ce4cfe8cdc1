import type { Account, FamilyLink } from '../../../entities';
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import type { FamilyLinkView } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { maskPhone } from '../../lib/mask';
import { sixDigitCode } from '../../lib/random';
import { DAY, MINUTE } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { AuditRepository } from '../../repositories/audit.repository';
import type { BindCodeRepository } from '../../repositories/bot.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';

const CODE_TTL_MS = DAY;
export interface FamilyLinkServiceDeps {
  db: Database;
  clock: Clock;
  links: FamilyLinkRepository;
  seniors: SeniorRepository;
  accounts: AccountRepository;
  auditRepo: AuditRepository;
  access: AccessService;
  audit: AuditService;
  /** Senior WeChat-binding codes share the 6-digit space: a live code must not mean both. */
  bindCodes: BindCodeRepository;
}

/** Six digits are guessable by brute force; a handful of wrong tries per quarter hour is not. */
const MAX_FAILED_REDEEMS = 5;
const FAILED_REDEEM_WINDOW_MS = 15 * MINUTE;

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

  /** A family member types the code: the link is made and the code is spent, together or not at all. */
  async redeem(actor: Actor, code: string, relation = ''): Promise<FamilyLinkView> {
    const now = this.deps.clock.now();
    const since = new Date(now.getTime() - FAILED_REDEEM_WINDOW_MS);
    if ((await this.deps.auditRepo.countByActorSince(actor.accountId, 'family_link_code.failed', since)) >= MAX_FAILED_REDEEMS) {
      throw new AppError('LINK_CODE_TOO_MANY_TRIES');
    }
    const live = await this.deps.links.findLiveCode(code, now);
    if (!live) {
      await this.deps.db.transaction((em) => this.deps.audit.record(em, actor, 'family_link_code.failed', { type: 'account', id: actor.accountId }));
      throw new AppError('LINK_CODE_INVALID');
    }
    if (hasRole(actor, 'senior') && actor.seniorId === live.seniorId) throw new AppError('OWN_LINK_CODE');
    const link = await this.deps.db.transaction(async (em) => {
      const existing = await this.deps.links.findPair(em, live.seniorId, actor.accountId);
      if (existing && existing.revokedAt === null) throw new AppError('ALREADY_LINKED');
      if (!(await this.deps.links.useCode(em, live.id, actor.accountId, now))) throw new AppError('LINK_CODE_INVALID');
      const saved = existing
        ? await this.deps.links.saveLink(em, {
            ...existing,
            relation: relation.slice(0, 16),
            createdVia: 'code',
            createdAt: now,
            revokedAt: null,
            revokedByAccountId: null,
          })
        : await this.deps.links.saveLink(em, {
            seniorId: live.seniorId,
            familyAccountId: actor.accountId,
            relation: relation.slice(0, 16),
            createdVia: 'code',
            createdAt: now,
            revokedAt: null,
            revokedByAccountId: null,
          });
      const account = (await this.deps.accounts.findById(actor.accountId, em))!;
      if (!account.roles.includes('family')) {
        account.roles = [...account.roles, 'family'];
        account.updatedAt = now;
        await this.deps.accounts.save(account, em);
      }
      return saved;
    });
    return (await this.views([link], true))[0];
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
