import type { Centre, Slot } from '../../../entities';
import type { CallOffOutcome } from '../../contracts/catalogue-registry';
import type { SlotView } from '../../contracts/api-types';
import type { Database } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { Clock } from '../../lib/clock';
import { isoWeekday } from '../../lib/time';
import type { CentreRegistryRepository } from '../../repositories/centre-registry.repository';
import type { SlotAdminRepository } from '../../repositories/slot-admin.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import type { CatalogueService } from './catalogue.service';
import type { SlotCallOff } from './slot-call-off';
import { checkPattern, type SlotTemplateInput } from './slot-template.service';
import { slotOn } from './slot-templates';

export interface SlotAdminServiceDeps {
  db: Database;
  clock: Clock;
  slotAdmin: SlotAdminRepository;
  registry: CentreRegistryRepository;
  /** The browsing side's slot listings, dropped after each change. */
  slots: SlotRepository;
  catalogue: CatalogueService;
  callOff: SlotCallOff;
  access: AccessService;
  audit: AuditService;
}

/**
 * A centre's staff (and the administrators over it) change single slots: capacity (never below the seats taken),
 * closing one (weather, kitchen trouble: its bookings are cancelled and refunded, the seniors and families told),
 * reopening it, and adding a one-off slot (a holiday's different hours).
 */
export class SlotAdminService {
  constructor(private readonly deps: SlotAdminServiceDeps) {}

  async setCapacity(actor: Actor, id: number, input: { capacity: number; version: number }): Promise<SlotView> {
    const slot = await this.managed(actor, id);
    this.assertNotEnded(slot);
    assertVersion(slot.version, input.version);
    if (input.capacity < slot.booked) throw belowBooked(slot.booked);
    if (input.capacity !== slot.capacity) {
      await this.deps.db.transaction(async (em) => {
        // One conditional UPDATE: a booking taking a seat meanwhile either lands first (and this refuses) or after.
        if (!(await this.deps.slotAdmin.setCapacity(em, id, input.version, input.capacity))) {
          const now = (await this.deps.slotAdmin.findSlot(id, em))!;
          if (now.version !== input.version) throw new AppError('VERSION_CONFLICT', undefined, { currentVersion: now.version });
          throw belowBooked(now.booked);
        }
        await this.deps.audit.record(em, actor, 'slot.capacity', { type: 'slot', id }, { capacity: [slot.capacity, input.capacity] });
      });
      this.deps.slots.changed();
    }
    return this.deps.catalogue.slot(id);
  }

  /**
   * Closes a slot and calls off its bookings. Closing a closed slot again (with its current version) finishes
   * calling off what an interrupted close left.
   */
  async close(actor: Actor, id: number, input: { reason: string; version: number }): Promise<{ slot: SlotView } & CallOffOutcome> {
    const slot = await this.managed(actor, id);
    this.assertNotEnded(slot);
    assertVersion(slot.version, input.version);
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.slotAdmin.closeOne(em, id, input.version, input.reason))) throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(em, actor, 'slot.close', { type: 'slot', id }, { reason: input.reason, booked: slot.booked });
    });
    this.deps.slots.changed(); // no new booking from here on: the listing shows it closed
    const outcome = await this.deps.callOff.callOff(actor, [id], input.reason);
    await this.recordOutcome(actor, { type: 'slot', id }, outcome);
    return { slot: await this.deps.catalogue.slot(id), ...outcome };
  }

  /** Opens a closed slot again (the bookings it had stay cancelled: their seats are free). */
  async reopen(actor: Actor, id: number, input: { version: number }): Promise<SlotView> {
    const slot = await this.managed(actor, id);
    this.assertNotEnded(slot);
    assertVersion(slot.version, input.version);
    if (slot.status !== 'closed') throw new AppError('SLOT_NOT_CLOSED');
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.slotAdmin.reopenOne(em, id, input.version))) throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(em, actor, 'slot.reopen', { type: 'slot', id });
    });
    this.deps.slots.changed();
    return this.deps.catalogue.slot(id);
  }

  /** A one-off slot on a day (a holiday's different hours, an extra bath day), outside the weekly templates. */
  async create(actor: Actor, centreId: number, input: Omit<SlotTemplateInput, 'weekdays'> & { date: string }): Promise<SlotView> {
    const centre = await this.centre(centreId);
    this.assertManages(actor, centre);
    const item = await this.deps.registry.findItem(input.serviceItemId);
    if (!item || item.centreId !== centreId || !item.active) {
      throw new AppError('SERVICE_ITEM_NOT_IN_CENTRE', undefined, { fields: { serviceItemId: 'not a service of this centre' } });
    }
    const pattern = { ...input, weekdays: [isoWeekday(input.date)] };
    checkPattern(pattern);
    const now = this.deps.clock.now();
    const row = slotOn(
      {
        centreId,
        serviceItemId: item.id,
        weekdays: pattern.weekdays.map(String),
        startTime: input.start,
        endTime: input.end,
        capacity: input.capacity,
        workerName: input.workerName ?? '',
        bookingCutoffDays: input.bookingCutoff.daysBefore,
        bookingCutoffTime: input.bookingCutoff.time,
        cancelCutoffDays: input.cancelCutoff.daysBefore,
        cancelCutoffTime: input.cancelCutoff.time,
      },
      input.date,
      now,
    )!;
    if (row.bookingCutoffAt <= now) throw new AppError('BOOKING_CUTOFF_PASSED', undefined, { fields: { bookingCutoff: 'already passed' } });
    let saved: Slot;
    try {
      saved = await this.deps.db.transaction(async (em) => {
        const s = await this.deps.slotAdmin.insertSlot(em, row);
        await this.deps.audit.record(
          em,
          actor,
          'slot.create',
          { type: 'slot', id: s.id },
          { centreId, serviceItemId: item.id, date: s.date, capacity: s.capacity },
        );
        return s;
      });
    } catch (err) {
      if (this.deps.db.isDuplicateKey(err)) throw new AppError('SLOT_EXISTS', undefined, { fields: { start: 'a slot of this service starts then' } });
      throw err;
    }
    this.deps.slots.changed();
    return this.deps.catalogue.slot(saved.id);
  }

  /** One audit entry for what calling off did: how many bookings, how many people told. */
  async recordOutcome(actor: Actor, entity: { type: string; id: number }, outcome: CallOffOutcome): Promise<void> {
    await this.deps.db.transaction((em) => this.deps.audit.record(em, actor, `${entity.type}.called_off`, entity, { ...outcome }));
  }

  private async managed(actor: Actor, id: number): Promise<Slot> {
    const slot = await this.deps.slotAdmin.findSlot(id);
    if (!slot) throw new AppError('SLOT_NOT_FOUND');
    this.assertManages(actor, await this.centre(slot.centreId));
    return slot;
  }

  private async centre(id: number): Promise<Centre> {
    const c = await this.deps.registry.findCentre(id);
    if (!c) throw new AppError('CENTRE_NOT_FOUND');
    return c;
  }

  private assertManages(actor: Actor, c: Centre): void {
    if (!this.deps.access.isStaffOf(actor, c.id) && !this.deps.access.isAdminOver(actor, c.regionPath)) throw new AppError('CENTRE_OUT_OF_SCOPE');
  }

  private assertNotEnded(slot: Slot): void {
    if (this.deps.clock.now() >= slot.endsAt) throw new AppError('SLOT_ENDED');
  }
}

function belowBooked(booked: number): AppError {
  return new AppError('CAPACITY_BELOW_BOOKED', ERROR_MESSAGES.CAPACITY_BELOW_BOOKED(booked), { booked, fields: { capacity: `below the ${booked} booked` } });
}
