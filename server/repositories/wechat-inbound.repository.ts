import { WechatInbound } from '../../entities';
import type { Database } from '../db/database';
import { Batcher } from '../lib/batcher';

/** The last write for each key wins, as it would have with one statement per write. */
function dedupeLast<T extends { dedupeKey: string }>(rows: T[]): T[] {
  return [...new Map(rows.map((r) => [r.dedupeKey, r])).values()];
}

type Claim = Pick<WechatInbound, 'dedupeKey' | 'openid' | 'msgType' | 'receivedAt' | 'said'>;
type Handled = Pick<WechatInbound, 'dedupeKey' | 'reply' | 'handledAt' | 'intent' | 'accountId' | 'seniorId'>;
const HANDLED_COLUMNS = ['reply', 'handledAt', 'intent', 'accountId', 'seniorId'] as const;

export class WechatInboundRepository {
  /** Every message pushed in one event-loop turn is claimed by one INSERT … RETURNING (see Batcher). */
  private readonly claims = new Batcher<Claim, boolean>(async (rows) => {
    // Retries of one message can arrive in the same batch: the first of them is the delivery, the rest retries.
    const firsts = new Map<string, Claim>();
    for (const r of rows) if (!firsts.has(r.dedupeKey)) firsts.set(r.dedupeKey, r);
    // Spelled out rather than spread: one object shape for the whole batch (the spread showed in profiles).
    const fresh = [...firsts.values()].map((r) => ({
      dedupeKey: r.dedupeKey,
      openid: r.openid,
      msgType: r.msgType,
      receivedAt: r.receivedAt,
      said: r.said,
      intent: '',
      accountId: null,
      seniorId: null,
      reply: null,
      handledAt: null,
    }));
    const inserted = new Set(await this.db.retryingDeadlocks(() => this.db.rows(WechatInbound).insertIgnoring(this.db.manager, fresh, 'dedupeKey')));
    return rows.map((r) => firsts.get(r.dedupeKey) === r && inserted.has(r.dedupeKey));
  });

  private readonly handled = new Batcher<Handled, void>(async (rows) => {
    await this.db.retryingDeadlocks(() => this.db.rows(WechatInbound).updateMany(this.db.manager, 'dedupeKey', HANDLED_COLUMNS, dedupeLast(rows)));
    return rows.map(() => undefined);
  });

  constructor(private readonly db: Database) {}

  /**
   * Records a pushed message by its dedupe key. True for the first delivery; false when the key is already there
   * (a retry, perhaps on another instance): the unique index decides, so concurrent retries cannot both win.
   */
  claim(row: Claim): Promise<boolean> {
    return this.claims.push(row);
  }

  findByKey(dedupeKey: string): Promise<WechatInbound | null> {
    return this.db.manager.findOneBy(WechatInbound, { dedupeKey });
  }

  markHandled(dedupeKey: string, reply: string, at: Date, about: { intent: string; accountId: number | null; seniorId: number | null }): Promise<void> {
    return this.handled.push({ dedupeKey, reply, handledAt: at, ...about });
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
