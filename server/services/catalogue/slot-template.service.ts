import type { Menu, SlotTemplate } from '../../../entities';
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { addDays, shanghaiDate } from '../../lib/time';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { SlotTemplateRepository } from '../../repositories/slot-template.repository';
import type { SlotAdminRepository } from '../../repositories/slot-admin.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import { slotOn, type SlotPattern } from './slot-templates';

export interface SlotTemplateInput {
  serviceItemId: number;
  weekdays: number[];
  start: string;
  end: string;
  capacity: number;
  workerName?: string;
  bookingCutoff: { daysBefore: number; time: string };
  cancelCutoff: { daysBefore: number; time: string };
}

export interface SlotTemplateView {
  id: number;
  centreId: number;
  serviceItemId: number;
  weekdays: number[];
  start: string;
  end: string;
  capacity: number;
  workerName: string;
  bookingCutoff: { daysBefore: number; time: string };
  cancelCutoff: { daysBefore: number; time: string };
  active: boolean;
}

/** A slot's times: it ends after it starts, and booking and cancelling close no later than the start. */
export function checkPattern(input: Pick<SlotTemplateInput, 'start' | 'end' | 'bookingCutoff' | 'cancelCutoff'>): void {
  if (input.start >= input.end) throw new AppError('SLOT_END_BEFORE_START', undefined, { fields: { end: 'not after start' } });
  for (const [field, c] of [
    ['bookingCutoff', input.bookingCutoff],
    ['cancelCutoff', input.cancelCutoff],
  ] as const) {
    if (c.daysBefore === 0 && c.time > input.start) throw new AppError('CUTOFF_AFTER_START', undefined, { fields: { [field]: 'after the start' } });
  }
}

export interface SlotTemplateServiceDeps {
  db: Database;
  clock: Clock;
  templates: SlotTemplateRepository;
  slots: SlotRepository;
  centres: CentreRepository;
  /** Closures (holidays, days off): templates make no slots on them. */
  closures: SlotAdminRepository;
  access: AccessService;
  audit: AuditService;
  daysAhead: number;
}

/**
 * 时段模板 and the slots they make: a centre's staff (or an administrator over it) describe the week once, and
 * the slots-ahead job keeps `daysAhead` days of slots made from them — never a second copy of a slot, never a
 * change to one already made (booked or not: a booked seat must keep meaning what it meant when booked).
 */
export class SlotTemplateService {
  constructor(private readonly deps: SlotTemplateServiceDeps) {}

  async list(actor: Actor, centreId: number): Promise<SlotTemplateView[]> {
    await this.centreFor(actor, centreId);
    return (await this.deps.templates.active(centreId)).map(view);
  }

  async create(actor: Actor, centreId: number, input: SlotTemplateInput): Promise<SlotTemplateView & { slotsMade: number }> {
    await this.centreFor(actor, centreId);
    const item = await this.deps.centres.loadItem(input.serviceItemId);
    if (!item || item.centreId !== centreId || !item.active) {
      throw new AppError('SERVICE_ITEM_NOT_IN_CENTRE', undefined, { fields: { serviceItemId: 'not a service of this centre' } });
    }
    checkPattern(input);
    const now = this.deps.clock.now();
    const saved = await this.deps.db.transaction(async (em) => {
      const t = await this.deps.templates.save(
        {
          centreId,
          serviceItemId: item.id,
          weekdays: [...new Set(input.weekdays)].sort().map(String),
          startTime: input.start,
          endTime: input.end,
          capacity: input.capacity,
          workerName: input.workerName ?? '',
          bookingCutoffDays: input.bookingCutoff.daysBefore,
          bookingCutoffTime: input.bookingCutoff.time,
          cancelCutoffDays: input.cancelCutoff.daysBefore,
          cancelCutoffTime: input.cancelCutoff.time,
          active: true,
          createdByAccountId: actor.accountId,
          createdAt: now,
          updatedAt: now,
        },
        em,
      );
      await this.deps.audit.record(em, actor, 'slot_template.create', { type: 'slot_template', id: t.id }, { centreId });
      return t;
    });
    // Staff expect to see the slots at once, not after the next run of the job.
    const slotsMade = await this.makeFrom([saved]);
    return { ...view(saved), slotsMade };
  }

  /** Stops making new slots; slots already made stay (close them one by one if they must go). */
  async deactivate(actor: Actor, id: number): Promise<void> {
    const t = await this.deps.templates.findById(id);
    if (!t || !t.active) throw new AppError('SLOT_TEMPLATE_NOT_FOUND');
    await this.centreFor(actor, t.centreId);
    await this.deps.db.transaction(async (em) => {
      await this.deps.templates.save({ ...t, active: false, updatedAt: this.deps.clock.now() }, em);
      await this.deps.audit.record(em, actor, 'slot_template.deactivate', { type: 'slot_template', id });
    });
  }

  /** The slots-ahead job: every active template's slots for the next `daysAhead` days. Returns slots made. */
  async generateAhead(): Promise<number> {
    return this.makeFrom(await this.deps.templates.active());
  }

  /** One centre's slots for the next `daysAhead` days (after a closure is lifted). Returns slots made. */
  async generateFor(centreId: number): Promise<number> {
    return this.makeFrom(await this.deps.templates.active(centreId));
  }

  private async makeFrom(templates: SlotTemplate[]): Promise<number> {
    const now = this.deps.clock.now();
    const today = shanghaiDate(now);
    const closed = await this.closedDays(templates, today);
    let made = 0;
    for (const t of templates) {
      const rows = [];
      for (let d = 0; d < this.deps.daysAhead; d++) {
        const date = addDays(today, d);
        if (closed(t, date)) continue;
        const slot = slotOn(t, date, now);
        // A slot whose booking has already closed is no use to anyone.
        if (slot && slot.bookingCutoffAt > now) rows.push(slot);
      }
      const ids = await this.deps.templates.insertMissing(rows);
      made += ids.length;
      if (ids.length > 0) await this.copyMenus(t, ids);
    }
    if (made > 0) this.deps.slots.changed(); // new slots and menus: this instance's next listing has them
    return made;
  }

  /** Whether a closure (a holiday, a day off) keeps a template from making its slot on a day. */
  private async closedDays(templates: SlotTemplate[], today: string): Promise<(t: SlotTemplate, date: string) => boolean> {
    if (templates.length === 0) return () => false;
    const closures = await this.deps.closures.activeClosures(today, addDays(today, this.deps.daysAhead - 1), [...new Set(templates.map((t) => t.centreId))]);
    return (t, date) =>
      closures.some(
        (c) => c.centreId === t.centreId && c.date === date && (c.serviceItemIds.length === 0 || c.serviceItemIds.includes(String(t.serviceItemId))),
      );
  }

  /** A new meal slot starts with the menu its slot had a week before (canteens rotate weekly); staff edit it. */
  private async copyMenus(t: SlotPattern, slotIds: number[]): Promise<void> {
    const item = await this.deps.centres.loadItem(t.serviceItemId);
    if (item?.category !== 'meal') return;
    const slots = await this.deps.templates.slots(slotIds);
    const previous = await this.deps.templates.menusAWeekBefore(
      t.serviceItemId,
      slots.map((s) => s.startsAt),
    );
    const now = this.deps.clock.now();
    const menus: Array<Omit<Menu, 'id'>> = [];
    for (const s of slots) {
      const m = previous.get(s.startsAt.getTime());
      if (m) menus.push({ slotId: s.id, dishes: m.dishes, note: m.note, createdAt: now });
    }
    await this.deps.templates.insertMenus(menus);
  }

  private async centreFor(actor: Actor, centreId: number) {
    const centre = await this.deps.centres.findById(centreId);
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    this.deps.access.assertCanManageCentre(actor, centre);
    return centre;
  }
}

function view(t: SlotTemplate): SlotTemplateView {
  return {
    id: t.id,
    centreId: t.centreId,
    serviceItemId: t.serviceItemId,
    weekdays: t.weekdays.map(Number),
    start: t.startTime,
    end: t.endTime,
    capacity: t.capacity,
    workerName: t.workerName,
    bookingCutoff: { daysBefore: t.bookingCutoffDays, time: t.bookingCutoffTime },
    cancelCutoff: { daysBefore: t.cancelCutoffDays, time: t.cancelCutoffTime },
    active: t.active,
  };
}
