import type { Logger } from 'pino';
import type { Account, Senior, Visit, VisitHealth, VisitHomeSafety, VisitMood } from '../../../entities';
import type { RecordedVisitAnswer, SeniorCareAnswer, VisitCodeAnswer, VisitView } from '../../contracts/care-types';
import type { Database } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { Clock } from '../../lib/clock';
import { straightLineMetres } from '../../lib/geo';
import { addDays, shanghaiDateTime, shanghaiDate } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { VisitPhotoRepository, VisitRepository, VolunteerRepository } from '../../repositories/care.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import { CARE_TEXTS } from '../../words/care';
import { MINI_PAGES, type TemplatePair } from '../../wechat-templates';
import type { AccessService } from '../access/access.service';
import type { AttemptLimiter } from '../access/attempt-limiter';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import type { AccountNotifier } from '../messaging/notifier.service';
import type { TimeBankService } from './time-bank.service';
import { visitViews } from './visit-view';

/** A visitor's phone within this many metres of the senior's home proves they are there. */
export const PRESENCE_RADIUS_M = 300;

export interface VisitServiceDeps {
  db: Database;
  clock: Clock;
  visits: VisitRepository;
  photos: VisitPhotoRepository;
  volunteers: VolunteerRepository;
  seniors: SeniorRepository;
  centres: CentreRepository;
  accounts: AccountRepository;
  links: FamilyLinkRepository;
  timeBank: TimeBankService;
  notifier: AccountNotifier;
  template: TemplatePair;
  access: AccessService;
  audit: AuditService;
  /** Wrong presence codes are counted per visitor account (and then refused for a while): a code is six digits. */
  attempts: AttemptLimiter;
  logger: Logger;
}

export type VisitList = 'due' | 'overdue' | 'done' | 'concerns';

export interface VisitRecordInput {
  proof: { latitude: number; longitude: number } | { code: string };
  health: VisitHealth;
  mood: VisitMood;
  homeSafety: VisitHomeSafety;
  needs: string;
  note: string;
  concern: boolean;
  concernNote: string;
  version: number;
}

/**
 * 探访: the lists people work from (a centre's, a person's own), recording a visit with proof of presence and its
 * short form, a worry that reaches the centre at once (and the family, where the senior agreed), and resolving it.
 */
export class VisitService {
  constructor(private readonly deps: VisitServiceDeps) {}

  private today(): string {
    return shanghaiDate(this.deps.clock.now());
  }

  /** A centre's visits: due (today and ahead), overdue, done, or with a worry still open. Its staff, or administrators over it. */
  async forCentre(actor: Actor, centreId: number, list: VisitList): Promise<VisitView[]> {
    const centre = await this.deps.centres.load(centreId);
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    this.deps.access.assertCanManageCentre(actor, centre);
    const today = this.today();
    return visitViews(this.deps, await this.deps.visits.list({ centreId, list, today, limit: 500 }), today);
  }

  /** The visits given to the actor (a staff member or a volunteer): due and overdue, or done. */
  async mine(actor: Actor, list: VisitList): Promise<VisitView[]> {
    const today = this.today();
    return visitViews(this.deps, await this.deps.visits.list({ assignedAccountId: actor.accountId, list, today, limit: 500 }), today);
  }

  /** The code the senior's page shows for their next visit: for the senior and their linked family. */
  async presenceCode(actor: Actor, seniorId: number): Promise<VisitCodeAnswer> {
    const senior = await this.deps.seniors.findById(seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.assertCanSeeSenior(actor, senior);
    if (rel !== 'self' && rel !== 'family') throw new AppError('FORBIDDEN');
    const [open] = await this.deps.visits.list({ seniorIds: [seniorId], list: 'open', today: this.today(), limit: 1 });
    return open ? { code: open.presenceCode, visitId: open.id, dueOn: open.dueOn } : { code: null, visitId: null, dueOn: null };
  }

  /**
   * A senior's visits over the last four weeks and the next one planned: the senior, the family, those over them.
   * Linked family see the visit records (what the visitor saw, worries, notes, photos) only where the senior shares
   * her visits with them (`shareCareWithFamily`); otherwise they hear only when the next visit is and who comes.
   */
  async forSenior(actor: Actor, seniorId: number): Promise<SeniorCareAnswer> {
    const senior = await this.deps.seniors.findById(seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.assertCanSeeSenior(actor, senior);
    const today = this.today();
    const rows = await this.deps.visits.forSenior(seniorId, addDays(today, -28), addDays(today, 366));
    const views = await visitViews(this.deps, rows, today);
    const next = views.filter((v) => v.status === 'due').sort((a, b) => a.dueOn.localeCompare(b.dueOn))[0];
    const recordsHidden = rel === 'family' && !senior.shareCareWithFamily && !this.isOverSenior(actor, senior);
    return {
      visits: recordsHidden ? [] : views,
      next: next ? { dueOn: next.dueOn, visitor: next.assignee.name } : null,
      sharedWithFamily: senior.shareCareWithFamily,
      recordsHidden,
    };
  }

  /** The senior's centre's staff or an administrator over them (who may also be linked to her as family). */
  private isOverSenior(actor: Actor, senior: Senior): boolean {
    return this.deps.access.isStaffOf(actor, senior.homeCentreId) || this.deps.access.isAdminOver(actor, senior.regionPath);
  }

  /** Who comes to see a senior between two days (the bot's "这周谁来看我"): each open or done visit, with its visitor. */
  async visitorsBetween(seniorId: number, from: string, to: string): Promise<VisitView[]> {
    const rows = await this.deps.visits.forSenior(seniorId, from, to);
    return (await visitViews(this.deps, rows, this.today())).sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  }

  /**
   * Records a visit. The visitor is the one it was given to, a staff member of the senior's centre, or the senior's
   * paired volunteer. Presence is proved by the phone's location within PRESENCE_RADIUS_M of the senior's home, or by
   * the code the senior's page shows. A volunteer's visit is credited to their time bank in the same transaction, once.
   */
  async record(actor: Actor, visitId: number, input: VisitRecordInput): Promise<RecordedVisitAnswer> {
    const visit = await this.deps.visits.findById(visitId);
    if (!visit) throw new AppError('VISIT_NOT_FOUND');
    const senior = await this.deps.seniors.findById(visit.seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const volunteer = await this.deps.volunteers.findByAccount(actor.accountId);
    const paired = volunteer ? (await this.deps.volunteers.activePairingsOf(volunteer.id)).some((p) => p.seniorId === senior.id) : false;
    const isVisitor = visit.assignedAccountId === actor.accountId || this.deps.access.isStaffOf(actor, visit.centreId) || paired;
    if (!isVisitor) throw new AppError('VISITOR_NOT_ALLOWED');
    if (visit.status !== 'due') throw new AppError('VISIT_NOT_DUE');
    assertVersion(visit.version, input.version);
    const proof = await this.provePresence(actor, visit, senior, input.proof);
    const now = this.deps.clock.now();
    const concernNote = input.concern ? input.concernNote || CARE_TEXTS.defaultConcern : '';
    const asVolunteer = volunteer && (paired || visit.volunteerId === volunteer.id) ? volunteer : null;
    const credited = await this.deps.db.transaction(async (em) => {
      const ok = await this.deps.visits.complete(em, visit.id, input.version, {
        doneAt: now,
        visitedByAccountId: actor.accountId,
        proof: proof.kind,
        distanceM: proof.distanceM,
        health: input.health,
        mood: input.mood,
        homeSafety: input.homeSafety,
        needs: input.needs,
        note: input.note,
        concernStatus: input.concern ? 'open' : 'none',
        concernNote,
        updatedAt: now,
      });
      if (!ok) throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(
        em,
        actor,
        'visit.record',
        { type: 'visit', id: visit.id, scope: { centreId: visit.centreId, regionPath: visit.regionPath } },
        { proof: proof.kind, distanceM: proof.distanceM, concern: input.concern },
      );
      return asVolunteer ? this.deps.timeBank.creditVisit(em, asVolunteer.id, visit.id, senior.name) : 0;
    });
    const notified = input.concern ? await this.tellConcern(visit, senior, actor, concernNote, now) : [];
    const [view] = await visitViews(this.deps, [(await this.deps.visits.findById(visit.id))!], this.today());
    return { visit: view, notified, creditedMinutes: credited };
  }

  /**
   * A code is a guess until it is checked: each try is counted first (AttemptLimiter, per visitor account), so codes
   * sent one after another or all at once are slowed down and then locked; a right code gives its try back. The
   * phone's location is no guess and is never counted.
   */
  private async provePresence(
    actor: Actor,
    visit: Visit,
    senior: Senior,
    proof: VisitRecordInput['proof'],
  ): Promise<{ kind: 'location' | 'code'; distanceM: number | null }> {
    if (!('code' in proof)) return this.presence(visit, senior, proof);
    const attempt = await this.deps.attempts.begin([{ policy: 'visit_code_account', id: String(actor.accountId) }], {
      ip: actor.ip,
      actor,
      entity: { type: 'visit', id: visit.id, scope: { centreId: visit.centreId, regionPath: visit.regionPath } },
    });
    try {
      const proved = this.presence(visit, senior, proof);
      await attempt.succeeded();
      return proved;
    } catch (err) {
      await attempt.failed('visit_code.failed', { seniorId: senior.id });
      throw err;
    }
  }

  private presence(visit: Visit, senior: Senior, proof: VisitRecordInput['proof']): { kind: 'location' | 'code'; distanceM: number | null } {
    if ('code' in proof) {
      if (proof.code !== visit.presenceCode) throw new AppError('PRESENCE_CODE_WRONG');
      return { kind: 'code', distanceM: null };
    }
    if (senior.latitude === null || senior.longitude === null) throw new AppError('PRESENCE_NOT_PROVED');
    const distanceM = Math.round(straightLineMetres(proof.latitude, proof.longitude, senior.latitude, senior.longitude));
    if (distanceM > PRESENCE_RADIUS_M) throw new AppError('PRESENCE_NOT_PROVED', undefined, { distanceM, radiusM: PRESENCE_RADIUS_M });
    return { kind: 'location', distanceM };
  }

  /** A worry: the centre's staff at once, and the linked family where the senior agreed to it. */
  private async tellConcern(visit: Visit, senior: Senior, actor: Actor, note: string, now: Date): Promise<string[]> {
    const [staff, kin] = await Promise.all([
      visit.centreId !== null ? this.deps.accounts.staffOf(visit.centreId) : Promise.resolve([] as Account[]),
      senior.shareCareWithFamily ? this.deps.links.familyOf(senior.id) : Promise.resolve([]),
    ]);
    const notice = {
      templates: this.deps.template,
      data: { thing1: senior.name, thing2: note, time3: shanghaiDateTime(now), thing4: CARE_TEXTS.concernAction },
      page: MINI_PAGES.visits(),
    };
    const reached = (o: string) => o === 'subscribe' || o === 'template';
    const staffTold = await Promise.all(staff.filter((a) => a.id !== actor.accountId).map((a) => this.deps.notifier.notify(a, notice)));
    const kinTold = await Promise.all(
      kin.map(async (k) => ({ relation: k.relation || k.account.displayName, outcome: await this.deps.notifier.notify(k.account, notice) })),
    );
    const told = staffTold.some(reached) ? [CARE_TEXTS.staffName] : [];
    return [...told, ...kinTold.filter((k) => reached(k.outcome)).map((k) => k.relation)];
  }

  /** A worry seen to: the centre's staff or an administrator over it, with what was done. */
  async resolveConcern(actor: Actor, visitId: number, input: { resolution: string; version: number }): Promise<VisitView> {
    const visit = await this.deps.visits.findById(visitId);
    if (!visit) throw new AppError('VISIT_NOT_FOUND');
    const centre = visit.centreId !== null ? await this.deps.centres.load(visit.centreId) : null;
    if (centre) this.deps.access.assertCanManageCentre(actor, centre);
    else if (!this.deps.access.isAdminOver(actor, visit.regionPath)) throw new AppError('FORBIDDEN');
    if (visit.concernStatus !== 'open') throw new AppError('CONCERN_NOT_OPEN');
    assertVersion(visit.version, input.version);
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      const ok = await this.deps.visits.resolveConcern(em, visitId, input.version, {
        concernResolvedAt: now,
        concernResolvedByAccountId: actor.accountId,
        concernResolution: input.resolution,
        updatedAt: now,
      });
      if (!ok) throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(
        em,
        actor,
        'visit.concern_resolve',
        { type: 'visit', id: visitId, scope: { centreId: visit.centreId, regionPath: visit.regionPath } },
        {
          resolution: input.resolution,
        },
      );
    });
    const [view] = await visitViews(this.deps, [(await this.deps.visits.findById(visitId))!], this.today());
    return view;
  }

  /** Whether the senior agreed that visit worries are told to their family too: the senior, or those over them. */
  async setFamilySharing(
    actor: Actor,
    seniorId: number,
    input: { share: boolean; version: number },
  ): Promise<{ shareCareWithFamily: boolean; version: number }> {
    const senior = await this.deps.seniors.findById(seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.assertCanSeeSenior(actor, senior);
    if (rel === 'family') throw new AppError('FORBIDDEN');
    assertVersion(senior.version, input.version);
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.seniors.updateVersioned(em, seniorId, input.version, { shareCareWithFamily: input.share, updatedAt: now })))
        throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(em, actor, 'senior.care_sharing', { type: 'senior', id: seniorId }, { share: input.share, by: rel });
    });
    return { shareCareWithFamily: input.share, version: input.version + 1 };
  }

  /** Is the actor a staff member or an administrator (the lists for a centre are theirs)? */
  static isStaffOrAdmin(actor: Actor): boolean {
    return hasRole(actor, 'staff') || hasRole(actor, 'admin');
  }
}
