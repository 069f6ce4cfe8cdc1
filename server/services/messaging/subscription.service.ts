import { AppError } from '../../errors';
import type { WechatMessenger } from '../../gateways/wechat-messenger.gateway';
import type { Clock } from '../../lib/clock';
import type { AccountRepository } from '../../repositories/account.repository';
import type { SubscribeCreditRepository } from '../../repositories/subscribe-credit.repository';
import type { TemplateIds } from '../../wechat-templates';
import type { Actor } from '../access/actor';

/** What wx.requestSubscribeMessage reported per template ('ban' and 'filter' are WeChat's other answers). */
export type SubscribeAnswer = 'accept' | 'reject' | 'ban' | 'filter';

/**
 * Records the mini-program's subscribe-message consents. WeChat allows one subscribe message per `accept`
 * (one-time subscription), so each accept is one credit that a reminder spends; an accept also lifts a refusal
 * recorded from an earlier 43101.
 */
export class SubscriptionService {
  constructor(
    private readonly clock: Clock,
    private readonly accounts: AccountRepository,
    private readonly credits: SubscribeCreditRepository,
    private readonly messenger: WechatMessenger,
    private readonly templates: TemplateIds,
  ) {}

  async record(actor: Actor, templateIds: string[], result: Record<string, SubscribeAnswer>): Promise<{ credits: Record<string, number> }> {
    const known = new Set(Object.values(this.templates).map((t) => t.mini));
    const unknown = templateIds.filter((t) => !known.has(t));
    if (unknown.length)
      throw new AppError('VALIDATION_FAILED', undefined, { fields: Object.fromEntries(unknown.map((t) => [`templateIds.${t}`, 'unknown template'])) });
    const account = await this.accounts.findById(actor.accountId);
    if (!account?.miniOpenid) throw new AppError('NO_MINI_PROGRAM_IDENTITY');
    const ids = [...new Set(templateIds)];
    const accepted = ids.filter((t) => result[t] === 'accept');
    const now = this.clock.now();
    for (const t of accepted) await this.credits.grant(account.id, t, now);
    if (accepted.length) await this.messenger.consentGiven(account.miniOpenid, accepted);
    return { credits: await this.credits.balances(account.id, ids) };
  }
}
