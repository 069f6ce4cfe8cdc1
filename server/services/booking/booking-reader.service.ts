import type { Booking, BookingStatus, Centre, Senior, ServiceItem, Slot } from '../../../entities';
import { AppError } from '../../errors';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import { bookingView, type BookingView } from './booking-view';

export interface BookingContext {
  booking: Booking;
  slot: Slot;
  item: ServiceItem;
  centre: Centre;
  senior: Senior;
}

export interface BookingQuery {
  seniorId?: number;
  centreId?: number;
  slotId?: number;
  date?: string;
  from?: string;
  to?: string;
  statuses?: BookingStatus[];
  limit: number;
  offset: number;
}

export interface BookingReaderServiceDeps {
  bookings: BookingRepository;
  slots: SlotRepository;
  centres: CentreRepository;
  seniors: SeniorRepository;
  links: FamilyLinkRepository;
  access: AccessService;
}

/** Loads bookings with what a person needs to read them (slot, service, centre, senior), and who may see them. */
export class BookingReaderService {
  constructor(private readonly deps: BookingReaderServiceDeps) {}

  async context(booking: Booking): Promise<BookingContext> {
    const [slot, [item], centre, senior] = await Promise.all([
      this.deps.slots.findById(booking.slotId),
      this.deps.centres.findItemsByIds([booking.serviceItemId]),
      this.deps.centres.findById(booking.centreId),
      this.deps.seniors.findById(booking.seniorId),
    ]);
    if (!slot || !item || !centre || !senior) throw new Error(`booking ${booking.id} refers to missing rows`);
    return { booking, slot, item, centre, senior };
  }

  async load(id: number): Promise<BookingContext> {
    const booking = await this.deps.bookings.findById(id);
    if (!booking) throw new AppError('BOOKING_NOT_FOUND');
    return this.context(booking);
  }

  /** The senior, their linked family, the centre's staff and staff of the senior's home centre, admins over it. */
  async assertCanSee(actor: Actor, ctx: BookingContext): Promise<void> {
    if (this.deps.access.isStaffOf(actor, ctx.centre.id) || this.deps.access.isAdminOver(actor, ctx.centre.regionPath)) return;
    await this.deps.access.assertCanSeeSenior(actor, ctx.senior);
  }

  async get(actor: Actor, id: number): Promise<BookingView> {
    const ctx = await this.load(id);
    await this.assertCanSee(actor, ctx);
    return this.view(ctx);
  }

  view(ctx: BookingContext): BookingView {
    return bookingView(ctx.booking, ctx.slot, ctx.item, ctx.centre, ctx.senior);
  }

  async views(bookings: Booking[]): Promise<BookingView[]> {
    const ids = <K extends keyof Booking>(k: K) => [...new Set(bookings.map((b) => b[k] as number))];
    // Through the loaders: concurrent readers' lookups share one query per table (the entities are only read).
    const all = async <T extends object>(keys: number[], load: (id: number) => Promise<T | null>): Promise<T[]> => {
      const found: Array<T | null> = await Promise.all(keys.map(load));
      return found.filter((x): x is T => x !== null);
    };
    const [slots, items, centres, seniors] = await Promise.all([
      all(ids('slotId'), (id) => this.deps.slots.load(id)),
      all(ids('serviceItemId'), (id) => this.deps.centres.loadItem(id)),
      all(ids('centreId'), (id) => this.deps.centres.load(id)),
      all(ids('seniorId'), (id) => this.deps.seniors.load(id)),
    ]);
    const by = <T extends { id: number }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
    const [s, i, c, p] = [by(slots), by(items), by(centres), by(seniors)];
    return bookings.map((b) => bookingView(b, s.get(b.slotId)!, i.get(b.serviceItemId)!, c.get(b.centreId)!, p.get(b.seniorId)!));
  }

  /** A senior's bookings still to come from `from` (a Shanghai day), soonest first, for whoever may see them. */
  async upcoming(actor: Actor, senior: Senior, from: string): Promise<BookingView[]> {
    await this.deps.access.assertCanSeeSenior(actor, senior);
    return this.views(await this.deps.bookings.upcomingOf(senior.id, from));
  }

  /**
   * Bookings the actor may see: of one senior they are related to, of a centre they run, or — with no filter —
   * their own (a senior), their linked seniors' (family) and their centre's (staff).
   */
  async list(actor: Actor, q: BookingQuery): Promise<{ items: BookingView[]; total: number }> {
    const filter = { ...q, seniorIds: undefined as number[] | undefined };
    if (q.centreId !== undefined) {
      const centre = await this.deps.centres.findById(q.centreId);
      if (!centre) throw new AppError('CENTRE_NOT_FOUND');
      this.deps.access.assertCanManageCentre(actor, centre);
    }
    if (q.seniorId !== undefined) {
      const senior = await this.deps.seniors.findById(q.seniorId);
      if (!senior) throw new AppError('SENIOR_NOT_FOUND');
      if (q.centreId === undefined) await this.deps.access.assertCanSeeSenior(actor, senior);
      filter.seniorIds = [senior.id];
    }
    if (q.centreId === undefined && q.seniorId === undefined) {
      const own: number[] = [];
      if (hasRole(actor, 'senior') && actor.seniorId !== null) own.push(actor.seniorId);
      if (hasRole(actor, 'family')) own.push(...(await this.deps.links.linkedSeniorIds(actor.accountId)));
      if (own.length > 0 || !hasRole(actor, 'staff') || actor.centreId === null) {
        if (own.length === 0 && hasRole(actor, 'admin')) throw new AppError('BOOKING_SCOPE_REQUIRED');
        filter.seniorIds = [...new Set(own)];
      } else {
        filter.centreId = actor.centreId;
      }
    }
    const { items, total } = await this.deps.bookings.list(filter);
    return { items: await this.views(items), total };
  }
}
