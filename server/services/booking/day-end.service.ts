import type { Logger } from 'pino';
import { SERVICE_KIND_LABELS, type Booking, type BookingStatus, type DigestSlotLine } from '../../../entities';
import type { Clock } from '../../lib/clock';
import { addDays, shanghaiDate, shanghaiTime } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { DayDigestRepository } from '../../repositories/day-digest.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import { DAY_END_TEXTS, JOB_TEXTS, REMINDER_TEXTS } from '../../words/texts';
import { MINI_PAGES, type TemplateIds } from '../../wechat-templates';
import type { BookingLifecycleService } from './booking-lifecycle.service';
import type { BookingReaderService } from './booking-reader.service';
import type { AccountNotifier } from '../messaging/notifier.service';

/**
 * What a kitchen or a bath team will have to do: bookings that still stand. Unpaid ones (pending_payment) expire
 * within 15 minutes unless paid, so they are left out rather than counted as portions to cook.
 */
const COUNTED: readonly BookingStatus[] = ['pending_confirmation', 'confirmed'];

export interface DayEndResult {
  /** Bookings that became no_show. */
  noShows: number;
  /** Bookings the centre never confirmed, closed with what was paid refunded in full. */
  unconfirmed: number;
  /** Centres whose staff were sent the next day's counts by this run. */
  digests: number;
}

export interface DayEndServiceDeps {
  clock: Clock;
  lifecycle: BookingLifecycleService;
  reader: BookingReaderService;
  links: FamilyLinkRepository;
  centres: CentreRepository;
  digests: DayDigestRepository;
  accounts: AccountRepository;
  notifier: AccountNotifier;
  templates: TemplateIds;
  logger: Logger;
}

/**
 * 日终: the evening close of a service day (jobs/day-end.ts). Confirmed bookings whose slot has ended without a
 * check-in become no-shows (BookingLifecycleService.markNoShowsBefore); bookings the centre never confirmed are
 * closed and whatever was paid for them is refunded in full, and the family is told; and every centre with slots
 * the next day tells its staff how many portions to cook, deliveries to make, baths and visits to staff — and how
 * many paid bookings still wait for their confirmation (a warning: unconfirmed at day end, they are refunded).
 * Every part is idempotent: a booking moves once, and a (centre, day) digest row is taken before its message goes out.
 */
export class DayEndService {
  constructor(private readonly deps: DayEndServiceDeps) {}

  /** Closes the day `asOf` falls on (Shanghai): no-shows and unconfirmed for slots ended before `asOf`, digests for the day after. */
  async closeDay(asOf: Date): Promise<DayEndResult> {
    const noShows = await this.deps.lifecycle.markNoShowsBefore(asOf);
    const closed = await this.deps.lifecycle.closeUnconfirmedBefore(asOf);
    for (const c of closed) if (c.refundFen > 0) await this.tellRefunded(c.booking, c.refundFen);
    const digests = await this.sendDigests(addDays(shanghaiDate(asOf), 1));
    return { noShows, unconfirmed: closed.length, digests };
  }

  /** The senior (on the public account) and each linked family member hear that the centre never confirmed and the money goes back. */
  private async tellRefunded(booking: Booking, refundFen: number): Promise<void> {
    const ctx = await this.deps.reader.context(booking);
    const senior = await this.deps.accounts.findBySenior(booking.seniorId);
    const family = (await this.deps.links.familyOf(booking.seniorId)).map((k) => k.account);
    const notice = {
      templates: this.deps.templates.serviceReminder,
      data: {
        thing1: REMINDER_TEXTS.service(SERVICE_KIND_LABELS[booking.kind], ctx.centre.name),
        time2: REMINDER_TEXTS.startsAt(ctx.slot.date, shanghaiTime(ctx.slot.startsAt)),
        thing3: ctx.senior.name,
        thing4: DAY_END_TEXTS.unconfirmedRefunded(refundFen),
      },
      page: MINI_PAGES.booking(booking.id),
    };
    const recipients = [...(senior?.mpOpenid ? [senior] : []), ...family.filter((a) => a.id !== senior?.id)];
    const outcomes = await Promise.all(recipients.map((a) => this.deps.notifier.notify(a, notice)));
    if (!outcomes.some((o) => o === 'subscribe' || o === 'template')) {
      this.deps.logger.warn({ bookingId: booking.id }, 'refund for an unconfirmed booking reached nobody; it is in the booking and the ledger');
    }
  }

  /** Each active centre with slots on `day` tells its staff the counts, once per (centre, day). */
  async sendDigests(day: string): Promise<number> {
    let sent = 0;
    for (const centre of await this.deps.centres.findActive()) {
      const slots = await this.deps.digests.slotsOn(centre.id, day);
      if (slots.length === 0) continue; // closed that day: nothing to prepare
      const booked = await this.deps.digests.bookedOn(centre.id, day, COUNTED);
      const waiting = await this.deps.digests.bookedOn(centre.id, day, ['pending_confirmation']);
      const lines: DigestSlotLine[] = slots.map(({ slot, item }) => {
        const byMode: Record<string, number> = {};
        for (const b of booked) if (b.slotId === slot.id) byMode[b.deliveryMode] = (byMode[b.deliveryMode] ?? 0) + b.portions;
        const worker = slot.workerName ? ` ${slot.workerName}` : '';
        const unconfirmed = waiting.filter((b) => b.slotId === slot.id).reduce((a, b) => a + b.bookings, 0);
        return {
          slotId: slot.id,
          kind: item.kind,
          label: `${SERVICE_KIND_LABELS[item.kind]} ${shanghaiTime(slot.startsAt)}–${shanghaiTime(slot.endsAt)}${worker}`,
          booked: Object.values(byMode).reduce((a, n) => a + n, 0),
          byMode,
          ...(unconfirmed > 0 ? { unconfirmed } : {}),
        };
      });
      const digest = await this.deps.digests.claim(centre.id, day, lines, this.deps.clock.now());
      if (!digest) continue; // an earlier run has it
      const staff = await this.deps.accounts.staffOf(centre.id);
      const notice = {
        templates: this.deps.templates.dayCounts,
        data: digestFields(centre.name, day, lines),
        page: MINI_PAGES.centreDay(centre.id, day),
      };
      const outcomes = await Promise.all(staff.map((a) => this.deps.notifier.notify(a, notice)));
      const reached = outcomes.filter((o) => o === 'subscribe' || o === 'template').length;
      if (reached === 0) this.deps.logger.warn({ centreId: centre.id, day }, "tomorrow's counts reached none of the centre's staff");
      // The warning before the day: bookings still waiting for this centre's confirmation are refunded at day end.
      const unconfirmed = lines.reduce((a, l) => a + (l.unconfirmed ?? 0), 0);
      if (unconfirmed > 0) {
        const warning = {
          templates: this.deps.templates.staffMessage,
          data: { thing1: DAY_END_TEXTS.unconfirmedWarningTitle(unconfirmed), thing2: DAY_END_TEXTS.unconfirmedWarning },
          page: MINI_PAGES.centreDay(centre.id, day),
        };
        await Promise.all(staff.map((a) => this.deps.notifier.notify(a, warning)));
      }
      await this.deps.digests.markSent(digest.id, reached, this.deps.clock.now());
      sent++;
    }
    return sent;
  }
}

/** The template fields: one line of at most 20 characters each (WeChat's rule), so per kind rather than per slot. */
function digestFields(centreName: string, day: string, lines: DigestSlotLine[]): Record<string, string> {
  const meals = new Map<string, number>();
  let deliveries = 0;
  let baths = 0;
  let visits = 0;
  for (const l of lines) {
    if (l.kind === 'breakfast' || l.kind === 'lunch' || l.kind === 'dinner') {
      meals.set(l.kind, (meals.get(l.kind) ?? 0) + l.booked);
      deliveries += l.byMode.delivery ?? 0;
    } else if (l.kind === 'bath') baths += l.booked;
    else visits += l.booked;
  }
  const mealList = [...meals].map(([kind, portions]) => ({ label: SERVICE_KIND_LABELS[kind as keyof typeof SERVICE_KIND_LABELS], portions }));
  return {
    thing1: centreName,
    time2: day,
    thing3: JOB_TEXTS.digestMeals(mealList),
    thing4: JOB_TEXTS.digestDeliveries(deliveries),
    thing5: JOB_TEXTS.digestOthers(baths, visits),
  };
}
