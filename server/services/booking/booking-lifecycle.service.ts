import type { Booking, BookingStatus } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { shanghaiDate } from '../../lib/time';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import { PAY_TEXTS, type BookingAction } from '../../words/texts';
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
  onBookingChanged(em: Tx, booking: Booking, keepFen: number, reason: string, requestedBy: number | null): Promise<() => Promise<void>>;
}

/** States a booking may leave by each action; everything else is refused with INVALID_STATE. */
const FROM: Record<BookingAction, readonly BookingStatus[]> = {
  cancel: ['pending_payment', 'pending_confirmation', 'confirmed'],
  confirm: ['pending_confirmation'],
  reject: ['pending_payment', 'pending_confirmation', 'confirmed'],
  // Scanning the code at the counter also confirms a booking the centre had not got round to confirming.
  check_in: ['pending_confirmation', 'confirmed'],
  no_show: ['confirmed'],
  rate: ['served'],
  reduce: ['pending_payment', 'pending_confirmation', 'confirmed'],
};

/** Whether a booking in this state can be checked in (what checkIn accepts), for the counter's search. */
export function canCheckIn(status: BookingStatus): boolean {
  return FROM.check_in.includes(status);
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
      { status: 'cancelled', closedAt: now, closedByAccountId: actor.accountId, closeReason: reason.slice(0, 200) },
      {
        releaseSeats: true,
        audit: manages,
        refund: { keepFen: 0, reason: PAY_TEXTS.refundCancelled },
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
      { status: 'cancelled', closedAt: now, closedByAccountId: actor.accountId, closeReason: reason.slice(0, 200) },
      { releaseSeats: true, audit: true, refund: { keepFen: 0, reason: PAY_TEXTS.refundCancelled } },
    );
  }

  async confirm(actor: Actor, id: number): Promise<BookingView> {
    const ctx = await this.deps.reader.load(id);
    this.deps.access.assertCanManageCentre(actor, ctx.centre);
    const now = this.deps.clock.now();
    return this.move(actor, ctx, 'confirm', { status: 'confirmed', confirmedAt: now, confirmedByAccountId: actor.accountId }, { audit: true });
  }

  async reject(actor: Actor, id: number, reason: string): Promise<BookingView> {
    const ctx = await this.deps.reader.load(id);
    this.deps.access.assertCanManageCentre(actor, ctx.centre);
    const now = this.deps.clock.now();
    return this.move(
      actor,
      ctx,
      'reject',
      { status: 'rejected', closedAt: now, closedByAccountId: actor.accountId, closeReason: reason.slice(0, 200) },
      {
        releaseSeats: true,
        audit: true,
        refund: { keepFen: 0, reason: PAY_TEXTS.refundRejected },
      },
    );
  }

  /**
   * Fewer portions (two lunches become one): allowed whenever a cancellation would be. The price is worked out
   * again from the booking's own (reducedPrice), the seats go back, and what was paid beyond the new co-payment is
   * refunded; an order still open for the old amount is closed, so the next payment asks for the new one.
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
    const price = reducedPrice(b, quantity);
    return this.move(
      actor,
      ctx,
      'reduce',
      { ...price, quantity },
      {
        releaseSeats: b.quantity - quantity,
        audit: manages,
        sameQuantity: true,
        refund: { keepFen: price.copayFen, reason: PAY_TEXTS.refundReduced(b.quantity, quantity) },
      },
    );
  }

  /** 核销: the counter scans the booking's code on the day; this is what the centre claims subsidy on. */
  async checkIn(actor: Actor, code: string): Promise<BookingView> {
    const booking = await this.deps.bookings.findByCode(code.trim().toUpperCase());
    if (!booking) throw new AppError('CHECK_IN_CODE_INVALID');
    const ctx = await this.deps.reader.context(booking);
    this.deps.access.assertStaffOrAdmin(actor);
    if (!this.manages(actor, ctx)) throw new AppError('WRONG_CENTRE');
    const now = this.deps.clock.now();
    this.assertState(booking, 'check_in');
    if (booking.serviceDate !== shanghaiDate(now)) throw new AppError('WRONG_DAY', ERROR_MESSAGES.WRONG_DAY(booking.serviceDate));
    const patch: Partial<Booking> = { status: 'served', servedAt: now, servedByAccountId: actor.accountId };
    if (booking.status === 'pending_confirmation') Object.assign(patch, { confirmedAt: now, confirmedByAccountId: actor.accountId });
    return this.move(actor, ctx, 'check_in', patch, { audit: true });
  }

  async markNoShow(actor: Actor, id: number): Promise<BookingView> {
    const ctx = await this.deps.reader.load(id);
    this.deps.access.assertCanManageCentre(actor, ctx.centre);
    const now = this.deps.clock.now();
    this.assertState(ctx.booking, 'no_show');
    if (now < ctx.slot.endsAt) throw new AppError('SERVICE_NOT_ENDED');
    return this.move(actor, ctx, 'no_show', { status: 'no_show', closedAt: now, closedByAccountId: actor.accountId }, { audit: true });
  }

  /**
   * Day end: confirmed bookings whose slot ended before `before` and were never checked in become no-shows.
   * Idempotent; returns how many were marked. (The scheduled day-end job calls this.)
   */
  async markNoShowsBefore(before: Date, batch = 500): Promise<number> {
    let marked = 0;
    for (;;) {
      const due = await this.deps.bookings.findUnservedBefore(before, batch);
      for (const b of due) {
        const now = this.deps.clock.now();
        if (await this.deps.bookings.transition(this.deps.db.manager, b.id, FROM.no_show, { status: 'no_show', closedAt: now, updatedAt: now })) marked++;
      }
      if (due.length < batch) return marked;
    }
  }

  /** 满意度回访: the senior or a linked family member rates a served booking once, 1–5. */
  async rate(actor: Actor, id: number, score: number, comment = ''): Promise<BookingView> {
    const ctx = await this.deps.reader.load(id);
    const rel = await this.deps.access.assertCanSeeSenior(actor, ctx.senior);
    if (rel !== 'self' && rel !== 'family') throw new AppError('RATER_NOT_ALLOWED');
    if (ctx.booking.status === 'rated') throw new AppError('ALREADY_RATED');
    const now = this.deps.clock.now();
    return this.move(
      actor,
      ctx,
      'rate',
      { status: 'rated' },
      {
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
      },
    );
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

  private async move(
    actor: Actor,
    ctx: BookingContext,
    action: BookingAction,
    patch: Partial<Booking>,
    opts: {
      /** Seats to give back: all of the booking's, or a number. */
      releaseSeats?: boolean | number;
      audit: boolean;
      also?: (em: Tx) => Promise<void>;
      /** Only if the quantity is still what it was read as (two reductions at once must not both apply). */
      sameQuantity?: boolean;
      /** Refund what was paid beyond `keepFen`, after the move commits. */
      refund?: { keepFen: number; reason: string };
    },
  ): Promise<BookingView> {
    this.assertState(ctx.booking, action);
    const now = this.deps.clock.now();
    const from = ctx.booking.status;
    // The money's follow-up (sending refunds, closing orders) runs once the move has committed.
    const afterCommit = await this.deps.db.transaction(async (em): Promise<false | (() => Promise<void>)> => {
      const guard = opts.sameQuantity ? { quantity: ctx.booking.quantity } : undefined;
      if (!(await this.deps.bookings.transition(em, ctx.booking.id, FROM[action], { ...patch, updatedAt: now }, guard))) return false;
      const seats = opts.releaseSeats === true ? ctx.booking.quantity : opts.releaseSeats || 0;
      if (seats > 0) await this.deps.slots.release(em, ctx.slot.id, seats);
      if (opts.also) await opts.also(em);
      // In the same transaction: a cancellation that commits also cancels its reminders.
      if (patch.status && patch.status !== from) await this.deps.reminders.bookingMoved(em, { ...ctx.booking, ...patch }, ctx.slot);
      const followUp = opts.refund
        ? await this.deps.money.onBookingChanged(em, { ...ctx.booking, ...patch }, opts.refund.keepFen, opts.refund.reason, actor.accountId)
        : async () => undefined;
      if (opts.audit) {
        await this.deps.audit.record(
          em,
          actor,
          `booking.${action}`,
          { type: 'booking', id: ctx.booking.id },
          {
            from,
            to: patch.status ?? from,
            ...(patch.closeReason ? { reason: patch.closeReason } : {}),
            ...(action === 'reduce' ? { quantity: [ctx.booking.quantity, patch.quantity] } : {}),
          },
        );
      }
      return followUp;
    });
    if (afterCommit && opts.releaseSeats) this.deps.slots.changed(); // seats given back: the next listing shows them
    if (afterCommit) await afterCommit();
    const fresh = (await this.deps.bookings.findById(ctx.booking.id))!;
    if (!afterCommit) {
      // Someone else moved it first: explain from the state it is in now.
      this.assertState(fresh, action);
      throw new AppError('INVALID_STATE');
    }
    const slot = (await this.deps.slots.findById(ctx.slot.id))!;
    return this.deps.reader.view({ ...ctx, booking: fresh, slot });
  }
}
