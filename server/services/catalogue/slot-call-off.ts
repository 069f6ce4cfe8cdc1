import type { Logger } from 'pino';
import type { Account } from '../../../entities';
import type { CallOffOutcome } from '../../contracts/catalogue-registry';
import { AppError } from '../../errors';
import type { AccountRepository } from '../../repositories/account.repository';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { SlotAdminRepository } from '../../repositories/slot-admin.repository';
import { CLOSURE_TEXTS } from '../../words/catalogue';
import { REMINDER_TEXTS } from '../../words/texts';
import { MINI_PAGES, type TemplateIds } from '../../wechat-templates';
import type { Actor } from '../access/actor';
import type { BookingLifecycleService } from '../booking/booking-lifecycle.service';
import type { BookingView } from '../booking/booking-view';
import type { AccountNotifier } from '../messaging/notifier.service';

export interface SlotCallOffDeps {
  slotAdmin: SlotAdminRepository;
  bookings: BookingRepository;
  lifecycle: BookingLifecycleService;
  accounts: AccountRepository;
  links: FamilyLinkRepository;
  notifier: AccountNotifier;
  templates: TemplateIds;
  logger: Logger;
}

/**
 * Calls off the bookings of closed slots: each is cancelled through the booking's own life cycle (the seat goes
 * back, what was paid is refunded, the cancellation is audit-logged with the reason), then the senior and every
 * linked family member are told on WeChat with the 服务提醒 template. Safe to run again on the same slots: bookings
 * already cancelled are no longer found, so closing a closed slot again finishes what an interrupted run left.
 */
export class SlotCallOff {
  constructor(private readonly deps: SlotCallOffDeps) {}

  async callOff(actor: Actor, slotIds: number[], reason: string): Promise<CallOffOutcome> {
    const ids = await this.deps.slotAdmin.openBookingIds(slotIds);
    const before = new Map((await this.deps.bookings.findByIds(ids)).map((b) => [b.id, b]));
    const outcome: CallOffOutcome = { bookingsCancelled: 0, bookingsSkipped: 0, told: 0, unreachable: 0 };
    for (const id of ids) {
      let cancelled: BookingView;
      try {
        cancelled = await this.deps.lifecycle.cancel(actor, id, CLOSURE_TEXTS.bookingReason(reason));
      } catch (err) {
        // Served, cancelled or expired since it was listed: nothing to call off.
        if (err instanceof AppError && (err.code === 'INVALID_STATE' || err.code === 'ALREADY_RATED')) {
          outcome.bookingsSkipped++;
          continue;
        }
        throw err;
      }
      outcome.bookingsCancelled++;
      const was = before.get(id);
      const paid = was !== undefined && was.copayFen > 0 && was.status !== 'pending_payment';
      const { told, unreachable } = await this.tell(cancelled, reason, paid);
      outcome.told += told;
      outcome.unreachable += unreachable;
    }
    return outcome;
  }

  /** The senior (their own WeChat, if bound) and their linked family: never thrown, counted. */
  private async tell(b: BookingView, reason: string, refunded: boolean): Promise<{ told: number; unreachable: number }> {
    const [own, family] = await Promise.all([this.deps.accounts.findBySenior(b.senior.id), this.deps.links.familyOf(b.senior.id)]);
    const people = new Map<number, Account>();
    if (own?.active) people.set(own.id, own);
    for (const f of family) people.set(f.account.id, f.account);
    const notice = {
      templates: this.deps.templates.serviceReminder,
      data: {
        thing1: REMINDER_TEXTS.service(b.serviceItem.kindLabel, b.centre.name),
        time2: REMINDER_TEXTS.startsAt(b.slot.date, b.slot.start),
        thing3: b.senior.name,
        thing4: CLOSURE_TEXTS.notice(reason, refunded),
      },
      page: MINI_PAGES.booking(b.id),
    };
    const outcomes = await Promise.all([...people.values()].map((a) => this.deps.notifier.notify(a, notice)));
    const told = outcomes.filter((o) => o === 'subscribe' || o === 'template').length;
    if (told < outcomes.length) this.deps.logger.warn({ bookingId: b.id, outcomes }, 'a called-off booking could not be told to everyone');
    return { told, unreachable: outcomes.length - told };
  }
}
