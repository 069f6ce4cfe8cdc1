import type { ConsentBy, Volunteer } from '../../../entities';
import type { VolunteerHomeAnswer, VolunteerView } from '../../contracts/care-types';
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { shanghaiDate } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { TimeBankRepository, VisitPhotoRepository, VisitRepository, VolunteerRepository } from '../../repositories/care.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import { visitViews } from './visit-view';

export interface VolunteerDeps {
  db: Database;
  clock: Clock;
  volunteers: VolunteerRepository;
  visits: VisitRepository;
  ledger: TimeBankRepository;
  seniors: SeniorRepository;
  centres: CentreRepository;
  accounts: AccountRepository;
  photos: VisitPhotoRepository;
  access: AccessService;
  audit: AuditService;
}

/**
 * 志愿者 and 结对扶老: staff register a WeChat account as a volunteer of their centre (by the account number the
 * volunteer's 我的 page shows), pair them with seniors of the centre with the senior's consent recorded, and end a
 * pairing. A volunteer sees their seniors, their visits and their hours.
 */
export class VolunteerService {
  constructor(private readonly deps: VolunteerDeps) {}

  async register(actor: Actor, input: { accountId: number; name: string; phone: string | null }): Promise<VolunteerView> {
    if (!hasRole(actor, 'staff') || actor.centreId === null) throw new AppError('VOLUNTEER_REGISTRAR_NOT_ALLOWED');
    const [account, centre] = await Promise.all([this.deps.accounts.findById(input.accountId), this.deps.centres.load(actor.centreId)]);
    if (!account || !account.active) throw new AppError('ACCOUNT_NOT_FOUND');
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    const now = this.deps.clock.now();
    const saved = await this.deps.db
      .transaction(async (em) => {
        const row = await this.deps.volunteers.insert(em, {
          accountId: account.id,
          name: input.name,
          phone: input.phone,
          centreId: centre.id,
          regionPath: centre.regionPath,
          active: true,
          registeredByAccountId: actor.accountId,
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
        await this.deps.audit.record(
          em,
          actor,
          'volunteer.register',
          { type: 'volunteer', id: row.id, scope: { centreId: centre.id, regionPath: centre.regionPath } },
          {
            accountId: account.id,
            name: input.name,
          },
        );
        return row;
      })
      .catch((err: unknown) => {
        if (this.deps.db.isDuplicateKey(err)) throw new AppError('VOLUNTEER_ALREADY_REGISTERED');
        throw err;
      });
    return (await this.views([saved]))[0];
  }

  async list(actor: Actor, centreId: number): Promise<VolunteerView[]> {
    const centre = await this.deps.centres.load(centreId);
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    this.deps.access.assertCanManageCentre(actor, centre);
    return this.views(await this.deps.volunteers.ofCentres([centreId]));
  }

  /** Pairs a volunteer with a senior of their centre; the senior (or their family for them) agreed, and how. */
  async pair(actor: Actor, volunteerId: number, input: { seniorId: number; consentBy: ConsentBy; consentNote: string }): Promise<VolunteerView> {
    const volunteer = await this.managed(actor, volunteerId);
    const senior = await this.deps.seniors.findById(input.seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.relationTo(actor, senior);
    if (rel !== 'staff' && rel !== 'admin') throw new AppError('SENIOR_OUT_OF_SCOPE');
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      const existing = await this.deps.volunteers.findPairing(em, volunteer.id, senior.id);
      const row = { consentBy: input.consentBy, consentNote: input.consentNote, consentedAt: now, recordedByAccountId: actor.accountId, endedAt: null };
      const saved = await this.deps.volunteers.savePairing(
        em,
        existing ? { ...existing, ...row } : { volunteerId: volunteer.id, seniorId: senior.id, createdAt: now, ...row },
      );
      await this.deps.audit.record(
        em,
        actor,
        'volunteer.pair',
        { type: 'volunteer', id: volunteer.id, scope: { centreId: volunteer.centreId, regionPath: volunteer.regionPath } },
        {
          pairingId: saved.id,
          seniorId: senior.id,
          consentBy: input.consentBy,
          consentNote: input.consentNote,
        },
      );
    });
    return (await this.views([volunteer]))[0];
  }

  async unpair(actor: Actor, volunteerId: number, seniorId: number): Promise<VolunteerView> {
    const volunteer = await this.managed(actor, volunteerId);
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      const existing = await this.deps.volunteers.findPairing(em, volunteer.id, seniorId);
      if (!existing || existing.endedAt) throw new AppError('NOT_FOUND');
      await this.deps.volunteers.savePairing(em, { ...existing, endedAt: now });
      await this.deps.audit.record(
        em,
        actor,
        'volunteer.unpair',
        { type: 'volunteer', id: volunteer.id, scope: { centreId: volunteer.centreId, regionPath: volunteer.regionPath } },
        {
          seniorId,
        },
      );
    });
    return (await this.views([volunteer]))[0];
  }

  /** The volunteer's own page: their seniors, their open visits, their hours. */
  async home(actor: Actor): Promise<VolunteerHomeAnswer> {
    const volunteer = await this.deps.volunteers.findByAccount(actor.accountId);
    if (!volunteer) throw new AppError('VOLUNTEER_NOT_FOUND');
    const today = shanghaiDate(this.deps.clock.now());
    const [view] = await this.views([volunteer]);
    const visits = await visitViews(this.deps, await this.deps.visits.list({ assignedAccountId: actor.accountId, list: 'open', today, limit: 200 }), today);
    const balanceMinutes = await this.deps.ledger.balance(this.deps.db.manager, 'volunteer', volunteer.id);
    return { volunteer: view, visits, balanceMinutes };
  }

  private async managed(actor: Actor, volunteerId: number): Promise<Volunteer> {
    const volunteer = await this.deps.volunteers.findById(volunteerId);
    if (!volunteer) throw new AppError('VOLUNTEER_NOT_FOUND');
    if (!this.deps.access.isStaffOf(actor, volunteer.centreId)) throw new AppError('VOLUNTEER_REGISTRAR_NOT_ALLOWED');
    return volunteer;
  }

  private async views(rows: Volunteer[]): Promise<VolunteerView[]> {
    const out: VolunteerView[] = [];
    for (const v of rows) {
      const pairings = await this.deps.volunteers.activePairingsOf(v.id);
      const seniors = new Map((await this.deps.seniors.findByIds(pairings.map((p) => p.seniorId))).map((s) => [s.id, s]));
      out.push({
        id: v.id,
        accountId: v.accountId,
        name: v.name,
        phone: v.phone,
        centreId: v.centreId,
        active: v.active,
        seniors: pairings.flatMap((p) => {
          const s = seniors.get(p.seniorId);
          return s ? [{ id: s.id, name: s.name, consentBy: p.consentBy, consentedAt: p.consentedAt.toISOString() }] : [];
        }),
        version: v.version,
      });
    }
    return out;
  }
}
