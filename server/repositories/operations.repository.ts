import { Booking, Senior, Slot, type BookingStatus } from '../../entities';
import type { Database } from '../db/database';
import { LIKE_ESCAPE, likeContaining, likeEndingWith, likeStartingWith } from '../lib/like';

/** How the counter looks a senior up: part of the name, or the last four digits of the phone or of the ID. */
export type SeniorMatch = { name: string } | { last4: string };

/** A day's work at a centre: finding who is at the counter, and what the kitchen and the delivery round need. */
export class OperationsRepository {
  constructor(private readonly db: Database) {}

  /** A centre's bookings on a day whose senior matches, in the order of their slots (idx_booking_centre_date). */
  dayBookingsMatching(centreId: number, date: string, match: SeniorMatch, statuses: readonly BookingStatus[], limit: number): Promise<Booking[]> {
    const qb = this.db.manager
      .createQueryBuilder(Booking, 'b')
      .innerJoin(Senior, 's', 's.id = b.seniorId')
      .innerJoin(Slot, 't', 't.id = b.slotId')
      .where('b.centreId = :centreId AND b.serviceDate = :date AND b.status IN (:...statuses)', { centreId, date, statuses });
    this.matching(qb, match);
    // limit, not take: the joins are one-to-one, and take would wrap the query in a DISTINCT subquery.
    return qb.orderBy('t.startsAt', 'ASC').addOrderBy('b.id', 'ASC').limit(limit).getMany();
  }

  /**
   * Active seniors who match and who use the centre (it is their home centre) or live inside `area.regionPath`,
   * but for `exceptIds`: whom a walk-in may be booked for.
   */
  seniorsMatching(area: { id: number; regionPath: string }, match: SeniorMatch, exceptIds: number[], limit: number): Promise<Senior[]> {
    const qb = this.db.manager
      .createQueryBuilder(Senior, 's')
      .where('s.active = :active', { active: true })
      .andWhere(`(s.homeCentreId = :centreId OR s.regionPath LIKE :path ${LIKE_ESCAPE})`, { centreId: area.id, path: likeStartingWith(area.regionPath) });
    if (exceptIds.length > 0) qb.andWhere('s.id NOT IN (:...exceptIds)', { exceptIds });
    this.matching(qb, match);
    return qb.orderBy('s.name', 'ASC').addOrderBy('s.id', 'ASC').take(limit).getMany();
  }

  /** The bookings of one slot in the given states (idx_booking_slot). */
  slotBookings(slotId: number, statuses: readonly BookingStatus[]): Promise<Booking[]> {
    return this.db.manager
      .createQueryBuilder(Booking, 'b')
      .where('b.slotId = :slotId AND b.status IN (:...statuses)', { slotId, statuses })
      .orderBy('b.id', 'ASC')
      .getMany();
  }

  /** A centre's bookings to be delivered on a day (one slot's, if given), in the given states. */
  deliveries(centreId: number, date: string, statuses: readonly BookingStatus[], slotId?: number): Promise<Booking[]> {
    const qb = this.db.manager
      .createQueryBuilder(Booking, 'b')
      .where('b.centreId = :centreId AND b.serviceDate = :date AND b.status IN (:...statuses)', { centreId, date, statuses })
      .andWhere('b.deliveryMode = :mode', { mode: 'delivery' });
    if (slotId !== undefined) qb.andWhere('b.slotId = :slotId', { slotId });
    return qb.orderBy('b.id', 'ASC').getMany();
  }

  private matching(qb: { andWhere(sql: string, params: object): unknown }, match: SeniorMatch): void {
    if ('name' in match) qb.andWhere(`s.name LIKE :name ${LIKE_ESCAPE}`, { name: likeContaining(match.name) });
    else qb.andWhere(`(s.phone LIKE :phone ${LIKE_ESCAPE} OR s.idCardLast4 = :last4)`, { phone: likeEndingWith(match.last4), last4: match.last4 });
  }
}
