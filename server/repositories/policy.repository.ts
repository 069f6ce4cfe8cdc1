import { SubsidyPolicy, type ServiceCategory } from '../../entities';
import type { Database, Tx } from '../db/database';
import { BatchLoader } from '../lib/batch-loader';
import { FreshReads, type Freshness } from '../lib/fresh-reads';

export class PolicyRepository {
  /** Every active policy, one query for all the lookups of a turn: the table is a district's few dozen rows. */
  private readonly loader = new BatchLoader<'active', SubsidyPolicy[]>(
    async () => new Map([['active', await this.db.rows(SubsidyPolicy).find(this.db.manager, 'WHERE active = 1 ORDER BY id', [])]]),
  );

  private readonly recent: FreshReads<'active', SubsidyPolicy[]>;

  constructor(
    private readonly db: Database,
    freshness: Freshness,
  ) {
    this.recent = new FreshReads(() => this.active(), freshness);
  }

  /** Active policies of every category, as they are now; date, region and eligibility are judged by pricing.
   *  Coalesced with concurrent lookups into one query (BatchLoader); the entities are shared: read only.
   *  A booking is priced from these: what is charged and subsidised follows a policy switched off at once. */
  async active(): Promise<SubsidyPolicy[]> {
    return (await this.loader.load('active')) ?? [];
  }

  /** Active policies for a category, as read at most a moment ago (FreshReads): for quotes, which reserve and
   *  charge nothing (the bot quotes nearly every booking message). */
  async recentFor(category: ServiceCategory): Promise<SubsidyPolicy[]> {
    return ofCategory(await this.recent.get('active'), category);
  }

  all(): Promise<SubsidyPolicy[]> {
    return this.db.manager.find(SubsidyPolicy, { order: { id: 'ASC' } });
  }

  // ---- the administrators' edits (server/services/policy/) ----

  /** Call after committing a change to policies: this instance's next quote reads them afresh. */
  changed(): void {
    this.recent.changed();
  }

  findById(id: number): Promise<SubsidyPolicy | null> {
    return this.db.manager.findOneBy(SubsidyPolicy, { id });
  }

  insert(em: Tx, row: Omit<SubsidyPolicy, 'id'>): Promise<SubsidyPolicy> {
    return em.save(SubsidyPolicy, em.create(SubsidyPolicy, row));
  }

  /**
   * Ends a policy version at `validTo` because `byId` replaces it, only if it is still the latest, not retired, and
   * at `version`: false means someone changed it since it was read.
   */
  async supersede(em: Tx, id: number, version: number, byId: number, validTo: string, now: Date): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(SubsidyPolicy)
      .set({ validTo, supersededById: byId, version: () => 'version + 1', updatedAt: now })
      .where('id = :id AND version = :version AND supersededById IS NULL AND retiredAt IS NULL', { id, version })
      .execute();
    return r.affected === 1;
  }

  /** Retires a policy version (its last day `validTo`), only if it is still at `version` and neither replaced nor retired. */
  async retire(em: Tx, id: number, version: number, validTo: string, now: Date): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(SubsidyPolicy)
      .set({ validTo, retiredAt: now, version: () => 'version + 1', updatedAt: now })
      .where('id = :id AND version = :version AND supersededById IS NULL AND retiredAt IS NULL', { id, version })
      .execute();
    return r.affected === 1;
  }
}

/** The policies of one category, in the order given. */
export function ofCategory<P extends { category: ServiceCategory }>(policies: readonly P[], category: ServiceCategory): P[] {
  return policies.filter((p) => p.category === category);
}
