import type { EntityManager } from 'typeorm';
import {
  ACTIVE_BOOKING_STATUSES,
  Booking,
  Rating,
  type BookingStatus,
  type ServiceCategory,
  type ServiceKind,
} from '../../entities';
import type { Database } from '../db/database';
import type { SubsidyUsage } from '../services/pricing';

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

export class BookingRepository {
  constructor(private readonly db: Database) {}

  findById(id: number, em: EntityManager = this.db.manager): Promise<Booking | null> {
    return em.findOneBy(Booking, { id });
  }

  findByCode(code: string): Promise<Booking | null> {
    return this.db.manager.findOneBy(Booking, { code });
  }

  findByIdempotencyKey(accountId: number, key: string): Promise<Booking | null> {
    return this.db.manager.findOneBy(Booking, { bookedByAccountId: accountId, idempotencyKey: key });
  }

  /** The senior's subsidy already held in active bookings, and whether they already hold this slot. */
  async subsidyUsage(
    em: EntityManager,
    q: { seniorId: number; slotId: number; date: string; kind: ServiceKind; category: ServiceCategory; monthFirst: string; monthLast: string },
  ): Promise<SubsidyUsage & { sameSlot: number }> {
    const statuses = ACTIVE_BOOKING_STATUSES.map(() => '?').join(', ');
    const rows: Array<Record<string, unknown>> = await em.query(
      `SELECT
         COALESCE(SUM(CASE WHEN serviceDate = ? AND kind = ? THEN subsidisedQuantity ELSE 0 END), 0) AS dayPortions,
         COALESCE(SUM(subsidyFen), 0) AS monthFen,
         COALESCE(SUM(CASE WHEN slotId = ? THEN 1 ELSE 0 END), 0) AS sameSlot
       FROM booking
       WHERE seniorId = ? AND serviceDate BETWEEN ? AND ? AND category = ? AND status IN (${statuses})`,
      [q.date, q.kind, q.slotId, q.seniorId, q.monthFirst, q.monthLast, q.category, ...ACTIVE_BOOKING_STATUSES],
    );
    const r = rows[0] ?? {};
    return { dayPortions: Number(r.dayPortions ?? 0), monthFen: Number(r.monthFen ?? 0), sameSlot: Number(r.sameSlot ?? 0) };
  }

  insert(em: EntityManager, booking: Omit<Booking, 'id'>): Promise<Booking> {
    return em.save(Booking, em.create(Booking, booking));
  }

  /**
   * Moves a booking from one of `from` to a new state in one conditional UPDATE. Returns false when the booking
   * was no longer in any of `from` (a stale or repeated transition), so two racing transitions cannot both win.
   */
  async transition(em: EntityManager, id: number, from: readonly BookingStatus[], patch: Partial<Booking>): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Booking)
      .set(patch)
      .where('id = :id AND status IN (:...from)', { id, from })
      .execute();
    return r.affected === 1;
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
    const [items, total] = await qb
      .orderBy('b.serviceDate', 'DESC')
      .addOrderBy('b.id', 'DESC')
      .skip(filter.offset)
      .take(filter.limit)
      .getManyAndCount();
    return { items, total };
  }

  /** Confirmed bookings whose slot ended before `before` and were never checked in. */
  async findUnservedBefore(before: Date, limit: number): Promise<Booking[]> {
    return this.db.manager
      .createQueryBuilder(Booking, 'b')
      .innerJoin('slot', 's', 's.id = b.slotId')
      .where('b.status = :status', { status: 'confirmed' })
      .andWhere('s.endsAt < :before', { before })
      .orderBy('b.id', 'ASC')
      .take(limit)
      .getMany();
  }

  insertRating(em: EntityManager, rating: Omit<Rating, 'id'>): Promise<Rating> {
    return em.save(Rating, em.create(Rating, rating));
  }

  findRating(bookingId: number): Promise<Rating | null> {
    return this.db.manager.findOneBy(Rating, { bookingId });
  }
}
