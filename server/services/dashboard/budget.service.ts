import type { SubsidyBudget } from '../../../entities';
import type { BudgetView } from '../../contracts/dashboard-types';
import type { Database } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { Clock } from '../../lib/clock';
import type { BudgetRepository } from '../../repositories/budget.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';

export interface BudgetServiceDeps {
  db: Database;
  clock: Clock;
  budgets: BudgetRepository;
  regions: RegionRepository;
  access: AccessService;
  audit: AuditService;
}

/** 补贴预算: an administrator sets one per region (theirs or one below it) and month; the subsidy dashboard compares against it. */
export class BudgetService {
  constructor(private readonly deps: BudgetServiceDeps) {}

  private assertAdminOver(actor: Actor, regionPath: string): void {
    if (!hasRole(actor, 'admin') || actor.regionPath === null) throw new AppError('BUDGET_ADMIN_ONLY');
    if (!this.deps.access.isAdminOver(actor, regionPath)) throw new AppError('BUDGET_REGION_OUT_OF_SCOPE');
  }

  async list(actor: Actor, q: { month?: string; regionId?: number; limit: number; offset: number }): Promise<{ items: BudgetView[]; total: number }> {
    if (!hasRole(actor, 'admin') || actor.regionPath === null) throw new AppError('BUDGET_ADMIN_ONLY');
    let path = actor.regionPath;
    if (q.regionId !== undefined) {
      const region = await this.deps.regions.findById(q.regionId);
      if (!region) throw new AppError('REGION_NOT_FOUND');
      this.assertAdminOver(actor, region.path);
      path = region.path;
    }
    const { items, total } = await this.deps.budgets.list({ regionPath: path, month: q.month, limit: q.limit, offset: q.offset });
    return { items: await this.views(items), total };
  }

  async create(actor: Actor, input: { regionId: number; month: string; amountFen: number; note: string }): Promise<BudgetView> {
    const region = await this.deps.regions.findById(input.regionId);
    if (!region) throw new AppError('REGION_NOT_FOUND');
    this.assertAdminOver(actor, region.path);
    const now = this.deps.clock.now();
    const id = await this.deps.db.transaction(async (em) => {
      const made = await this.deps.budgets.insert(em, {
        regionId: region.id,
        regionPath: region.path,
        month: input.month,
        amountFen: input.amountFen,
        note: input.note,
        version: 1,
        createdByAccountId: actor.accountId,
        updatedByAccountId: actor.accountId,
        createdAt: now,
        updatedAt: now,
      });
      if (made === null) throw new AppError('BUDGET_EXISTS');
      await this.deps.audit.record(
        em,
        actor,
        'budget.create',
        { type: 'subsidy_budget', id: made },
        { regionId: region.id, month: input.month, amountFen: input.amountFen },
      );
      return made;
    });
    return (await this.views([(await this.deps.budgets.findById(id))!]))[0];
  }

  async update(actor: Actor, id: number, input: { amountFen: number; note?: string; version: number }): Promise<BudgetView> {
    const b = await this.deps.budgets.findById(id);
    if (!b) throw new AppError('BUDGET_NOT_FOUND');
    this.assertAdminOver(actor, b.regionPath);
    assertVersion(b.version, input.version);
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.budgets.update(em, id, input.version, { amountFen: input.amountFen, note: input.note ?? b.note }, actor.accountId, now))) {
        throw new AppError('VERSION_CONFLICT');
      }
      await this.deps.audit.record(em, actor, 'budget.update', { type: 'subsidy_budget', id }, { amountFen: { from: b.amountFen, to: input.amountFen } });
    });
    return (await this.views([(await this.deps.budgets.findById(id))!]))[0];
  }

  private async views(rows: SubsidyBudget[]): Promise<BudgetView[]> {
    const names = new Map((await this.deps.regions.findByIds([...new Set(rows.map((b) => b.regionId))])).map((r) => [r.id, r.name]));
    return rows.map((b) => ({
      id: b.id,
      regionId: b.regionId,
      regionName: names.get(b.regionId) ?? '',
      month: b.month,
      amountFen: b.amountFen,
      note: b.note,
      version: b.version,
      updatedAt: b.updatedAt.toISOString(),
    }));
  }
}
