import type { Booking, BookingStatus } from '../../entities';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import type { Clock } from '../lib/clock';
import { shanghaiDate } from '../lib/time';
import type { BookingRepository } from '../repositories/booking.repository';
import type { SlotRepository } from '../repositories/slot.repository';
import { BOOKING_TEXTS, type BookingAction } from '../texts';
import type { AccessService } from './access.service';
import type { Actor } from './actor';
import type { AuditService } from './audit.service';
import type { BookingContext, BookingReaderService } from './booking-reader.service';
import type { BookingView } from './booking-view';

/** States a booking may leave by each action; everything else is refused with INVALID_STATE. */
const FROM: Record<BookingAction, readonly BookingStatus[]> = {
  cancel: ['pending_payment', 'pending_confirmation', 'confirmed'],
  confirm: ['pending_confirmation'],
  reject: ['pending_payment', 'pending_confirmation', 'confirmed'],
  // Scanning the code at the counter also confirms a booking the centre had not got round to confirming.
  check_in: ['pending_confirmation', 'confirmed'],
  no_show: ['confirmed'],
  rate: ['served'],
};

/**
 * Moves bookings through their life cycle. Every move is one conditional UPDATE on the current status, so a
 * stale or repeated action (a double tap, two staff at once) is a clear INVALID_STATE and never a corruption;
 * seats go back to the slot in the same transaction; staff and admin actions are written to the audit log.
 */
export class BookingLifecycleService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly bookings: BookingRepository,
    private readonly slots: SlotRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly reader: BookingReaderService,
  ) {}

  /** The senior or their family before the cancel cut-off; the centre's staff or an admin until it is served. */
  async cancel(actor: Actor, id: number, reason = ''): Promise<BookingView> {
    const ctx = await this.reader.load(id);
    const now = this.clock.now();
    const manages = this.manages(actor, ctx);
    if (!manages) {
      await this.access.assertCanSeeSenior(actor, ctx.senior);
      this.assertState(ctx.booking, 'cancel');
      if (now >= ctx.slot.cancelCutoffAt) throw new AppError('CUTOFF_PASSED', BOOKING_TEXTS.cancelClosed);
    }
    return this.move(actor, ctx, 'cancel', { status: 'cancelled', closedAt: now, closedByAccountId: actor.accountId, closeReason: reason.slice(0, 200) }, {
      releaseSeats: true,
      audit: manages,
    });
  }

  async confirm(actor: Actor, id: number): Promise<BookingView> {
    const ctx = await this.reader.load(id);
    this.access.assertCanManageCentre(actor, ctx.centre);
    const now = this.clock.now();
    return this.move(actor, ctx, 'confirm', { status: 'confirmed', confirmedAt: now, confirmedByAccountId: actor.accountId }, { audit: true });
  }

  async reject(actor: Actor, id: number, reason: string): Promise<BookingView> {
    const ctx = await this.reader.load(id);
    this.access.assertCanManageCentre(actor, ctx.centre);
    const now = this.clock.now();
    return this.move(actor, ctx, 'reject', { status: 'rejected', closedAt: now, closedByAccountId: actor.accountId, closeReason: reason.slice(0, 200) }, {
      releaseSeats: true,
      audit: true,
    });
  }

  /** 核销: the counter scans the booking's code on the day; this is what the centre claims subsidy on. */
  async checkIn(actor: Actor, code: string): Promise<BookingView> {
    const booking = await this.bookings.findByCode(code.trim().toUpperCase());
    if (!booking) throw new AppError('BOOKING_NOT_FOUND', BOOKING_TEXTS.checkInUnknownCode);
    const ctx = await this.reader.context(booking);
    this.access.assertStaffOrAdmin(actor);
    if (!this.manages(actor, ctx)) throw new AppError('WRONG_CENTRE', BOOKING_TEXTS.checkInWrongCentre);
    const now = this.clock.now();
    this.assertState(booking, 'check_in');
    if (booking.serviceDate !== shanghaiDate(now)) throw new AppError('WRONG_DAY', BOOKING_TEXTS.checkInWrongDay(booking.serviceDate));
    const patch: Partial<Booking> = { status: 'served', servedAt: now, servedByAccountId: actor.accountId };
    if (booking.status === 'pending_confirmation') Object.assign(patch, { confirmedAt: now, confirmedByAccountId: actor.accountId });
    return this.move(actor, ctx, 'check_in', patch, { audit: true });
  }

  async markNoShow(actor: Actor, id: number): Promise<BookingView> {
    const ctx = await this.reader.load(id);
    this.access.assertCanManageCentre(actor, ctx.centre);
    const now = this.clock.now();
    this.assertState(ctx.booking, 'no_show');
    if (now < ctx.slot.endsAt) throw new AppError('INVALID_STATE', BOOKING_TEXTS.notEnded);
    return this.move(actor, ctx, 'no_show', { status: 'no_show', closedAt: now, closedByAccountId: actor.accountId }, { audit: true });
  }

  /**
   * Day end: confirmed bookings whose slot ended before `before` and were never checked in become no-shows.
   * Idempotent; returns how many were marked. (The scheduled day-end job calls this.)
   */
  async markNoShowsBefore(before: Date, batch = 500): Promise<number> {
    let marked = 0;
    for (;;) {
      const due = await this.bookings.findUnservedBefore(before, batch);
      for (const b of due) {
        const now = this.clock.now();
        if (await this.bookings.transition(this.db.manager, b.id, FROM.no_show, { status: 'no_show', closedAt: now, updatedAt: now })) marked++;
      }
      if (due.length < batch) return marked;
    }
  }

  /** 满意度回访: the senior or a linked family member rates a served booking once, 1–5. */
  async rate(actor: Actor, id: number, score: number, comment = ''): Promise<BookingView> {
    const ctx = await this.reader.load(id);
    const rel = await this.access.assertCanSeeSenior(actor, ctx.senior);
    if (rel !== 'self' && rel !== 'family') throw new AppError('FORBIDDEN', '只有老人本人或家属可以评价');
    if (ctx.booking.status === 'rated') throw new AppError('ALREADY_RATED');
    const now = this.clock.now();
    return this.move(actor, ctx, 'rate', { status: 'rated' }, {
      audit: false,
      also: async (em) => {
        await this.bookings.insertRating(em, {
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
    return this.access.isStaffOf(actor, ctx.centre.id) || this.access.isAdminOver(actor, ctx.centre.regionPath);
  }

  private assertState(b: Booking, action: BookingAction): void {
    if (!FROM[action].includes(b.status)) {
      throw new AppError(action === 'rate' && b.status === 'rated' ? 'ALREADY_RATED' : 'INVALID_STATE', BOOKING_TEXTS.stateForbids(b.status, action), {
        status: b.status,
      });
    }
  }

  private async move(
    actor: Actor,
    ctx: BookingContext,
    action: BookingAction,
    patch: Partial<Booking>,
    opts: { releaseSeats?: boolean; audit: boolean; also?: (em: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<void> },
  ): Promise<BookingView> {
    this.assertState(ctx.booking, action);
    const now = this.clock.now();
    const from = ctx.booking.status;
    const moved = await this.db.transaction(async (em) => {
      if (!(await this.bookings.transition(em, ctx.booking.id, FROM[action], { ...patch, updatedAt: now }))) return false;
      if (opts.releaseSeats) await this.slots.release(em, ctx.slot.id, ctx.booking.quantity);
      if (opts.also) await opts.also(em);
      if (opts.audit) {
        await this.audit.record(em, actor, `booking.${action}`, { type: 'booking', id: ctx.booking.id }, {
          from,
          to: patch.status,
          ...(patch.closeReason ? { reason: patch.closeReason } : {}),
        });
      }
      return true;
    });
    const fresh = (await this.bookings.findById(ctx.booking.id))!;
    if (!moved) {
      // Someone else moved it first: explain from the state it is in now.
      this.assertState(fresh, action);
      throw new AppError('INVALID_STATE');
    }
    const slot = (await this.slots.findById(ctx.slot.id))!;
    return this.reader.view({ ...ctx, booking: fresh, slot });
  }
}
