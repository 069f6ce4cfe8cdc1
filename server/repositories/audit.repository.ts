import type { EntityManager } from 'typeorm';
import { AuditLog } from '../../entities';
import type { Database } from '../db/database';

export class AuditRepository {
  constructor(private readonly db: Database) {}

  insert(em: EntityManager, row: Omit<AuditLog, 'id'>): Promise<AuditLog> {
    return em.save(AuditLog, em.create(AuditLog, row));
  }

  /** Many rows in one statement (an import writes one per senior it creates or changes). */
  insertMany(em: EntityManager, rows: ReadonlyArray<Omit<AuditLog, 'id'>>): Promise<void> {
    return this.db.rows(AuditLog).insertMany(em, rows);
  }

  countByActorSince(accountId: number, action: string, since: Date): Promise<number> {
    return this.db.manager
      .createQueryBuilder(AuditLog, 'a')
      .where('a.actorAccountId = :accountId AND a.action = :action AND a.createdAt > :since', { accountId, action, since })
      .getCount();
  }

  forEntity(entityType: string, entityId: number): Promise<AuditLog[]> {
    return this.db.manager.find(AuditLog, { where: { entityType, entityId }, order: { id: 'ASC' } });
  }
}
