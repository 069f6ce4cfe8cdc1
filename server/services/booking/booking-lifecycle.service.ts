import type { Booking, BookingStatus, Centre, CounterMethod } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { shanghaiDate } from '../../lib/time';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import { BOOKING_TEXTS, PAY_TEXTS, type BookingAction } from '../../words/texts';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import type { BookingContext, BookingReaderService } from './booking-reader.service';
import type { BookingView } from './booking-view';
import type { BookingReminders } from '../reminders/reminder.service';
import { reducedPrice } from './pricing';

/**
 * The money side of a booking's changes (PaymentService): inside the changing transaction it plans refunds of what
 * was paid beyond `keepFen`, and returns the work to do once that transaction has committed.
 */
export interface BookingMoney {
  /** Plans the refunds (their total is `refundFen`) and returns the work to do after commit. */
  onBookingChanged(
    em: Tx,
    booking: Booking,
    keepFen: number,
    reason: string,
    requestedBy: number | null,
  ): Promise<{ afterCommit: () => Promise<void>; refundFen: number }>;
  /** Inside the check-in's transaction: what staff collected at the counter (现场付). */
  recordCounter(
    em: Tx,
    booking: Booking,
    collected: { amountFen: number; method: CounterMethod; collectedByAccountId: number; collectedAt: Date },
  ): Promise<void>;
}

/** States a booking may leave by each action; everything else is refused with INVALID_STATE. */
const FROM: Record<BookingAction, readonly BookingStatus[]> = {
  cancel: ['pending_payment', 'pending_confirmation', 'confirmed'],
  confirm: ['pending_confirmation'],
  reject: ['pending_payment', 'pending_confirmation', 'confirmed'],
  // Scanning the code at the counter also confirms a booking the centre had not got round to confirming; at a
  // centre that takes co-payments at the counter (现场付), an unpaid booking is checked in by collecting it there.
  check_in: ['pending_payment', 'pending_confirmation', 'confirmed'],
  no_show: ['confirmed'],
  rate: ['served'],
  reduce: ['pending_payment', 'pending_confirmation', 'confirmed'],
};

/**
 * Whether a booking in this state can be checked in at this centre (what checkIn accepts), for the counter's search:
 * one still to be paid only where the centre takes the co-payment at the counter (现场付).
 */
export function canCheckIn(status: BookingStatus, centre: Pick<Centre, 'counterPayment'>): boolean {
  return FROM.check_in.includes(status) && (status !== 'pending_payment' || centre.counterPayment);
}

export interface BookingLifecycleServiceDeps {
  db: Database;
  clock: Clock;
  bookings: BookingRepository;
  slots: SlotRepository;
  access: AccessService;
  audit: AuditService;
  reader: BookingReaderService;
  money: BookingMoney;
  reminders: BookingReminders;
}

/**
 * Moves bookings through their life cycle. Every move is one conditional UPDATE on the current status, so a
 * stale or repeated action (a double tap, two staff at once) is a clear INVALID_STATE and never a corruption;
 * seats go back to the slot in the same transaction; staff and admin actions are written to the audit log.
 */
export class BookingLifecycleService {
  constructor(private readonly deps: BookingLifecycleServiceDeps) {}

  /** The senior or their family before the cancel cut-off; the centre's staff or an admin until it is served. */
  async cancel(actor: Actor, id: number, reason = ''): Promise<BookingView> {
    const ctx = await this.deps.reader.load(id);
    const now = this.deps.clock.now();
    const manages = this.manages(actor, ctx);
    if (!manages) {
      await this.deps.access.assertCanSeeSenior(actor, ctx.senior);
      this.assertState(ctx.booking, 'cancel');
      if (now >= ctx.slot.cancelCutoffAt) throw new AppError('CANCEL_CUTOFF_PASSED');
    }
    return this.move(
      actor,
      ctx,
      'cancel',
      () => ({ status: 'cancelled', closedAt: now, closedByAccountId: actor.accountId, closeReason: reason.slice(0, 200) }),
      {
        releaseSeats: true,
        audit: manages,
        refund: () => ({ keepFen: 0, reason: PAY_TEXTS.refundCancelled }),
      },
    );
  }

  /**
   * A senior's record closed (moved away, deceased): one of their bookings still to come is cancelled whatever the
   * cut-off and whichever centre it is at, refunded in full, audit-logged. The caller (the registry) has already
   * decided that the actor may close the record.
   */
  async cancelForDeparture(actor: Actor, id: number, reason: string): Promise<BookingView> {
    const ctx = await this.deps.reader.load(id);
    const now = this.deps.clock.now();
    return this.move(
      actor,
      ctx,
      'cancel',
      () => ({ status: 'cancelled', closedAt: now, closedByAccountId: actor.accountId, closeReason: reason.slice(0, 200) }),
      { releaseSeats: true, audit: true, refund: () => ({ keepFen: 0, reason: PAY_TEXTS.refundCancelled }) },
    );
  }

  async confirm(actor: Actor, id: number): Promise<BookingView> {
    const ctx = await this.deps.reader.load(id);
    this.deps.access.assertCanManageCentre(actor, ctx.centre);
    const now = this.deps.clock.now();
    return this.move(actor, ctx, 'confirm', () => ({ status: 'confirmed', confirmedAt: now, confirmedByAccountId: actor.accountId }), { audit: true });
  }

  async reject(actor: Actor, id: number, reason: string): Promise<BookingView> {
    const ctx = await this.deps.reader.load(id);
    this.deps.access.assertCanManageCentre(actor, ctx.centre);
    const now = this.deps.clock.now();
    return this.move(
      actor,
      ctx,
      'reject',
      () => ({ status: 'rejected', closedAt: now, closedByAccountId: actor.accountId, closeReason: reason.slice(0, 200) }),
      {
        releaseSeats: true,
        audit: true,
        refund: () => ({ keepFen: 0, reason: PAY_TEXTS.refundRejected }),
      },
    );
  }

  /**
   * Fewer portions (two lunches become one): allowed whenever a cancellation would be. The price is worked out
   * again from the booking as locked (reducedPrice), the seats go back, and what was paid beyond the new co-payment
   * is refunded; an order still open for the old amount is closed, so the next payment asks for the new one. A
   * booking waiting for payment that becomes free (a 特困 senior's second portion dropped) is booked at once: it no
   * longer waits, nor expires holding the day's subsidy.
   */
  async reduce(actor: Actor, id: number, quantity: number): Promise<BookingView> {
    const ctx = await this.deps.reader.load(id);
    const now = this.deps.clock.now();
    const manages = this.manages(actor, ctx);
    if (!manages) {
      await this.deps.access.assertCanSeeSenior(actor, ctx.senior);
      this.assertState(ctx.booking, 'reduce');
      if (now >= ctx.slot.cancelCutoffAt) throw new AppError('CANCEL_CUTOFF_PASSED');
    }
    const b = ctx.booking;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity >= b.quantity) {
      throw new AppError('QUANTITY_NOT_REDUCED', ERROR_MESSAGES.QUANTITY_NOT_REDUCED(b.quantity), { quantity: b.quantity });
    }
    const patchOf = (locked: Booking): Partial<Booking> => {
      const price = reducedPrice(locked, quantity);
      const patch: Partial<Booking> = { ...price, quantity };
      if (price.copayFen === 0 && locked.status === 'pending_payment') {
        const next: BookingStatus = ctx.centre.autoConfirm ? 'confirmed' : 'pending_confirmation';
        Object.assign(patch, { status: next, paymentDueAt: null, ...(next === 'confirmed' ? { confirmedAt: now } : {}) });
      }
      return patch;
    };
    return this.move(actor, ctx, 'reduce', patchOf, {
      releaseSeats: (locked) => locked.quantity - quantity,
      audit: manages,
      sameQuantity: true,
      refund: (_locked, patch) => ({ keepFen: patch.copayFen!, reason: PAY_TEXTS.refundReduced(b.quantity, quantity) }),
    });
  }

  /**
   * 核销: the counter scans the booking's code on the day; this is what the centre claims subsidy on. A booking to
   * be paid at the counter (现场付, or an unpaid one at a centre that takes counter payment) is checked in with what
   * staff collected — amount and method — which is recorded beside WeChat Pay's payments.
   */
  async checkIn(actor: Actor, code: string, collected?: { amountFen: number; method: CounterMethod }): Promise<BookingView> {
    const booking = await this.deps.bookings.findByCode(code.trim().toUpperCase());
    if (!booking) throw new AppError('CHECK_IN_CODE_INVALID');
    const ctx = await this.deps.reader.context(booking);
    this.deps.access.assertStaffOrAdmin(actor);
    if (!this.manages(actor, ctx)) throw new AppError('WRONG_CENTRE');
    const now = this.deps.clock.now();
    this.assertCheckIn(booking, ctx.centre, collected);
    if (booking.serviceDate !== shanghaiDate(now)) throw new AppError('WRONG_DAY', ERROR_MESSAGES.WRONG_DAY(booking.serviceDate));
    const patchOf = (locked: Booking): Partial<Booking> => {
      const patch: Partial<Booking> = { status: 'served', servedAt: now, servedByAccountId: actor.accountId };
      if (locked.status !== 'confirmed') Object.assign(patch, { confirmedAt: now, confirmedByAccountId: actor.accountId });
      if (locked.status === 'pending_payment') Object.assign(patch, { payAtCounter: true, paymentDueAt: null });
      return patch;
    };
    return this.move(actor, ctx, 'check_in', patchOf, {
      audit: true,
      also: async (em, locked) => {
        this.assertCheckIn(locked, ctx.centre, collected);
        if (!collected || !this.collectsAtCounter(locked, ctx.centre)) return;
        await this.deps.money.recordCounter(em, locked, { ...collected, collectedByAccountId: actor.accountId, collectedAt: now });
        await this.deps.audit.record(
          em,
          actor,
          'booking.counter_payment',
          { type: 'booking', id: locked.id },
          { amountFen: collected.amountFen, method: collected.method, copayFen: locked.copayFen },
        );
      },
      // Taken at the counter: an online order left open is closed (one paid after all is refunded: the counter
      // took the money). Any other check-in leaves the money as it is.
      refund: (locked) =>
        collected && this.collectsAtCounter(locked, ctx.centre) ? { keepFen: locked.copayFen, reason: PAY_TEXTS.refundPaidAtCounter } : null,
    });
  }

  /** Whether this check-in collects the co-payment at the counter: it is to be paid there, and something is due. */
  private collectsAtCounter(b: Booking, centre: Centre): boolean {
    return b.copayFen > 0 && (b.payAtCounter || (b.status === 'pending_payment' && centre.counterPayment));
  }

  private assertCheckIn(b: Booking, centre: Centre, collected?: { amountFen: number }): void {
    if (b.status === 'pending_payment' && !centre.counterPayment) {
      throw new AppError('INVALID_STATE', ERROR_MESSAGES.INVALID_STATE(b.status, 'check_in'), { status: b.status });
    }
    this.assertState(b, 'check_in');
    if (this.collectsAtCounter(b, centre)) {
      if (!collected) throw new AppError('COUNTER_PAYMENT_REQUIRED', undefined, { copayFen: b.copayFen });
      if (collected.amountFen > b.copayFen) {
        throw new AppError('COUNTER_AMOUNT_TOO_HIGH', ERROR_MESSAGES.COUNTER_AMOUNT_TOO_HIGH(b.copayFen), { copayFen: b.copayFen });
      }
    } else if (collected && collected.amountFen > 0) {
      throw new AppError('COUNTER_PAYMENT_NOT_DUE');
    }
  }

  async markNoShow(actor: Actor, id: number): Promise<BookingView> {
    const ctx = await this.deps.reader.load(id);
    this.deps.access.assertCanManageCentre(actor, ctx.centre);
    const now = this.deps.clock.now();
    this.assertState(ctx.booking, 'no_show');
    if (now < ctx.slot.endsAt) throw new AppError('SERVICE_NOT_ENDED');
    return this.move(actor, ctx, 'no_show', () => ({ status: 'no_show', closedAt: now, closedByAccountId: actor.accountId }), { audit: true });
  }

  /**
   * Day end: confirmed bookings whose slot ended before `before` and were never checked in become no-shows (what
   * was paid online is kept; a counter payment is simply never collected). Idempotent; returns how many were
   * marked. (The scheduled day-end job calls this.)
   */
  async markNoShowsBefore(before: Date, batch = 500): Promise<number> {
    let marked = 0;
    for (;;) {
      const due = await this.deps.bookings.findUnservedBefore(before, batch, 'confirmed');
      for (const b of due) {
        const now = this.deps.clock.now();
        const moved = await this.deps.db.decide(async (em) => {
          const locked = await this.deps.bookings.lockedFind(em, b.id);
          if (!locked || !FROM.no_show.includes(locked.status)) return false;
          const patch = { status: 'no_show' as const, closedAt: now, updatedAt: now };
          await this.deps.bookings.transition(em, b.id, [locked.status], patch);
          await this.deps.reminders.bookingMoved(em, { ...locked, ...patch });
          return true;
        });
        if (moved) marked++;
      }
      if (due.length < batch) return marked;
    }
  }

  /**
   * Day end: bookings the centre never confirmed (nor checked in) by the end of their slot are closed as not taken
   * (rejected, by nobody) and whatever was paid goes back in full: Mulin does not keep money for a service the
   * centre never agreed to. Returns the bookings closed and what each refunds, so the family can be told.
   */
  async closeUnconfirmedBefore(before: Date, batch = 500): Promise<Array<{ booking: Booking; refundFen: number }>> {
    const closed: Array<{ booking: Booking; refundFen: number }> = [];
    for (;;) {
      const due = await this.deps.bookings.findUnservedBefore(before, batch, 'pending_confirmation');
      for (const b of due) {
        const now = this.deps.clock.now();
        const decided = await this.deps.db.decide(async (em) => {
          const locked = await this.deps.bookings.lockedFind(em, b.id);
          if (!locked || locked.status !== 'pending_confirmation') return null;
          const patch = { status: 'rejected' as const, closedAt: now, closeReason: BOOKING_TEXTS.notConfirmed, updatedAt: now };
          await this.deps.bookings.transition(em, b.id, ['pending_confirmation'], patch);
          await this.deps.slots.release(em, locked.slotId, locked.quantity);
          await this.deps.reminders.bookingMoved(em, { ...locked, ...patch });
          const { afterCommit: followUp, refundFen } = await this.deps.money.onBookingChanged(
            em,
            { ...locked, ...patch },
            0,
            PAY_TEXTS.refundUnconfirmed,
            null,
          );
          await this.deps.audit.recordSystem(
            em,
            'booking.close_unconfirmed',
            { type: 'booking', id: b.id },
            { from: locked.status, to: 'rejected', refundFen },
          );
          return { followUp, booking: { ...locked, ...patch }, refundFen };
        });
        if (!decided) continue;
        this.deps.slots.changed();
        await decided.followUp();
        closed.push({ booking: decided.booking, refundFen: decided.refundFen });
      }
      if (due.length < batch) return closed;
    }
  }

  /** 满意度回访: the senior or a linked family member rates a served booking once, 1–5. */
  async rate(actor: Actor, id: number, score: number, comment = ''): Promise<BookingView> {
    const ctx = await this.deps.reader.load(id);
    const rel = await this.deps.access.assertCanSeeSenior(actor, ctx.senior);
    if (rel !== 'self' && rel !== 'family') throw new AppError('RATER_NOT_ALLOWED');
    if (ctx.booking.status === 'rated') throw new AppError('ALREADY_RATED');
    const now = this.deps.clock.now();
    return this.move(actor, ctx, 'rate', () => ({ status: 'rated' }), {
      audit: false,
      also: async (em) => {
        await this.deps.bookings.insertRating(em, {
          bookingId: ctx.booking.id,
          seniorId: ctx.senior.id,
          centreId: ctx.centre.id,
          accountId: actor.accountId,
          score,
          comment: comment.slice(0, 500),
          createdAt: now,
        });
      },
    });
  }

  private manages(actor: Actor, ctx: BookingContext): boolean {
    return this.deps.access.isStaffOf(actor, ctx.centre.id) || this.deps.access.isAdminOver(actor, ctx.centre.regionPath);
  }

  private assertState(b: Booking, action: BookingAction): void {
    if (!FROM[action].includes(b.status)) {
      throw new AppError(action === 'rate' && b.status === 'rated' ? 'ALREADY_RATED' : 'INVALID_STATE', ERROR_MESSAGES.INVALID_STATE(b.status, action), {
        status: b.status,
      });
    }
  }

  /**
   * One move of the life cycle, in one deciding transaction. Lock first, then read: the booking's row is locked and
   * read as it is now, the move is checked and its patch worked out from that row (a payment or a reduction that
   * committed a moment ago is seen), then it is written with its seats, reminders, refunds and audit entry.
   */
  private async move(
    actor: Actor,
    ctx: BookingContext,
    action: BookingAction,
    patchOf: (locked: Booking) => Partial<Booking>,
    opts: {
      /** Seats to give back: all of the booking's, or a number worked out from the locked row. */
      releaseSeats?: boolean | ((locked: Booking) => number);
      audit: boolean;
      also?: (em: Tx, locked: Booking) => Promise<void>;
      /** Only if the quantity is still what it was read as (two reductions at once must not both apply). */
      sameQuantity?: boolean;
      /** Refund what was paid beyond `keepFen` (worked out from the locked row and the patch), after the move commits. */
      refund?: (locked: Booking, patch: Partial<Booking>) => { keepFen: number; reason: string } | null;
    },
  ): Promise<BookingView> {
    this.assertState(ctx.booking, action);
    const now = this.deps.clock.now();
    // The money's follow-up (sending refunds, closing orders) runs once the move has committed.
    const decided = await this.deps.db.decide(async (em): Promise<false | { from: BookingStatus; followUp: () => Promise<void> }> => {
      const locked = await this.deps.bookings.lockedFind(em, ctx.booking.id);
      if (!locked || !FROM[action].includes(locked.status)) return false;
      if (opts.sameQuantity && locked.quantity !== ctx.booking.quantity) return false;
      const patch = patchOf(locked);
      if (!(await this.deps.bookings.transition(em, locked.id, [locked.status], { ...patch, updatedAt: now }))) return false;
      const seats = opts.releaseSeats === true ? locked.quantity : typeof opts.releaseSeats === 'function' ? opts.releaseSeats(locked) : 0;
      if (seats > 0) await this.deps.slots.release(em, ctx.slot.id, seats);
      if (opts.also) await opts.also(em, locked);
      // In the same transaction: a cancellation that commits also cancels its reminders.
      if (patch.status && patch.status !== locked.status) await this.deps.reminders.bookingMoved(em, { ...locked, ...patch }, ctx.slot);
      const refund = opts.refund?.(locked, patch);
      const followUp = refund
        ? (await this.deps.money.onBookingChanged(em, { ...locked, ...patch }, refund.keepFen, refund.reason, actor.accountId)).afterCommit
        : async () => undefined;
      if (opts.audit) {
        await this.deps.audit.record(
          em,
          actor,
          `booking.${action}`,
          { type: 'booking', id: locked.id },
          {
            from: locked.status,
            to: patch.status ?? locked.status,
            ...(patch.closeReason ? { reason: patch.closeReason } : {}),
            ...(action === 'reduce' ? { quantity: [locked.quantity, patch.quantity] } : {}),
          },
        );
      }
      return { from: locked.status, followUp };
    });
    if (decided && opts.releaseSeats) this.deps.slots.changed(); // seats given back: the next listing shows them
    if (decided) await decided.followUp();
    const fresh = (await this.deps.bookings.findById(ctx.booking.id))!;
    if (!decided) {
      // Someone else moved it first: explain from the state it is in now.
      this.assertState(fresh, action);
      throw new AppError('INVALID_STATE');
    }
    const slot = (await this.deps.slots.findById(ctx.slot.id))!;
    return this.deps.reader.view({ ...ctx, booking: fresh, slot });
  }
}
