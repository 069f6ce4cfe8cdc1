import { AppError } from '../../errors';
import type { ExchangeView } from '../../contracts/api-types';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { WechatInboundRepository } from '../../repositories/wechat-inbound.repository';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';

export type { ExchangeView };

/**
 * What a senior (and their family, about them) said to the bot and what it answered: for the centre's staff and the
 * administrators over it. The senior may read their own side of it — what they said and were answered (个人信息保护法
 * art. 45: a person may see what is kept about them) — but not what their family said.
 */
export class ConversationLogService {
  constructor(
    private readonly inbound: WechatInboundRepository,
    private readonly seniors: SeniorRepository,
    private readonly access: AccessService,
  ) {}

  async forSenior(actor: Actor, seniorId: number, q: { limit: number; before?: number }): Promise<{ items: ExchangeView[] }> {
    const senior = await this.seniors.findById(seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.access.assertCanSeeSenior(actor, senior);
    if (rel !== 'staff' && rel !== 'admin' && rel !== 'self') throw new AppError('CHAT_LOG_NOT_ALLOWED');
    const rows = await this.inbound.conversationOf(seniorId, q.limit, q.before, rel === 'self' ? actor.accountId : undefined);
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: r.receivedAt.toISOString(),
        accountId: r.accountId,
        msgType: r.msgType,
        said: r.said,
        intent: r.intent,
        reply: replyText(r.reply),
      })),
    };
  }
}

/** The stored passive reply is JSON (text, or news articles). */
function replyText(stored: string | null): string {
  if (!stored) return '';
  try {
    const v: unknown = JSON.parse(stored);
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map((a: { title?: string }) => a.title ?? '').join('\n');
  } catch {
    // stored by an older version: show as it is
  }
  return stored;
}
