import type { TimeBankEntry, TimeBankHolder } from '../../../entities';
import type { TimeBankAnswer, TimeBankEntryView, TimeBankStatement } from '../../contracts/care-types';
import type { Database, Tx } from '../../db/database';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { shanghaiInstant } from '../../lib/time';
import type { TimeBankRepository, VolunteerRepository } from '../../repositories/care.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import { CARE_TEXTS } from '../../words/care';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';

/** Minutes credited per kind of work done. A home visit counts an hour, whoever long it took. */
export const TIME_BANK_RULES = { home_visit: 60 } as const;

/** What may be given away: only to a senior the volunteer is linked to as family, and at most this much a time. */
export const MAX_GIFT_MINUTES = 100 * 60;

export interface TimeBankDeps {
  db: Database;
  clock: Clock;
  ledger: TimeBankRepository;
  volunteers: VolunteerRepository;
  seniors: SeniorRepository;
  links: FamilyLinkRepository;
  access: AccessService;
  audit: AuditService;
}

interface Holder {
  kind: TimeBankHolder;
  id: number;
  name: string;
  /** For the audit log. */
  scope: { centreId: number | null; regionPath: string };
}

/**
 * 时间银行: volunteers' hours saved per completed visit, spent on services (recorded by staff), given to a family
 * member who is a senior. Every movement of one holder is decided with their row locked, so the balance (credits −
 * spends − gifts out + gifts in) is never negative; a visit's credit carries a unique key, so it is never counted twice.
 */
export class TimeBankService {
  constructor(private readonly deps: TimeBankDeps) {}

  /** Inside the visit's transaction: an hour (TIME_BANK_RULES) for the volunteer, once per visit. Returns minutes credited. */
  async creditVisit(em: Tx, volunteerId: number, visitId: number, seniorName: string): Promise<number> {
    await this.deps.volunteers.lock(em, volunteerId);
    const minutes = TIME_BANK_RULES.home_visit;
    const added = await this.deps.ledger.insertOnce(em, {
      holderKind: 'volunteer',
      holderId: volunteerId,
      kind: 'credit',
      minutes,
      visitId,
      onceKey: `visit:${visitId}`,
      note: CARE_TEXTS.creditNote(seniorName),
      recordedByAccountId: null,
      createdAt: this.deps.clock.now(),
    });
    return added ? minutes : 0;
  }

  async view(actor: Actor, kind: TimeBankHolder, id: number): Promise<TimeBankAnswer> {
    const holder = await this.holder(actor, kind, id, 'see');
    const entries = await this.deps.ledger.history(kind, id);
    return { holder: { kind, id, name: holder.name }, balanceMinutes: net(entries), entries: entries.map(entryView) };
  }

  /** A year's statement: what was there on 1 January, what came in and went out, what is left (Shanghai calendar year). */
  async statement(actor: Actor, kind: TimeBankHolder, id: number, year: number): Promise<TimeBankStatement> {
    const holder = await this.holder(actor, kind, id, 'see');
    const from = shanghaiInstant(`${year}-01-01`);
    const to = shanghaiInstant(`${year + 1}-01-01`);
    const [before, during] = await Promise.all([this.deps.ledger.history(kind, id, undefined, from), this.deps.ledger.history(kind, id, from, to)]);
    const sum = (k: TimeBankEntry['kind']) => during.filter((e) => e.kind === k).reduce((a, e) => a + e.minutes, 0);
    const opening = net(before);
    return {
      holder: { kind, id, name: holder.name },
      year,
      openingMinutes: opening,
      creditedMinutes: sum('credit'),
      spentMinutes: sum('spend'),
      giftedOutMinutes: sum('gift_out'),
      giftedInMinutes: sum('gift_in'),
      closingMinutes: opening + net(during),
      entries: during.map(entryView),
    };
  }

  /** Hours spent on a service, recorded by staff of the holder's centre (or an administrator over it). */
  async spend(actor: Actor, input: { holderKind: TimeBankHolder; holderId: number; minutes: number; note: string }): Promise<TimeBankAnswer> {
    const holder = await this.holder(actor, input.holderKind, input.holderId, 'manage');
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      await this.lock(em, holder);
      if ((await this.deps.ledger.balance(em, holder.kind, holder.id)) < input.minutes) throw new AppError('TIME_BANK_NOT_ENOUGH');
      await this.deps.ledger.insertOnce(em, {
        holderKind: holder.kind,
        holderId: holder.id,
        kind: 'spend',
        minutes: input.minutes,
        visitId: null,
        onceKey: null,
        note: input.note,
        recordedByAccountId: actor.accountId,
        createdAt: now,
      });
      await this.deps.audit.record(em, actor, 'time_bank.spend', { type: 'time_bank', id: holder.id, scope: holder.scope }, { ...input });
    });
    return this.view(actor, input.holderKind, input.holderId);
  }

  /** A volunteer gives hours to a senior they are linked to as family (their own parent, say). */
  async gift(actor: Actor, input: { seniorId: number; minutes: number }): Promise<TimeBankAnswer> {
    const volunteer = await this.deps.volunteers.findByAccount(actor.accountId);
    if (!volunteer) throw new AppError('VOLUNTEER_NOT_FOUND');
    const senior = await this.deps.seniors.findById(input.seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    if (!(await this.deps.links.isLinked(actor.accountId, senior.id)) || input.minutes > MAX_GIFT_MINUTES) throw new AppError('TIME_GIFT_NOT_ALLOWED');
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      await this.deps.volunteers.lock(em, volunteer.id);
      await this.deps.seniors.lockMany(em, [senior.id]);
      if ((await this.deps.ledger.balance(em, 'volunteer', volunteer.id)) < input.minutes) throw new AppError('TIME_BANK_NOT_ENOUGH');
      const row = { minutes: input.minutes, visitId: null, onceKey: null, recordedByAccountId: actor.accountId, createdAt: now };
      await this.deps.ledger.insertOnce(em, {
        ...row,
        holderKind: 'volunteer',
        holderId: volunteer.id,
        kind: 'gift_out',
        note: CARE_TEXTS.giftOutNote(senior.name),
      });
      await this.deps.ledger.insertOnce(em, {
        ...row,
        holderKind: 'senior',
        holderId: senior.id,
        kind: 'gift_in',
        note: CARE_TEXTS.giftInNote(volunteer.name),
      });
      await this.deps.audit.record(
        em,
        actor,
        'time_bank.gift',
        { type: 'time_bank', id: volunteer.id, scope: { centreId: volunteer.centreId, regionPath: volunteer.regionPath } },
        {
          seniorId: senior.id,
          minutes: input.minutes,
        },
      );
    });
    return this.view(actor, 'volunteer', volunteer.id);
  }

  private async lock(em: Tx, holder: Holder): Promise<void> {
    if (holder.kind === 'volunteer') await this.deps.volunteers.lock(em, holder.id);
    else await this.deps.seniors.lockMany(em, [holder.id]);
  }

  /** The holder, if the actor may see (themself, their senior, those over them) or manage (staff, administrators) it. */
  private async holder(actor: Actor, kind: TimeBankHolder, id: number, want: 'see' | 'manage'): Promise<Holder> {
    if (kind === 'volunteer') {
      const v = await this.deps.volunteers.findById(id);
      if (!v) throw new AppError('VOLUNTEER_NOT_FOUND');
      const over = this.deps.access.isStaffOf(actor, v.centreId) || this.deps.access.isAdminOver(actor, v.regionPath);
      if (!over && !(want === 'see' && v.accountId === actor.accountId)) throw new AppError('FORBIDDEN');
      return { kind, id, name: v.name, scope: { centreId: v.centreId, regionPath: v.regionPath } };
    }
    const s = await this.deps.seniors.findById(id);
    if (!s) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.assertCanSeeSenior(actor, s);
    if (want === 'manage' && rel !== 'staff' && rel !== 'admin') throw new AppError('FORBIDDEN');
    return { kind, id, name: s.name, scope: { centreId: s.homeCentreId, regionPath: s.regionPath } };
  }
}

/** Credits and gifts in, less spends and gifts out. */
export function net(entries: readonly Pick<TimeBankEntry, 'kind' | 'minutes'>[]): number {
  return entries.reduce((a, e) => a + (e.kind === 'credit' || e.kind === 'gift_in' ? e.minutes : -e.minutes), 0);
}

function entryView(e: TimeBankEntry): TimeBankEntryView {
  return { id: e.id, kind: e.kind, minutes: e.minutes, note: e.note, visitId: e.visitId, at: e.createdAt.toISOString() };
}
