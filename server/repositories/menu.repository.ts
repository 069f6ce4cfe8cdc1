import { Menu, MenuWeek, ServiceItem, Slot, type ServiceKind } from '../../entities';
import type { Database, Tx } from '../db/database';
import { EntityRows } from '../db/entity-rows';
import { dayValue } from './raw-values';

/** A meal slot of a centre: what a week's menu is written onto. */
export interface MealSlot {
  slotId: number;
  date: string;
  kind: ServiceKind;
}

/** A centre's weekly menus: the week record (its version) and the menus of the week's meal slots. */
export class MenuRepository {
  constructor(private readonly db: Database) {}

  week(centreId: number, weekStart: string): Promise<MenuWeek | null> {
    return this.db.manager.findOneBy(MenuWeek, { centreId, weekStart });
  }

  /** The centre's meal slots (active meal services) from `from` to `to`, by date and start. */
  async mealSlots(centreId: number, from: string, to: string): Promise<MealSlot[]> {
    const [slots, items] = [this.db.rows(Slot), this.db.rows(ServiceItem)];
    const raw: Array<{ id: number; date: unknown; kind: ServiceKind }> = await this.db.manager.query(
      `SELECT s.id AS id, s.${slots.q('date')} AS ${slots.q('date')}, i.kind AS kind FROM ${slots.table} s JOIN ${items.table} i ON i.id = s.serviceItemId
       WHERE s.centreId = ? AND s.${slots.q('date')} BETWEEN ? AND ? AND i.category = 'meal' AND i.active = 1 ORDER BY s.${slots.q('date')}, s.startsAt, s.id`,
      [centreId, from, to],
    );
    return raw.map((r) => ({ slotId: Number(r.id), date: dayValue(r.date), kind: r.kind }));
  }

  menusFor(slotIds: number[]): Promise<Menu[]> {
    return slotIds.length === 0 ? Promise.resolve([]) : this.db.rows(Menu).findIn(this.db.manager, 'slotId', slotIds);
  }

  /** Replaces the menus of `slotIds` with `rows` (each for one of those slots). */
  async replaceMenus(em: Tx, slotIds: number[], rows: ReadonlyArray<Omit<Menu, 'id'>>): Promise<void> {
    if (slotIds.length > 0) await em.query(`DELETE FROM ${this.db.rows(Menu).table} WHERE slotId IN (${EntityRows.marks(slotIds.length)})`, slotIds);
    for (let i = 0; i < rows.length; i += 200) await this.db.rows(Menu).insertMany(em, rows.slice(i, i + 200));
  }

  /** A week's first publication: its id, or null when someone published it first (the unique key kept theirs). */
  async insertWeek(em: Tx, row: Omit<MenuWeek, 'id'>): Promise<number | null> {
    const [id] = await this.db.rows(MenuWeek).insertIgnoring(em, [row], 'id');
    return id === undefined ? null : Number(id);
  }

  /** The next version of a week, only if it is still at `version`: false means someone changed it since. */
  async bumpWeek(em: Tx, id: number, version: number, accountId: number, now: Date): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(MenuWeek)
      .set({ version: () => 'version + 1', updatedByAccountId: accountId, updatedAt: now })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return r.affected === 1;
  }
}
