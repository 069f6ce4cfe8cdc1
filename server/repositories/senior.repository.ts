import type { EntityManager } from 'typeorm';
import { Senior } from '../../entities';
import type { Database } from '../db/database';
import { BatchLoader } from '../lib/batch-loader';

export interface SeniorFilter {
  regionPath?: string;
  homeCentreId?: number;
  ids?: number[];
  search?: string;
  limit: number;
  offset: number;
}

export class SeniorRepository {
  private readonly loader = new BatchLoader<number, Senior>(async (ids) => new Map((await this.findByIds(ids)).map((s) => [s.id, s])));

  constructor(private readonly db: Database) {}

  /** By id, coalesced with concurrent lookups into one query (BatchLoader). The entity is shared: read only. */
  async load(id: number): Promise<Senior | null> {
    return (await this.loader.load(id)) ?? null;
  }

  findById(id: number, em: EntityManager = this.db.manager): Promise<Senior | null> {
    return em.findOneBy(Senior, { id });
  }

  findByIds(ids: number[]): Promise<Senior[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.rows(Senior).findIn(this.db.manager, 'id', ids);
  }

  /** Takes the seniors' row locks for the rest of the transaction, in id order so that two transactions locking
   *  overlapping sets cannot deadlock. Bookings for one senior then go one at a time, so per-day and per-month
   *  subsidy caps cannot be overrun by two bookings racing each other. */
  async lockMany(em: EntityManager, ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    await em.query(`SELECT id FROM senior WHERE id IN (${sorted.map(() => '?').join(', ')}) ORDER BY id${this.db.forUpdate}`, sorted);
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
