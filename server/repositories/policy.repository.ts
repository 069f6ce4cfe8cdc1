import { SubsidyPolicy, type ServiceCategory } from '../../entities';
import type { Database } from '../db/database';
import { BatchLoader } from '../lib/batch-loader';

export class PolicyRepository {
  private readonly loader = new BatchLoader<ServiceCategory, SubsidyPolicy[]>(async (categories) => {
    const rows = await this.db.rows(SubsidyPolicy).findIn(this.db.manager, 'category', categories, 'ORDER BY id');
    return new Map(categories.map((c) => [c, rows.filter((p) => p.active && p.category === c)]));
  });

  constructor(private readonly db: Database) {}

  /** Active policies for a category; date, region and eligibility are judged by pricing. Coalesced with
   *  concurrent lookups into one query (BatchLoader); the entities are shared: read only. */
  async activeFor(category: ServiceCategory): Promise<SubsidyPolicy[]> {
    return (await this.loader.load(category)) ?? [];
  }

  all(): Promise<SubsidyPolicy[]> {
    return this.db.manager.find(SubsidyPolicy, { order: { id: 'ASC' } });
  }
}
