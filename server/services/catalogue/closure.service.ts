import type { Centre } from '../../../entities';
import type { CallOffOutcome, ClosureView } from '../../contracts/catalogue-registry';
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { shanghaiDate } from '../../lib/time';
import type { CentreRegistryRepository } from '../../repositories/centre-registry.repository';
import type { SlotAdminRepository } from '../../repositories/slot-admin.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import { closureView } from './registry-views';
import type { SlotAdminService } from './slot-admin.service';
import type { SlotCallOff } from './slot-call-off';
import type { SlotTemplateService } from './slot-template.service';

export interface ClosureServiceDeps {
  db: Database;
  clock: Clock;
  slotAdmin: SlotAdminRepository;
  registry: CentreRegistryRepository;
  slots: SlotRepository;
  slotTemplates: SlotTemplateService;
  slotAdminService: SlotAdminService;
  callOff: SlotCallOff;
  access: AccessService;
  audit: AuditService;
}

/**
 * 停业: a centre (or some of its services) does not run on a day. Planned ahead (a holiday), the weekly templates
 * simply make no slots that day; decided on the day (a typhoon, a broken stove), the slots already made are closed
 * and their bookings called off: cancelled and refunded through the booking's life cycle, every senior and family
 * told. Lifting a closure reopens the slots it closed (the bookings stay cancelled) and lets the templates make the
 * rest. The centre's staff and the administrators over it decide.
 */
export class ClosureService {
  constructor(private readonly deps: ClosureServiceDeps) {}

  async list(
    actor: Actor,
    centreId: number,
    q: { from?: string; to?: string; limit: number; offset: number },
  ): Promise<{ items: ClosureView[]; total: number }> {
    await this.managedCentre(actor, centreId);
    const { items, total } = await this.deps.slotAdmin.listClosures({ centreId, ...q });
    return { items: items.map(closureView), total };
  }

  async create(
    actor: Actor,
    centreId: number,
    input: { date: string; serviceItemIds: number[]; reason: string },
  ): Promise<{ closure: ClosureView } & CallOffOutcome & { slotsClosed: number }> {
    await this.managedCentre(actor, centreId);
    const now = this.deps.clock.now();
    if (input.date < shanghaiDate(now)) throw new AppError('CLOSURE_DATE_PASSED', undefined, { fields: { date: 'in the past' } });
    const itemIds = [...new Set(input.serviceItemIds)].sort((a, b) => a - b);
    if (itemIds.length > 0) {
      const items = await Promise.all(itemIds.map((id) => this.deps.registry.findItem(id)));
      if (items.some((i) => !i || i.centreId !== centreId)) {
        throw new AppError('SERVICE_ITEM_NOT_IN_CENTRE', undefined, { fields: { serviceItemIds: 'not services of this centre' } });
      }
    }
    const { closure, slotIds, slotsClosed } = await this.deps.db.transaction(async (em) => {
      const c = await this.deps.slotAdmin.insertClosure(em, {
        centreId,
        date: input.date,
        serviceItemIds: itemIds.map(String),
        reason: input.reason,
        active: true,
        createdByAccountId: actor.accountId,
        createdAt: now,
        liftedByAccountId: null,
        liftedAt: null,
      });
      // The day's slots still to come; those already over are history.
      const slots = (await this.deps.slotAdmin.slotsOn(centreId, input.date, itemIds, em)).filter((s) => s.endsAt > now);
      const closedNow = await this.deps.slotAdmin.closeForClosure(
        em,
        slots.map((s) => s.id),
        input.reason,
        c.id,
      );
      await this.deps.audit.record(
        em,
        actor,
        'closure.create',
        { type: 'centre_closure', id: c.id },
        { centreId, date: input.date, serviceItemIds: itemIds, reason: input.reason, slotsClosed: closedNow },
      );
      return { closure: c, slotIds: slots.map((s) => s.id), slotsClosed: closedNow };
    });
    this.deps.slots.changed();
    const outcome = await this.deps.callOff.callOff(actor, slotIds, input.reason);
    await this.deps.slotAdminService.recordOutcome(actor, { type: 'centre_closure', id: closure.id }, outcome);
    return { closure: closureView(closure), slotsClosed, ...outcome };
  }

  /** Lifts a closure of today or later: the slots it closed that have not begun reopen, and the templates fill the day. */
  async lift(actor: Actor, id: number): Promise<{ closure: ClosureView; slotsReopened: number; slotsMade: number }> {
    const closure = await this.deps.slotAdmin.findClosure(id);
    if (!closure) throw new AppError('CLOSURE_NOT_FOUND');
    await this.managedCentre(actor, closure.centreId);
    if (!closure.active) throw new AppError('CLOSURE_LIFTED');
    const now = this.deps.clock.now();
    if (closure.date < shanghaiDate(now)) throw new AppError('CLOSURE_DATE_PASSED');
    const slotsReopened = await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.slotAdmin.liftClosure(em, id, actor.accountId, now))) throw new AppError('CLOSURE_LIFTED');
      const reopened = await this.deps.slotAdmin.reopenClosedBy(em, id, now);
      await this.deps.audit.record(
        em,
        actor,
        'closure.lift',
        { type: 'centre_closure', id },
        { centreId: closure.centreId, date: closure.date, slotsReopened: reopened },
      );
      return reopened;
    });
    this.deps.slots.changed();
    const slotsMade = await this.deps.slotTemplates.generateFor(closure.centreId);
    return { closure: closureView((await this.deps.slotAdmin.findClosure(id))!), slotsReopened, slotsMade };
  }

  private async managedCentre(actor: Actor, centreId: number): Promise<Centre> {
    const c = await this.deps.registry.findCentre(centreId);
    if (!c) throw new AppError('CENTRE_NOT_FOUND');
    if (!this.deps.access.isStaffOf(actor, c.id) && !this.deps.access.isAdminOver(actor, c.regionPath)) throw new AppError('CENTRE_OUT_OF_SCOPE');
    return c;
  }
}
