import { CentreDayDigest, ServiceItem, Slot, type BookingStatus, type DigestSlotLine } from '../../entities';
import type { Database } from '../db/database';

/** What the evening digest needs: a centre's slots of a day, what is booked on them, and the sent-once row. */
export class DayDigestRepository {
  constructor(private readonly db: Database) {}

  /** A centre's slots on a day with their service items, in time order (through idx_slot_centre_date). */
  async slotsOn(centreId: number, date: string): Promise<Array<{ slot: Slot; item: ServiceItem }>> {
    const slots = await this.db.manager.find(Slot, { where: { centreId, date }, order: { startsAt: 'ASC', id: 'ASC' } });
    if (slots.length === 0) return [];
    const items = new Map((await this.db.manager.find(ServiceItem, { where: { centreId } })).map((i) => [i.id, i]));
    return slots.flatMap((slot) => (items.has(slot.serviceItemId) ? [{ slot, item: items.get(slot.serviceItemId)! }] : []));
  }

  /** Portions (and bookings) per slot and delivery mode, for bookings of a centre's day in the given statuses. */
  async bookedOn(
    centreId: number,
    date: string,
    statuses: readonly BookingStatus[],
  ): Promise<Array<{ slotId: number; deliveryMode: string; portions: number; bookings: number }>> {
    const rows: Array<{ slotId: number | string; deliveryMode: string; portions: number | string; bookings: number | string }> = await this.db.manager
      .createQueryBuilder()
      .select('b.slotId', 'slotId')
      .addSelect('b.deliveryMode', 'deliveryMode')
      .addSelect('SUM(b.quantity)', 'portions')
      .addSelect('COUNT(*)', 'bookings')
      .from('booking', 'b')
      .where('b.centreId = :centreId AND b.serviceDate = :date AND b.status IN (:...statuses)', { centreId, date, statuses })
      .groupBy('b.slotId')
      .addGroupBy('b.deliveryMode')
      .getRawMany();
    // MariaDB returns SUM() as a decimal string.
    return rows.map((r) => ({ slotId: Number(r.slotId), deliveryMode: r.deliveryMode, portions: Number(r.portions), bookings: Number(r.bookings) }));
  }

  /** Takes the (centre, day) digest; false when it was already taken (sent, or being sent, by an earlier run). */
  async claim(centreId: number, serviceDate: string, lines: DigestSlotLine[], now: Date): Promise<CentreDayDigest | null> {
    try {
      const row = { centreId, serviceDate, lines, reached: 0, createdAt: now, sentAt: null };
      // A bare INSERT, not save(): no read-before-write and no transaction of its own, so the unique key decides.
      const r = await this.db.manager.createQueryBuilder().insert().into(CentreDayDigest).values(row).execute();
      return { id: Number(r.identifiers[0].id), ...row };
    } catch (err) {
      if (this.db.isDuplicateKey(err)) return null;
      throw err;
    }
  }

  async markSent(id: number, reached: number, sentAt: Date): Promise<void> {
    await this.db.manager.update(CentreDayDigest, { id }, { reached, sentAt });
  }

  forDay(serviceDate: string): Promise<CentreDayDigest[]> {
    return this.db.manager.find(CentreDayDigest, { where: { serviceDate }, order: { centreId: 'ASC' } });
  }
}
