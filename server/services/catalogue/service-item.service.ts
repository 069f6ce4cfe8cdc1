import type { Centre, DeliveryMode, ServiceCategory, ServiceItem, ServiceKind } from '../../../entities';
import type { PriceSchedule, ServiceItemRecord } from '../../contracts/catalogue-registry';
import type { Database } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { Clock } from '../../lib/clock';
import { shanghaiDate } from '../../lib/time';
import type { CentreRegistryRepository } from '../../repositories/centre-registry.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import { serviceItemRecord } from './registry-views';

/** What each category offers, and how it can be had. */
export const KINDS_OF: Record<ServiceCategory, readonly ServiceKind[]> = {
  meal: ['breakfast', 'lunch', 'dinner'],
  bath: ['bath'],
  home_visit: ['cleaning', 'escort', 'nursing', 'haircut'],
};
export const MODES_OF: Record<ServiceCategory, readonly DeliveryMode[]> = {
  meal: ['dine_in', 'pick_up', 'delivery'],
  bath: ['at_centre', 'at_home'],
  home_visit: ['at_home', 'at_centre'],
};

export interface ServiceItemFields {
  category: ServiceCategory;
  kind: ServiceKind;
  name: string;
  description: string;
  priceFen: number;
  deliveryModes: DeliveryMode[];
  maxQuantity: number;
}

/** What an edit may change: not what it is (category, kind) nor its price, which changes by date (setPrice). */
export type ServiceItemPatch = Partial<Pick<ServiceItemFields, 'name' | 'description' | 'deliveryModes' | 'maxQuantity'>> & { version: number };

export interface ServiceItemServiceDeps {
  db: Database;
  clock: Clock;
  registry: CentreRegistryRepository;
  /** The browsing side's shared reads (centres and items, slot listings with prices), dropped after each change. */
  centres: CentreRepository;
  slots: SlotRepository;
  access: AccessService;
  audit: AuditService;
}

/**
 * 服务项目 and their prices, per centre. Administrators over the centre add, edit and retire items and set prices;
 * the centre's staff see them. A price is set from a day on (today or later) and never touches a booking already
 * made: bookings keep the price they were made at, and a booking is priced at the price of its service day.
 */
export class ServiceItemService {
  constructor(private readonly deps: ServiceItemServiceDeps) {}

  async list(actor: Actor, centreId: number): Promise<ServiceItemRecord[]> {
    const centre = await this.centre(centreId);
    this.assertSees(actor, centre);
    const items = await this.deps.registry.itemsOf(centreId);
    return this.records(items);
  }

  async create(actor: Actor, centreId: number, input: ServiceItemFields): Promise<ServiceItemRecord> {
    const centre = await this.centre(centreId);
    this.assertManages(actor, centre);
    checkKind(input.category, input.kind);
    checkModes(input.category, input.deliveryModes);
    const saved = await this.deps.db.transaction(async (em) => {
      const item = await this.deps.registry.insertItem(em, {
        centreId,
        ...input,
        deliveryModes: [...new Set(input.deliveryModes)],
        active: true,
        version: 1,
        createdAt: this.deps.clock.now(),
      });
      await this.deps.audit.record(
        em,
        actor,
        'service_item.create',
        { type: 'service_item', id: item.id },
        { centreId, kind: item.kind, name: item.name, priceFen: item.priceFen },
      );
      return item;
    });
    this.changed();
    return (await this.records([saved]))[0];
  }

  async update(actor: Actor, id: number, patch: ServiceItemPatch): Promise<ServiceItemRecord> {
    const { item } = await this.managed(actor, id);
    assertVersion(item.version, patch.version);
    const { version, ...changes } = patch;
    if (changes.deliveryModes) {
      checkModes(item.category, changes.deliveryModes);
      changes.deliveryModes = [...new Set(changes.deliveryModes)];
    }
    const diff: Record<string, [unknown, unknown]> = {};
    for (const [key, value] of Object.entries(changes) as Array<[keyof typeof changes, unknown]>) {
      if (JSON.stringify(item[key]) !== JSON.stringify(value)) diff[key] = [item[key], value];
    }
    if (Object.keys(diff).length === 0) return (await this.records([item]))[0];
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.registry.updateItem(em, id, version, changes))) throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(em, actor, 'service_item.update', { type: 'service_item', id }, { changed: diff });
    });
    this.changed();
    return this.fresh(id);
  }

  /** Retires an item (it leaves the listings; its slots can no longer be booked). Refused while bookings remain. */
  async deactivate(actor: Actor, id: number, version: number): Promise<ServiceItemRecord> {
    const { item } = await this.managed(actor, id);
    assertVersion(item.version, version);
    const open = await this.deps.registry.openBookingsFrom({ serviceItemId: id }, shanghaiDate(this.deps.clock.now()));
    if (open > 0) throw new AppError('SERVICE_ITEM_HAS_BOOKINGS', ERROR_MESSAGES.SERVICE_ITEM_HAS_BOOKINGS(open), { bookings: open });
    return this.setActive(actor, item, version, false);
  }

  async activate(actor: Actor, id: number, version: number): Promise<ServiceItemRecord> {
    const { item } = await this.managed(actor, id);
    assertVersion(item.version, version);
    return this.setActive(actor, item, version, true);
  }

  /** Every price the item has had or will have, oldest first, and today's. */
  async prices(actor: Actor, id: number): Promise<PriceSchedule> {
    const item = await this.item(id);
    this.assertSees(actor, await this.centre(item.centreId));
    const today = shanghaiDate(this.deps.clock.now());
    const [dated, now] = await Promise.all([this.deps.registry.pricesOf(id), this.deps.registry.pricesOn([item], today)]);
    return {
      serviceItemId: id,
      version: item.version,
      today: now.get(id)!,
      items: [
        { id: null, priceFen: item.priceFen, validFrom: null, createdAt: item.createdAt.toISOString() },
        ...dated.map((p) => ({ id: p.id, priceFen: p.priceFen, validFrom: p.validFrom, createdAt: p.createdAt.toISOString() })),
      ],
    };
  }

  /**
   * 调价: the item costs `priceFen` from `validFrom` (today or later) on, until a later price. A price already set
   * from that very day is replaced. Bookings already made keep their price; bookings made from now on for a day
   * on or after `validFrom` pay the new one.
   */
  async setPrice(actor: Actor, id: number, input: { priceFen: number; validFrom: string; version: number }): Promise<PriceSchedule> {
    const { item } = await this.managed(actor, id);
    assertVersion(item.version, input.version);
    const now = this.deps.clock.now();
    if (input.validFrom < shanghaiDate(now)) throw new AppError('PRICE_DATE_PASSED', undefined, { fields: { validFrom: 'in the past' } });
    const before = (await this.deps.registry.pricesOn([item], input.validFrom)).get(id)!;
    await this.deps.db.transaction(async (em) => {
      // The item's version covers its prices: two administrators setting prices from stale screens cannot both win.
      if (!(await this.deps.registry.updateItem(em, id, input.version, {}))) throw new AppError('VERSION_CONFLICT');
      const p = await this.deps.registry.setPrice(em, {
        serviceItemId: id,
        priceFen: input.priceFen,
        validFrom: input.validFrom,
        createdByAccountId: actor.accountId,
        createdAt: now,
      });
      await this.deps.audit.record(
        em,
        actor,
        'service_item.price',
        { type: 'service_item', id },
        { priceId: p.id, validFrom: input.validFrom, priceFen: [before.priceFen, input.priceFen] },
      );
    });
    this.changed();
    return this.prices(actor, id);
  }

  private async setActive(actor: Actor, item: ServiceItem, version: number, active: boolean): Promise<ServiceItemRecord> {
    if (item.active !== active) {
      await this.deps.db.transaction(async (em) => {
        if (!(await this.deps.registry.updateItem(em, item.id, version, { active }))) throw new AppError('VERSION_CONFLICT');
        await this.deps.audit.record(em, actor, active ? 'service_item.activate' : 'service_item.deactivate', { type: 'service_item', id: item.id });
      });
      this.changed();
    }
    return this.fresh(item.id);
  }

  private changed(): void {
    this.deps.centres.changed();
    this.deps.slots.changed();
  }

  private async records(items: ServiceItem[]): Promise<ServiceItemRecord[]> {
    const today = shanghaiDate(this.deps.clock.now());
    const [prices, next] = await Promise.all([
      this.deps.registry.pricesOn(items, today),
      this.deps.registry.nextPrices(
        items.map((i) => i.id),
        today,
      ),
    ]);
    return items.map((i) => serviceItemRecord(i, prices.get(i.id)!, next.get(i.id)));
  }

  private async fresh(id: number): Promise<ServiceItemRecord> {
    return (await this.records([await this.item(id)]))[0];
  }

  private async item(id: number): Promise<ServiceItem> {
    const item = await this.deps.registry.findItem(id);
    if (!item) throw new AppError('SERVICE_ITEM_NOT_FOUND');
    return item;
  }

  private async centre(id: number): Promise<Centre> {
    const c = await this.deps.registry.findCentre(id);
    if (!c) throw new AppError('CENTRE_NOT_FOUND');
    return c;
  }

  private async managed(actor: Actor, id: number): Promise<{ item: ServiceItem; centre: Centre }> {
    const item = await this.item(id);
    const centre = await this.centre(item.centreId);
    this.assertManages(actor, centre);
    return { item, centre };
  }

  private assertSees(actor: Actor, c: Centre): void {
    if (!this.deps.access.isAdminOver(actor, c.regionPath) && !this.deps.access.isStaffOf(actor, c.id)) throw new AppError('CENTRE_OUT_OF_SCOPE');
  }

  /** Items and prices are the administrators' (prices are what subsidies are worked out from). */
  private assertManages(actor: Actor, c: Centre): void {
    if (this.deps.access.isAdminOver(actor, c.regionPath)) return;
    throw new AppError(this.deps.access.isStaffOf(actor, c.id) ? 'SERVICE_ITEM_ADMIN_ONLY' : 'CENTRE_OUT_OF_SCOPE');
  }
}

function checkKind(category: ServiceCategory, kind: ServiceKind): void {
  if (!KINDS_OF[category].includes(kind)) throw new AppError('SERVICE_KIND_MISMATCH', undefined, { fields: { kind: `not a kind of ${category}` } });
}

function checkModes(category: ServiceCategory, modes: readonly DeliveryMode[]): void {
  const wrong = modes.filter((m) => !MODES_OF[category].includes(m));
  if (wrong.length > 0) throw new AppError('DELIVERY_MODES_INVALID', undefined, { fields: { deliveryModes: `not for ${category}: ${wrong.join(', ')}` } });
}
