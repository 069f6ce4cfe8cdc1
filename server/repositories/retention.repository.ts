import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { AuditLog, BotConversation, FamilyLinkCode, SeniorBindCode, Session, VisitPhoto, WechatInbound } from '../../entities';
import type { Database } from '../db/database';

/** Rows deleted per statement: each chunk's ids are read without locking, then deleted by primary key. */
const CHUNK = 5000;

/**
 * Deleting personal data whose time is up (PersonalDataRetention). Oldest first by primary key, a chunk at a time,
 * so that no statement scans or locks a busy table at length while the API is writing to it.
 */
export class RetentionRepository {
  constructor(private readonly db: Database) {}

  /** What seniors and their families said to the bot, and what it answered. */
  chatLogBefore(before: Date): Promise<number> {
    return this.purge(WechatInbound, 't.receivedAt < :before', { before });
  }

  /** Sessions expired or signed out before `before`. */
  endedSessionsBefore(before: Date): Promise<number> {
    return this.purge(Session, 't.expiresAt < :before OR t.revokedAt < :before', { before });
  }

  /** Family-link codes used or expired before `before` (the links they made stay). */
  spentLinkCodesBefore(before: Date): Promise<number> {
    return this.purge(FamilyLinkCode, 't.usedAt < :before OR t.expiresAt < :before', { before });
  }

  /** Binding codes and QR scenes used, or with both expired, before `before`. */
  spentBindCodesBefore(before: Date): Promise<number> {
    return this.purge(SeniorBindCode, 't.usedAt < :before OR (t.codeExpiresAt < :before AND t.sceneExpiresAt < :before)', { before });
  }

  auditLogBefore(before: Date): Promise<number> {
    return this.purge(AuditLog, 't.createdAt < :before', { before });
  }

  /** Up to `limit` visit photos taken before `before`, oldest first: their ids and where their bytes are. */
  photosBefore(before: Date, limit = CHUNK): Promise<Array<{ id: number; storeKey: string }>> {
    return this.db.manager
      .createQueryBuilder(VisitPhoto, 't')
      .select(['t.id', 't.storeKey'])
      .where('t.createdAt < :before', { before })
      .orderBy('t.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Deletes visit photo rows by id (their files deleted first). */
  async deletePhotos(ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.db.manager.createQueryBuilder().delete().from(VisitPhoto).where('id IN (:...ids)', { ids }).execute();
    return r.affected ?? 0;
  }

  /** What the bot was waiting for from someone who has not written since before `before`. */
  async idleConversationsBefore(before: Date): Promise<number> {
    let removed = 0;
    for (;;) {
      const keys = (
        await this.db.manager
          .createQueryBuilder(BotConversation, 't')
          .select('t.openid', 'openid')
          .where('t.updatedAt < :before', { before })
          .limit(CHUNK)
          .getRawMany<{ openid: string }>()
      ).map((r) => r.openid);
      if (keys.length === 0) return removed;
      const r = await this.db.manager
        .createQueryBuilder()
        .delete()
        .from(BotConversation)
        .where('openid IN (:...keys) AND updatedAt < :before', { keys, before })
        .execute();
      removed += r.affected ?? 0;
      if (keys.length < CHUNK) return removed;
    }
  }

  private async purge<T extends ObjectLiteral>(entity: EntityTarget<T>, where: string, params: Record<string, unknown>): Promise<number> {
    let removed = 0;
    for (;;) {
      const ids = (
        await this.db.manager
          .createQueryBuilder(entity, 't')
          .select('t.id', 'id')
          .where(where, params)
          .orderBy('t.id', 'ASC')
          .limit(CHUNK)
          .getRawMany<{ id: number | string }>()
      ).map((r) => Number(r.id));
      if (ids.length === 0) return removed;
      const r = await this.db.manager.createQueryBuilder().delete().from(entity).where('id IN (:...ids)', { ids }).execute();
      removed += r.affected ?? 0;
      if (ids.length < CHUNK) return removed;
    }
  }
}
