import { WechatInbound, WechatPushClaim } from '../../entities';
import type { Database } from '../db/database';
import { Batcher } from '../lib/batcher';

/** A handled exchange, as written once to the conversation log. */
export type Exchange = Omit<WechatInbound, 'id'>;

export class WechatInboundRepository {
  /**
   * Every message pushed in one event-loop turn is claimed by one INSERT IGNORE … RETURNING (see Batcher). Retries
   * of one message can arrive in the same batch: the first of them is the delivery, the rest retries.
   */
  private readonly claims = new Batcher<WechatPushClaim, boolean>(async (rows) => {
    const firsts = new Map<string, WechatPushClaim>();
    for (const r of rows) if (!firsts.has(r.dedupeKey)) firsts.set(r.dedupeKey, r);
    const inserted = new Set(
      await this.db.retryingDeadlocks(() => this.db.rows(WechatPushClaim).insertIgnoring(this.db.manager, [...firsts.values()], 'dedupeKey')),
    );
    return rows.map((r) => firsts.get(r.dedupeKey) === r && inserted.has(r.dedupeKey));
  });

  /**
   * The exchanges answered in one turn, in one INSERT. Only a claim's winner writes its exchange, once; should a
   * row for the key be there all the same, the one there is kept (IGNORE), so one row cannot fail the batch.
   */
  private readonly exchanges = new Batcher<Exchange, void>(async (rows) => {
    const fresh = [...new Map(rows.map((r) => [r.dedupeKey, r])).values()];
    await this.db.retryingDeadlocks(() => this.db.rows(WechatInbound).insertMany(this.db.manager, fresh, 'ignore'));
    return rows.map(() => undefined);
  });

  constructor(private readonly db: Database) {}

  /**
   * Claims a pushed message by its dedupe key. True for the first delivery; false when the key is already there
   * (a retry, perhaps on another instance): the primary key decides, so concurrent retries cannot both win.
   */
  claim(dedupeKey: string, at: Date): Promise<boolean> {
    return this.claims.push({ dedupeKey, claimedAt: at });
  }

  /** Writes what a claimed message was and what it was answered (batched with the others of this turn). */
  record(exchange: Exchange): Promise<void> {
    return this.exchanges.push(exchange);
  }

  /** Replaces an exchange already written (or writes it): for the rare answer that changed after it was recorded. */
  async rewrite(exchange: Exchange): Promise<void> {
    await this.db.retryingDeadlocks(() => this.db.rows(WechatInbound).upsertMany(this.db.manager, [exchange], 'dedupeKey'));
  }

  /**
   * Deletes the claims made before `before`, `chunk` at a time: each chunk's keys are read without locking and then
   * deleted by primary key, so the busiest table is never scanned under locks while messages are being claimed.
   * Returns how many went. The exchanges (the conversation log) are not touched.
   */
  async purgeClaimsBefore(before: Date, chunk = 5000): Promise<number> {
    let removed = 0;
    for (;;) {
      const keys = (
        await this.db.manager
          .createQueryBuilder(WechatPushClaim, 'c')
          .select('c.dedupeKey', 'dedupeKey')
          .where('c.claimedAt < :before', { before })
          .limit(chunk)
          .getRawMany<{ dedupeKey: string }>()
      ).map((r) => r.dedupeKey);
      if (keys.length === 0) return removed;
      const gone = await this.db.manager
        .createQueryBuilder()
        .delete()
        .from(WechatPushClaim)
        .where('dedupeKey IN (:...keys) AND claimedAt < :before', { keys, before })
        .execute();
      removed += gone.affected ?? 0;
      if (keys.length < chunk) return removed;
    }
  }

  findByKey(dedupeKey: string): Promise<WechatInbound | null> {
    return this.db.manager.findOneBy(WechatInbound, { dedupeKey });
  }

  /** A senior's conversation with the bot, newest first (their own messages and their family's about them, or only one account's). */
  conversationOf(seniorId: number, limit: number, beforeId?: number, accountId?: number): Promise<WechatInbound[]> {
    const q = this.db.manager.createQueryBuilder(WechatInbound, 'w').where('w.seniorId = :seniorId', { seniorId });
    if (accountId !== undefined) q.andWhere('w.accountId = :accountId', { accountId });
    if (beforeId !== undefined) q.andWhere('w.id < :beforeId', { beforeId });
    return q.orderBy('w.id', 'DESC').take(limit).getMany();
  }

  /** How many times this user sent a wrong binding code since `since` (guessing is slowed down). */
  countSince(openid: string, intent: string, since: Date): Promise<number> {
    return this.db.manager
      .createQueryBuilder(WechatInbound, 'w')
      .where('w.openid = :openid AND w.intent = :intent AND w.receivedAt > :since', { openid, intent, since })
      .getCount();
  }
}
