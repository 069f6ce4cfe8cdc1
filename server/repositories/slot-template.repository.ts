import type { EntityManager } from 'typeorm';
import { Menu, Slot, SlotTemplate } from '../../entities';
import type { Database } from '../db/database';
import { EntityRows } from '../db/entity-rows';

export class SlotTemplateRepository {
  constructor(private readonly db: Database) {}

  active(centreId?: number): Promise<SlotTemplate[]> {
    return this.db.manager.find(SlotTemplate, { where: centreId === undefined ? { active: true } : { centreId, active: true }, order: { id: 'ASC' } });
  }

  findById(id: number): Promise<SlotTemplate | null> {
    return this.db.manager.findOneBy(SlotTemplate, { id });
  }

  save(t: Omit<SlotTemplate, 'id'> & { id?: number }, em: EntityManager = this.db.manager): Promise<SlotTemplate> {
    return em.save(SlotTemplate, em.create(SlotTemplate, t));
  }

  /**
   * Inserts the slots not there yet and returns the ids of those it made. The slot's unique key (item, start,
   * worker) decides: an existing slot — booked or not — is never duplicated or changed.
   */
  async insertMissing(rows: ReadonlyArray<Omit<Slot, 'id'>>): Promise<number[]> {
    if (rows.length === 0) return [];
    const made: number[] = [];
    for (let i = 0; i < rows.length; i += 200) {
      const ids = await this.db.retryingDeadlocks(() => this.db.rows(Slot).insertIgnoring(this.db.manager, rows.slice(i, i + 200), 'id'));
      made.push(...ids.map(Number));
    }
    return made;
  }

  /** Slots by id (the ones just made). */
  slots(ids: number[]): Promise<Slot[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.db.rows(Slot).findIn(this.db.manager, 'id', ids);
  }

  /** Menus of the same item's slots starting exactly a week before these start times. */
  async menusAWeekBefore(serviceItemId: number, startsAt: Date[]): Promise<Map<number, Menu>> {
    if (startsAt.length === 0) return new Map();
    const week = 7 * 86_400_000;
    const before = startsAt.map((d) => new Date(d.getTime() - week));
    const slotRows = this.db.rows(Slot);
    const slotCol = this.db.ds.getMetadata(Slot).findColumnWithPropertyName('startsAt')!;
    const previous = await slotRows.find(
      this.db.manager,
      `WHERE ${slotRows.q('serviceItemId')} = ? AND ${slotRows.q('startsAt')} IN (${EntityRows.marks(before.length)})`,
      [serviceItemId, ...before.map((d) => this.db.ds.driver.preparePersistentValue(d, slotCol))],
    );
    if (previous.length === 0) return new Map();
    const menus = await this.db.rows(Menu).findIn(
      this.db.manager,
      'slotId',
      previous.map((s) => s.id),
    );
    const bySlot = new Map(menus.map((m) => [m.slotId, m]));
    const byStart = new Map<number, Menu>();
    for (const s of previous) {
      const m = bySlot.get(s.id);
      if (m) byStart.set(s.startsAt.getTime() + week, m);
    }
    return byStart;
  }

  async insertMenus(rows: ReadonlyArray<Omit<Menu, 'id'>>): Promise<void> {
    if (rows.length === 0) return;
    await this.db.rows(Menu).insertIgnoring(this.db.manager, rows, 'slotId');
  }
}
