import type { Logger } from 'pino';
import type { Account, SeniorCategory, Visit, VisitRule } from '../../../entities';
import type { VisitRuleView } from '../../contracts/care-types';
import type { Database } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { Clock } from '../../lib/clock';
import { sixDigitCode } from '../../lib/random';
import { addDays, shanghaiDate } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { SignsOfLifeRepository, VisitRepository, VisitRuleRepository, VolunteerRepository } from '../../repositories/care.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { EmergencyAlertRepository } from '../../repositories/emergency-alert.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import { CARE_TEXTS } from '../../words/care';
import { MINI_PAGES, type TemplatePair } from '../../wechat-templates';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import type { AccountNotifier } from '../messaging/notifier.service';
import { planFor } from './rules';
import { overdueDays, ruleView } from './visit-view';

/** An open visit this many days past its due day goes to the centre's staff; twice as many, to the street's administrators. */
export const ESCALATE_OVERDUE_DAYS = 3;

export interface VisitPlanDeps {
  db: Database;
  clock: Clock;
  rules: VisitRuleRepository;
  visits: VisitRepository;
  volunteers: VolunteerRepository;
  signs: SignsOfLifeRepository;
  seniors: SeniorRepository;
  regions: RegionRepository;
  centres: CentreRepository;
  accounts: AccountRepository;
  /** The street centre over a region and the nearest administrators (the emergencies' escalation asks the same). */
  above: Pick<EmergencyAlertRepository, 'streetCentreOver' | 'nearestAdmins'>;
  notifier: AccountNotifier;
  template: TemplatePair;
  access: AccessService;
  audit: AuditService;
  logger: Logger;
}

export interface RuleInput {
  regionId: number;
  category: SeniorCategory;
  minAge: number;
  intervalDays: number;
  silenceDays: number | null;
}

/**
 * 探访计划: administrators' rules by category and region, turned by a job into one open visit per senior the rules
 * cover, each given to the senior's paired volunteer or to the least busy staff member of their centre; and the
 * job that tells the centre, then the street, about visits left overdue.
 */
export class VisitPlanService {
  constructor(private readonly deps: VisitPlanDeps) {}

  /** The rules over and under where the actor works (an administrator's region, a staff member's centre). */
  async listRules(actor: Actor): Promise<VisitRuleView[]> {
    const path = await this.workPath(actor);
    return (await this.deps.rules.around(path)).map(ruleView);
  }

  async createRule(actor: Actor, input: RuleInput): Promise<VisitRuleView> {
    const region = await this.deps.regions.findById(input.regionId);
    if (!region) throw new AppError('REGION_NOT_FOUND');
    if (!this.deps.access.isAdminOver(actor, region.path)) throw new AppError('VISIT_RULE_NOT_ALLOWED');
    const now = this.deps.clock.now();
    const saved = await this.deps.db.transaction(async (em) => {
      const row = await this.deps.rules.insert(em, {
        regionId: region.id,
        regionPath: region.path,
        category: input.category,
        minAge: input.minAge,
        intervalDays: input.intervalDays,
        silenceDays: input.silenceDays,
        active: true,
        version: 1,
        createdByAccountId: actor.accountId,
        createdAt: now,
        updatedAt: now,
      });
      await this.deps.audit.record(
        em,
        actor,
        'visit_rule.create',
        { type: 'visit_rule', id: row.id, scope: { centreId: null, regionPath: region.path } },
        { ...input },
      );
      return row;
    });
    return ruleView(saved);
  }

  async updateRule(
    actor: Actor,
    id: number,
    input: Partial<Pick<VisitRule, 'minAge' | 'intervalDays' | 'silenceDays' | 'active'>> & { version: number },
  ): Promise<VisitRuleView> {
    const rule = await this.deps.rules.findById(id);
    if (!rule) throw new AppError('VISIT_RULE_NOT_FOUND');
    if (!this.deps.access.isAdminOver(actor, rule.regionPath)) throw new AppError('VISIT_RULE_NOT_ALLOWED');
    assertVersion(rule.version, input.version);
    const { version, ...patch } = input;
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.rules.updateVersioned(em, id, version, { ...patch, updatedAt: now }))) throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(em, actor, 'visit_rule.update', { type: 'visit_rule', id, scope: { centreId: null, regionPath: rule.regionPath } }, patch);
    });
    return ruleView((await this.deps.rules.findById(id))!);
  }

  /**
   * The plan job (jobs/visit-plan.ts): every active senior a rule covers gets one open visit. A senior who has one
   * already gets nothing; otherwise the next is due a rule's interval after their last visit (done, or else planned),
   * and never before today; a senior never visited is due today. One visit per senior and day (a unique key), so
   * reruns and a second instance add nothing. Returns how many visits were planned.
   */
  async plan(batch = 500): Promise<number> {
    const rules = await this.deps.rules.active();
    if (rules.length === 0) return 0;
    const today = shanghaiDate(this.deps.clock.now());
    const paths = [...new Set(rules.map((r) => r.regionPath))];
    let planned = 0;
    for (let afterId = 0; ;) {
      const seniors = await this.deps.signs.activeUnder(paths, afterId, batch);
      if (seniors.length === 0) return planned;
      afterId = seniors[seniors.length - 1].id;
      const covered = seniors.flatMap((s) => {
        const p = planFor(rules, s, today);
        return p.intervalDays !== null ? [{ senior: s, plan: p }] : [];
      });
      const ids = covered.map((c) => c.senior.id);
      const [state, pairings] = await Promise.all([this.deps.visits.planState(ids), this.deps.volunteers.activePairingsOfSeniors(ids)]);
      const volunteerOf = new Map<number, (typeof pairings)[number]>();
      for (const p of pairings) if (!volunteerOf.has(p.pairing.seniorId)) volunteerOf.set(p.pairing.seniorId, p);
      const staffByCentre = new Map<number, Account[]>();
      for (const { senior, plan } of covered) {
        if (state.open.has(senior.id)) continue;
        const lastDone = state.lastDone.get(senior.id);
        const base = lastDone ? shanghaiDate(lastDone) : state.lastDue.get(senior.id);
        const next = base ? addDays(base, plan.intervalDays!) : today;
        const dueOn = next < today ? today : next;
        const paired = volunteerOf.get(senior.id);
        let assignee: Pick<Visit, 'assigneeKind' | 'assignedAccountId' | 'volunteerId'> = { assigneeKind: 'none', assignedAccountId: null, volunteerId: null };
        if (paired) assignee = { assigneeKind: 'volunteer', assignedAccountId: paired.volunteer.accountId, volunteerId: paired.volunteer.id };
        else if (senior.homeCentreId !== null) {
          let staff = staffByCentre.get(senior.homeCentreId);
          if (!staff) staffByCentre.set(senior.homeCentreId, (staff = await this.deps.accounts.staffOf(senior.homeCentreId)));
          const chosen = await this.leastBusy(staff);
          if (chosen) assignee = { assigneeKind: 'staff', assignedAccountId: chosen.id, volunteerId: null };
        }
        const now = this.deps.clock.now();
        const inserted = await this.deps.visits.insertOnce({
          seniorId: senior.id,
          centreId: senior.homeCentreId,
          regionPath: senior.regionPath,
          ruleId: plan.ruleId,
          dueOn,
          ...assignee,
          status: 'due',
          presenceCode: sixDigitCode(),
          doneAt: null,
          visitedByAccountId: null,
          proof: null,
          distanceM: null,
          health: null,
          mood: null,
          homeSafety: null,
          needs: '',
          note: '',
          concernStatus: 'none',
          concernNote: '',
          concernResolvedAt: null,
          concernResolvedByAccountId: null,
          concernResolution: '',
          escalationLevel: 0,
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
        if (inserted) planned++;
      }
      if (seniors.length < batch) return planned;
    }
  }

  private async leastBusy(staff: Account[]): Promise<Account | null> {
    if (staff.length === 0) return null;
    const counts = await this.deps.visits.openCounts(staff.map((a) => a.id));
    return [...staff].sort((a, b) => counts.get(a.id)! - counts.get(b.id)! || a.id - b.id)[0];
  }

  /**
   * The escalation job (jobs/visit-escalation.ts): an open visit ESCALATE_OVERDUE_DAYS past its due day goes to the
   * staff of the senior's centre; twice that, to the street centre's staff and the nearest administrators. Each level
   * is claimed with a conditional UPDATE before anything is sent, so it goes out once whatever the reruns.
   */
  async escalateOverdue(batch = 200): Promise<number> {
    const now = this.deps.clock.now();
    const today = shanghaiDate(now);
    let escalated = 0;
    for (const level of [1, 0]) {
      const dueBy = addDays(today, -ESCALATE_OVERDUE_DAYS * (level + 1));
      for (;;) {
        const due = await this.deps.visits.overdueAt(level, dueBy, batch);
        for (const v of due) if (await this.escalate(v, level, now, today)) escalated++;
        if (due.length < batch) break;
      }
    }
    return escalated;
  }

  private async escalate(visit: Visit, level: number, now: Date, today: string): Promise<boolean> {
    if (!(await this.deps.visits.claimLevel(visit.id, level, now))) return false;
    try {
      const senior = await this.deps.seniors.findById(visit.seniorId);
      if (!senior) throw new Error(`senior ${visit.seniorId} of visit ${visit.id} not found`);
      let recipients: Account[];
      if (level === 0) recipients = visit.centreId !== null ? await this.deps.accounts.staffOf(visit.centreId) : [];
      else {
        const centre = visit.centreId !== null ? await this.deps.centres.load(visit.centreId) : null;
        const street = await this.deps.above.streetCentreOver(centre?.regionPath ?? senior.regionPath);
        const [streetStaff, admins] = await Promise.all([
          street ? this.deps.accounts.staffOf(street.id) : Promise.resolve([] as Account[]),
          this.deps.above.nearestAdmins(street?.regionPath ?? senior.regionPath),
        ]);
        recipients = [...streetStaff, ...admins];
      }
      const unique = [...new Map(recipients.map((a) => [a.id, a])).values()];
      const days = overdueDays(visit.dueOn, today);
      const notice = {
        templates: this.deps.template,
        data: { thing1: senior.name, thing2: CARE_TEXTS.overdue(days), time3: visit.dueOn, thing4: CARE_TEXTS.overdueAction },
        page: MINI_PAGES.visits(),
      };
      const sent = await Promise.all(unique.map(async (a) => ({ accountId: a.id, outcome: await this.deps.notifier.notify(a, notice) })));
      await this.deps.audit.recordSystem(
        this.deps.db.manager,
        'visit.escalate',
        { type: 'visit', id: visit.id, scope: { centreId: visit.centreId, regionPath: visit.regionPath } },
        { level: level + 1, recipients: sent },
      );
    } catch (err) {
      this.deps.logger.error({ err, visitId: visit.id, level: level + 1 }, 'overdue visit escalation could not be sent');
    }
    return true;
  }

  /** Where the actor works: an administrator's region, a staff member's centre's region. */
  async workPath(actor: Actor): Promise<string> {
    if (hasRole(actor, 'admin') && actor.regionPath) return actor.regionPath;
    if (hasRole(actor, 'staff') && actor.centreId !== null) {
      const centre = await this.deps.centres.load(actor.centreId);
      if (centre) return centre.regionPath;
    }
    throw new AppError('FORBIDDEN');
  }
}
