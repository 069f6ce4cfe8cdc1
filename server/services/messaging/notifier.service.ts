import type { Logger } from 'pino';
import type { Account } from '../../../entities';
import type { WechatMessenger } from '../../gateways/wechat-messenger.gateway';
import type { TemplatePair } from '../../wechat-templates';

/** A message for one person, in both shapes WeChat takes: mini-program subscribe and public-account template. */
export interface PersonalNotice {
  templates: TemplatePair;
  /** Template fields (keyword names as the template defines them), one line of ≤ 20 characters each. */
  data: Record<string, string>;
  /** The mini-program page a subscribe message opens. */
  page: string;
  /** Where a template message leads (optional). */
  url?: string;
}

export type NoticeOutcome = 'subscribe' | 'template' | 'unreachable' | 'failed';

/**
 * Reaches an account on WeChat the best way it can: a subscribe message in the mini-program while the person has
 * consent credit, otherwise a template message through the public account. Failures are logged and reported,
 * never thrown: one unreachable relative must not stop the others hearing about an emergency.
 */
export class AccountNotifier {
  constructor(
    private readonly messenger: WechatMessenger,
    private readonly logger: Logger,
  ) {}

  async notify(account: Pick<Account, 'id' | 'miniOpenid' | 'mpOpenid'>, n: PersonalNotice): Promise<NoticeOutcome> {
    try {
      if (account.miniOpenid && (await this.messenger.sendSubscribe(account.miniOpenid, n.templates.mini, n.page, n.data)) === 'sent') {
        return 'subscribe';
      }
      if (account.mpOpenid) {
        await this.messenger.sendTemplate(account.mpOpenid, n.templates.mp, n.data, n.url ? { url: n.url } : {});
        return 'template';
      }
      return 'unreachable';
    } catch (err) {
      this.logger.warn({ err, accountId: account.id }, 'could not notify account');
      return 'failed';
    }
  }
}
