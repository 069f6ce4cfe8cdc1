import { Booking, Centre, ServiceItem, ServicePrice, type BookingStatus, type CentreKind } from '../../entities';
import type { Database, Tx } from '../db/database';

/** Bookings that still hold a seat and may yet be served (or paid for). */
const OPEN_BOOKING_STATUSES: readonly BookingStatus[] = ['pending_payment', 'pending_confirmation', 'confirmed'];

export interface CentreFilter {
  /** Only centres inside this region path (an administrator's scope). */
  regionPath?: string;
  /** Only this centre (a staff member's scope). */
  centreId?: number;
  kind?: CentreKind;
  active?: boolean;
  search?: string;
  limit: number;
  offset: number;
}

/** A service item's price on a day, and where it came from (null: the price it was created with). */
export interface PriceOn {
  priceFen: number;
  validFrom: string | null;
}

/**
 * The registry's reads and writes of centres, their service items and dated prices (the console's side; the
 * browsing side is CentreRepository, whose reads are shared for a moment). Edits are conditional on the version.
 */
export class CentreRegistryRepository {
  constructor(private readonly db: Database) {}

  findCentre(id: number, em: Tx = this.db.manager): Promise<Centre | null> {
    return em.findOneBy(Centre, { id });
  }

  async list(f: CentreFilter): Promise<{ items: Centre[]; total: number }> {
    const qb = this.db.manager.createQueryBuilder(Centre, 'c');
    if (f.regionPath !== undefined) qb.andWhere('c.regionPath LIKE :path', { path: `${f.regionPath}%` });
    if (f.centreId !== undefined) qb.andWhere('c.id = :centreId', { centreId: f.centreId });
    if (f.kind) qb.andWhere('c.kind = :kind', { kind: f.kind });
    if (f.active !== undefined) qb.andWhere('c.active = :active', { active: f.active });
    // '!' escapes the pattern's own % and _ the same way on both databases (a backslash does not).
    if (f.search) qb.andWhere("(c.name LIKE :s ESCAPE '!' OR c.address LIKE :s ESCAPE '!')", { s: `%${f.search.replace(/[!%_]/g, (m) => `!${m}`)}%` });
    const [items, total] = await qb.orderBy('c.id', 'ASC').skip(f.offset).take(f.limit).getManyAndCount();
    return { items, total };
  }

  insertCentre(em: Tx, row: Omit<Centre, 'id'>): Promise<Centre> {
    return em.save(Centre, em.create(Centre, row));
  }

  /** Applies `patch` when the centre is still at `version` (and bumps it); false when someone changed it first. */
  async updateCentre(em: Tx, id: number, version: number, patch: Partial<Centre>): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Centre)
      .set({ ...patch, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return r.affected === 1;
  }

  /** Active neighbour points under a centre ("1+X"). */
  activePoints(centreId: number): Promise<number> {
    return this.db.manager.countBy(Centre, { parentId: centreId, active: true });
  }

  /** Bookings of a centre (or one of its items) on or after `fromDate` that still hold a seat. */
  openBookingsFrom(where: { centreId?: number; serviceItemId?: number }, fromDate: string): Promise<number> {
    const qb = this.db.manager
      .createQueryBuilder(Booking, 'b')
      .where('b.serviceDate >= :fromDate', { fromDate })
      .andWhere('b.status IN (:...open)', { open: OPEN_BOOKING_STATUSES });
    if (where.centreId !== undefined) qb.andWhere('b.centreId = :centreId', { centreId: where.centreId });
    if (where.serviceItemId !== undefined) qb.andWhere('b.serviceItemId = :itemId', { itemId: where.serviceItemId });
    return qb.getCount();
  }

  // ---- service items ----

  findItem(id: number, em: Tx = this.db.manager): Promise<ServiceItem | null> {
    return em.findOneBy(ServiceItem, { id });
  }

  /** Every item of a centre, active or not, in the order they were added. */
  itemsOf(centreId: number): Promise<ServiceItem[]> {
    return this.db.manager.find(ServiceItem, { where: { centreId }, order: { id: 'ASC' } });
  }

  insertItem(em: Tx, row: Omit<ServiceItem, 'id'>): Promise<ServiceItem> {
    return em.save(ServiceItem, em.create(ServiceItem, row));
  }

  async updateItem(em: Tx, id: number, version: number, patch: Partial<ServiceItem>): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(ServiceItem)
      .set({ ...patch, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return r.affected === 1;
  }

  // ---- dated prices ----

  /** An item's dated prices, oldest first. */
  pricesOf(serviceItemId: number): Promise<ServicePrice[]> {
    return this.db.manager.find(ServicePrice, { where: { serviceItemId }, order: { validFrom: 'ASC' } });
  }

  /** Sets the price from `validFrom` on: a price already set from that very day is replaced. */
  async setPrice(em: Tx, row: Omit<ServicePrice, 'id'>): Promise<ServicePrice> {
    const existing = await em.findOneBy(ServicePrice, { serviceItemId: row.serviceItemId, validFrom: row.validFrom });
    return em.save(ServicePrice, em.create(ServicePrice, existing ? { ...existing, ...row } : row));
  }

  /** Each item's price on `date` (the latest dated price from on or before it, else the item's own). */
  async pricesOn(items: ReadonlyArray<Pick<ServiceItem, 'id' | 'priceFen'>>, date: string): Promise<Map<number, PriceOn>> {
    const out = new Map<number, PriceOn>(items.map((i) => [i.id, { priceFen: i.priceFen, validFrom: null }]));
    if (items.length === 0) return out;
    const rows = await this.db.manager
      .createQueryBuilder(ServicePrice, 'p')
      .where('p.serviceItemId IN (:...ids)', { ids: items.map((i) => i.id) })
      .andWhere('p.validFrom <= :date', { date })
      .orderBy('p.validFrom', 'ASC')
      .getMany();
    for (const p of rows) out.set(p.serviceItemId, { priceFen: p.priceFen, validFrom: p.validFrom });
    return out;
  }

  /** Each item's next dated price after `date`, if one is set. */
  async nextPrices(itemIds: number[], date: string): Promise<Map<number, ServicePrice>> {
    if (itemIds.length === 0) return new Map();
    const rows = await this.db.manager
      .createQueryBuilder(ServicePrice, 'p')
      .where('p.serviceItemId IN (:...ids)', { ids: itemIds })
      .andWhere('p.validFrom > :date', { date })
      .orderBy('p.validFrom', 'DESC')
      .getMany();
    return new Map(rows.map((p) => [p.serviceItemId, p])); // the last set wins: the earliest
  }
}
