import { Booking, CentreClosure, Slot, type BookingStatus } from '../../entities';
import type { Database, Tx } from '../db/database';

/** Bookings a closed slot calls off: those that still hold a seat. */
const OPEN_BOOKING_STATUSES: readonly BookingStatus[] = ['pending_payment', 'pending_confirmation', 'confirmed'];

/**
 * Staff changes to slots (capacity, closing, reopening, one-off slots) and the days a centre closes. Every change
 * to a slot is one conditional UPDATE: on the version the staff member read, and for capacity on the seats
 * already taken, so a booking that lands meanwhile can never be left without its seat.
 */
export class SlotAdminRepository {
  constructor(private readonly db: Database) {}

  findSlot(id: number, em: Tx = this.db.manager): Promise<Slot | null> {
    return em.findOneBy(Slot, { id });
  }

  /** New capacity when the slot is still at `version` and no more than `capacity` seats are taken. */
  async setCapacity(em: Tx, id: number, version: number, capacity: number): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Slot)
      .set({ capacity, version: () => 'version + 1' })
      .where('id = :id AND version = :version AND booked <= :capacity', { id, version, capacity })
      .execute();
    return r.affected === 1;
  }

  /** Closes one slot when still at `version`. */
  async closeOne(em: Tx, id: number, version: number, reason: string): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Slot)
      .set({ status: 'closed', closeReason: reason, closureId: null, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return r.affected === 1;
  }

  /** Closes the open ones of these slots for a closure; returns how many it closed. */
  async closeForClosure(em: Tx, ids: number[], reason: string, closureId: number): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await em
      .createQueryBuilder()
      .update(Slot)
      .set({ status: 'closed', closeReason: reason, closureId, version: () => 'version + 1' })
      .where("id IN (:...ids) AND status = 'open'", { ids })
      .execute();
    return r.affected ?? 0;
  }

  async reopenOne(em: Tx, id: number, version: number): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Slot)
      .set({ status: 'open', closeReason: '', closureId: null, version: () => 'version + 1' })
      .where("id = :id AND version = :version AND status = 'closed'", { id, version })
      .execute();
    return r.affected === 1;
  }

  /** Reopens the slots a closure closed that have not begun by `now`; returns how many. */
  async reopenClosedBy(em: Tx, closureId: number, now: Date): Promise<number> {
    const r = await em
      .createQueryBuilder()
      .update(Slot)
      .set({ status: 'open', closeReason: '', closureId: null, version: () => 'version + 1' })
      .where("closureId = :closureId AND status = 'closed' AND startsAt > :now", { closureId, now })
      .execute();
    return r.affected ?? 0;
  }

  /** A centre's slots on a day, of some of its items (all when `itemIds` is empty). */
  slotsOn(centreId: number, date: string, itemIds: number[], em: Tx = this.db.manager): Promise<Slot[]> {
    const qb = em.createQueryBuilder(Slot, 's').where('s.centreId = :centreId AND s.date = :date', { centreId, date });
    if (itemIds.length > 0) qb.andWhere('s.serviceItemId IN (:...itemIds)', { itemIds });
    return qb.orderBy('s.startsAt', 'ASC').addOrderBy('s.id', 'ASC').getMany();
  }

  /** Bookings of these slots that still hold a seat, oldest first. */
  async openBookingIds(slotIds: number[]): Promise<number[]> {
    if (slotIds.length === 0) return [];
    const rows = await this.db.manager
      .createQueryBuilder(Booking, 'b')
      .select('b.id', 'id')
      .where('b.slotId IN (:...slotIds) AND b.status IN (:...open)', { slotIds, open: OPEN_BOOKING_STATUSES })
      .orderBy('b.id', 'ASC')
      .getRawMany<{ id: number | string }>();
    return rows.map((r) => Number(r.id));
  }

  insertSlot(em: Tx, row: Omit<Slot, 'id'>): Promise<Slot> {
    return em.save(Slot, em.create(Slot, row));
  }

  // ---- closures ----

  insertClosure(em: Tx, row: Omit<CentreClosure, 'id'>): Promise<CentreClosure> {
    return em.save(CentreClosure, em.create(CentreClosure, row));
  }

  findClosure(id: number): Promise<CentreClosure | null> {
    return this.db.manager.findOneBy(CentreClosure, { id });
  }

  async listClosures(f: { centreId: number; from?: string; to?: string; limit: number; offset: number }): Promise<{ items: CentreClosure[]; total: number }> {
    const qb = this.db.manager.createQueryBuilder(CentreClosure, 'c').where('c.centreId = :centreId', { centreId: f.centreId });
    if (f.from) qb.andWhere('c.date >= :from', { from: f.from });
    if (f.to) qb.andWhere('c.date <= :to', { to: f.to });
    const [items, total] = await qb.orderBy('c.date', 'ASC').addOrderBy('c.id', 'ASC').skip(f.offset).take(f.limit).getManyAndCount();
    return { items, total };
  }

  /** Active closures with a day in [from, to] (of these centres, or all): what the slot templates must skip. */
  activeClosures(from: string, to: string, centreIds?: number[]): Promise<CentreClosure[]> {
    const qb = this.db.manager.createQueryBuilder(CentreClosure, 'c').where('c.active = :active AND c.date BETWEEN :from AND :to', { active: true, from, to });
    if (centreIds) qb.andWhere(centreIds.length ? 'c.centreId IN (:...centreIds)' : '1 = 0', { centreIds });
    return qb.getMany();
  }

  async liftClosure(em: Tx, id: number, by: number, now: Date): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(CentreClosure)
      .set({ active: false, liftedByAccountId: by, liftedAt: now })
      .where('id = :id AND active = :active', { id, active: true })
      .execute();
    return r.affected === 1;
  }
}
