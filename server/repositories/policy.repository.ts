import { SubsidyPolicy, type ServiceCategory } from '../../entities';
import type { Database } from '../db/database';

export class PolicyRepository {
  constructor(private readonly db: Database) {}

  /** Active policies for a category; date, region and eligibility are judged by pricing. */
  activeFor(category: ServiceCategory): Promise<SubsidyPolicy[]> {
    return this.db.manager.find(SubsidyPolicy, { where: { category, active: true }, order: { id: 'ASC' } });
  }

  all(): Promise<SubsidyPolicy[]> {
    return this.db.manager.find(SubsidyPolicy, { order: { id: 'ASC' } });
  }
}
