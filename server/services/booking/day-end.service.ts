import type { Logger } from 'pino';
import { SERVICE_KIND_LABELS, type BookingStatus, type DigestSlotLine } from '../../../entities';
import type { Clock } from '../../lib/clock';
import { addDays, shanghaiDate, shanghaiTime } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { DayDigestRepository } from '../../repositories/day-digest.repository';
import { JOB_TEXTS } from '../../words/texts';
import { MINI_PAGES, type TemplateIds } from '../../wechat-templates';
import type { BookingLifecycleService } from './booking-lifecycle.service';
import type { AccountNotifier } from '../messaging/notifier.service';

/**
 * What a kitchen or a bath team will have to do: bookings that still stand. Unpaid ones (pending_payment) expire
 * within 15 minutes unless paid, so they are left out rather than counted as portions to cook.
 */
const COUNTED: readonly BookingStatus[] = ['pending_confirmation', 'confirmed'];

export interface DayEndResult {
  /** Bookings that became no_show. */
  noShows: number;
  /** Centres whose staff were sent the next day's counts by this run. */
  digests: number;
}

export interface DayEndServiceDeps {
  clock: Clock;
  lifecycle: BookingLifecycleService;
  centres: CentreRepository;
  digests: DayDigestRepository;
  accounts: AccountRepository;
  notifier: AccountNotifier;
  templates: TemplateIds;
  logger: Logger;
}

/**
 * 日终: the evening close of a service day (jobs/day-end.ts). Confirmed bookings whose slot has ended without a
 * check-in become no-shows (BookingLifecycleService.markNoShowsBefore), and every centre with slots the next day
 * tells its staff how many portions to cook, deliveries to make, baths and visits to staff. Both halves are
 * idempotent: a booking moves once, and a (centre, day) digest row is taken before its message goes out.
 */
export class DayEndService {
  constructor(private readonly deps: DayEndServiceDeps) {}

  /** Closes the day `asOf` falls on (Shanghai): no-shows for slots ended before `asOf`, digests for the day after. */
  async closeDay(asOf: Date): Promise<DayEndResult> {
    const noShows = await this.deps.lifecycle.markNoShowsBefore(asOf);
    const digests = await this.sendDigests(addDays(shanghaiDate(asOf), 1));
    return { noShows, digests };
  }

  /** Each active centre with slots on `day` tells its staff the counts, once per (centre, day). */
  async sendDigests(day: string): Promise<number> {
    let sent = 0;
    for (const centre of await this.deps.centres.findActive()) {
      const slots = await this.deps.digests.slotsOn(centre.id, day);
      if (slots.length === 0) continue; // closed that day: nothing to prepare
      const booked = await this.deps.digests.bookedOn(centre.id, day, COUNTED);
      const lines: DigestSlotLine[] = slots.map(({ slot, item }) => {
        const byMode: Record<string, number> = {};
        for (const b of booked) if (b.slotId === slot.id) byMode[b.deliveryMode] = (byMode[b.deliveryMode] ?? 0) + b.portions;
        const worker = slot.workerName ? ` ${slot.workerName}` : '';
        return {
          slotId: slot.id,
          kind: item.kind,
          label: `${SERVICE_KIND_LABELS[item.kind]} ${shanghaiTime(slot.startsAt)}–${shanghaiTime(slot.endsAt)}${worker}`,
          booked: Object.values(byMode).reduce((a, n) => a + n, 0),
          byMode,
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
