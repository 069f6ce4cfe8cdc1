import type { EntityManager } from 'typeorm';
import { AuditLog } from '../../entities';
import type { Database } from '../db/database';
import { LIKE_ESCAPE, likeStartingWith } from '../lib/like';

/** The centre and region an audit entry belongs to (see AuditLog.scopeCentreId). */
export interface AuditScope {
  centreId: number | null;
  regionPath: string | null;
}

/**
 * Where a record of each kind belongs, read in one query by its id: its centre (if it has one) and the region
 * path that places it. Kinds not listed here are placed by who acted (AuditService).
 */
const SCOPE_OF: Readonly<Record<string, string>> = {
  booking: 'SELECT b.centreId AS centreId, c.regionPath AS regionPath FROM booking b JOIN centre c ON c.id = b.centreId WHERE b.id = ?',
  refund:
    'SELECT b.centreId AS centreId, c.regionPath AS regionPath FROM refund r JOIN booking b ON b.id = r.bookingId JOIN centre c ON c.id = b.centreId WHERE r.id = ?',
  senior: 'SELECT homeCentreId AS centreId, regionPath AS regionPath FROM senior WHERE id = ?',
  family_link: 'SELECT s.homeCentreId AS centreId, s.regionPath AS regionPath FROM family_link f JOIN senior s ON s.id = f.seniorId WHERE f.id = ?',
  emergency_alert: 'SELECT e.centreId AS centreId, s.regionPath AS regionPath FROM emergency_alert e JOIN senior s ON s.id = e.seniorId WHERE e.id = ?',
  centre: 'SELECT id AS centreId, regionPath AS regionPath FROM centre WHERE id = ?',
  service_item: 'SELECT i.centreId AS centreId, c.regionPath AS regionPath FROM service_item i JOIN centre c ON c.id = i.centreId WHERE i.id = ?',
  slot: 'SELECT s.centreId AS centreId, c.regionPath AS regionPath FROM slot s JOIN centre c ON c.id = s.centreId WHERE s.id = ?',
  slot_template: 'SELECT t.centreId AS centreId, c.regionPath AS regionPath FROM slot_template t JOIN centre c ON c.id = t.centreId WHERE t.id = ?',
  menu: 'SELECT s.centreId AS centreId, c.regionPath AS regionPath FROM menu m JOIN slot s ON s.id = m.slotId JOIN centre c ON c.id = s.centreId WHERE m.id = ?',
  region: 'SELECT NULL AS centreId, path AS regionPath FROM region WHERE id = ?',
  settlement: 'SELECT NULL AS centreId, regionPath AS regionPath FROM settlement WHERE id = ?',
  subsidy_policy: 'SELECT NULL AS centreId, regionPath AS regionPath FROM subsidy_policy WHERE id = ?',
  account:
    'SELECT a.centreId AS centreId, COALESCE(a.regionPath, c.regionPath) AS regionPath FROM account a LEFT JOIN centre c ON c.id = a.centreId WHERE a.id = ?',
};

/** An entry to write; without `scope` it is placed by its record (AuditRepository.insert). */
export type AuditRow = Omit<AuditLog, 'id' | 'scopeCentreId' | 'scopeRegionPath'> & { scope?: AuditScope };

/** Which entries a reader may see: their centre's (staff), or those inside their region (administrators). */
export type AuditReadScope = { centreId: number } | { regionPath: string; withUnscoped: boolean };

export interface AuditFilter {
  scope: AuditReadScope;
  actorAccountId?: number;
  actions?: string[];
  entityType?: string;
  entityId?: number;
  /** [from, to) instants. */
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export class AuditRepository {
  constructor(private readonly db: Database) {}

  /**
   * Writes an entry. Its scope is what the caller says, or else where the record belongs (scopeOf), or else
   * nowhere (null: only administrators of a top-level region read it).
   */
  async insert(em: EntityManager, row: AuditRow): Promise<AuditLog> {
    const { scope, ...entry } = row;
    const placed = scope ?? (await this.scopeOf(em, row.entityType, row.entityId));
    return em.save(AuditLog, em.create(AuditLog, { ...entry, scopeCentreId: placed?.centreId ?? null, scopeRegionPath: placed?.regionPath ?? null }));
  }

  /** Where a record belongs, or null for a kind without a known place (or a record that is gone). */
  async scopeOf(em: EntityManager, entityType: string, id: number): Promise<AuditScope | null> {
    const sql = SCOPE_OF[entityType];
    if (!sql) return null;
    const [row] = (await em.query(sql, [id])) as Array<{ centreId: number | string | null; regionPath: string | null }>;
    if (!row || (row.centreId === null && row.regionPath === null)) return null;
    return { centreId: row.centreId === null ? null : Number(row.centreId), regionPath: row.regionPath };
  }

  /** Many rows in one statement (an import writes one per senior it creates or changes). */
  insertMany(em: EntityManager, rows: ReadonlyArray<Omit<AuditLog, 'id'>>): Promise<void> {
    return this.db.rows(AuditLog).insertMany(em, rows);
  }

  forEntity(entityType: string, entityId: number): Promise<AuditLog[]> {
    return this.db.manager.find(AuditLog, { where: { entityType, entityId }, order: { id: 'ASC' } });
  }

  /** Entries inside a reader's scope matching the filters, newest first, with the total. */
  async list(f: AuditFilter): Promise<{ items: AuditLog[]; total: number }> {
    const qb = this.db.manager.createQueryBuilder(AuditLog, 'a');
    if ('centreId' in f.scope) {
      qb.where('a.scopeCentreId = :centreId', { centreId: f.scope.centreId });
    } else {
      const inside = `a.scopeRegionPath LIKE :path ${LIKE_ESCAPE}`;
      qb.where(f.scope.withUnscoped ? `(${inside} OR (a.scopeRegionPath IS NULL AND a.scopeCentreId IS NULL))` : inside, {
        path: likeStartingWith(f.scope.regionPath),
      });
    }
    if (f.actorAccountId !== undefined) qb.andWhere('a.actorAccountId = :actor', { actor: f.actorAccountId });
    if (f.actions?.length) qb.andWhere('a.action IN (:...actions)', { actions: f.actions });
    if (f.entityType !== undefined) qb.andWhere('a.entityType = :type', { type: f.entityType });
    if (f.entityId !== undefined) qb.andWhere('a.entityId = :entityId', { entityId: f.entityId });
    if (f.from) qb.andWhere('a.createdAt >= :from', { from: f.from });
    if (f.to) qb.andWhere('a.createdAt < :to', { to: f.to });
    const [items, total] = await qb.orderBy('a.createdAt', 'DESC').addOrderBy('a.id', 'DESC').skip(f.offset).take(f.limit).getManyAndCount();
    return { items, total };
  }
}
