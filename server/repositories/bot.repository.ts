import type { EntityManager } from 'typeorm';
import { BotConversation, SeniorBindCode } from '../../entities';
import type { Database } from '../db/database';
import { BatchLoader } from '../lib/batch-loader';
import { Batcher } from '../lib/batcher';

/** The bot's pending step per public-account user, shared by every instance. */
export class BotConversationRepository {
  /** Concurrent messages' lookups share one query, and their writes one upsert (BatchLoader, Batcher). */
  private readonly loader = new BatchLoader<string, BotConversation>(
    async (openids) => new Map((await this.db.rows(BotConversation).findIn(this.db.manager, 'openid', openids)).map((r) => [r.openid, r])),
  );
  private readonly writes = new Batcher<BotConversation, void>(async (rows) => {
    // Two messages of one user in one batch: the later write wins, as it would have one statement at a time.
    const last = [...new Map(rows.map((r) => [r.openid, r])).values()];
    await this.db.retryingDeadlocks(() => this.db.rows(BotConversation).upsertMany(this.db.manager, last, 'openid'));
    return rows.map(() => undefined);
  });

  constructor(private readonly db: Database) {}

  /** The pending step, or null when there is none or it has expired at `now`. */
  async pending(openid: string, now: Date): Promise<Record<string, unknown> | null> {
    const row = await this.loader.load(openid);
    return row && row.pending && row.expiresAt > now ? row.pending : null;
  }

  set(openid: string, pending: Record<string, unknown> | null, now: Date, ttlMs: number): Promise<void> {
    return this.writes.push({ openid, pending, expiresAt: new Date(now.getTime() + ttlMs), updatedAt: now });
  }
}

/** Senior binding codes and QR scenes. */
export class BindCodeRepository {
  constructor(private readonly db: Database) {}

  insert(em: EntityManager, row: Omit<SeniorBindCode, 'id'>): Promise<SeniorBindCode> {
    return em.save(SeniorBindCode, em.create(SeniorBindCode, row));
  }

  findLiveCode(code: string, now: Date, em: EntityManager = this.db.manager): Promise<SeniorBindCode | null> {
    return em.createQueryBuilder(SeniorBindCode, 'c').where('c.code = :code AND c.usedAt IS NULL AND c.codeExpiresAt > :now', { code, now }).getOne();
  }

  findLiveScene(scene: string, now: Date, em: EntityManager = this.db.manager): Promise<SeniorBindCode | null> {
    return em.createQueryBuilder(SeniorBindCode, 'c').where('c.scene = :scene AND c.usedAt IS NULL AND c.sceneExpiresAt > :now', { scene, now }).getOne();
  }

  /** Ends a senior's unused codes and QR scenes now (a new one replaces them). */
  async expireOf(em: EntityManager, seniorId: number, now: Date): Promise<number> {
    const r = await em
      .createQueryBuilder()
      .update(SeniorBindCode)
      .set({ codeExpiresAt: now, sceneExpiresAt: now })
      .where('seniorId = :seniorId AND usedAt IS NULL AND (codeExpiresAt > :now OR sceneExpiresAt > :now)', { seniorId, now })
      .execute();
    return r.affected ?? 0;
  }

  /** Spends it exactly once: of two racing uses only one sees `true`. */
  async use(em: EntityManager, id: number, accountId: number, now: Date): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(SeniorBindCode)
      .set({ usedAt: now, usedByAccountId: accountId })
      .where('id = :id AND usedAt IS NULL', { id })
      .execute();
    return r.affected === 1;
  }
}
