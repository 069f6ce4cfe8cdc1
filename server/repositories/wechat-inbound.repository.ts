import { WechatInbound } from '../../entities';
import type { Database } from '../db/database';

export class WechatInboundRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records a pushed message by its dedupe key. True for the first delivery; false when the key is already there
   * (a retry, perhaps on another instance): the unique index decides, so concurrent retries cannot both win.
   */
  async claim(row: Pick<WechatInbound, 'dedupeKey' | 'openid' | 'msgType' | 'receivedAt'>): Promise<boolean> {
    try {
      await this.db.manager.insert(WechatInbound, { ...row, reply: null, handledAt: null });
      return true;
    } catch (err) {
      if (this.db.isDuplicateKey(err)) return false;
      throw err;
    }
  }

  findByKey(dedupeKey: string): Promise<WechatInbound | null> {
    return this.db.manager.findOneBy(WechatInbound, { dedupeKey });
  }

  async markHandled(dedupeKey: string, reply: string, at: Date): Promise<void> {
    await this.db.manager.update(WechatInbound, { dedupeKey }, { reply, handledAt: at });
  }
}
