import type { EntityManager } from 'typeorm';
import { Senior, type SeniorCategory } from '../../entities';
import type { Database } from '../db/database';
import { BatchLoader } from '../lib/batch-loader';

export interface SeniorFilter {
  regionPath?: string;
  homeCentreId?: number;
  ids?: number[];
  search?: string;
  /** Active records only (the default), deactivated ones only, or both. */
  status?: 'active' | 'inactive' | 'all';
  regionId?: number;
  idCardHash?: string;
  /** Whose next assessment is due on or before this day. */
  assessmentDueBy?: string;
  /** Recorded with this category (the simple-array column holds "a,b,c"). */
  category?: SeniorCategory;
  limit: number;
  offset: number;
}

/** The registry's columns a write may set (everything but the id, the version and the creation time). */
export type SeniorPatch = Partial<Omit<Senior, 'id' | 'version' | 'createdAt'>>;

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
    const qb = this.db.manager.createQueryBuilder(Senior, 's').where('1 = 1');
    const status = filter.status ?? 'active';
    if (status !== 'all') qb.andWhere('s.active = :active', { active: status === 'active' });
    if (filter.regionPath) qb.andWhere('s.regionPath LIKE :path', { path: `${filter.regionPath}%` });
    if (filter.regionId !== undefined) qb.andWhere('s.regionId = :r', { r: filter.regionId });
    if (filter.homeCentreId !== undefined) qb.andWhere('s.homeCentreId = :c', { c: filter.homeCentreId });
    if (filter.ids) qb.andWhere(filter.ids.length ? 's.id IN (:...ids)' : '1 = 0', { ids: filter.ids });
    if (filter.idCardHash) qb.andWhere('s.idCardHash = :h', { h: filter.idCardHash });
    if (filter.assessmentDueBy) qb.andWhere('s.nextAssessmentDue <= :due', { due: filter.assessmentDueBy });
    if (filter.category) {
      // One element of a comma-separated list, on both databases (no CONCAT on SQLite, no || on MariaDB).
      const c = filter.category;
      qb.andWhere('(s.categories = :c0 OR s.categories LIKE :c1 OR s.categories LIKE :c2 OR s.categories LIKE :c3)', {
        c0: c,
        c1: `${c},%`,
        c2: `%,${c}`,
        c3: `%,${c},%`,
      });
    }
    if (filter.search) {
      // A name, or the last four characters of the ID number or of the phone (what people say at a counter).
      const last4 = /^[\dX]{4}$/i.test(filter.search);
      qb.andWhere(last4 ? '(s.name LIKE :q OR s.idCardLast4 = :l4 OR s.phone LIKE :p4)' : 's.name LIKE :q', {
        q: `%${filter.search}%`,
        l4: filter.search.toUpperCase(),
        p4: `%${filter.search}`,
      });
    }
    const [items, total] = await qb.orderBy('s.id', 'ASC').skip(filter.offset).take(filter.limit).getManyAndCount();
    return { items, total };
  }

  findByIdCardHash(hash: string, em: EntityManager = this.db.manager): Promise<Senior | null> {
    return em.findOneBy(Senior, { idCardHash: hash });
  }

  /** The seniors registered under any of these ID hashes (the import's duplicate check, a batch at a time). */
  findByIdCardHashes(hashes: string[], em: EntityManager = this.db.manager): Promise<Senior[]> {
    return this.db.rows(Senior).findIn(em, 'idCardHash', [...new Set(hashes)]);
  }

  /** Seniors registered without an ID number (before the registry kept its hash) bearing one of these names. */
  findUnhashedByNames(names: string[], em: EntityManager = this.db.manager): Promise<Senior[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.db.rows(Senior).findIn(em, 'name', [...new Set(names)], 'AND idCardHash IS NULL');
  }

  /** Inserts seniors in one statement; their ids, with the ID hash each was inserted under. */
  async insertMany(em: EntityManager, rows: ReadonlyArray<Omit<Senior, 'id'>>): Promise<Array<{ id: number; idCardHash: string | null }>> {
    return this.db.rows(Senior).insertReturning(em, rows, ['id', 'idCardHash']);
  }

  /**
   * An edit made on the version read: `… SET …, version = version + 1 WHERE id = ? AND version = ?`. False when the
   * row has moved on (someone else's edit came first): the caller answers VERSION_CONFLICT.
   */
  async updateVersioned(em: EntityManager, id: number, version: number, patch: SeniorPatch): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Senior)
      .set({ ...patch, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return r.affected === 1;
  }
}
