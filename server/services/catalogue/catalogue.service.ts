import {
  CENTRE_KIND_LABELS,
  SERVICE_KIND_LABELS,
  type Centre,
  type CentreKind,
  type Menu,
  type ServiceCategory,
  type ServiceItem,
  type ServiceKind,
  type Slot,
} from '../../../entities';
import { AppError } from '../../errors';
import type { CentreView, ServiceItemView, SlotView } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { walkingMetres, walkingMinutes } from '../../lib/geo';
import { addDays, shanghaiDate, shanghaiTime } from '../../lib/time';
import type { CentreRegistryRepository } from '../../repositories/centre-registry.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import { dishView } from './menu-view';

export type { CentreView, ServiceItemView, SlotView };

export function centreView(c: Centre): CentreView {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    kindLabel: CENTRE_KIND_LABELS[c.kind],
    parentId: c.parentId,
    address: c.address,
    latitude: c.latitude,
    longitude: c.longitude,
    hours: `${c.opensAt}–${c.closesAt}`,
    phone: c.phone,
  };
}

/** An item as families see it; `priceFen` is its price on the day in question (today, or the slot's day). */
export function serviceItemView(i: ServiceItem, priceFen = i.priceFen): ServiceItemView {
  return {
    id: i.id,
    centreId: i.centreId,
    category: i.category,
    kind: i.kind,
    kindLabel: SERVICE_KIND_LABELS[i.kind],
    name: i.name,
    description: i.description,
    priceFen,
    deliveryModes: [...i.deliveryModes],
    maxQuantity: i.maxQuantity,
  };
}

/** Whether a slot can still be booked at `now`: open, a seat left, before its cut-off. */
function bookableAt(slot: Slot, now: Date): boolean {
  return slot.status === 'open' && slot.capacity > slot.booked && now < slot.bookingCutoffAt;
}

export function slotView(slot: Slot, item: ServiceItem, menu: Menu | undefined, now: Date, unitPriceFen = item.priceFen): SlotView {
  const remaining = Math.max(0, slot.capacity - slot.booked);
  return {
    id: slot.id,
    centreId: slot.centreId,
    serviceItem: serviceItemView(item, unitPriceFen),
    date: slot.date,
    start: shanghaiTime(slot.startsAt),
    end: shanghaiTime(slot.endsAt),
    startsAt: slot.startsAt.toISOString(),
    endsAt: slot.endsAt.toISOString(),
    capacity: slot.capacity,
    booked: slot.booked,
    remaining,
    bookable: bookableAt(slot, now),
    bookingCutoffAt: slot.bookingCutoffAt.toISOString(),
    cancelCutoffAt: slot.cancelCutoffAt.toISOString(),
    workerName: slot.workerName || null,
    status: slot.status,
    closeReason: slot.closeReason,
    version: slot.version,
    menu: menu ? { dishes: menu.dishes.map(dishView), note: menu.note } : null,
  };
}

export interface CatalogueServiceDeps {
  centres: CentreRepository;
  slots: SlotRepository;
  /** Dated prices: an item's price today. */
  prices: CentreRegistryRepository;
  clock: Clock;
}

/** Longest date range one slot listing may span, so a careless client cannot ask for years of slots. */
const MAX_SLOT_RANGE_DAYS = 31;

export class CatalogueService {
  /**
   * Views of listed slots, made once per slot entity and menu: a listing's entities are shared for a moment
   * (FreshReads), and the bot lists a week of slots for most messages. Only `bookable` depends on when it is asked.
   * The views are shared: read only.
   */
  private readonly views = new WeakMap<Slot, { item: ServiceItem; menu: Menu | undefined; view: SlotView }>();
  private readonly centres: CentreRepository;
  private readonly slotRepo: SlotRepository;
  private readonly clock: Clock;

  constructor(private readonly deps: CatalogueServiceDeps) {
    ({ centres: this.centres, slots: this.slotRepo, clock: this.clock } = deps);
  }

  /** Centres by walking distance from a point; `withinMinutes` keeps those a senior can walk to in time. */
  async nearbyCentres(q: {
    latitude: number;
    longitude: number;
    withinMinutes?: number;
    kind?: CentreKind;
    category?: ServiceCategory;
  }): Promise<CentreView[]> {
    const all = await this.centres.findActive(q.category);
    return all
      .filter((c) => !q.kind || c.kind === q.kind)
      .map((c) => {
        const distanceMetres = walkingMetres(q.latitude, q.longitude, c.latitude, c.longitude);
        return { ...centreView(c), distanceMetres, walkingMinutes: walkingMinutes(distanceMetres) };
      })
      .filter((c) => q.withinMinutes === undefined || c.walkingMinutes <= q.withinMinutes)
      .sort((a, b) => a.distanceMetres - b.distanceMetres || a.id - b.id);
  }

  async listCentres(q: { kind?: CentreKind; category?: ServiceCategory }): Promise<CentreView[]> {
    return (await this.centres.findActive(q.category)).filter((c) => !q.kind || c.kind === q.kind).map(centreView);
  }

  async centre(id: number): Promise<CentreView & { serviceItems: ServiceItemView[] }> {
    const c = await this.centres.findById(id);
    if (!c || !c.active) throw new AppError('CENTRE_NOT_FOUND');
    const items = await this.centres.serviceItems(id);
    const today = await this.deps.prices.pricesOn(items, shanghaiDate(this.clock.now()));
    return { ...centreView(c), serviceItems: items.map((i) => serviceItemView(i, today.get(i.id)?.priceFen)) };
  }

  /** Slots with seats left, menus and whether they can be booked now; the views are shared: read only. */
  async slots(q: {
    centreId?: number;
    serviceItemId?: number;
    category?: ServiceCategory;
    kind?: ServiceKind;
    from?: string;
    to?: string;
  }): Promise<SlotView[]> {
    const now = this.clock.now();
    const from = q.from ?? shanghaiDate(now);
    const to = q.to ?? addDays(from, 6);
    if (to < from) throw new AppError('DATE_RANGE_REVERSED', undefined, { fields: { to: 'before from' } });
    if (to > addDays(from, MAX_SLOT_RANGE_DAYS)) {
      throw new AppError('DATE_RANGE_TOO_LONG', ERROR_MESSAGES.DATE_RANGE_TOO_LONG(MAX_SLOT_RANGE_DAYS), { fields: { to: 'range too long' } });
    }
    const rows = await this.slotRepo.list({ ...q, from, to });
    const menus = new Map((await this.slotRepo.menusFor(rows.map((r) => r.slot.id))).map((m) => [m.slotId, m]));
    return rows.map(({ slot, item, unitPriceFen }) => this.viewOf(slot, item, menus.get(slot.id), now, unitPriceFen));
  }

  private viewOf(slot: Slot, item: ServiceItem, menu: Menu | undefined, now: Date, unitPriceFen: number): SlotView {
    let kept = this.views.get(slot);
    if (!kept || kept.item !== item || kept.menu !== menu) {
      kept = { item, menu, view: slotView(slot, item, menu, now, unitPriceFen) };
      this.views.set(slot, kept);
    }
    const bookable = bookableAt(slot, now);
    return kept.view.bookable === bookable ? kept.view : { ...kept.view, bookable };
  }

  async slot(id: number): Promise<SlotView> {
    const offer = await this.slotRepo.loadOffer(id);
    if (!offer) throw new AppError('SLOT_NOT_FOUND');
    const [menu] = await this.slotRepo.menusFor([id]);
    return slotView(offer.slot, offer.item, menu, this.clock.now(), offer.unitPriceFen);
  }
}
