import type { Region, ServiceCategory, SubsidyPolicy } from '../../../entities';
import type { PolicyDetailView, PolicyPreview, PolicyStatus, PolicyView } from '../../contracts/dashboard-types';
import type { Database } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { Clock } from '../../lib/clock';
import { addDays, shanghaiDate } from '../../lib/time';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { PolicyPreviewRepository } from '../../repositories/policy-preview.repository';
import type { PolicyRepository } from '../../repositories/policy.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import type { PolicyTerms } from '../booking/pricing';
import { costAnswer, countQualifying, lastMonth, qualifyingSeniors, simulateCost } from './policy-preview';
import { policyStatus, policyView } from './policy-view';

/** A policy's terms as an administrator writes them: what pricing reads, less what the system keeps. */
export type PolicyTermsInput = Omit<PolicyTerms, 'id' | 'regionPath' | 'active'>;

export interface PolicyCreateInput extends PolicyTermsInput {
  regionId: number;
}

export interface PolicyListQuery {
  regionId?: number;
  category?: ServiceCategory;
  status?: PolicyStatus;
  limit: number;
  offset: number;
}

export interface PolicyServiceDeps {
  db: Database;
  clock: Clock;
  policies: PolicyRepository;
  preview: PolicyPreviewRepository;
  regions: RegionRepository;
  centres: CentreRepository;
  access: AccessService;
  audit: AuditService;
}

const TERMS: ReadonlyArray<keyof PolicyTermsInput> = [
  'name',
  'description',
  'category',
  'serviceKinds',
  'minAge',
  'seniorCategories',
  'minAbilityLevel',
  'method',
  'amountFen',
  'percent',
  'maxPerDay',
  'monthlyCapFen',
  'validFrom',
  'validTo',
];

/**
 * 补贴政策 as administrators run them: create one for their region, change it by publishing a new version from a
 * date (the version before ends the day before), retire it, and before any of it preview who would qualify and
 * what it would cost a month. A booking keeps the subsidy it was priced with: nothing here touches bookings.
 */
export class PolicyService {
  constructor(private readonly deps: PolicyServiceDeps) {}

  private today(): string {
    return shanghaiDate(this.deps.clock.now());
  }

  /** The region path whose policies the actor may read: an administrator's region, or a staff member's centre's. */
  private async readScope(actor: Actor): Promise<string> {
    if (hasRole(actor, 'admin') && actor.regionPath !== null) return actor.regionPath;
    if (hasRole(actor, 'staff') && actor.centreId !== null) {
      const centre = await this.deps.centres.findById(actor.centreId);
      if (centre) return centre.regionPath;
    }
    throw new AppError('POLICY_VIEW_NOT_ALLOWED');
  }

  /** Policies inside the scope, or above it (a district's policy applies in each street). */
  private visible(p: Pick<SubsidyPolicy, 'regionPath'>, scope: string): boolean {
    return p.regionPath.startsWith(scope) || scope.startsWith(p.regionPath);
  }

  private async regionNames(policies: SubsidyPolicy[]): Promise<Map<number, Region>> {
    return new Map((await this.deps.regions.findByIds([...new Set(policies.map((p) => p.regionId))])).map((r) => [r.id, r]));
  }

  async list(actor: Actor, q: PolicyListQuery): Promise<{ items: PolicyView[]; total: number }> {
    const scope = await this.readScope(actor);
    const today = this.today();
    const region = q.regionId === undefined ? null : await this.deps.regions.findById(q.regionId);
    if (q.regionId !== undefined && !region) throw new AppError('REGION_NOT_FOUND');
    const all = (await this.deps.policies.all()).filter(
      (p) =>
        this.visible(p, scope) &&
        (region === null || region.path.startsWith(p.regionPath) || p.regionPath.startsWith(region.path)) &&
        (q.category === undefined || p.category === q.category) &&
        (q.status === undefined || policyStatus(p, today) === q.status),
    );
    all.sort((a, b) => b.id - a.id);
    const page = all.slice(q.offset, q.offset + q.limit);
    const names = await this.regionNames(page);
    return { items: page.map((p) => policyView(p, today, names)), total: all.length };
  }

  async get(actor: Actor, id: number): Promise<PolicyDetailView> {
    const scope = await this.readScope(actor);
    const p = await this.deps.policies.findById(id);
    if (!p || !this.visible(p, scope)) throw new AppError('POLICY_NOT_FOUND');
    return this.detail(p);
  }

  private async detail(p: SubsidyPolicy): Promise<PolicyDetailView> {
    const all = new Map((await this.deps.policies.all()).map((x) => [x.id, x]));
    const chain: SubsidyPolicy[] = [];
    let first = p;
    while (first.previousVersionId !== null && all.has(first.previousVersionId)) first = all.get(first.previousVersionId)!;
    for (let v: SubsidyPolicy | undefined = first; v; v = v.supersededById !== null ? all.get(v.supersededById) : undefined) chain.push(v);
    const today = this.today();
    const names = await this.regionNames(chain);
    return { ...policyView(p, today, names), versions: chain.map((v) => policyView(v, today, names)) };
  }

  /** Writes are an administrator's, over the policy's region. */
  private assertCanWrite(actor: Actor, regionPath: string): void {
    if (!hasRole(actor, 'admin')) throw new AppError('POLICY_ADMIN_ONLY');
    if (!this.deps.access.isAdminOver(actor, regionPath)) throw new AppError('POLICY_REGION_OUT_OF_SCOPE');
  }

  private checkDates(input: Pick<PolicyTermsInput, 'validFrom' | 'validTo'>, today: string): void {
    if (input.validFrom < today) throw new AppError('POLICY_START_IN_PAST', undefined, { fields: { validFrom: 'before today' } });
    if (input.validTo !== null && input.validTo < input.validFrom)
      throw new AppError('POLICY_END_BEFORE_START', undefined, { fields: { validTo: 'before validFrom' } });
  }

  async create(actor: Actor, input: PolicyCreateInput): Promise<PolicyDetailView> {
    const region = await this.deps.regions.findById(input.regionId);
    if (!region) throw new AppError('REGION_NOT_FOUND');
    this.assertCanWrite(actor, region.path);
    this.checkDates(input, this.today());
    const now = this.deps.clock.now();
    const saved = await this.deps.db.transaction(async (em) => {
      const p = await this.deps.policies.insert(em, {
        ...termsOf(input),
        regionId: region.id,
        regionPath: region.path,
        active: true,
        previousVersionId: null,
        revision: 1,
        supersededById: null,
        retiredAt: null,
        version: 1,
        createdByAccountId: actor.accountId,
        createdAt: now,
        updatedAt: null,
      });
      await this.deps.audit.record(em, actor, 'policy.create', { type: 'subsidy_policy', id: p.id }, { regionId: region.id, ...termsOf(input) });
      return p;
    });
    this.deps.policies.changed();
    return this.detail(saved);
  }

  /** A new version from `validFrom`; the version it replaces ends the day before. Bookings already made keep their subsidy. */
  async revise(actor: Actor, id: number, input: PolicyTermsInput & { version: number }): Promise<PolicyDetailView> {
    const old = await this.deps.policies.findById(id);
    if (!old) throw new AppError('POLICY_NOT_FOUND');
    this.assertCanWrite(actor, old.regionPath);
    const today = this.today();
    if (old.supersededById !== null) throw new AppError('POLICY_SUPERSEDED', undefined, { latestId: old.supersededById });
    if (old.retiredAt !== null) throw new AppError('POLICY_RETIRED');
    if (old.validTo !== null && old.validTo < today) throw new AppError('POLICY_ENDED');
    assertVersion(old.version, input.version);
    this.checkDates(input, today);
    if (input.validFrom < old.validFrom) throw new AppError('POLICY_START_BEFORE_CURRENT', undefined, { fields: { validFrom: `before ${old.validFrom}` } });
    const now = this.deps.clock.now();
    const dayBefore = addDays(input.validFrom, -1);
    const oldEnds = old.validTo !== null && old.validTo < dayBefore ? old.validTo : dayBefore;
    const saved = await this.deps.db.transaction(async (em) => {
      const p = await this.deps.policies.insert(em, {
        ...termsOf(input),
        regionId: old.regionId,
        regionPath: old.regionPath,
        active: true,
        previousVersionId: old.id,
        revision: old.revision + 1,
        supersededById: null,
        retiredAt: null,
        version: 1,
        createdByAccountId: actor.accountId,
        createdAt: now,
        updatedAt: null,
      });
      if (!(await this.deps.policies.supersede(em, old.id, input.version, p.id, oldEnds, now))) throw new AppError('VERSION_CONFLICT');
      const changed = Object.fromEntries(
        TERMS.filter((k) => JSON.stringify(old[k]) !== JSON.stringify(input[k])).map((k) => [k, { from: old[k], to: input[k] }]),
      );
      await this.deps.audit.record(em, actor, 'policy.revise', { type: 'subsidy_policy', id: p.id }, { previousId: old.id, previousEnds: oldEnds, changed });
      return p;
    });
    this.deps.policies.changed();
    return this.detail(saved);
  }

  /** Stops a policy after `lastDay` (today by default; yesterday at the earliest). What it already paid stays paid. */
  async retire(actor: Actor, id: number, input: { version: number; lastDay?: string }): Promise<PolicyDetailView> {
    const p = await this.deps.policies.findById(id);
    if (!p) throw new AppError('POLICY_NOT_FOUND');
    this.assertCanWrite(actor, p.regionPath);
    if (p.supersededById !== null) throw new AppError('POLICY_SUPERSEDED', undefined, { latestId: p.supersededById });
    if (p.retiredAt !== null) throw new AppError('POLICY_RETIRED');
    assertVersion(p.version, input.version);
    const today = this.today();
    const lastDay = input.lastDay ?? today;
    if (lastDay < addDays(today, -1)) throw new AppError('POLICY_LAST_DAY_TOO_EARLY', undefined, { fields: { lastDay: 'before yesterday' } });
    // A policy that has not started yet ends the day before its start: it never applies.
    let validTo = lastDay < p.validFrom ? addDays(p.validFrom, -1) : lastDay;
    if (p.validTo !== null && p.validTo < validTo) validTo = p.validTo;
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.policies.retire(em, id, input.version, validTo, now))) throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(em, actor, 'policy.retire', { type: 'subsidy_policy', id }, { lastDay: validTo, previousValidTo: p.validTo });
    });
    this.deps.policies.changed();
    return this.detail((await this.deps.policies.findById(id))!);
  }

  /**
   * Before publishing: who would qualify (by category and by region) and what the terms would have cost on last
   * month's served bookings. With `replaces`, the current version's figure on the same basis too.
   */
  async preview(actor: Actor, input: PolicyCreateInput & { replaces?: number }): Promise<PolicyPreview> {
    const region = await this.deps.regions.findById(input.regionId);
    if (!region) throw new AppError('REGION_NOT_FOUND');
    this.assertCanWrite(actor, region.path);
    if (input.validTo !== null && input.validTo < input.validFrom)
      throw new AppError('POLICY_END_BEFORE_START', undefined, { fields: { validTo: 'before validFrom' } });
    let current: SubsidyPolicy | null = null;
    if (input.replaces !== undefined) {
      current = await this.deps.policies.findById(input.replaces);
      if (!current) throw new AppError('POLICY_NOT_FOUND');
      this.assertCanWrite(actor, current.regionPath);
    }
    const today = this.today();
    const asOf = input.validFrom > today ? input.validFrom : today;
    const terms: PolicyTerms = { ...termsOf(input), id: 0, regionPath: region.path, active: true };
    const month = lastMonth(today);
    const costOf = async (t: PolicyTerms, qualifying: ReadonlySet<number>) =>
      simulateCost(t, qualifying, await this.deps.preview.servedIn(qualifying, t.category, month.first, month.last));

    const [seniors, children] = await Promise.all([qualifyingSeniors(this.deps.preview, terms, asOf), this.deps.preview.childRegions(region.path)]);
    const cost = await costOf(terms, new Set(seniors.map((s) => s.id)));
    let currentFen: number | null = null;
    if (current) {
      const currentTerms: PolicyTerms = { ...current, active: true, validFrom: asOf, validTo: null };
      const theirs = await qualifyingSeniors(this.deps.preview, currentTerms, asOf);
      currentFen = (await costOf(currentTerms, new Set(theirs.map((s) => s.id)))).estimatedFen;
    }
    return {
      asOf,
      qualifying: countQualifying(seniors, region.path, region.id, children, region.name),
      cost: costAnswer(month.month, cost, currentFen),
    };
  }
}

function termsOf(input: PolicyTermsInput): PolicyTermsInput {
  return {
    name: input.name,
    description: input.description,
    category: input.category,
    serviceKinds: [...input.serviceKinds],
    minAge: input.minAge,
    seniorCategories: [...input.seniorCategories],
    minAbilityLevel: input.minAbilityLevel,
    method: input.method,
    amountFen: input.method === 'fixed' ? input.amountFen : 0,
    percent: input.method === 'percent' ? input.percent : 0,
    maxPerDay: input.maxPerDay,
    monthlyCapFen: input.monthlyCapFen,
    validFrom: input.validFrom,
    validTo: input.validTo,
  };
}
