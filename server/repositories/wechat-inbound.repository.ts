import { WechatInbound } from '../../entities';
import type { Database } from '../db/database';

export class WechatInboundRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records a pushed message by its dedupe key. True for the first delivery; false when the key is already there
   * (a retry, perhaps on another instance): the unique index decides, so concurrent retries cannot both win.
   */
  async claim(row: Pick<WechatInbound, 'dedupeKey' | 'openid' | 'msgType' | 'receivedAt' | 'said'>): Promise<boolean> {
    try {
      await this.db.manager.insert(WechatInbound, { ...row, intent: '', accountId: null, seniorId: null, reply: null, handledAt: null });
      return true;
    } catch (err) {
      if (this.db.isDuplicateKey(err)) return false;
      throw err;
    }
  }

  findByKey(dedupeKey: string): Promise<WechatInbound | null> {
    return this.db.manager.findOneBy(WechatInbound, { dedupeKey });
  }

  async markHandled(dedupeKey: string, reply: string, at: Date, about: { intent: string; accountId: number | null; seniorId: number | null }): Promise<void> {
    await this.db.manager.update(WechatInbound, { dedupeKey }, { reply, handledAt: at, ...about });
  }

  /** A senior's conversation with the bot, newest first (their own messages and their family's about them). */
  conversationOf(seniorId: number, limit: number, beforeId?: number): Promise<WechatInbound[]> {
    const q = this.db.manager.createQueryBuilder(WechatInbound, 'w').where('w.seniorId = :seniorId', { seniorId });
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
