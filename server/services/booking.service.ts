import type { EntityManager } from 'typeorm';
import type { Booking, BookingStatus, Centre, Channel, DeliveryMode, Senior, ServiceItem, Slot } from '../../entities';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import type { Clock } from '../lib/clock';
import { sha256Hex } from '../lib/password';
import { bookingCode } from '../lib/random';
import { MINUTE, monthRange } from '../lib/time';
import type { BookingRepository } from '../repositories/booking.repository';
import type { CentreRepository } from '../repositories/centre.repository';
import type { PolicyRepository } from '../repositories/policy.repository';
import type { SeniorRepository } from '../repositories/senior.repository';
import type { SlotRepository } from '../repositories/slot.repository';
import { BOOKING_TEXTS } from '../texts';
import type { AccessService } from './access.service';
import type { Actor } from './actor';
import type { AuditService } from './audit.service';
import type { BookingReaderService } from './booking-reader.service';
import type { BookingView } from './booking-view';
import { priceBooking, type Quote, type SubsidyUsage } from './pricing';

/** How long a booking waits for its co-payment before it expires and its seat goes back. */
export const PAYMENT_WINDOW_MS = 15 * MINUTE;

export interface CreateBookingInput {
  seniorId?: number;
  slotId: number;
  quantity: number;
  deliveryMode?: DeliveryMode;
  note?: string;
  channel: Channel;
  idempotencyKey?: string;
}

export interface QuoteInput {
  seniorId?: number;
  slotId: number;
  quantity: number;
}

interface Offer {
  senior: Senior;
  slot: Slot;
  item: ServiceItem;
  centre: Centre;
}

export class BookingService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly bookings: BookingRepository,
    private readonly slots: SlotRepository,
    private readonly centres: CentreRepository,
    private readonly seniors: SeniorRepository,
    private readonly policies: PolicyRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly reader: BookingReaderService,
  ) {}

  /** What the booking would cost this senior right now, and why. Nothing is reserved. */
  async quote(actor: Actor, input: QuoteInput): Promise<Quote & { slotId: number; seniorId: number }> {
    const offer = await this.offer(actor, input.seniorId, input.slotId);
    await this.access.bookerFor(actor, offer.senior, offer.centre);
    this.checkQuantity(offer.item, input.quantity);
    const usage = await this.usage(this.db.manager, offer);
    return { ...(await this.price(offer, input.quantity, usage)), slotId: offer.slot.id, seniorId: offer.senior.id };
  }

  /**
   * Books a slot for a senior: check who is asking, price with subsidy, reserve a seat, save — all or nothing.
   * With an Idempotency-Key, asking again returns the booking already made, never a second one.
   */
  async create(actor: Actor, input: CreateBookingInput): Promise<{ booking: BookingView; replayed: boolean }> {
    const key = input.idempotencyKey;
    const requestHash = key ? this.requestHash(actor, input) : null;
    if (key) {
      const prior = await this.bookings.findByIdempotencyKey(actor.accountId, key);
      if (prior) return this.replay(prior, requestHash!);
    }
    const offer = await this.offer(actor, input.seniorId, input.slotId);
    const bookedBy = await this.access.bookerFor(actor, offer.senior, offer.centre);
    this.checkQuantity(offer.item, input.quantity);
    const deliveryMode = this.deliveryMode(offer.item, input.deliveryMode);
    const now = this.clock.now();
    if (offer.slot.status !== 'open') throw new AppError('SLOT_CLOSED');
    if (now >= offer.slot.bookingCutoffAt) throw new AppError('CUTOFF_PASSED', BOOKING_TEXTS.bookingClosed);
    const policies = await this.policies.activeFor(offer.item.category);

    try {
      const booking = await this.db.transaction(async (em) => {
        await this.seniors.lock(em, offer.senior.id);
        const usage = await this.usage(em, offer);
        if (usage.sameSlot > 0) throw new AppError('ALREADY_BOOKED', BOOKING_TEXTS.alreadyBooked);
        const quote = this.priceWith(offer, input.quantity, usage, policies);
        if (!(await this.slots.reserve(em, offer.slot.id, input.quantity, now))) {
          throw await this.whyNotReserved(em, offer.slot.id, now);
        }
        const status: BookingStatus =
          quote.copayFen > 0 ? 'pending_payment' : offer.centre.autoConfirm ? 'confirmed' : 'pending_confirmation';
        const saved = await this.bookings.insert(em, {
          code: bookingCode(),
          seniorId: offer.senior.id,
          slotId: offer.slot.id,
          serviceItemId: offer.item.id,
          centreId: offer.centre.id,
          category: offer.item.category,
          kind: offer.item.kind,
          serviceDate: offer.slot.date,
          bookedByAccountId: actor.accountId,
          bookedBy,
          channel: input.channel,
          idempotencyKey: key ?? null,
          requestHash,
          quantity: input.quantity,
          unitPriceFen: quote.unitPriceFen,
          priceFen: quote.priceFen,
          subsidyFen: quote.subsidyFen,
          copayFen: quote.copayFen,
          subsidisedQuantity: quote.subsidisedQuantity,
          subsidyPolicyId: quote.policy?.id ?? null,
          subsidyReason: quote.reason.slice(0, 200),
          status,
          deliveryMode,
          note: (input.note ?? '').slice(0, 200),
          createdAt: now,
          updatedAt: now,
          paymentDueAt: status === 'pending_payment' ? new Date(now.getTime() + PAYMENT_WINDOW_MS) : null,
          paidAt: null,
          confirmedAt: status === 'confirmed' ? now : null,
          confirmedByAccountId: null,
          closedAt: null,
          closedByAccountId: null,
          closeReason: '',
          servedAt: null,
          servedByAccountId: null,
        });
        if (bookedBy === 'staff') {
          await this.audit.record(em, actor, 'booking.create', { type: 'booking', id: saved.id }, {
            seniorId: saved.seniorId,
            slotId: saved.slotId,
            quantity: saved.quantity,
            priceFen: saved.priceFen,
            subsidyFen: saved.subsidyFen,
          });
        }
        return saved;
      });
      const slot = { ...offer.slot, booked: offer.slot.booked + input.quantity };
      return { booking: this.reader.view({ ...offer, slot, booking }), replayed: false };
    } catch (err) {
      // Requests with one Idempotency-Key raced. The loser rolled back (its seat with it), either on the unique
      // key or earlier, on seeing the winner's booking (ALREADY_BOOKED, or SLOT_FULL for the last seat).
      // Whatever stopped it, a key that has made a booking answers with that booking.
      if (key && (err instanceof AppError || this.db.isDuplicateKey(err))) {
        const prior = await this.bookings.findByIdempotencyKey(actor.accountId, key);
        if (prior) return this.replay(prior, requestHash!);
      }
      throw err;
    }
  }

  private async offer(actor: Actor, seniorId: number | undefined, slotId: number): Promise<Offer> {
    const id = seniorId ?? actor.seniorId;
    if (id === null || id === undefined) {
      throw new AppError('VALIDATION_FAILED', BOOKING_TEXTS.whichSenior, { fields: { seniorId: 'required' } });
    }
    const [senior, slot] = await Promise.all([this.seniors.findById(id), this.slots.findById(slotId)]);
    if (!senior || !senior.active) throw new AppError('SENIOR_NOT_FOUND');
    if (!slot) throw new AppError('SLOT_NOT_FOUND');
    const [[item], centre] = await Promise.all([this.centres.findItemsByIds([slot.serviceItemId]), this.centres.findById(slot.centreId)]);
    if (!item || !item.active || !centre || !centre.active) throw new AppError('SLOT_NOT_FOUND');
    return { senior, slot, item, centre };
  }

  private checkQuantity(item: ServiceItem, quantity: number): void {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > item.maxQuantity) {
      throw new AppError('QUANTITY_NOT_ALLOWED', `每次最多预约 ${item.maxQuantity} 份`, { maxQuantity: item.maxQuantity });
    }
  }

  private deliveryMode(item: ServiceItem, asked: DeliveryMode | undefined): DeliveryMode {
    if (asked === undefined) return item.deliveryModes[0];
    if (!item.deliveryModes.includes(asked)) throw new AppError('DELIVERY_MODE_NOT_ALLOWED', undefined, { allowed: item.deliveryModes });
    return asked;
  }

  private usage(em: EntityManager, o: Offer): Promise<SubsidyUsage & { sameSlot: number }> {
    const { first, last } = monthRange(o.slot.date);
    return this.bookings.subsidyUsage(em, {
      seniorId: o.senior.id,
      slotId: o.slot.id,
      date: o.slot.date,
      kind: o.item.kind,
      category: o.item.category,
      monthFirst: first,
      monthLast: last,
    });
  }

  private async price(o: Offer, quantity: number, usage: SubsidyUsage): Promise<Quote> {
    return this.priceWith(o, quantity, usage, await this.policies.activeFor(o.item.category));
  }

  private priceWith(o: Offer, quantity: number, usage: SubsidyUsage, policies: Parameters<typeof priceBooking>[0]['policies']): Quote {
    return priceBooking({
      unitPriceFen: o.item.priceFen,
      quantity,
      category: o.item.category,
      kind: o.item.kind,
      serviceDate: o.slot.date,
      senior: o.senior,
      policies,
      usage,
    });
  }

  /** The reservation failed: say precisely why, from the slot as it is now. */
  private async whyNotReserved(em: EntityManager, slotId: number, now: Date): Promise<AppError> {
    const slot = await this.slots.findById(slotId, em);
    if (!slot || slot.status !== 'open') return new AppError('SLOT_CLOSED');
    if (now >= slot.bookingCutoffAt) return new AppError('CUTOFF_PASSED', BOOKING_TEXTS.bookingClosed);
    const remaining = Math.max(0, slot.capacity - slot.booked);
    return new AppError('SLOT_FULL', BOOKING_TEXTS.slotFull(remaining), { remaining });
  }

  private requestHash(actor: Actor, input: CreateBookingInput): string {
    const seniorId = input.seniorId ?? actor.seniorId;
    return sha256Hex(JSON.stringify([seniorId, input.slotId, input.quantity, input.deliveryMode ?? null, input.note ?? '']));
  }

  private async replay(prior: Booking, requestHash: string): Promise<{ booking: BookingView; replayed: boolean }> {
    if (prior.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    return { booking: this.reader.view(await this.reader.context(prior)), replayed: true };
  }
}
