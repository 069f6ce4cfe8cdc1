import type { EntityManager } from 'typeorm';
import { WechatAccessToken, WechatSubscribeRefusal } from '../../entities';
import type { Database } from '../db/database';

export interface StoredToken {
  token: string;
  /** When instances stop using it (a margin before WeChat's own expiry). */
  expiresAt: Date;
}

/** The WeChat state every server instance shares: access tokens per appid, subscribe-message refusals. */
export class WechatStateRepository {
  constructor(private readonly db: Database) {}

  async currentToken(appId: string): Promise<StoredToken | null> {
    const row = await this.db.manager.findOneBy(WechatAccessToken, { appId });
    return row ? { token: row.token, expiresAt: row.expiresAt } : null;
  }

  /**
   * Replaces the stored token, unless another instance already has: under the row's lock, a stored token that is
   * still usable at `now` and is not `rejected` (the one WeChat just refused) is returned as it is; otherwise
   * `fetchFresh` runs and its token is stored. Instances that need a token at the same moment thus wait for one
   * fetch instead of each invalidating the token the previous one fetched.
   */
  async refreshToken(appId: string, now: Date, rejected: string | undefined, fetchFresh: () => Promise<StoredToken>): Promise<StoredToken> {
    try {
      return await this.refreshLocked(appId, now, rejected, fetchFresh);
    } catch (err) {
      // Two instances fetching the very first token both lock the same gap and MariaDB kills one of them; by the
      // second attempt the row exists.
      if (!this.db.isDeadlock(err)) throw err;
      return this.refreshLocked(appId, now, rejected, fetchFresh);
    }
  }

  private refreshLocked(appId: string, now: Date, rejected: string | undefined, fetchFresh: () => Promise<StoredToken>): Promise<StoredToken> {
    return this.db.transaction(async (em) => {
      const query = em.createQueryBuilder(WechatAccessToken, 't').where('t.appId = :appId', { appId });
      // SQLite has no row locks; its transaction queue (Database.transaction) already serialises this.
      if (this.db.kind !== 'sqlite') query.setLock('pessimistic_write');
      const stored = await query.getOne();
      if (stored && stored.token !== rejected && stored.expiresAt > now) return { token: stored.token, expiresAt: stored.expiresAt };
      const fresh = await fetchFresh();
      await this.saveToken(em, appId, fresh, now);
      return fresh;
    });
  }

  private async saveToken(em: EntityManager, appId: string, token: StoredToken, now: Date): Promise<void> {
    await em.upsert(WechatAccessToken, { appId, token: token.token, expiresAt: token.expiresAt, updatedAt: now }, ['appId']);
  }

  async hasRefused(openid: string, templateId: string): Promise<boolean> {
    return (await this.db.manager.countBy(WechatSubscribeRefusal, { openid, templateId })) > 0;
  }

  /** Idempotent: a refusal already on record (from another instance, say) stays as it is. */
  async recordRefusal(openid: string, templateId: string, now: Date): Promise<void> {
    try {
      await this.db.manager.insert(WechatSubscribeRefusal, { openid, templateId, refusedAt: now });
    } catch (err) {
      if (!this.db.isDuplicateKey(err)) throw err;
    }
  }

  async clearRefusals(openid: string, templateIds: string[]): Promise<void> {
    if (templateIds.length === 0) return;
    await this.db.manager
      .createQueryBuilder()
      .delete()
      .from(WechatSubscribeRefusal)
      .where('openid = :openid AND templateId IN (:...templateIds)', { openid, templateIds })
      .execute();
  }
}
