import type { BookedBy, Booking, BookingStatus, Centre, Channel, DeliveryMode, Senior, ServiceItem, Slot, SubsidyPolicy } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { bookingCode } from '../../lib/random';
import { addDays, MINUTE, monthRange, shanghaiDate, shanghaiInstant, shanghaiTime } from '../../lib/time';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import type { BookingReminders } from '../reminders/reminder.service';
import type { Held } from '../../repositories/booking.repository';
import { priceBooking, usageFrom, type PolicyTerms, type Quote, type SubsidyUsage } from './pricing';

/** How long a booking waits for its co-payment before it expires and its seat goes back (the payer is at hand). */
export const PAYMENT_WINDOW_MS = 15 * MINUTE;
/** The longest an unpaid chat booking holds its seat and the day's subsidy. */
export const CHAT_PAYMENT_HOLD_MS = 24 * 60 * MINUTE;

/**
 * When an unpaid booking expires. One made in the mini-program is paid there and then: 15 minutes. One made in chat
 * is often paid by someone else (the family, later) or by a senior who needs time: it is held until the slot's
 * booking cut-off — the last moment anyone else could have booked the seat — for about a day, never less than
 * 15 minutes. A day's hold that would end in the night (21:00–08:00 in Shanghai) runs on to 08:00: nobody of 85 is
 * told to pay "before 4:10 in the morning".
 */
export function paymentDeadline(channel: Channel, slot: Pick<Slot, 'bookingCutoffAt'>, now: Date): Date {
  const soonest = now.getTime() + PAYMENT_WINDOW_MS;
  if (channel !== 'mp_chat') return new Date(soonest);
  const held = awake(new Date(now.getTime() + CHAT_PAYMENT_HOLD_MS));
  return new Date(Math.max(soonest, Math.min(slot.bookingCutoffAt.getTime(), held.getTime())));
}

/** The instant itself in the day; 08:00 (Shanghai) of the morning that follows it when it falls in the night. */
function awake(instant: Date): Date {
  const time = shanghaiTime(instant);
  if (time >= '21:00') return shanghaiInstant(addDays(shanghaiDate(instant), 1), '08:00');
  if (time < '08:00') return shanghaiInstant(shanghaiDate(instant), '08:00');
  return instant;
}

/**
 * The price of `quantity` of an offer's service on `serviceDate` for its senior, given what they already hold. The
 * unit price is the item's price on the service day (SlotOffer.unitPriceFen: dated prices), and the booking keeps it.
 */
export function priceOffer(
  o: { item: ServiceItem; senior: Senior; unitPriceFen: number },
  serviceDate: string,
  quantity: number,
  usage: SubsidyUsage,
  policies: readonly PolicyTerms[],
): Quote {
  return priceBooking({
    unitPriceFen: o.unitPriceFen,
    quantity,
    category: o.item.category,
    kind: o.item.kind,
    serviceDate,
    senior: o.senior,
    policies,
    usage,
  });
}

/**
 * The last moment a slot takes a booking through a channel: its booking cut-off, except at the counter, where
 * staff book a walk-in for the senior in front of them for as long as the service lasts and seats are left.
 */
export function bookableUntil(slot: Pick<Slot, 'bookingCutoffAt' | 'endsAt'>, channel: Channel): Date {
  return channel === 'counter' ? slot.endsAt : slot.bookingCutoffAt;
}

/** A booking request that has passed every check that needs no lock: who may book, what, how many. */
export interface Reservation {
  actor: Actor;
  senior: Senior;
  slot: Slot;
  item: ServiceItem;
  centre: Centre;
  /** The item's price on the slot's day. */
  unitPriceFen: number;
  policies: SubsidyPolicy[];
  quantity: number;
  bookedBy: BookedBy;
  deliveryMode: DeliveryMode;
  note: string;
  channel: Channel;
  idempotencyKey: string | null;
  requestHash: string | null;
  /** 现场付: the co-payment is to be collected at the counter (the centre takes counter payment). */
  payAtCounter: boolean;
}

export interface Reserved {
  booking: Booking;
  /** The slot as this booking left it. */
  slot: Slot;
}

type Outcome = { ok: Reserved } | { error: AppError };

interface Waiting {
  r: Reservation;
  resolve: (v: Reserved) => void;
  reject: (e: unknown) => void;
}

export interface WriterOptions {
  /** Most reservations decided in one transaction. */
  maxBatch: number;
  /** Transactions open at once (each holds a pooled connection). */
  maxInFlight: number;
}

export interface BookingWriterDeps {
  db: Database;
  clock: Clock;
  bookings: BookingRepository;
  slots: SlotRepository;
  seniors: SeniorRepository;
  audit: AuditService;
  reminders: BookingReminders;
  options?: WriterOptions;
}

/**
 * Writes bookings with group commit. Reservations that arrive while earlier transactions are still running wait
 * and then go together into one transaction, which locks their seniors and slots (in id order), reads what the
 * seniors already hold, decides each reservation in arrival order exactly as it would be decided alone, reserves
 * every seat with one conditional UPDATE and inserts every booking with one INSERT. Under light load a batch is a
 * single reservation; at 200 concurrent clients one transaction carries dozens, which is what lets the booking
 * API keep pace with a bare UPDATE+INSERT (see `npm run bench:booking`).
 *
 * Each reservation's answer is its own (SLOT_FULL for one does not fail its neighbours). If the transaction fails
 * as a whole (a duplicate key from a racing Idempotency-Key, a deadlock, a lost connection) nothing of it is kept
 * and each reservation is retried alone, so one bad request can cost its batch time but never a booking.
 */
export class BookingWriter {
  /** Counters for the benchmark and for tests: how much batching happened, and how often a batch fell apart. */
  readonly stats = { batches: 0, reservations: 0, largestBatch: 0, splits: 0 };
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  private readonly options: WriterOptions;

  constructor(private readonly deps: BookingWriterDeps) {
    this.options = deps.options ?? { maxBatch: 64, maxInFlight: deps.db.kind === 'sqlite' ? 1 : 4 };
  }

  write(r: Reservation): Promise<Reserved> {
    return new Promise((resolve, reject) => {
      this.queue.push({ r, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    // Wait for the rest of this event-loop turn: requests read from the sockets together are booked together.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        this.inFlight++;
        void this.run(batch).finally(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    });
  }

  private async run(batch: Waiting[], attempt = 1): Promise<void> {
    let outcomes: Outcome[];
    this.stats.batches++;
    this.stats.reservations += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    try {
      outcomes = await this.deps.db.transaction((em) =>
        this.decideAndWrite(
          em,
          batch.map((w) => w.r),
        ),
      );
    } catch (err) {
      if (batch.length > 1) {
        this.stats.splits++;
        await Promise.all(batch.map((w) => this.run([w])));
      } else if (attempt < 3 && this.deps.db.isDeadlock(err)) {
        await this.run(batch, attempt + 1);
      } else {
        batch[0].reject(err);
      }
      return;
    }
    this.deps.slots.changed(); // seats were taken: this instance's next listing shows it
    batch.forEach((w, i) => {
      const o = outcomes[i];
      if ('ok' in o) w.resolve(o.ok);
      else w.reject(o.error);
    });
  }

  private async decideAndWrite(em: Tx, reqs: Reservation[]): Promise<Outcome[]> {
    const now = this.deps.clock.now();
    // Seniors first, then what they hold, and the slots last: every batch touches the busiest slots, so their locks
    // are what concurrent batches wait for, and they are held only from here to the commit. (One order for every
    // batch, seniors before slots and each in id order, so batches never deadlock.)
    await this.deps.seniors.lockMany(
      em,
      reqs.map((r) => r.senior.id),
    );
    const months = reqs.map((r) => monthRange(r.slot.date));
    const held: Held[] = await this.deps.bookings.activeHoldings(
      em,
      reqs.map((r) => r.senior.id),
      null,
      months.reduce((min, m) => (m.first < min ? m.first : min), months[0].first),
      months.reduce((max, m) => (m.last > max ? m.last : max), months[0].last),
    );
    const slots = new Map(
      (
        await this.deps.slots.lockMany(
          em,
          reqs.map((r) => r.slot.id),
        )
      ).map((s) => [s.id, s]),
    );

    const outcomes: Outcome[] = [];
    const rows: Array<Omit<Booking, 'id'>> = [];
    const rowOf: number[] = []; // outcome index → row index, for accepted reservations
    const seats = new Map<number, number>();
    const firstWithKey = new Map<string, number>();
    for (const [i, r] of reqs.entries()) {
      if (r.idempotencyKey !== null) {
        // The same key twice in one batch: the second answers like the first (the service turns a made booking
        // into a replay of it once this transaction has committed).
        const k = `${r.actor.accountId}:${r.idempotencyKey}`;
        const first = firstWithKey.get(k);
        if (first !== undefined) {
          const o = outcomes[first];
          outcomes.push('error' in o ? o : { error: new AppError('ALREADY_BOOKED') });
          continue;
        }
        firstWithKey.set(k, i);
      }
      const slot = slots.get(r.slot.id);
      const decided = this.decide(r, slot, held, now);
      if (decided instanceof AppError) {
        outcomes.push({ error: decided });
        continue;
      }
      slot!.booked += r.quantity;
      seats.set(slot!.id, (seats.get(slot!.id) ?? 0) + r.quantity);
      held.push(decided);
      rowOf[i] = rows.length;
      rows.push(decided);
      outcomes.push({ ok: { booking: decided as Booking, slot: Object.assign(Object.create(Object.getPrototypeOf(slot)) as Slot, slot) } });
    }
    if (rows.length === 0) return outcomes;

    if (!(await this.deps.slots.reserveMany(em, seats))) throw new Error('slot rows changed while locked');
    const saved = await this.deps.bookings.insertMany(em, rows);
    for (const [i, r] of reqs.entries()) {
      const o = outcomes[i];
      if (!('ok' in o) || rowOf[i] === undefined) continue;
      o.ok.booking = saved[rowOf[i]];
      // Auto-confirmed (nothing to pay, a centre that confirms by itself): its reminders are planned with it; so is
      // the reminder to pay one that waits for its co-payment.
      if (o.ok.booking.status === 'confirmed' || o.ok.booking.status === 'pending_payment') await this.deps.reminders.bookingMoved(em, o.ok.booking, o.ok.slot);
      if (r.bookedBy === 'staff') {
        const b = o.ok.booking;
        await this.deps.audit.record(
          em,
          r.actor,
          'booking.create',
          { type: 'booking', id: b.id },
          {
            seniorId: b.seniorId,
            slotId: b.slotId,
            quantity: b.quantity,
            priceFen: b.priceFen,
            subsidyFen: b.subsidyFen,
          },
        );
      }
    }
    return outcomes;
  }

  /** One reservation against the locked slot and what the senior holds: the booking row, or why not. */
  private decide(r: Reservation, slot: Slot | undefined, held: Held[], now: Date): Omit<Booking, 'id'> | AppError {
    if (!slot || slot.status !== 'open') return new AppError('SLOT_CLOSED');
    if (now >= bookableUntil(slot, r.channel)) return new AppError('BOOKING_CUTOFF_PASSED');
    const usage = usageFrom(held, { seniorId: r.senior.id, slotId: slot.id, date: slot.date, category: r.item.category, kind: r.item.kind });
    if (usage.sameSlot > 0) return new AppError('ALREADY_BOOKED');
    const remaining = Math.max(0, slot.capacity - slot.booked);
    if (r.quantity > remaining) return new AppError('SLOT_FULL', ERROR_MESSAGES.SLOT_FULL(remaining), { remaining });
    const quote = priceOffer(r, slot.date, r.quantity, usage, r.policies);
    // A co-payment to collect at the counter does not hold the booking back: it is booked now, and paid on the day.
    const payAtCounter = r.payAtCounter && quote.copayFen > 0;
    const status: BookingStatus = quote.copayFen > 0 && !payAtCounter ? 'pending_payment' : r.centre.autoConfirm ? 'confirmed' : 'pending_confirmation';
    return {
      code: bookingCode(),
      seniorId: r.senior.id,
      slotId: slot.id,
      serviceItemId: r.item.id,
      centreId: r.centre.id,
      category: r.item.category,
      kind: r.item.kind,
      serviceDate: slot.date,
      bookedByAccountId: r.actor.accountId,
      bookedBy: r.bookedBy,
      channel: r.channel,
      idempotencyKey: r.idempotencyKey,
      requestHash: r.requestHash,
      quantity: r.quantity,
      unitPriceFen: quote.unitPriceFen,
      priceFen: quote.priceFen,
      subsidyFen: quote.subsidyFen,
      copayFen: quote.copayFen,
      subsidisedQuantity: quote.subsidisedQuantity,
      subsidyPolicyId: quote.policy?.id ?? null,
      subsidyReason: quote.reason.slice(0, 200),
      status,
      deliveryMode: r.deliveryMode,
      note: r.note.slice(0, 200),
      createdAt: now,
      updatedAt: now,
      payAtCounter,
      paymentDueAt: status === 'pending_payment' ? paymentDeadline(r.channel, slot, now) : null,
      paidAt: null,
      confirmedAt: status === 'confirmed' ? now : null,
      confirmedByAccountId: null,
      closedAt: null,
      closedByAccountId: null,
      closeReason: '',
      servedAt: null,
      servedByAccountId: null,
    };
  }
}
