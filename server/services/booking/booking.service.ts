import type { Booking, Centre, Channel, DeliveryMode, Senior, ServiceItem, Slot } from '../../../entities';
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import type { QuoteView } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { sha256Hex } from '../../lib/password';
import { monthRange } from '../../lib/time';
import type { BookingRepository } from '../../repositories/booking.repository';
import { ofCategory, type PolicyRepository } from '../../repositories/policy.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import { PRICING_TEXTS } from '../../words/pricing';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { BookingReaderService } from './booking-reader.service';
import type { BookingView } from './booking-view';
import { bookableUntil, priceOffer, type BookingWriter } from './booking-writer';
import { usageFrom, type SubsidyUsage } from './pricing';

export interface CreateBookingInput {
  seniorId?: number;
  slotId: number;
  quantity: number;
  deliveryMode?: DeliveryMode;
  note?: string;
  channel: Channel;
  idempotencyKey?: string;
  /**
   * How the co-payment is paid: `online` (WeChat Pay) or `counter` (现场付, at a centre that takes it). Unsaid: at
   * the counter for a booking made in chat at such a centre, online otherwise.
   */
  payAt?: 'online' | 'counter';
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
  /** The item's price on the slot's day (dated prices). */
  unitPriceFen: number;
}

export interface BookingServiceDeps {
  db: Database;
  clock: Clock;
  bookings: BookingRepository;
  slots: SlotRepository;
  seniors: SeniorRepository;
  policies: PolicyRepository;
  access: AccessService;
  reader: BookingReaderService;
  writer: BookingWriter;
}

export class BookingService {
  constructor(private readonly deps: BookingServiceDeps) {}

  /**
   * What the booking would cost this senior right now, and why. Nothing is reserved. The policies are those read
   * at most a moment ago (PolicyRepository.recentFor); the booking itself is priced from the current ones.
   */
  async quote(actor: Actor, input: QuoteInput): Promise<QuoteView> {
    const offer = await this.offer(actor, input.seniorId, input.slotId);
    await this.deps.access.bookerFor(actor, offer.senior, offer.centre);
    this.checkQuantity(offer.item, input.quantity);
    const [usage, policies, relation] = await Promise.all([
      this.usage(offer),
      this.deps.policies.recentFor(offer.item.category),
      this.deps.access.relationTo(actor, offer.senior),
    ]);
    const quote = { ...priceOffer(offer, offer.slot.date, input.quantity, usage, policies), slotId: offer.slot.id, seniorId: offer.senior.id };
    // Staff may book a walk-in at their own centre for any senior, but the reasons (hardship, minimum living
    // allowance, …) are the senior's circumstances: only for those who may see the senior. Ids are sequential, so
    // without this one centre's staff could read the categories of a whole district.
    if (relation !== null) return quote;
    return { ...quote, policy: null, reason: PRICING_TEXTS.reasonWithheld, considered: [] };
  }

  /**
   * Books a slot for a senior: check who is asking and what they ask for, then hand the reservation to the writer,
   * which prices it with subsidy, reserves the seat and saves the booking in one transaction: all or nothing.
   * With an Idempotency-Key, asking again returns the booking already made, never a second one.
   */
  async create(actor: Actor, input: CreateBookingInput): Promise<{ booking: BookingView; replayed: boolean }> {
    const key = input.idempotencyKey ?? null;
    const requestHash = key ? this.requestHash(actor, input) : null;
    if (key) {
      const prior = await this.deps.bookings.findByIdempotencyKey(actor.accountId, key);
      if (prior) return this.replay(prior, requestHash!);
    }
    // The policies are read alongside the offer (all active ones, a few dozen rows): one round trip less per booking.
    const [offer, active] = await Promise.all([this.offer(actor, input.seniorId, input.slotId), this.deps.policies.active()]);
    const bookedBy = await this.deps.access.bookerFor(actor, offer.senior, offer.centre);
    // A walk-in: staff book at the counter for the senior standing there (CounterService).
    if (input.channel === 'counter' && bookedBy !== 'staff') throw new AppError('COUNTER_BOOKING_STAFF_ONLY');
    this.checkQuantity(offer.item, input.quantity);
    const deliveryMode = this.deliveryMode(offer.item, input.deliveryMode);
    if (offer.slot.status !== 'open') throw new AppError('SLOT_CLOSED');
    if (this.deps.clock.now() >= bookableUntil(offer.slot, input.channel)) throw new AppError('BOOKING_CUTOFF_PASSED');
    const policies = ofCategory(active, offer.item.category);
    if (input.payAt === 'counter' && !offer.centre.counterPayment) throw new AppError('COUNTER_PAYMENT_NOT_ACCEPTED');
    const payAtCounter = offer.centre.counterPayment && (input.payAt ?? (input.channel === 'mp_chat' ? 'counter' : 'online')) === 'counter';

    try {
      const { booking, slot } = await this.deps.writer.write({
        ...offer,
        actor,
        policies,
        quantity: input.quantity,
        bookedBy,
        deliveryMode,
        note: input.note ?? '',
        channel: input.channel,
        idempotencyKey: key,
        requestHash,
        payAtCounter,
      });
      return { booking: this.deps.reader.view({ ...offer, slot, booking }), replayed: false };
    } catch (err) {
      // Requests with one Idempotency-Key raced. The loser rolled back (its seat with it), either on the unique
      // key or earlier, on seeing the winner's booking (ALREADY_BOOKED, or SLOT_FULL for the last seat).
      // Whatever stopped it, a key that has made a booking answers with that booking.
      if (key && (err instanceof AppError || this.deps.db.isDuplicateKey(err))) {
        const prior = await this.deps.bookings.findByIdempotencyKey(actor.accountId, key);
        if (prior) return this.replay(prior, requestHash!);
      }
      throw err;
    }
  }

  private async offer(actor: Actor, seniorId: number | undefined, slotId: number): Promise<Offer> {
    const id = seniorId ?? actor.seniorId;
    if (id === null || id === undefined) {
      throw new AppError('SENIOR_NOT_CHOSEN', undefined, { fields: { seniorId: 'required' } });
    }
    const [senior, found] = await Promise.all([this.deps.seniors.load(id), this.deps.slots.loadOffer(slotId)]);
    if (!senior || !senior.active) throw new AppError('SENIOR_NOT_FOUND');
    if (!found || !found.item.active || !found.centre.active) throw new AppError('SLOT_NOT_FOUND');
    return { senior, ...found };
  }

  private checkQuantity(item: ServiceItem, quantity: number): void {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > item.maxQuantity) {
      throw new AppError('QUANTITY_NOT_ALLOWED', ERROR_MESSAGES.QUANTITY_NOT_ALLOWED(item.maxQuantity), { maxQuantity: item.maxQuantity });
    }
  }

  private deliveryMode(item: ServiceItem, asked: DeliveryMode | undefined): DeliveryMode {
    if (asked === undefined) return item.deliveryModes[0];
    if (!item.deliveryModes.includes(asked)) throw new AppError('DELIVERY_MODE_NOT_ALLOWED', undefined, { allowed: item.deliveryModes });
    return asked;
  }

  private async usage(o: Offer): Promise<SubsidyUsage & { sameSlot: number }> {
    const { first, last } = monthRange(o.slot.date);
    const held = await this.deps.bookings.holdingsOf(o.senior.id, o.item.category, first, last);
    return usageFrom(held, { seniorId: o.senior.id, slotId: o.slot.id, date: o.slot.date, category: o.item.category, kind: o.item.kind });
  }

  private requestHash(actor: Actor, input: CreateBookingInput): string {
    const seniorId = input.seniorId ?? actor.seniorId;
    return sha256Hex(
      JSON.stringify([seniorId, input.slotId, input.quantity, input.deliveryMode ?? null, input.note ?? '', ...(input.payAt ? [input.payAt] : [])]),
    );
  }

  private async replay(prior: Booking, requestHash: string): Promise<{ booking: BookingView; replayed: boolean }> {
    if (prior.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    return { booking: this.deps.reader.view(await this.deps.reader.context(prior)), replayed: true };
  }
}
