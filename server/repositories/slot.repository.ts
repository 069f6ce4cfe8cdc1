import type { EntityManager } from 'typeorm';
import { Menu, ServiceItem, Slot, type ServiceCategory, type ServiceKind } from '../../entities';
import type { Database } from '../db/database';

export interface SlotFilter {
  centreId?: number;
  serviceItemId?: number;
  category?: ServiceCategory;
  kind?: ServiceKind;
  from: string;
  to: string;
}

export class SlotRepository {
  constructor(private readonly db: Database) {}

  findById(id: number, em: EntityManager = this.db.manager): Promise<Slot | null> {
    return em.findOneBy(Slot, { id });
  }

  findByIds(ids: number[]): Promise<Slot[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.createQueryBuilder(Slot, 's').where('s.id IN (:...ids)', { ids }).getMany();
  }

  async list(filter: SlotFilter): Promise<Array<{ slot: Slot; item: ServiceItem }>> {
    const qb = this.db.manager
      .createQueryBuilder(Slot, 's')
      .innerJoin(ServiceItem, 'i', 'i.id = s.serviceItemId')
      .where('s.date BETWEEN :from AND :to', { from: filter.from, to: filter.to })
      .andWhere('i.active = :active', { active: true });
    if (filter.centreId !== undefined) qb.andWhere('s.centreId = :centreId', { centreId: filter.centreId });
    if (filter.serviceItemId !== undefined) qb.andWhere('s.serviceItemId = :itemId', { itemId: filter.serviceItemId });
    if (filter.category) qb.andWhere('i.category = :category', { category: filter.category });
    if (filter.kind) qb.andWhere('i.kind = :kind', { kind: filter.kind });
    const slots = await qb.orderBy('s.startsAt', 'ASC').addOrderBy('s.id', 'ASC').getMany();
    const items = await this.db.manager
      .createQueryBuilder(ServiceItem, 'i')
      .where(slots.length ? 'i.id IN (:...ids)' : '1 = 0', { ids: [...new Set(slots.map((s) => s.serviceItemId))] })
      .getMany();
    const byId = new Map(items.map((i) => [i.id, i]));
    return slots.map((slot) => ({ slot, item: byId.get(slot.serviceItemId)! }));
  }

  menusFor(slotIds: number[]): Promise<Menu[]> {
    if (slotIds.length === 0) return Promise.resolve([]);
    return this.db.manager.createQueryBuilder(Menu, 'm').where('m.slotId IN (:...ids)', { ids: slotIds }).getMany();
  }

  /**
   * Reserves `n` seats with one conditional UPDATE. The condition is evaluated by the database on the row it
   * updates, so however many requests race for the last seats, the count never passes the capacity.
   * Returns false when the slot is full, closed, or past its booking cut-off.
   */
  async reserve(em: EntityManager, slotId: number, n: number, now: Date): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Slot)
      .set({ booked: () => `booked + ${Number(n)}` })
      .where('id = :slotId AND booked + :n <= capacity AND status = :open AND bookingCutoffAt > :now', {
        slotId,
        n,
        open: 'open',
        now,
      })
      .execute();
    return r.affected === 1;
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
