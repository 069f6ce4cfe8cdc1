import { SERVICE_KIND_LABELS, type Dish, type Menu, type ServiceKind } from '../../../entities';
import type { DishInput, MenuDayView, WeekMenuSaved, WeekMenuView } from '../../contracts/dashboard-types';
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { addDays, isoWeekday, shanghaiDate } from '../../lib/time';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { MealSlot, MenuRepository } from '../../repositories/menu.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import { dishView } from './menu-view';

export interface MealMenuInput {
  date: string;
  kind: ServiceKind;
  /** Empty: no menu for that meal. */
  dishes: DishInput[];
  note?: string;
}

export interface WeekMenuInput {
  /** The version read (0 for a week never published). */
  version: number;
  /** Start from that week's menus (its Monday), then apply `days`. */
  copyFrom?: string;
  /** Without copyFrom the whole week: meals not listed have no menu. With copyFrom: the meals that differ. */
  days: MealMenuInput[];
}

export interface MenuServiceDeps {
  db: Database;
  clock: Clock;
  menus: MenuRepository;
  centres: CentreRepository;
  /** Told when menus change, so this instance's slot listings (and the bot) show them at once. */
  slots: Pick<SlotRepository, 'changed'>;
  access: AccessService;
  audit: AuditService;
}

/** The Monday of the week a day falls in. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

const key = (date: string, kind: ServiceKind) => `${date}|${kind}`;

/**
 * 菜单: a centre publishes a week's menus in one request — often last week's, copied and edited — with diet tags
 * and allergens on each dish. The dishes are written onto that week's meal slots, where the slot listings, the
 * mini-program and the bot read them; the week's record carries the version that refuses a stale edit.
 */
export class MenuService {
  constructor(private readonly deps: MenuServiceDeps) {}

  /** Anyone signed in may read a centre's menus (families and seniors choose meals by them). */
  async week(centreId: number, week?: string): Promise<WeekMenuView> {
    const centre = await this.deps.centres.findById(centreId);
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    const monday = week ?? mondayOf(shanghaiDate(this.deps.clock.now()));
    const [record, slots] = await Promise.all([this.deps.menus.week(centreId, monday), this.deps.menus.mealSlots(centreId, monday, addDays(monday, 6))]);
    const menus = await this.deps.menus.menusFor(slots.map((s) => s.slotId));
    return {
      centreId,
      week: monday,
      weekEnd: addDays(monday, 6),
      version: record?.version ?? 0,
      updatedAt: record?.updatedAt.toISOString() ?? null,
      days: daysOf(monday, slots, new Map(menus.map((m) => [m.slotId, m]))),
    };
  }

  async publish(actor: Actor, centreId: number, week: string, input: WeekMenuInput): Promise<WeekMenuSaved> {
    const centre = await this.deps.centres.findById(centreId);
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    this.deps.access.assertCanManageCentre(actor, centre);
    const now = this.deps.clock.now();
    const weekEnd = addDays(week, 6);
    const today = shanghaiDate(now);
    if (weekEnd < today) throw new AppError('MENU_WEEK_PAST', undefined, { fields: { week: 'past' } });

    // Days already gone keep the menu they were served with.
    const slots = (await this.deps.menus.mealSlots(centreId, week, weekEnd)).filter((s) => s.date >= today);
    const slotsOf = new Map<string, number[]>();
    for (const s of slots) slotsOf.set(key(s.date, s.kind), [...(slotsOf.get(key(s.date, s.kind)) ?? []), s.slotId]);

    // What each meal of the week should say: the copied week's, then the meals given.
    const wanted = new Map<string, { dishes: Dish[]; note: string; copied: boolean }>();
    if (input.copyFrom !== undefined) {
      const from = await this.deps.menus.mealSlots(centreId, input.copyFrom, addDays(input.copyFrom, 6));
      const menus = new Map((await this.deps.menus.menusFor(from.map((s) => s.slotId))).map((m) => [m.slotId, m]));
      for (const s of from) {
        const m = menus.get(s.slotId);
        const date = addDays(week, isoWeekday(s.date) - 1);
        if (m && m.dishes.length > 0 && !wanted.has(key(date, s.kind))) wanted.set(key(date, s.kind), { dishes: m.dishes, note: m.note, copied: true });
      }
    }
    const given = new Set<string>();
    for (const [i, meal] of input.days.entries()) {
      if (meal.date < week || meal.date > weekEnd)
        throw new AppError('MENU_DATE_OUTSIDE_WEEK', undefined, { fields: { [`days.${i}.date`]: 'outside the week' } });
      const k = key(meal.date, meal.kind);
      if (given.has(k)) throw new AppError('MENU_MEAL_REPEATED', undefined, { fields: { [`days.${i}`]: 'repeated' } });
      given.add(k);
      if (meal.dishes.length > 0 && meal.date >= today && !slotsOf.has(k)) {
        throw new AppError('MENU_NO_SLOT', ERROR_MESSAGES.MENU_NO_SLOT(meal.date, SERVICE_KIND_LABELS[meal.kind]), { fields: { [`days.${i}`]: 'no slot' } });
      }
      const dishes = meal.dishes.map((d) => ({ name: d.name, flags: [...new Set(d.flags ?? [])], allergens: [...new Set(d.allergens ?? [])] }));
      wanted.set(k, { dishes, note: meal.note ?? '', copied: false });
    }
    // Without a copy the request is the whole week: whatever was there and is not given goes.
    const skipped: WeekMenuSaved['skipped'] = [];
    const rows: Array<Omit<Menu, 'id'>> = [];
    for (const [k, m] of wanted) {
      const [date, kind] = k.split('|') as [string, ServiceKind];
      const ids = slotsOf.get(k);
      if (date < today) {
        if (m.dishes.length > 0) skipped.push({ date, kind, reason: 'day_passed' });
        continue;
      }
      if (!ids) {
        if (m.copied) skipped.push({ date, kind, reason: 'no_slot' });
        continue;
      }
      if (m.dishes.length === 0) continue;
      for (const slotId of ids) rows.push({ slotId, dishes: m.dishes, note: m.note, createdAt: now });
    }

    const record = await this.deps.menus.week(centreId, week);
    await this.deps.db.transaction(async (em) => {
      // The version is checked by the write itself: a bump of the version read, or the week's first row.
      const weekId = record
        ? (await this.deps.menus.bumpWeek(em, record.id, input.version, actor.accountId, now))
          ? record.id
          : null
        : input.version === 0
          ? await this.deps.menus.insertWeek(em, { centreId, weekStart: week, version: 1, updatedByAccountId: actor.accountId, createdAt: now, updatedAt: now })
          : null;
      if (weekId === null) throw new AppError('VERSION_CONFLICT', undefined, { currentVersion: record?.version ?? 1 });
      await this.deps.menus.replaceMenus(
        em,
        slots.map((s) => s.slotId),
        rows,
      );
      await this.deps.audit.record(
        em,
        actor,
        'menu.publish',
        { type: 'menu_week', id: weekId },
        { centreId, week, meals: rows.length, copiedFrom: input.copyFrom ?? null, skipped: skipped.length },
      );
    });
    this.deps.slots.changed();
    return {
      ...(await this.week(centreId, week)),
      skipped: skipped.sort((a, b) => (a.date === b.date ? a.kind.localeCompare(b.kind) : a.date < b.date ? -1 : 1)),
    };
  }
}

function daysOf(monday: string, slots: MealSlot[], menus: Map<number, Menu>): MenuDayView[] {
  return Array.from({ length: 7 }, (_, d) => {
    const date = addDays(monday, d);
    const meals = new Map<ServiceKind, MenuDayView['meals'][number]>();
    for (const s of slots) {
      if (s.date !== date) continue;
      let meal = meals.get(s.kind);
      if (!meal) meals.set(s.kind, (meal = { kind: s.kind, kindLabel: SERVICE_KIND_LABELS[s.kind], slotIds: [], dishes: [], note: '' }));
      meal.slotIds.push(s.slotId);
      const m = menus.get(s.slotId);
      if (m && meal.dishes.length === 0) {
        meal.dishes = m.dishes.map(dishView);
        meal.note = m.note;
      }
    }
    return { date, weekday: d + 1, meals: [...meals.values()] };
  });
}
