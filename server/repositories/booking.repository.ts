import { In, type EntityManager } from 'typeorm';
import { ACTIVE_BOOKING_STATUSES, Booking, Rating, type BookingStatus, type ServiceCategory, type ServiceKind } from '../../entities';
import type { Database } from '../db/database';
import { EntityRows, type Picker } from '../db/entity-rows';
import { BatchLoader } from '../lib/batch-loader';

/** What counting caps and double bookings needs of a booking (activeHoldings). */
/** An active booking the senior already holds, as far as caps and double bookings are concerned. */
export interface Held {
  seniorId: number;
  slotId: number;
  serviceDate: string;
  category: ServiceCategory;
  kind: ServiceKind;
  subsidisedQuantity: number;
  subsidyFen: number;
}

const HELD_COLUMNS = ['seniorId', 'slotId', 'serviceDate', 'category', 'kind', 'subsidisedQuantity', 'subsidyFen'] as const satisfies ReadonlyArray<
  keyof Held & keyof Booking
>;

const UPCOMING: BookingStatus[] = ['pending_payment', 'pending_confirmation', 'confirmed'];

export interface BookingFilter {
  seniorIds?: number[];
  centreId?: number;
  slotId?: number;
  date?: string;
  from?: string;
  to?: string;
  statuses?: BookingStatus[];
  limit: number;
  offset: number;
}

/**
 * For loaders keyed `seniorId|rest`: the seniors asked for with each distinct `rest` (one query each), and an
 * empty list per key for the rows found, pushed by `${seniorId}|${rest}`.
 */
function perSenior<V>(keys: string[]): { byRest: Map<string, number[]>; found: Map<string, V[]> } {
  const byRest = new Map<string, number[]>();
  for (const k of keys) {
    const cut = k.indexOf('|');
    const rest = k.slice(cut + 1);
    const ids = byRest.get(rest);
    if (ids) ids.push(Number(k.slice(0, cut)));
    else byRest.set(rest, [Number(k.slice(0, cut))]);
  }
  return { byRest, found: new Map(keys.map((k) => [k, []])) };
}

export class BookingRepository {
  /** Keyed `seniorId|fromDate`; one query per distinct day among the keys of a turn (nearly always one). */
  private readonly upcomingLoader = new BatchLoader<string, Booking[]>(async (keys) => {
    const { byRest: byDay, found } = perSenior<Booking>(keys);
    const rows = this.db.rows(Booking);
    await Promise.all(
      [...byDay].map(async ([day, ids]) => {
        const list = await rows.find(
          this.db.manager,
          `WHERE ${rows.q('seniorId')} IN (${EntityRows.marks(ids.length)}) AND ${rows.q('serviceDate')} >= ? AND ${rows.q('status')} IN (${EntityRows.marks(UPCOMING.length)}) ORDER BY ${rows.q('serviceDate')}, ${rows.q('id')}`,
          [...ids, day, ...UPCOMING],
        );
        for (const b of list) found.get(`${b.seniorId}|${day}`)!.push(b);
      }),
    );
    return found;
  });

  /** Keyed `seniorId|category|from|to`; one query per distinct (category, from, to) among the keys of a turn. */
  private readonly holdingsLoader = new BatchLoader<string, Held[]>(async (keys) => {
    const { byRest: byRange, found } = perSenior<Held>(keys);
    await Promise.all(
      [...byRange].map(async ([range, ids]) => {
        const [category, from, to] = range.split('|');
        for (const h of await this.activeHoldings(this.db.manager, ids, category as ServiceCategory, from, to)) found.get(`${h.seniorId}|${range}`)!.push(h);
      }),
    );
    return found;
  });

  private held?: Picker<Booking, (typeof HELD_COLUMNS)[number]>;

  constructor(private readonly db: Database) {}

  /**
   * activeHoldings for one senior outside any transaction (a quote), coalesced with concurrent lookups: a hundred
   * seniors asking for lunch at once are answered by one query. Shared entities: read only.
   */
  async holdingsOf(seniorId: number, category: ServiceCategory, from: string, to: string): Promise<Held[]> {
    return (await this.holdingsLoader.load(`${seniorId}|${category}|${from}|${to}`)) ?? [];
  }

  /**
   * A senior's bookings still to come (awaiting payment or confirmation, or confirmed) from a Shanghai day on,
   * coalesced with concurrent lookups (what the bot lists and cancels from). Shared entities: read only.
   */
  async upcomingOf(seniorId: number, from: string): Promise<Booking[]> {
    return (await this.upcomingLoader.load(`${seniorId}|${from}`)) ?? [];
  }

  findById(id: number, em: EntityManager = this.db.manager): Promise<Booking | null> {
    return em.findOneBy(Booking, { id });
  }

  findByIds(ids: number[]): Promise<Booking[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.db.manager.findBy(Booking, { id: In(ids) });
  }

  findByCode(code: string): Promise<Booking | null> {
    return this.db.manager.findOneBy(Booking, { code });
  }

  findByIdempotencyKey(accountId: number, key: string): Promise<Booking | null> {
    return this.db.manager.findOneBy(Booking, { bookedByAccountId: accountId, idempotencyKey: key });
  }

  /**
   * What the seniors already hold, for counting subsidy caps and double bookings: their active bookings of a
   * category with a service day in [from, to]. A senior holds at most a few dozen in a month.
   */
  async activeHoldings(em: EntityManager, seniorIds: number[], category: ServiceCategory | null, from: string, to: string): Promise<Held[]> {
    if (seniorIds.length === 0) return [];
    const ids = [...new Set(seniorIds)];
    const held = (this.held ??= this.db.rows(Booking).picker(HELD_COLUMNS));
    const raw: Array<Record<string, unknown>> = await em.query(
      `SELECT ${held.columns} FROM booking
       WHERE seniorId IN (${EntityRows.marks(ids.length)}) AND serviceDate BETWEEN ? AND ?
         AND status IN (${EntityRows.marks(ACTIVE_BOOKING_STATUSES.length)})${category ? ' AND category = ?' : ''}`,
      [...ids, from, to, ...ACTIVE_BOOKING_STATUSES, ...(category ? [category] : [])],
    );
    return raw.map(held.read);
  }

  /** Inserts many bookings in one statement (INSERT … RETURNING) and gives each its id. */
  async insertMany(em: EntityManager, rows: Array<Omit<Booking, 'id'>>): Promise<Booking[]> {
    const ids = await this.db.rows(Booking).insertReturning(em, rows, ['id', 'code']);
    if (ids.length !== rows.length) throw new Error(`inserted ${ids.length} of ${rows.length} bookings`);
    const byCode = new Map(ids.map((r) => [r.code, r.id]));
    return rows.map((r) => Object.assign(new Booking(), r, { id: byCode.get(r.code)! }));
  }

  /**
   * Moves a booking from one of `from` to a new state in one conditional UPDATE. Returns false when the booking
   * was no longer in any of `from` (a stale or repeated transition), so two racing transitions cannot both win.
   */
  async transition(em: EntityManager, id: number, from: readonly BookingStatus[], patch: Partial<Booking>, guard?: { quantity: number }): Promise<boolean> {
    const qb = em.createQueryBuilder().update(Booking).set(patch).where('id = :id AND status IN (:...from)', { id, from });
    if (guard) qb.andWhere('quantity = :quantity', { quantity: guard.quantity });
    const r = await qb.execute();
    return r.affected === 1;
  }

  /**
   * Locks a booking's row until the transaction ends and reads it as it is now: the first thing every transaction
   * that decides money does. A locking read sees the latest committed row; a plain read inside a MariaDB
   * transaction would see its REPEATABLE READ snapshot, which may be older than the lock it waited for (a payment
   * settled on the co-payment from before a reduction did exactly that). SQLite's transaction queue already
   * serialises writers, so there it is a plain read.
   */
  async lockedFind(em: EntityManager, id: number): Promise<Booking | null> {
    const qb = em.createQueryBuilder(Booking, 'b').where('b.id = :id', { id });
    if (this.db.kind !== 'sqlite') qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** Bookings still waiting for payment whose time to pay ended at or before `at` (idx_booking_status_expires). */
  findPaymentDue(at: Date, limit: number): Promise<Booking[]> {
    return this.db.manager
      .createQueryBuilder(Booking, 'b')
      .where('b.status = :status AND b.paymentDueAt <= :at', { status: 'pending_payment', at })
      .orderBy('b.paymentDueAt', 'ASC')
      .take(limit)
      .getMany();
  }

  async list(filter: BookingFilter): Promise<{ items: Booking[]; total: number }> {
    const qb = this.db.manager.createQueryBuilder(Booking, 'b');
    if (filter.seniorIds) qb.andWhere(filter.seniorIds.length ? 'b.seniorId IN (:...sids)' : '1 = 0', { sids: filter.seniorIds });
    if (filter.centreId !== undefined) qb.andWhere('b.centreId = :centreId', { centreId: filter.centreId });
    if (filter.slotId !== undefined) qb.andWhere('b.slotId = :slotId', { slotId: filter.slotId });
    if (filter.date) qb.andWhere('b.serviceDate = :date', { date: filter.date });
    if (filter.from) qb.andWhere('b.serviceDate >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('b.serviceDate <= :to', { to: filter.to });
    if (filter.statuses?.length) qb.andWhere('b.status IN (:...statuses)', { statuses: filter.statuses });
    const [items, total] = await qb.orderBy('b.serviceDate', 'DESC').addOrderBy('b.id', 'DESC').skip(filter.offset).take(filter.limit).getManyAndCount();
    return { items, total };
  }

  /** Bookings in `status` (confirmed: never checked in; pending_confirmation: never confirmed) whose slot ended before `before`. */
  async findUnservedBefore(before: Date, limit: number, status: BookingStatus = 'confirmed'): Promise<Booking[]> {
    return this.db.manager
      .createQueryBuilder(Booking, 'b')
      .innerJoin('slot', 's', 's.id = b.slotId')
      .where('b.status = :status', { status })
      .andWhere('s.endsAt < :before', { before })
      .orderBy('b.id', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Paid bookings still waiting for their centre's confirmation on service days in [from, to] (staff must act). */
  awaitingConfirmation(centreIds: number[] | null, from: string, to: string, limit: number): Promise<Booking[]> {
    const qb = this.db.manager
      .createQueryBuilder(Booking, 'b')
      .where('b.status = :status AND b.serviceDate BETWEEN :from AND :to', { status: 'pending_confirmation', from, to })
      .orderBy('b.serviceDate', 'ASC')
      .addOrderBy('b.id', 'ASC')
      .take(limit);
    if (centreIds) qb.andWhere(centreIds.length ? 'b.centreId IN (:...centreIds)' : '1 = 0', { centreIds });
    return qb.getMany();
  }

  insertRating(em: EntityManager, rating: Omit<Rating, 'id'>): Promise<Rating> {
    return em.save(Rating, em.create(Rating, rating));
  }

  findRating(bookingId: number): Promise<Rating | null> {
    return this.db.manager.findOneBy(Rating, { bookingId });
  }

  /**
   * The senior's latest meal booking (any status): the centre, meal and way of eating they chose last time. The chat
   * asks it for every meal offer, so concurrent messages share one statement (a window over each senior's meal
   * bookings on idx_booking_senior_date).
   */
  async lastMealOf(seniorId: number): Promise<Booking | null> {
    return (await this.lastMealLoader.load(seniorId)) ?? null;
  }

  private readonly lastMealLoader = new BatchLoader<number, Booking>(async (ids) => {
    const rows = this.db.rows(Booking);
    const q = (c: string) => rows.q(c);
    const latest = await rows.find(
      this.db.manager,
      `WHERE ${q('id')} IN (SELECT ${q('id')} FROM (SELECT ${q('id')}, ROW_NUMBER() OVER (PARTITION BY ${q('seniorId')} ORDER BY ${q('serviceDate')} DESC, ${q('id')} DESC) AS rn FROM ${rows.table} WHERE ${q('seniorId')} IN (${EntityRows.marks(ids.length)}) AND ${q('category')} = ?) latest WHERE latest.rn = 1)`,
      [...ids, 'meal'],
    );
    return new Map(latest.map((b) => [b.seniorId, b]));
  });
}
