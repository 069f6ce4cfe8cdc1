import type { EntityManager } from 'typeorm';
import { Senior } from '../../entities';
import type { Database } from '../db/database';

export interface SeniorFilter {
  regionPath?: string;
  homeCentreId?: number;
  ids?: number[];
  search?: string;
  limit: number;
  offset: number;
}

export class SeniorRepository {
  constructor(private readonly db: Database) {}

  findById(id: number, em: EntityManager = this.db.manager): Promise<Senior | null> {
    return em.findOneBy(Senior, { id });
  }

  findByIds(ids: number[]): Promise<Senior[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.createQueryBuilder(Senior, 's').where('s.id IN (:...ids)', { ids }).getMany();
  }

  /** Takes the senior's row lock for the rest of the transaction: bookings for one senior go one at a time,
   *  so per-day and per-month subsidy caps cannot be overrun by two bookings racing each other. */
  async lock(em: EntityManager, id: number): Promise<boolean> {
    const rows: unknown[] = await em.query(`SELECT id FROM senior WHERE id = ?${this.db.forUpdate}`, [id]);
    return rows.length > 0;
  }

  async list(filter: SeniorFilter): Promise<{ items: Senior[]; total: number }> {
    const qb = this.db.manager.createQueryBuilder(Senior, 's').where('s.active = :active', { active: true });
    if (filter.regionPath) qb.andWhere('s.regionPath LIKE :path', { path: `${filter.regionPath}%` });
    if (filter.homeCentreId !== undefined) qb.andWhere('s.homeCentreId = :c', { c: filter.homeCentreId });
    if (filter.ids) qb.andWhere(filter.ids.length ? 's.id IN (:...ids)' : '1 = 0', { ids: filter.ids });
    if (filter.search) qb.andWhere('s.name LIKE :q', { q: `%${filter.search}%` });
    const [items, total] = await qb.orderBy('s.id', 'ASC').skip(filter.offset).take(filter.limit).getManyAndCount();
    return { items, total };
  }
}
