import type { Logger } from 'pino';
import type { ChatHandover, Senior } from '../../../entities';
import type { Intent, Understanding } from '../../language/understand';
import { BOT, centreShortName, personName } from '../../words/bot';
import { CHAT_NOTICE_TEXTS } from '../../words/texts';
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import type { AccountRepository } from '../../repositories/account.repository';
import type { BotConversationRepository } from '../../repositories/bot.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { ChatHandoverRepository } from '../../repositories/chat-safety.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { TemplateIds } from '../../wechat-templates';
import { MINI_PAGES } from '../../wechat-templates';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import type { AccountNotifier } from '../messaging/notifier.service';
import type { Step, Turn } from './booking-flow';
import { HANDOVER_QUIET_MS, HANDOVER_TTL_MS, type Pending } from './pending';

/** Sends a customer-service text; 'outside_window' when the person has not written for 48 hours. */
export interface ChatTextSender {
  sendText(openid: string, text: string): Promise<'sent' | 'outside_window'>;
}

export interface ChatHandoverServiceDeps {
  db: Database;
  clock: Clock;
  handovers: ChatHandoverRepository;
  conversations: BotConversationRepository;
  centres: CentreRepository;
  accounts: AccountRepository;
  seniors: SeniorRepository;
  notifier: AccountNotifier;
  templates: TemplateIds;
  texts: ChatTextSender;
  access: AccessService;
  audit: AuditService;
  logger: Logger;
}

/** What the bot does itself even during a hand-over: asking for it must never be swallowed. */
const BOT_DOES: ReadonlySet<Intent> = new Set<Intent>([
  'book_meal',
  'book_bath',
  'book_visit',
  'cancel',
  'my_bookings',
  'menu',
  'price',
  'nearby',
  'family_code',
  'pay_by_family',
  'code',
]);
/** "好了", "回来吧", "不用了", "没事了": the senior hands back to the bot. */
const DONE_WITH_PERSON = /^(?:好了|好的|行了|可以了|回来|回来吧|换回来|不用了|没事了|结束|就这样|就这些|谢谢|谢谢你|说完了|没了)+[吧啊了呀的]*$/;

/** What the bot should do with a message that arrived during a hand-over. */
export type DuringHandover =
  /** Answered here (forwarded to staff, or the hand-over ended at the senior's word). */
  | { kind: 'step'; step: Step }
  /** The hand-over is over: answer the message as the bot, saying first that the bot is back (`announce`). */
  | { kind: 'bot'; announce: boolean };

/**
 * 找人工, both sides. The senior's side: the hand-over starts (staff are told at once), what the senior writes
 * goes to staff, and it ends — with the bot saying it is back — at the senior's word, after a quiet half hour,
 * or when the senior asks for something the bot does itself (a booking during a hand-over is booked, never
 * swallowed). The staff's side (`POST /api/v1/seniors/:id/chat/reply`, `…/chat/release`): a staff member answers
 * in the chat (the first answer says who has taken over) and hands back to the bot.
 */
export class ChatHandoverService {
  constructor(private readonly deps: ChatHandoverServiceDeps) {}

  /** The senior (or a family member) asked for a person. */
  async start(t: Turn, openid: string): Promise<Step> {
    const centre = t.senior.homeCentreId !== null ? await this.deps.centres.load(t.senior.homeCentreId) : null;
    if (!centre) return { reply: BOT.noStaffCentre, pending: null, intent: 'human' };
    const open = await this.deps.handovers.openFor(t.senior.id);
    const handover =
      open && open.openid === openid
        ? open
        : await this.deps.handovers.insert({
            seniorId: t.senior.id,
            openid,
            centreId: centre.id,
            startedAt: t.now,
            lastAt: t.now,
            takenByAccountId: null,
            takenByName: '',
            endedAt: null,
            endedBy: null,
          });
    if (open && open.id !== handover.id) await this.deps.handovers.end(open.id, 'bot', t.now);
    await this.tellStaff(t.senior, CHAT_NOTICE_TEXTS.wantsPerson(t.senior.name, t.forOther), CHAT_NOTICE_TEXTS.callBack);
    return {
      reply: BOT.toStaff(centreShortName(centre.name), centre.phone),
      pending: { kind: 'handover', seniorId: t.senior.id, handoverId: handover.id },
      intent: 'human',
    };
  }

  /** A message during a hand-over. */
  async during(t: Turn, p: Extract<Pending, { kind: 'handover' }>, u: Understanding, said: string): Promise<DuringHandover> {
    const h = await this.deps.handovers.findById(p.handoverId);
    if (!h || h.endedAt) return { kind: 'bot', announce: false };
    if (t.now.getTime() - h.lastAt.getTime() > HANDOVER_QUIET_MS) {
      await this.deps.handovers.end(h.id, 'quiet', t.now);
      return { kind: 'bot', announce: true };
    }
    if (DONE_WITH_PERSON.test(u.normalized)) {
      await this.deps.handovers.end(h.id, 'senior', t.now);
      return { kind: 'step', step: { reply: BOT.botBack, pending: null, intent: 'handover_end' } };
    }
    if (BOT_DOES.has(u.intent)) {
      await this.deps.handovers.end(h.id, 'bot', t.now);
      return { kind: 'bot', announce: true };
    }
    await this.deps.handovers.touch(h.id, t.now);
    await this.tellStaff(t.senior, CHAT_NOTICE_TEXTS.messageFrom(t.senior.name, t.forOther), said);
    const centre = h.centreId !== null ? await this.deps.centres.load(h.centreId) : null;
    const centreName = centre ? centreShortName(centre.name) : '';
    const whom = h.takenByName ? `${centreName}的${h.takenByName}` : `${centreName}的工作人员`;
    return { kind: 'step', step: { reply: BOT.toStaffSent(whom), pending: p, intent: 'to_staff' } };
  }

  /** The bot ended it (an emergency, or anything answered outside `during`). */
  async endQuietly(handoverId: number, now: Date): Promise<void> {
    await this.deps.handovers.end(handoverId, 'bot', now);
  }

  // ---- the staff's side ----

  /**
   * A staff member answers the senior in the chat (a customer-service message). The first answer says who has
   * taken over; the senior's next messages go to staff until the hand-over ends.
   */
  async reply(actor: Actor, seniorId: number, text: string): Promise<{ handoverId: number; first: boolean }> {
    const senior = await this.seniorFor(actor, seniorId);
    const now = this.deps.clock.now();
    let h = await this.deps.handovers.openFor(senior.id);
    if (!h) {
      const account = await this.deps.accounts.findBySenior(senior.id);
      if (!account?.mpOpenid) throw new AppError('SENIOR_NOT_ON_WECHAT');
      h = await this.deps.handovers.insert({
        seniorId: senior.id,
        openid: account.mpOpenid,
        centreId: senior.homeCentreId,
        startedAt: now,
        lastAt: now,
        takenByAccountId: null,
        takenByName: '',
        endedAt: null,
        endedBy: null,
      });
    }
    const handover = h;
    const centre = handover.centreId !== null ? await this.deps.centres.load(handover.centreId) : null;
    const first = handover.takenByAccountId === null;
    const name = personName(actor.displayName);
    const sent = await this.deps.texts.sendText(handover.openid, BOT.staffSays(centre ? centreShortName(centre.name) : '', name, text.trim(), first));
    if (sent === 'outside_window') throw new AppError('CHAT_WINDOW_CLOSED');
    await this.deps.db.transaction(async (em) => {
      await this.deps.handovers.take(handover.id, actor.accountId, name, now, em);
      await this.deps.audit.record(em, actor, 'chat.reply', { type: 'senior', id: senior.id }, { handoverId: handover.id, text: text.trim() });
    });
    await this.deps.conversations.set(handover.openid, { kind: 'handover', seniorId: senior.id, handoverId: handover.id }, now, HANDOVER_TTL_MS);
    return { handoverId: handover.id, first };
  }

  /** Staff hand back to the bot, and the senior is told. */
  async release(actor: Actor, seniorId: number): Promise<{ released: boolean }> {
    const senior = await this.seniorFor(actor, seniorId);
    const now = this.deps.clock.now();
    const h: ChatHandover | null = await this.deps.handovers.openFor(senior.id);
    if (!h) return { released: false };
    let ended = false;
    await this.deps.db.transaction(async (em) => {
      ended = await this.deps.handovers.end(h.id, 'staff', now, em);
      if (ended) await this.deps.audit.record(em, actor, 'chat.release', { type: 'senior', id: senior.id }, { handoverId: h.id });
    });
    if (!ended) return { released: false };
    await this.deps.conversations.set(h.openid, null, now, 0);
    await this.deps.texts
      .sendText(h.openid, BOT.botBack)
      .catch((err: unknown) => this.deps.logger.warn({ err, handoverId: h.id }, 'could not tell the senior the bot is back'));
    return { released: true };
  }

  private async seniorFor(actor: Actor, seniorId: number): Promise<Senior> {
    const senior = await this.deps.seniors.findById(seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.relationTo(actor, senior);
    if (rel !== 'staff' && rel !== 'admin') throw new AppError('CHAT_REPLY_NOT_ALLOWED');
    return senior;
  }

  private async tellStaff(senior: Senior, what: string, said: string): Promise<void> {
    const staff = senior.homeCentreId !== null ? await this.deps.accounts.staffOf(senior.homeCentreId) : [];
    const notice = { templates: this.deps.templates.staffMessage, data: { thing1: what, thing2: said.trim() }, page: MINI_PAGES.conversation(senior.id) };
    const outcomes = await Promise.all(staff.map((a) => this.deps.notifier.notify(a, notice)));
    if (!outcomes.some((o) => o === 'subscribe' || o === 'template'))
      this.deps.logger.warn({ seniorId: senior.id }, 'message for staff reached nobody; it is in the conversation log');
  }
}
