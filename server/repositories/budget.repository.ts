import { SubsidyBudget } from '../../entities';
import type { Database, Tx } from '../db/database';
import { EntityRows } from '../db/entity-rows';

export interface BudgetFilter {
  /** Budgets of this region and the regions below it. */
  regionPath: string;
  month?: string;
  limit: number;
  offset: number;
}

/** 补贴预算: one row per region and month. */
export class BudgetRepository {
  constructor(private readonly db: Database) {}

  findById(id: number): Promise<SubsidyBudget | null> {
    return this.db.manager.findOneBy(SubsidyBudget, { id });
  }

  /** The budgets of these regions for a month. */
  async forRegions(regionIds: number[], month: string): Promise<SubsidyBudget[]> {
    if (regionIds.length === 0) return [];
    const rows = this.db.rows(SubsidyBudget);
    return rows.find(this.db.manager, `WHERE ${rows.q('month')} = ? AND regionId IN (${EntityRows.marks(regionIds.length)})`, [month, ...regionIds]);
  }

  async list(f: BudgetFilter): Promise<{ items: SubsidyBudget[]; total: number }> {
    const qb = this.db.manager.createQueryBuilder(SubsidyBudget, 'b').where('b.regionPath LIKE :path', { path: `${f.regionPath}%` });
    if (f.month !== undefined) qb.andWhere('b.month = :month', { month: f.month });
    const [items, total] = await qb.orderBy('b.month', 'DESC').addOrderBy('b.regionPath', 'ASC').skip(f.offset).take(f.limit).getManyAndCount();
    return { items, total };
  }

  /** The region's budget for the month; null when it already has one (the unique key kept it). */
  async insert(em: Tx, row: Omit<SubsidyBudget, 'id'>): Promise<number | null> {
    const [id] = await this.db.rows(SubsidyBudget).insertIgnoring(em, [row], 'id');
    return id === undefined ? null : Number(id);
  }

  /** A new amount, only if the budget is still at `version`. */
  async update(em: Tx, id: number, version: number, patch: { amountFen: number; note: string }, accountId: number, now: Date): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(SubsidyBudget)
      .set({ ...patch, updatedByAccountId: accountId, updatedAt: now, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return r.affected === 1;
  }
}
