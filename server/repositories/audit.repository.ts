import type { EntityManager } from 'typeorm';
import { AuditLog } from '../../entities';
import type { Database } from '../db/database';

export class AuditRepository {
  constructor(private readonly db: Database) {}

  insert(em: EntityManager, row: Omit<AuditLog, 'id'>): Promise<AuditLog> {
    return em.save(AuditLog, em.create(AuditLog, row));
  }

  forEntity(entityType: string, entityId: number): Promise<AuditLog[]> {
    return this.db.manager.find(AuditLog, { where: { entityType, entityId }, order: { id: 'ASC' } });
  }
}
