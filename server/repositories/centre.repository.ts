import { Centre, ServiceItem, type ServiceCategory } from '../../entities';
import type { Database } from '../db/database';

export class CentreRepository {
  constructor(private readonly db: Database) {}

  findById(id: number): Promise<Centre | null> {
    return this.db.manager.findOneBy(Centre, { id });
  }

  findByIds(ids: number[]): Promise<Centre[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.createQueryBuilder(Centre, 'c').where('c.id IN (:...ids)', { ids }).getMany();
  }

  /** Active centres, optionally only those offering a category of service. A district has tens to a few
   *  hundred centres, so distance is computed in memory rather than in dialect-specific SQL. */
  findActive(category?: ServiceCategory): Promise<Centre[]> {
    const qb = this.db.manager.createQueryBuilder(Centre, 'c').where('c.active = :active', { active: true });
    if (category) {
      qb.andWhere(
        'EXISTS (SELECT 1 FROM service_item i WHERE i.centreId = c.id AND i.category = :category AND i.active = :active)',
        { category },
      );
    }
    return qb.orderBy('c.id', 'ASC').getMany();
  }

  serviceItems(centreId: number): Promise<ServiceItem[]> {
    return this.db.manager.find(ServiceItem, { where: { centreId, active: true }, order: { id: 'ASC' } });
  }

  findItemsByIds(ids: number[]): Promise<ServiceItem[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.createQueryBuilder(ServiceItem, 'i').where('i.id IN (:...ids)', { ids }).getMany();
  }
}
