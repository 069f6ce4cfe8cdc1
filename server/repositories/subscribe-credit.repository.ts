import { In } from 'typeorm';
import { SubscribeCredit } from '../../entities';
import type { Database } from '../db/database';

/** Subscribe-message consent credits: one per `accept` the mini-program reported, one spent per message sent. */
export class SubscribeCreditRepository {
  constructor(private readonly db: Database) {}

  /** One more credit for each template; portable (no dialect upsert): add to the row, or create it. */
  async grant(accountId: number, templateId: string, now: Date): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await this.db.manager
        .createQueryBuilder()
        .update(SubscribeCredit)
        .set({ credits: () => 'credits + 1', updatedAt: now })
        .where('accountId = :accountId AND templateId = :templateId', { accountId, templateId })
        .execute();
      if (r.affected === 1) return;
      try {
        await this.db.manager.insert(SubscribeCredit, { accountId, templateId, credits: 1, updatedAt: now });
        return;
      } catch (err) {
        // Another request created the row first: add to it instead.
        if (!this.db.isDuplicateKey(err)) throw err;
      }
    }
  }

  /** Spends one credit if there is one; of two racing senders only one gets true for the last credit. */
  async spend(accountId: number, templateId: string, now: Date): Promise<boolean> {
    const r = await this.db.manager
      .createQueryBuilder()
      .update(SubscribeCredit)
      .set({ credits: () => 'credits - 1', updatedAt: now })
      .where('accountId = :accountId AND templateId = :templateId AND credits > 0', { accountId, templateId })
      .execute();
    return r.affected === 1;
  }

  /** WeChat said 43101: whatever we counted, the user has no consent left for this template. */
  async clear(accountId: number, templateId: string, now: Date): Promise<void> {
    await this.db.manager.update(SubscribeCredit, { accountId, templateId }, { credits: 0, updatedAt: now });
  }

  async balances(accountId: number, templateIds: string[]): Promise<Record<string, number>> {
    const rows = templateIds.length ? await this.db.manager.findBy(SubscribeCredit, { accountId, templateId: In(templateIds) }) : [];
    return Object.fromEntries(templateIds.map((t) => [t, rows.find((r) => r.templateId === t)?.credits ?? 0]));
  }
}
