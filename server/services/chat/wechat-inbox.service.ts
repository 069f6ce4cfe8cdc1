import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock';
import { DAY } from '../../lib/time';
import type { Exchange, WechatInboundRepository } from '../../repositories/wechat-inbound.repository';
import { BOT_TEXTS, CONVERSATION_LOG_TEXTS } from '../../words/texts';

/** A message or event pushed by WeChat, as server/lib/wechat-xml reads it (XML element names as keys). */
export interface InboundMessage {
  ToUserName: string;
  FromUserName: string;
  CreateTime: string;
  MsgType: string;
  MsgId?: string;
  Content?: string;
  Recognition?: string;
  Event?: string;
  EventKey?: string;
  Location_X?: string;
  Location_Y?: string;
  Label?: string;
  [key: string]: unknown;
}

export interface NewsArticle {
  title: string;
  description: string;
  picurl?: string;
  url: string;
}

/** What the bot answers: text, news articles, or '' for no passive reply. */
export type BotReply = string | NewsArticle[];

/** A reply with what it was about, for the conversation log staff read. */
export interface BotAnswer {
  reply: BotReply;
  intent: string;
  accountId: number | null;
  seniorId: number | null;
  /**
   * A write the answer depends on, still under way (the step the bot now awaits): the inbox waits for it
   * together with its own record of the reply, and answers only when both are saved.
   */
  saving?: Promise<void>;
}

/** The conversation itself (the bot). The inbox only sees that it answers messages. */
export interface Conversation {
  reply(message: InboundMessage): Promise<BotAnswer | BotReply>;
  /**
   * Called as the message arrives, before it is known to be a first delivery: a conversation may start the
   * lookups its reply will need (read only), so they run alongside the inbox's claim instead of after it.
   */
  prefetch?(message: InboundMessage): void;
}

function asAnswer(a: BotAnswer | BotReply): BotAnswer {
  return typeof a === 'string' || Array.isArray(a) ? { reply: a, intent: '', accountId: null, seniorId: null } : a;
}

/** What the person said or did, as the conversation log shows it. */
export function saidOf(m: InboundMessage): string {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  let said: string;
  switch (m.MsgType) {
    case 'text':
      said = text(m.Content);
      break;
    case 'voice':
      said = CONVERSATION_LOG_TEXTS.voice(text(m.Recognition));
      break;
    case 'location':
      said = CONVERSATION_LOG_TEXTS.location(text(m.Label), text(m.Location_X), text(m.Location_Y));
      break;
    case 'event':
      said = `[${text(m.Event)}] ${text(m.EventKey)}`.trim();
      break;
    default:
      said = `[${text(m.MsgType)}]`;
  }
  return [...said].slice(0, 600).join('');
}

/** Sends an answer later, by customer-service message (WechatMessenger). */
export interface LateReplySender {
  sendText(openid: string, text: string): Promise<unknown>;
}

const LATE = Symbol('late');

/**
 * How long a push's claim is kept. WeChat retries a message three times within about 15 seconds; a claim only has to
 * outlive those. Three days leave room for looking into a bad night, and for pushes WeChat holds back in an outage.
 */
export const CLAIM_RETENTION_MS = 3 * DAY;

/** How long the bot gets before /wechat answers '' and the reply goes later by customer-service message (WeChat allows 5 s). */
export const DEFAULT_REPLY_BUDGET_MS = 4000;

export interface WechatInboxServiceDeps {
  inbound: WechatInboundRepository;
  bot: Conversation;
  late: LateReplySender;
  clock: Clock;
  logger: Logger;
  /** How long to wait for the bot before answering '' and replying later (WeChat allows 5 s; default 4 s). */
  budgetMs?: number;
}

/**
 * Everything between WeChat's push and the bot: each message handled once however often WeChat retries it (the
 * dedupe row is in the database, so a retry landing on another instance is recognised too), and an answer
 * within WeChat's 5 seconds: if the bot needs longer than the budget, WeChat gets '' now (no retry, no "service
 * unavailable" shown to the senior) and the answer follows as a customer-service message.
 */
export class WechatInboxService {
  constructor(private readonly deps: WechatInboxServiceDeps) {}

  async handle(message: InboundMessage): Promise<BotReply> {
    const received: Received = {
      dedupeKey: dedupeKey(message),
      openid: senderOf(message),
      msgType: String(message.MsgType ?? '').slice(0, 32),
      receivedAt: this.deps.clock.now(),
      said: saidOf(message),
    };
    this.deps.bot.prefetch?.(message);
    if (!(await this.deps.inbound.claim(received.dedupeKey, received.receivedAt))) {
      // A retry. If the first delivery has been answered, answer the same (its reply may have been lost);
      // if it is still being handled, say nothing: the first one will answer.
      const prior = await this.deps.inbound.findByKey(received.dedupeKey);
      return prior?.reply ? (JSON.parse(prior.reply) as BotReply) : '';
    }

    const work = this.deps.bot.reply(message).then(asAnswer, (err: unknown): BotAnswer => {
      this.deps.logger.error({ err, msgType: message.MsgType }, 'bot failed to answer');
      return { reply: BOT_TEXTS.sorry, intent: 'error', accountId: null, seniorId: null };
    });
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(() => resolve(LATE), this.deps.budgetMs ?? DEFAULT_REPLY_BUDGET_MS);
    });
    const answer = await Promise.race([work, budget]);
    clearTimeout(timer);
    if (answer === LATE) {
      void this.deliverLate(received, work);
      return '';
    }
    return (await this.record(received, answer, answer.reply)) ? answer.reply : BOT_TEXTS.sorry;
  }

  /**
   * Records the exchange, with what WeChat was answered (`replied`), alongside the bot's own write. False when that
   * write failed: the senior is then told sorry (and a retry gets the same), as when the bot fails outright.
   * Records are batched with the other answers of this turn; claims are what must not be lost (see handle).
   */
  private async record(received: Received, answer: BotAnswer, replied: BotReply): Promise<boolean> {
    const recorded = this.deps.inbound.record(exchange(received, answer, replied, this.deps.clock.now()));
    try {
      await answer.saving;
    } catch (err) {
      this.deps.logger.error({ err }, 'bot could not save the conversation');
      await recorded.catch(() => undefined);
      const failed: BotAnswer = { ...answer, reply: replied === '' ? '' : BOT_TEXTS.sorry, intent: 'error' };
      await this.deps.inbound.rewrite(exchange(received, failed, failed.reply, this.deps.clock.now()));
      return false;
    }
    // The answer stands even if the log could not take it: the senior is told what was done (a 5xx would only make
    // WeChat retry, and the retry, finding the message claimed, would be answered nothing).
    await recorded.catch((err: unknown) => this.deps.logger.error({ err }, 'the exchange could not be recorded'));
    return true;
  }

  /**
   * Daily (jobs/wechat-claim-purge.ts): claims older than CLAIM_RETENTION_MS go, so the table every push is claimed
   * in stays the size of a few days' messages. The conversation log (wechat_inbound) stays. Returns how many went.
   */
  purgeOldClaims(): Promise<number> {
    return this.deps.inbound.purgeClaimsBefore(new Date(this.deps.clock.now().getTime() - CLAIM_RETENTION_MS));
  }

  private async deliverLate(received: Received, work: Promise<BotAnswer>): Promise<void> {
    const answer = await work;
    try {
      // WeChat was answered '' already, and that is what a retry gets; the answer goes by customer service.
      const reply = (await this.record(received, answer, '')) ? answer.reply : BOT_TEXTS.sorry;
      const text = typeof reply === 'string' ? reply : reply.map((a) => `${a.title}\n${a.url}`).join('\n\n');
      if (text !== '') await this.deps.late.sendText(received.openid, text);
    } catch (err) {
      this.deps.logger.error({ err }, 'late reply could not be delivered');
    }
  }
}

/** What is known of a push as it arrives: the first half of its exchange. */
type Received = Pick<Exchange, 'dedupeKey' | 'openid' | 'msgType' | 'receivedAt' | 'said'>;

function exchange(received: Received, a: BotAnswer, replied: BotReply, at: Date): Exchange {
  return {
    dedupeKey: received.dedupeKey,
    openid: received.openid,
    msgType: received.msgType,
    receivedAt: received.receivedAt,
    said: received.said,
    intent: a.intent.slice(0, 32),
    accountId: a.accountId,
    seniorId: a.seniorId,
    reply: JSON.stringify(replied),
    handledAt: at,
  };
}

/** Who sent a push: the sender's openid, as stored (at most 64 characters). */
export function senderOf(m: InboundMessage): string {
  return String(m.FromUserName ?? '').slice(0, 64);
}

/** WeChat's own rule: messages by MsgId, events by sender + CreateTime. */
export function dedupeKey(m: InboundMessage): string {
  if (m.MsgId) return `msg:${String(m.MsgId).slice(0, 100)}`;
  return `evt:${senderOf(m)}:${String(m.CreateTime ?? '').slice(0, 20)}`;
}
