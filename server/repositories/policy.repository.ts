import { SubsidyPolicy, type ServiceCategory } from '../../entities';
import type { Database } from '../db/database';
import { BatchLoader } from '../lib/batch-loader';

export class PolicyRepository {
  /** Every active policy, one query for all the lookups of a turn: the table is a district's few dozen rows. */
  private readonly loader = new BatchLoader<'active', SubsidyPolicy[]>(async () =>
    new Map([['active', await this.db.rows(SubsidyPolicy).find(this.db.manager, 'WHERE active = 1 ORDER BY id', [])]]),
  );

  constructor(private readonly db: Database) {}

  /** Active policies of every category; date, region and eligibility are judged by pricing. Coalesced with
   *  concurrent lookups into one query (BatchLoader); the entities are shared: read only. */
  async active(): Promise<SubsidyPolicy[]> {
    return (await this.loader.load('active')) ?? [];
  }

  /** Active policies for a category (see `active`). */
  async activeFor(category: ServiceCategory): Promise<SubsidyPolicy[]> {
    return ofCategory(await this.active(), category);
  }

  all(): Promise<SubsidyPolicy[]> {
    return this.db.manager.find(SubsidyPolicy, { order: { id: 'ASC' } });
  }
}

/** The policies of one category, in the order given. */
export function ofCategory<P extends { category: ServiceCategory }>(policies: readonly P[], category: ServiceCategory): P[] {
  return policies.filter((p) => p.category === category);
}
