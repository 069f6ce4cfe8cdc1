import type { EntityManager } from 'typeorm';
import { Centre, Menu, ServiceItem, Slot, type ServiceCategory, type ServiceKind } from '../../entities';
import type { Database } from '../db/database';
import { EntityRows } from '../db/entity-rows';
import { BatchLoader } from '../lib/batch-loader';
import { FreshReads, type Freshness } from '../lib/fresh-reads';

export interface SlotFilter {
  centreId?: number;
  serviceItemId?: number;
  category?: ServiceCategory;
  kind?: ServiceKind;
  from: string;
  to: string;
}

export interface SlotOffer {
  slot: Slot;
  item: ServiceItem;
  centre: Centre;
  /** The item's price on the slot's day: its latest dated price from on or before that day, else its own. */
  unitPriceFen: number;
}

/** A listed slot, its item, and the item's price on the slot's day (as in SlotOffer). */
export interface ListedSlot {
  slot: Slot;
  item: ServiceItem;
  unitPriceFen: number;
}

/**
 * The dated price (ServicePrice) of slot `s`'s item on the slot's day, or NULL when none is set by then: one
 * indexed lookup (uq_service_price_item_from) per slot, in the same query as the slot.
 */
const DATED_PRICE = `(SELECT p.priceFen FROM service_price p WHERE p.serviceItemId = s.serviceItemId AND p.validFrom <= s.date
  ORDER BY p.validFrom DESC LIMIT 1) AS datedPriceFen`;

function unitPrice(raw: Record<string, unknown>, item: ServiceItem): number {
  return raw.datedPriceFen === null || raw.datedPriceFen === undefined ? item.priceFen : Number(raw.datedPriceFen);
}

export class SlotRepository {
  private readonly loader = new BatchLoader<number, Slot>(async (ids) => new Map((await this.findByIds(ids)).map((s) => [s.id, s])));

  private readonly menuLoader = new BatchLoader<number, Menu>(
    async (ids) => new Map((await this.db.rows(Menu).findIn(this.db.manager, 'slotId', ids)).map((m) => [m.slotId, m])),
  );

  /** A slot with its service item and centre, in one joined query for all the slots asked for in a turn. */
  private readonly offerLoader = new BatchLoader<number, SlotOffer>(async (ids) => {
    const [slots, items, centres] = [this.db.rows(Slot), this.db.rows(ServiceItem), this.db.rows(Centre)];
    const raw: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT ${slots.columnsAs('s', 's_')}, ${items.columnsAs('i', 'i_')}, ${centres.columnsAs('c', 'c_')}, ${DATED_PRICE}
       FROM ${slots.table} s JOIN ${items.table} i ON i.id = s.serviceItemId JOIN ${centres.table} c ON c.id = s.centreId
       WHERE s.id IN (${EntityRows.marks(ids.length)})`,
      ids,
    );
    return new Map(
      raw.map((r) => {
        const slot = slots.hydrate(r, 's_');
        const item = items.hydrate(r, 'i_');
        return [slot.id, { slot, item, centre: centres.hydrate(r, 'c_'), unitPriceFen: unitPrice(r, item) }];
      }),
    );
  });

  // The timetable and its menus are read for nearly every bot message: listings and menus are shared for a moment
  // (FreshReads). Seats left in a listing may be that old; a booking locks and checks its slot. This instance's
  // own changes to slots (seats taken or given back, slots made) drop them at once: see `changed`.
  private readonly recentLists: FreshReads<SlotFilter, ListedSlot[]>;
  private readonly recentMenus: FreshReads<number, Menu | undefined>;

  constructor(
    private readonly db: Database,
    freshness: Freshness,
  ) {
    this.recentLists = new FreshReads((filter) => this.query(filter), freshness, listingKey);
    this.recentMenus = new FreshReads((id) => this.menuLoader.load(id), freshness);
  }

  /** Call after committing a change to slots or menus: this instance's next listing reads them afresh. */
  changed(): void {
    this.recentLists.changed();
    this.recentMenus.changed();
  }

  /**
   * What booking a slot needs to know of it: the slot, its service item and its centre (active or not: the
   * caller decides), coalesced with concurrent lookups into one joined query. Shared entities: read only.
   */
  async loadOffer(id: number): Promise<SlotOffer | null> {
    return (await this.offerLoader.load(id)) ?? null;
  }

  /** By id, coalesced with concurrent lookups into one query (BatchLoader). The entity is shared: read only. */
  async load(id: number): Promise<Slot | null> {
    return (await this.loader.load(id)) ?? null;
  }

  findById(id: number, em: EntityManager = this.db.manager): Promise<Slot | null> {
    return em.findOneBy(Slot, { id });
  }

  findByIds(ids: number[]): Promise<Slot[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.rows(Slot).findIn(this.db.manager, 'id', ids);
  }

  /** Slots with their items, as read at most a moment ago (FreshReads: identical listings, concurrent or within the
   *  window, share one query). Shared entities: read only. */
  list(filter: SlotFilter): Promise<ListedSlot[]> {
    return this.recentLists.get(filter);
  }

  private async query(filter: SlotFilter): Promise<ListedSlot[]> {
    // Plain SQL (EntityRows), not a query builder, and the items joined in: the bot lists slots for most booking
    // messages.
    // Slots of a retired item or a deactivated centre are not offered (they stay, for when it is active again).
    const where = ['s.date BETWEEN ? AND ?', 'i.active = 1', 's.centreId IN (SELECT id FROM centre WHERE active = 1)'];
    const params: unknown[] = [filter.from, filter.to];
    const and = (clause: string, value: unknown) => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    and('s.centreId = ?', filter.centreId);
    and('s.serviceItemId = ?', filter.serviceItemId);
    and('i.category = ?', filter.category);
    and('i.kind = ?', filter.kind);
    const [slots, items] = [this.db.rows(Slot), this.db.rows(ServiceItem)];
    const raw: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT ${slots.columnsAs('s', 's_')}, ${items.columnsAs('i', 'i_')}, ${DATED_PRICE} FROM ${slots.table} s JOIN ${items.table} i ON i.id = s.serviceItemId
       WHERE ${where.join(' AND ')} ORDER BY s.startsAt, s.id`,
      params,
    );
    // One item per service, shared by its slots (as when they were looked up by id).
    const byId = new Map<number, ServiceItem>();
    return raw.map((r) => {
      const slot = slots.hydrate(r, 's_');
      let item = byId.get(slot.serviceItemId);
      if (!item) byId.set(slot.serviceItemId, (item = items.hydrate(r, 'i_')));
      return { slot, item, unitPriceFen: unitPrice(r, item) };
    });
  }

  /** The slots' menus (a slot has at most one), shared like listings and coalesced into one query. Read only. */
  async menusFor(slotIds: number[]): Promise<Menu[]> {
    const menus = await Promise.all(slotIds.map((id) => this.recentMenus.get(id)));
    return menus.filter((m): m is Menu => m !== undefined);
  }

  /** Reads slots and locks their rows for the rest of the transaction, in id order (no deadlocks between batches). */
  lockMany(em: EntityManager, ids: number[]): Promise<Slot[]> {
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    return this.db.rows(Slot).findIn(em, 'id', sorted, `ORDER BY id${this.db.forUpdate}`);
  }

  /**
   * Reserves seats on several slots with one conditional UPDATE: `seats` maps slot id to seats wanted. The capacity
   * guard is in the WHERE clause as for a single reservation; the caller holds the rows' locks and has checked the
   * seats are there, so anything but every slot updated means the rows changed under it, and it must roll back.
   */
  async reserveMany(em: EntityManager, seats: Map<number, number>): Promise<boolean> {
    if (seats.size === 0) return true;
    const ids = [...seats.keys()];
    const add = `CASE id ${ids.map(() => 'WHEN ? THEN ?').join(' ')} END`;
    const pairs = ids.flatMap((id) => [id, seats.get(id)!]);
    const r = await runnerOf(em).query(
      `UPDATE slot SET booked = booked + ${add} WHERE id IN (${ids.map(() => '?').join(', ')}) AND booked + ${add} <= capacity AND status = 'open'`,
      [...pairs, ...ids, ...pairs],
      true,
    );
    return r.affected === ids.length;
  }

  async release(em: EntityManager, slotId: number, n: number): Promise<void> {
    await em
      .createQueryBuilder()
      .update(Slot)
      .set({ booked: () => `booked - ${Number(n)}` })
      .where('id = :slotId AND booked >= :n', { slotId, n })
      .execute();
  }
}

/** Which listings ask the same. */
function listingKey(f: SlotFilter): string {
  return `${f.from}|${f.to}|${f.centreId ?? ''}|${f.serviceItemId ?? ''}|${f.category ?? ''}|${f.kind ?? ''}`;
}

/** The transaction's query runner: only it reports affected rows for a raw statement on both drivers. */
function runnerOf(em: EntityManager) {
  if (!em.queryRunner) throw new Error('reserveMany must run inside a transaction');
  return em.queryRunner;
}
