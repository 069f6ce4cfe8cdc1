import { ACTIVE_BOOKING_STATUSES, type Centre, type DeliveryMode, type Senior } from '../../../entities';
import type { CounterSearchAnswer, CounterSeniorView } from '../../contracts/api-types';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { maskPhone } from '../../lib/mask';
import { shanghaiDate } from '../../lib/time';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { OperationsRepository, SeniorMatch } from '../../repositories/operations.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import { canCheckIn, type BookingLifecycleService } from '../booking/booking-lifecycle.service';
import type { BookingReaderService } from '../booking/booking-reader.service';
import type { BookingView } from '../booking/booking-view';
import type { BookingService } from '../booking/booking.service';

/** What BookingLifecycleService.checkIn takes after the actor and the code. */
export type CheckInExtras = Parameters<BookingLifecycleService['checkIn']> extends [Actor, string, ...infer More] ? More : never;

/** Most bookings, and most other seniors, one search answers with: a counter looks for one person. */
const MAX_BOOKINGS = 50;
const MAX_SENIORS = 20;

export interface WalkInInput {
  seniorId: number;
  slotId: number;
  quantity: number;
  deliveryMode?: DeliveryMode;
  note?: string;
  /** Check the booking in at once (the senior is eating now), when nothing is left to pay. */
  checkIn: boolean;
  idempotencyKey?: string;
}

export interface CounterServiceDeps {
  clock: Clock;
  centres: CentreRepository;
  seniors: SeniorRepository;
  slots: SlotRepository;
  operations: OperationsRepository;
  access: AccessService;
  reader: BookingReaderService;
  bookings: BookingService;
  lifecycle: BookingLifecycleService;
}

/**
 * The counter without the booking code: find who stands there among the day's bookings at this centre (by name, or
 * the last four digits of their phone or ID), check in what was found, or book a walk-in on the spot. Check-in and
 * booking go through the same BookingLifecycleService.checkIn and BookingService.create as everywhere else, so
 * their rules (the day, the state, seats, subsidy, the audit log, payment) are the same ones.
 */
export class CounterService {
  constructor(private readonly deps: CounterServiceDeps) {}

  async search(actor: Actor, centreId: number, date: string, q: string): Promise<CounterSearchAnswer> {
    const centre = await this.centre(actor, centreId);
    const match = seniorMatch(q);
    const found = await this.deps.operations.dayBookingsMatching(centre.id, date, match, ACTIVE_BOOKING_STATUSES, MAX_BOOKINGS);
    const seniorIds = [...new Set(found.map((b) => b.seniorId))];
    const [views, booked, others] = await Promise.all([
      this.deps.reader.views(found),
      this.deps.seniors.findByIds(seniorIds),
      this.deps.operations.seniorsMatching({ id: centre.id, regionPath: streetPath(centre.regionPath) }, match, seniorIds, MAX_SENIORS),
    ]);
    const seniorOf = new Map(booked.map((s) => [s.id, s]));
    const today = date === shanghaiDate(this.deps.clock.now());
    return {
      date,
      items: views.map((booking) => ({
        booking,
        senior: counterSenior(seniorOf.get(booking.senior.id)!),
        canCheckIn: today && canCheckIn(booking.status, centre),
      })),
      seniors: others.map(counterSenior),
    };
  }

  /**
   * 核销 of a booking found at the counter: the same check-in as scanning its code, by the centre's staff. Whatever
   * else check-in by code takes (what was collected at the counter, …) is passed on as it is.
   */
  async checkIn(actor: Actor, bookingId: number, ...more: CheckInExtras): Promise<BookingView> {
    const ctx = await this.deps.reader.load(bookingId);
    this.deps.access.assertCanManageCentre(actor, ctx.centre);
    return this.deps.lifecycle.checkIn(actor, ctx.booking.code, ...more);
  }

  /**
   * A walk-in: staff book a slot of their centre for a senior at the counter (channel `counter`: until the service
   * ends rather than the booking cut-off, while seats last), and check it in at once when asked and nothing is left
   * to pay. A co-payment due stays due: the booking waits for payment, then for check-in, like any other.
   */
  async walkIn(actor: Actor, centreId: number, input: WalkInInput): Promise<{ booking: BookingView; replayed: boolean }> {
    const centre = await this.centre(actor, centreId);
    const slot = await this.deps.slots.load(input.slotId);
    if (!slot) throw new AppError('SLOT_NOT_FOUND');
    if (slot.centreId !== centre.id) throw new AppError('SLOT_NOT_IN_CENTRE');
    const made = await this.deps.bookings.create(actor, {
      seniorId: input.seniorId,
      slotId: slot.id,
      quantity: input.quantity,
      deliveryMode: input.deliveryMode,
      note: input.note,
      channel: 'counter',
      idempotencyKey: input.idempotencyKey,
    });
    const b = made.booking;
    // Something to pay: it is checked in with the payment (or once paid online), not here.
    if (input.checkIn && b.status !== 'pending_payment' && canCheckIn(b.status, centre) && b.serviceDate === shanghaiDate(this.deps.clock.now())) {
      return { booking: await this.deps.lifecycle.checkIn(actor, b.code), replayed: made.replayed };
    }
    return made;
  }

  private async centre(actor: Actor, centreId: number): Promise<Centre> {
    const centre = await this.deps.centres.findById(centreId);
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    this.deps.access.assertCanManageCentre(actor, centre);
    return centre;
  }
}

/** Four digits (the last may be the ID's X): the end of a phone or an ID number; anything else: part of a name. */
export function seniorMatch(q: string): SeniorMatch {
  const text = q.trim();
  return /^\d{3}[\dXx]$/.test(text) ? { last4: text.toUpperCase() } : { name: text };
}

/**
 * The street a region path lies in ("/1/2/3/" → "/1/2/": district, street, community): walk-ins come from the
 * neighbouring communities too, not only the centre's own.
 */
function streetPath(regionPath: string): string {
  const ids = regionPath.split('/').filter((p) => p.length > 0);
  return `/${ids.slice(0, 2).join('/')}/`;
}

function counterSenior(s: Senior): CounterSeniorView {
  return { id: s.id, name: s.name, phone: maskPhone(s.phone), idCardLast4: s.idCardLast4, dietNotes: s.dietNotes };
}
