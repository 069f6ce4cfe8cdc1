import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  SERVICE_KIND_LABELS,
  type Slot,
  type Account,
  type Booking,
  type BookingStatus,
  type Centre,
  type Reminder,
  type ReminderKind,
} from '../../../entities';
import { WechatApiError, type WechatMessenger } from '../../gateways/wechat-messenger.gateway';
import type { Tx } from '../../db/database';
import type { Clock } from '../../lib/clock';
import { MINUTE, shanghaiDate, shanghaiTime } from '../../lib/time';
import type { BotConversationRepository } from '../../repositories/bot.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { ReminderRepository, PlannedReminder } from '../../repositories/reminder.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { SubscribeCreditRepository } from '../../repositories/subscribe-credit.repository';
import { yuan } from '../../words/pricing';
import { REMINDER_TEXTS } from '../../words/texts';
import { MINI_PAGES, type TemplateIds, type TemplatePair } from '../../wechat-templates';
import { outOfQuietHours, paymentReminderTime, ratingRequestTime, serviceReminderTimes } from './reminder-times';

/** What the booking services tell reminders, inside the transaction that moves a booking (one call per move). */
export interface BookingReminders {
  bookingMoved(em: Tx, booking: MovedBooking, slot?: Pick<Slot, 'startsAt'>): Promise<void>;
}
export type MovedBooking = Pick<
  Booking,
  'id' | 'status' | 'seniorId' | 'slotId' | 'serviceDate' | 'servedAt' | 'channel' | 'paymentDueAt' | 'bookedByAccountId' | 'createdAt'
>;

/** A pay link for an account to pay a booking (server/services/payment/pay-links.ts), or null without WeChat Pay. */
export type PayLinkMaker = (accountId: number, booking: Pick<Booking, 'id' | 'paymentDueAt'>) => string | null;

const SERVICE_KINDS: readonly ReminderKind[] = ['day_before', 'hour_before'];
const ALL_KINDS: readonly ReminderKind[] = ['day_before', 'hour_before', 'payment_due', 'rating_request'];
/** The booking state a reminder is about; anything else at send time means it is not sent. */
const SENDS_WHILE: Record<ReminderKind, readonly BookingStatus[]> = {
  day_before: ['confirmed'],
  hour_before: ['confirmed'],
  payment_due: ['pending_payment'],
  rating_request: ['served'],
};
const CLOSED: readonly BookingStatus[] = ['cancelled', 'rejected', 'expired', 'no_show'];

/** Claims per round and rounds per run: a run stays well inside its minute even with a backlog. */
const BATCH = 100;
const MAX_BATCHES = 20;
/**
 * A claim this old belongs to a sender that went away. Long enough that a live sender (a batch of 100 sends
 * takes seconds) is never taken for dead; short enough that an hour-before reminder requeued by it still helps.
 */
export const STALE_CLAIM_MS = 10 * MINUTE;
/**
 * How long the bot keeps waiting for the answer to a rating request. The conversational 10 minutes would be
 * too short: a senior reads a template message when they next pick up the phone, often hours later.
 */
export const RATING_ANSWER_TTL_MS = 24 * 60 * MINUTE;

type Delivery = { channel: 'subscribe' | 'template' } | { failed: string };

export interface ReminderServiceDeps {
  clock: Clock;
  reminders: ReminderRepository;
  credits: SubscribeCreditRepository;
  seniors: SeniorRepository;
  links: FamilyLinkRepository;
  botConversations: BotConversationRepository;
  messenger: WechatMessenger;
  templates: TemplateIds;
  logger: Logger;
  payLink: PayLinkMaker;
}

/**
 * 提醒: plans reminder rows when a booking becomes confirmed (or served, for the rating request), cancels them when
 * it leaves that state, and sends the due ones.
 *
 * Delivery is at-most-once per (booking, recipient, kind), the row's unique key: a sender claims rows
 * (pending → sending, with its token), re-checks the booking just before calling WeChat, counts the attempt, then
 * records the outcome. If it dies in between, the claim goes stale: a row whose attempt never began is certainly
 * unsent and is requeued; one whose attempt began may have reached WeChat and is marked failed, not resent.
 * A duplicate reminder to an 80-year-old is worse than a missing one, and a lost one is at least on record.
 */
export class ReminderService implements BookingReminders {
  constructor(private readonly deps: ReminderServiceDeps) {}

  async bookingMoved(em: Tx, booking: MovedBooking, slot?: Pick<Slot, 'startsAt'>): Promise<void> {
    if (booking.status === 'pending_payment') return this.planPaymentDue(em, booking);
    // Whatever it moved to, it no longer waits for its co-payment.
    if (!CLOSED.includes(booking.status)) await this.deps.reminders.cancelForBooking(em, booking.id, ['payment_due']);
    if (booking.status === 'confirmed') return this.planService(em, booking, slot);
    if (booking.status === 'served') {
      await this.deps.reminders.cancelForBooking(em, booking.id, SERVICE_KINDS);
      return this.planRatingRequest(em, booking);
    }
    if (booking.status === 'rated') {
      await this.deps.reminders.cancelForBooking(em, booking.id, ['rating_request']);
      return;
    }
    if (CLOSED.includes(booking.status)) await this.deps.reminders.cancelForBooking(em, booking.id, ALL_KINDS);
  }

  /** The day-before and hour-before reminders, for the senior and each linked family member. */
  private async planService(em: Tx, booking: MovedBooking, slot?: Pick<Slot, 'startsAt'>): Promise<void> {
    const now = this.deps.clock.now();
    const startsAt = (slot ?? (await this.deps.reminders.slotOf(em, booking.slotId))).startsAt;
    const times = serviceReminderTimes(booking.serviceDate, startsAt, now);
    if (!times.day_before && !times.hour_before) return;
    // One after the other: both read through the moving transaction's connection.
    const senior = await this.deps.reminders.seniorAccount(em, booking.seniorId);
    const family = (await this.deps.links.familyOf(booking.seniorId, em)).map((k) => k.account).sort((a, b) => a.id - b.id);
    // The senior hears on the public account only; a senior without it (no WeChat) gets none.
    const accounts = [...(senior?.mpOpenid ? [senior] : []), ...family.filter((a) => a.miniOpenid || a.mpOpenid)];
    const rows: PlannedReminder[] = [];
    for (const a of accounts) {
      for (const kind of SERVICE_KINDS) {
        const dueAt = times[kind as 'day_before' | 'hour_before'];
        if (dueAt) rows.push({ bookingId: booking.id, accountId: a.id, kind, dueAt });
      }
    }
    await this.deps.reminders.plan(em, rows, now);
  }

  /**
   * A chat booking held unpaid until its deadline (the slot's cut-off): the linked family hear at once that they
   * can pay it, and the senior is reminded an hour before the deadline (both out of quiet hours, and only while
   * there is time to pay). A booking paid on the spot (the mini-program's 15 minutes) needs neither.
   */
  private async planPaymentDue(em: Tx, booking: MovedBooking): Promise<void> {
    if (booking.channel !== 'mp_chat' || !booking.paymentDueAt) return;
    const now = this.deps.clock.now();
    const due = booking.paymentDueAt;
    const rows: PlannedReminder[] = [];
    const tellFamily = outOfQuietHours(now);
    if (tellFamily < due) {
      for (const { account } of await this.deps.links.familyOf(booking.seniorId, em)) {
        if (account.id !== booking.bookedByAccountId && (account.miniOpenid || account.mpOpenid)) {
          rows.push({ bookingId: booking.id, accountId: account.id, kind: 'payment_due', dueAt: tellFamily });
        }
      }
    }
    const remindSenior = paymentReminderTime(due, now);
    if (remindSenior) {
      const senior = await this.deps.reminders.seniorAccount(em, booking.seniorId);
      if (senior?.mpOpenid) rows.push({ bookingId: booking.id, accountId: senior.id, kind: 'payment_due', dueAt: remindSenior });
    }
    await this.deps.reminders.plan(em, rows, now);
  }

  /** 满意度回访: only the senior, who answers in the public-account chat. */
  private async planRatingRequest(em: Tx, booking: MovedBooking): Promise<void> {
    const now = this.deps.clock.now();
    const senior = await this.deps.reminders.seniorAccount(em, booking.seniorId);
    if (!senior?.mpOpenid) return;
    await this.deps.reminders.plan(
      em,
      [{ bookingId: booking.id, accountId: senior.id, kind: 'rating_request', dueAt: ratingRequestTime(booking.servedAt ?? now) }],
      now,
    );
  }

  /** Sends every reminder due now (the reminders job, every minute). Returns how many went out. */
  async sendDue(): Promise<number> {
    const now = this.deps.clock.now();
    // Due times already avoid quiet hours; this holds back a backlog found at night (the job was down at 18:00).
    if (outOfQuietHours(now).getTime() !== now.getTime()) return 0;
    const stale = await this.deps.reminders.settleStaleClaims(new Date(now.getTime() - STALE_CLAIM_MS));
    if (stale.requeued || stale.failed) this.deps.logger.warn(stale, 'reminder claims left by a stopped sender settled');
    let sent = 0;
    for (let round = 0; round < MAX_BATCHES; round++) {
      const token = randomUUID();
      const batch = await this.deps.reminders.claimDue(now, BATCH, token);
      if (batch.length === 0) break;
      sent += await this.sendBatch(batch, token);
      if (batch.length < BATCH) break;
    }
    return sent;
  }

  private async sendBatch(batch: Reminder[], token: string): Promise<number> {
    const ctx = await this.deps.reminders.contextOf([...new Set(batch.map((r) => r.bookingId))], [...new Set(batch.map((r) => r.accountId))]);
    let sent = 0;
    for (const row of batch) {
      const booking = ctx.bookings.get(row.bookingId);
      const account = ctx.accounts.get(row.accountId);
      const slot = booking && ctx.slots.get(booking.slotId);
      const centre = booking && ctx.centres.get(booking.centreId);
      // The re-check: the booking as committed now, read just before sending. A cancellation that committed a
      // second ago is seen here (and has normally cancelled the row already, which beginSend would see).
      const status = await this.deps.reminders.bookingStatus(row.bookingId);
      // Likewise the recipient: a family member who has unlinked since the planning hears nothing more.
      const stillTheirs = !!account && !!booking && (account.seniorId === booking.seniorId || (await this.deps.links.isLinked(account.id, booking.seniorId)));
      if (!booking || !slot || !centre || !account?.active || !stillTheirs || !status || !SENDS_WHILE[row.kind].includes(status)) {
        await this.deps.reminders.settle(row.id, token, { status: 'cancelled' });
        continue;
      }
      const missed = this.tooLate(row.kind, booking, slot);
      if (missed) {
        await this.deps.reminders.settle(row.id, token, { status: 'failed', lastError: missed });
        continue;
      }
      if (!(await this.deps.reminders.beginSend(row.id, token))) continue; // cancelled after the claim
      const outcome = await this.deliver(row, account, { ...booking, status }, slot, centre);
      if ('failed' in outcome) {
        this.deps.logger.warn({ reminderId: row.id, kind: row.kind, error: outcome.failed }, 'reminder not delivered');
        await this.deps.reminders.settle(row.id, token, { status: 'failed', lastError: outcome.failed });
        continue;
      }
      await this.deps.reminders.settle(row.id, token, { status: 'sent', sentAt: this.deps.clock.now(), lastError: '' });
      sent++;
      if (row.kind === 'rating_request' && account.mpOpenid) await this.awaitRating(account.mpOpenid, booking);
    }
    return sent;
  }

  /** A reminder found late (the job was down) that would now mislead: "明天" on the day, or after the start. */
  private tooLate(kind: ReminderKind, booking: Booking, slot: Slot): string | null {
    const now = this.deps.clock.now();
    if (kind === 'rating_request') return null;
    if (kind === 'payment_due') return booking.paymentDueAt && now >= booking.paymentDueAt ? 'missed: the time to pay has ended' : null;
    if (now >= slot.startsAt) return 'missed: the service has begun';
    if (kind === 'day_before' && shanghaiDate(now) >= booking.serviceDate) return 'missed: it is already the service day';
    return null;
  }

  /**
   * The senior as a template on the public account; a family member as a subscribe message while they have
   * consent credit for it, otherwise (or when WeChat says 43101) as a template if they follow the public account.
   */
  private async deliver(row: Reminder, account: Account, booking: Booking, slot: Slot, centre: Centre): Promise<Delivery> {
    const now = this.deps.clock.now();
    const { templates, data } = await this.message(row.kind, booking, slot, centre, account);
    // A reminder to pay opens the pay page (signed for this account) when read on the public account.
    const url = row.kind === 'payment_due' ? this.deps.payLink(account.id, booking) : null;
    try {
      const isSenior = account.seniorId === booking.seniorId;
      if (!isSenior && account.miniOpenid && (await this.deps.credits.spend(account.id, templates.mini, now))) {
        if ((await this.deps.messenger.sendSubscribe(account.miniOpenid, templates.mini, MINI_PAGES.booking(booking.id), data)) === 'sent')
          return { channel: 'subscribe' };
        // 43101 (the messenger has recorded the refusal): whatever we counted, no consent is left.
        await this.deps.credits.clear(account.id, templates.mini, now);
      }
      if (!account.mpOpenid) return { failed: 'unreachable: no consent credit and not following the public account' };
      await this.deps.messenger.sendTemplate(account.mpOpenid, templates.mp, data, url ? { url } : {});
      return { channel: 'template' };
    } catch (err) {
      return { failed: err instanceof WechatApiError ? `${err.errcode} ${err.errmsg}` : String((err as Error)?.message ?? err) };
    }
  }

  private async message(
    kind: ReminderKind,
    booking: Booking,
    slot: Slot,
    centre: Centre,
    account: Account,
  ): Promise<{ templates: TemplatePair; data: Record<string, string> }> {
    const service = REMINDER_TEXTS.service(SERVICE_KIND_LABELS[booking.kind], centre.name);
    if (kind === 'payment_due') {
      const senior = await this.deps.seniors.load(booking.seniorId);
      const due = booking.paymentDueAt ?? slot.bookingCutoffAt;
      return {
        templates: this.deps.templates.payRequest,
        data: {
          thing1: account.seniorId === booking.seniorId ? REMINDER_TEXTS.payDue : REMINDER_TEXTS.payFor(senior?.name ?? ''),
          thing2: REMINDER_TEXTS.payWhat(booking.serviceDate, SERVICE_KIND_LABELS[booking.kind]),
          amount3: yuan(booking.copayFen).replace(' ', ''),
          time4: REMINDER_TEXTS.startsAt(shanghaiDate(due), shanghaiTime(due)),
        },
      };
    }
    if (kind === 'rating_request') {
      const at = booking.servedAt ?? slot.startsAt;
      return {
        templates: this.deps.templates.ratingRequest,
        data: { thing1: service, time2: REMINDER_TEXTS.startsAt(shanghaiDate(at), shanghaiTime(at)), thing3: REMINDER_TEXTS.ratingHow },
      };
    }
    const senior = await this.deps.seniors.load(booking.seniorId);
    const start = shanghaiTime(slot.startsAt);
    return {
      templates: this.deps.templates.serviceReminder,
      data: {
        thing1: service,
        time2: REMINDER_TEXTS.startsAt(slot.date, start),
        thing3: senior?.name ?? '',
        thing4: kind === 'day_before' ? REMINDER_TEXTS.dayBefore(start) : REMINDER_TEXTS.hourBefore(start),
      },
    };
  }

  /**
   * The bot's pending step becomes "rate this booking", so that "5" or "很好" in the chat rates it. A dialogue
   * the senior is in the middle of (a booking being confirmed, say) is not interrupted for it.
   */
  private async awaitRating(mpOpenid: string, booking: Booking): Promise<void> {
    const now = this.deps.clock.now();
    const current = await this.deps.botConversations.pending(mpOpenid, now);
    if (current && current.kind !== 'menu' && current.kind !== 'rate') return;
    await this.deps.botConversations.set(mpOpenid, { kind: 'rate', seniorId: booking.seniorId, bookingId: booking.id }, now, RATING_ANSWER_TTL_MS);
  }
}
