import type { Centre, CategoryRecord, DeactivationReason, EmergencyContact, Region, Senior, SeniorCategory } from '../../../entities';
import type { Database } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { SeniorDeactivationAnswer, SeniorView } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { readIdNumber, type IdNumberFacts } from '../../lib/id-card';
import { maskPhone } from '../../lib/mask';
import { shanghaiDate } from '../../lib/time';
import type { BookingRepository } from '../../repositories/booking.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import type { SeniorPatch, SeniorRepository } from '../../repositories/senior.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import type { TemplatePair } from '../../wechat-templates';
import { MINI_PAGES } from '../../wechat-templates';
import { ID_NUMBER_PROBLEMS, SENIOR_FIELD_TEXTS, SENIOR_STATUS_NOTICE_TEXTS } from '../../words/people';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import type { BookingLifecycleService } from '../booking/booking-lifecycle.service';
import type { AccountNotifier } from '../messaging/notifier.service';
import { seniorView } from './senior-view';

export interface CategoryInput {
  category: SeniorCategory;
  evidence: string;
  validUntil: string | null;
}

/** A senior as a registration form sends them (the route's schema has checked each field's shape). */
export interface SeniorInput {
  name: string;
  idNumber: string;
  gender?: 'female' | 'male';
  birthDate?: string;
  phone?: string | null;
  address: string;
  latitude?: number | null;
  longitude?: number | null;
  regionId: number;
  homeCentreId?: number | null;
  categories?: CategoryInput[];
  emergencyContacts?: EmergencyContact[];
  dietNotes?: string;
}

/** An edit: only the fields sent change; `version` is the one the editor read. */
export type SeniorEdit = Partial<SeniorInput> & { version: number };

export interface SeniorRegistryServiceDeps {
  db: Database;
  clock: Clock;
  seniors: SeniorRepository;
  regions: RegionRepository;
  centres: CentreRepository;
  bookings: BookingRepository;
  slots: SlotRepository;
  links: FamilyLinkRepository;
  access: AccessService;
  audit: AuditService;
  lifecycle: BookingLifecycleService;
  notifier: AccountNotifier;
  template: TemplatePair;
  idHash: (idNumber: string) => string;
}

/** Where a senior lives and which centre looks after them, checked against the actor's scope. */
interface Place {
  region: Region;
  centre: Centre | null;
}

function invalid(fields: Record<string, string>): AppError {
  return new AppError('VALIDATION_FAILED', undefined, { fields });
}

/** The records a list of categories keeps (one per category, in the order given). */
function recordsOf(categories: readonly CategoryInput[]): CategoryRecord[] {
  return categories.map((c) => ({ category: c.category, evidence: c.evidence, validUntil: c.validUntil }));
}

/**
 * The seniors' registry: registering and editing a senior, closing a record (moved away, deceased) and opening it
 * again. Staff register and edit the seniors of their own centre, administrators those of their region. Every
 * write checks the actor's scope, is audit-logged in its transaction, and an edit applies only to the version it
 * was made on (VERSION_CONFLICT otherwise).
 */
export class SeniorRegistryService {
  constructor(private readonly deps: SeniorRegistryServiceDeps) {}

  async create(actor: Actor, input: SeniorInput): Promise<SeniorView> {
    this.assertRegistrar(actor);
    const id = this.checkIdentity(input.idNumber, input.birthDate, input.gender);
    const homeCentreId = input.homeCentreId === undefined && !hasRole(actor, 'admin') ? actor.centreId : (input.homeCentreId ?? null);
    const place = await this.place(actor, input.regionId, homeCentreId, null);
    const idCardHash = this.deps.idHash(id.number);
    await this.assertNotRegistered(actor, idCardHash, null);
    const now = this.deps.clock.now();
    const categories = input.categories ?? [];
    const row: Omit<Senior, 'id'> = {
      shareCareWithFamily: false,
      name: input.name,
      gender: id.gender,
      birthDate: id.birthDate,
      idCardLast4: id.last4,
      idCardHash,
      phone: input.phone ?? null,
      address: input.address,
      regionId: place.region.id,
      regionPath: place.region.path,
      homeCentreId: place.centre?.id ?? null,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      categories: categories.map((c) => c.category),
      categoryRecords: recordsOf(categories),
      abilityLevel: 0,
      abilityAssessedOn: null,
      nextAssessmentDue: null,
      dietNotes: input.dietNotes ?? '',
      emergencyContacts: input.emergencyContacts ?? [],
      active: true,
      deactivationReason: null,
      deactivatedAt: null,
      deactivationNote: '',
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const seniorId = await this.deps.db
      .transaction(async (em) => {
        const [inserted] = await this.deps.seniors.insertMany(em, [row]);
        await this.deps.audit.record(
          em,
          actor,
          'senior.create',
          { type: 'senior', id: inserted.id },
          { name: row.name, idCardLast4: row.idCardLast4, regionId: row.regionId, homeCentreId: row.homeCentreId, categories: row.categories },
        );
        return inserted.id;
      })
      .catch((err: unknown) => {
        // Two registrations of one person raced: the unique ID hash let one in.
        if (this.deps.db.isDuplicateKey(err)) throw new AppError('SENIOR_ALREADY_REGISTERED');
        throw err;
      });
    return this.viewOf(actor, seniorId);
  }

  async update(actor: Actor, seniorId: number, edit: SeniorEdit): Promise<SeniorView> {
    const senior = await this.writable(actor, seniorId);
    assertVersion(senior.version, edit.version);
    const patch: SeniorPatch = {};
    const changes: Record<string, [unknown, unknown]> = {};
    const set = <K extends keyof SeniorPatch>(key: K, value: SeniorPatch[K], shown?: [unknown, unknown]) => {
      if (JSON.stringify(senior[key as keyof Senior]) === JSON.stringify(value)) return;
      patch[key] = value;
      changes[key] = shown ?? [senior[key as keyof Senior], value];
    };

    // Birth date and gender come from the ID number; changing them needs it, so that they never disagree.
    if (edit.idNumber !== undefined) {
      const id = this.checkIdentity(edit.idNumber, edit.birthDate, edit.gender);
      const hash = this.deps.idHash(id.number);
      if (hash !== senior.idCardHash) await this.assertNotRegistered(actor, hash, senior.id);
      set('idCardHash', hash, ['(hash)', '(hash)']);
      set('idCardLast4', id.last4);
      set('birthDate', id.birthDate);
      set('gender', id.gender);
    } else if ((edit.birthDate !== undefined && edit.birthDate !== senior.birthDate) || (edit.gender !== undefined && edit.gender !== senior.gender)) {
      if (senior.idCardHash !== null) throw new AppError('ID_NUMBER_NEEDED');
      if (edit.birthDate !== undefined) {
        if (edit.birthDate > this.today()) throw invalid({ birthDate: SENIOR_FIELD_TEXTS.birthDateInFuture });
        set('birthDate', edit.birthDate);
      }
      if (edit.gender !== undefined) set('gender', edit.gender);
    }
    if (edit.name !== undefined) set('name', edit.name);
    if (edit.phone !== undefined) set('phone', edit.phone, [maskPhone(senior.phone), maskPhone(edit.phone)]);
    if (edit.address !== undefined) set('address', edit.address);
    if (edit.latitude !== undefined) set('latitude', edit.latitude);
    if (edit.longitude !== undefined) set('longitude', edit.longitude);
    if (edit.dietNotes !== undefined) set('dietNotes', edit.dietNotes);
    if (edit.emergencyContacts !== undefined) {
      set('emergencyContacts', edit.emergencyContacts, [
        senior.emergencyContacts.map((c) => ({ ...c, phone: maskPhone(c.phone) })),
        edit.emergencyContacts.map((c) => ({ ...c, phone: maskPhone(c.phone) })),
      ]);
    }
    if (edit.categories !== undefined) {
      set(
        'categories',
        edit.categories.map((c) => c.category),
      );
      set('categoryRecords', recordsOf(edit.categories));
    }
    if (edit.regionId !== undefined || edit.homeCentreId !== undefined) {
      const place = await this.place(
        actor,
        edit.regionId ?? senior.regionId,
        edit.homeCentreId === undefined ? senior.homeCentreId : edit.homeCentreId,
        senior,
      );
      set('regionId', place.region.id);
      set('regionPath', place.region.path);
      set('homeCentreId', place.centre?.id ?? null);
    }
    if (Object.keys(patch).length === 0) return seniorView(senior, this.relation(actor, senior), this.today());

    await this.deps.db
      .transaction(async (em) => {
        if (!(await this.deps.seniors.updateVersioned(em, senior.id, edit.version, { ...patch, updatedAt: this.deps.clock.now() }))) {
          throw new AppError('VERSION_CONFLICT');
        }
        await this.deps.audit.record(em, actor, 'senior.update', { type: 'senior', id: senior.id }, { changes });
      })
      .catch((err: unknown) => {
        if (this.deps.db.isDuplicateKey(err)) throw new AppError('SENIOR_ALREADY_REGISTERED');
        throw err;
      });
    return this.viewOf(actor, senior.id);
  }

  /**
   * Closes a senior's record (moved away, deceased): no more bookings or subsidy; their bookings still to come are
   * cancelled and refunded through the booking life cycle, and their family is told. Reopening is `reactivate`.
   */
  async deactivate(actor: Actor, seniorId: number, input: { reason: DeactivationReason; note: string; version: number }): Promise<SeniorDeactivationAnswer> {
    const senior = await this.writable(actor, seniorId);
    if (!senior.active) throw new AppError('SENIOR_ALREADY_INACTIVE');
    assertVersion(senior.version, input.version);
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      const patch: SeniorPatch = { active: false, deactivationReason: input.reason, deactivatedAt: now, deactivationNote: input.note, updatedAt: now };
      if (!(await this.deps.seniors.updateVersioned(em, senior.id, input.version, patch))) throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(em, actor, 'senior.deactivate', { type: 'senior', id: senior.id }, { reason: input.reason, note: input.note });
    });

    // The record is closed first, so no new booking can start; then what is still to come is cancelled, one by one,
    // each in its own transaction with its refund (a booking someone else moved meanwhile is left as it is).
    const cancelled: number[] = [];
    const reason = SENIOR_STATUS_NOTICE_TEXTS.cancelReason(input.reason);
    for (const b of await this.deps.bookings.upcomingOf(senior.id, shanghaiDate(now))) {
      const slot = await this.deps.slots.findById(b.slotId);
      if (slot && slot.endsAt <= now) continue; // its time is over: day end decides (served or no-show)
      try {
        await this.deps.lifecycle.cancelForDeparture(actor, b.id, reason);
        cancelled.push(b.id);
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'INVALID_STATE')) throw err;
      }
    }
    const told = await this.tellFamily(senior, SENIOR_STATUS_NOTICE_TEXTS.closed(input.reason), SENIOR_STATUS_NOTICE_TEXTS.bookingsCancelled(cancelled.length));
    return { senior: await this.viewOf(actor, senior.id), cancelledBookingIds: cancelled, familyNotified: told.reached, familyUnreachable: told.unreachable };
  }

  /** Opens a closed record again (a senior who came back, a record closed by mistake). Cancelled bookings stay cancelled. */
  async reactivate(actor: Actor, seniorId: number, input: { note: string; version: number }): Promise<SeniorView> {
    const senior = await this.writable(actor, seniorId);
    if (senior.active) throw new AppError('SENIOR_ALREADY_ACTIVE');
    assertVersion(senior.version, input.version);
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      const patch: SeniorPatch = { active: true, deactivationReason: null, deactivatedAt: null, deactivationNote: '', updatedAt: now };
      if (!(await this.deps.seniors.updateVersioned(em, senior.id, input.version, patch))) throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(em, actor, 'senior.reactivate', { type: 'senior', id: senior.id }, { was: senior.deactivationReason, note: input.note });
    });
    await this.tellFamily(senior, SENIOR_STATUS_NOTICE_TEXTS.reopened, SENIOR_STATUS_NOTICE_TEXTS.noBookings);
    return this.viewOf(actor, senior.id);
  }

  /** The senior, when the actor may change their record: the staff of their centre or an administrator over them. */
  async writable(actor: Actor, seniorId: number): Promise<Senior> {
    this.assertRegistrar(actor);
    const senior = await this.deps.seniors.findById(seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    if (!this.deps.access.isStaffOf(actor, senior.homeCentreId) && !this.deps.access.isAdminOver(actor, senior.regionPath)) {
      throw new AppError('SENIOR_OUT_OF_SCOPE');
    }
    return senior;
  }

  assertRegistrar(actor: Actor): void {
    const staff = hasRole(actor, 'staff') && actor.centreId !== null;
    const admin = hasRole(actor, 'admin') && actor.regionPath !== null;
    if (!staff && !admin) throw new AppError('SENIOR_REGISTRAR_NOT_ALLOWED');
  }

  private relation(actor: Actor, senior: Senior): 'staff' | 'admin' {
    return this.deps.access.isStaffOf(actor, senior.homeCentreId) ? 'staff' : 'admin';
  }

  private async viewOf(actor: Actor, seniorId: number): Promise<SeniorView> {
    const fresh = (await this.deps.seniors.findById(seniorId))!;
    return seniorView(fresh, this.relation(actor, fresh), this.today());
  }

  private today(): string {
    return shanghaiDate(this.deps.clock.now());
  }

  /** The ID number checked (also that its birth date is not after today) and matched with the birth date and gender given. */
  private checkIdentity(idNumber: string, birthDate: string | undefined, gender: 'female' | 'male' | undefined): IdNumberFacts {
    const r = readIdNumber(idNumber, this.today());
    if (!r.ok) throw invalid({ idNumber: ID_NUMBER_PROBLEMS[r.problem] });
    const fields: Record<string, string> = {};
    if (birthDate !== undefined && birthDate !== r.facts.birthDate) fields.birthDate = SENIOR_FIELD_TEXTS.birthDateMismatch(r.facts.birthDate);
    if (gender !== undefined && gender !== r.facts.gender) fields.gender = SENIOR_FIELD_TEXTS.genderMismatch(r.facts.gender);
    if (Object.keys(fields).length > 0) throw invalid(fields);
    return r.facts;
  }

  /** Nobody else is registered under this ID number; the answer names the one who is only to those who may see them. */
  private async assertNotRegistered(actor: Actor, idCardHash: string, self: number | null): Promise<void> {
    const existing = await this.deps.seniors.findByIdCardHash(idCardHash);
    if (!existing || existing.id === self) return;
    const visible = this.deps.access.isStaffOf(actor, existing.homeCentreId) || this.deps.access.isAdminOver(actor, existing.regionPath);
    throw new AppError('SENIOR_ALREADY_REGISTERED', undefined, visible ? { seniorId: existing.id, active: existing.active } : undefined);
  }

  /**
   * The community (a community-level region) and home centre, within the actor's scope: an administrator's region;
   * for staff their own centre, and a community of its street. Staff may not move a senior to another centre.
   */
  private async place(actor: Actor, regionId: number, centreId: number | null, current: Senior | null): Promise<Place> {
    const region = await this.deps.regions.findById(regionId);
    if (!region) throw new AppError('REGION_NOT_FOUND');
    if (region.level !== 'community') throw new AppError('REGION_NOT_COMMUNITY');
    const centre = centreId === null ? null : await this.deps.centres.findById(centreId);
    if (centreId !== null && !centre) throw new AppError('CENTRE_NOT_FOUND');
    if (this.deps.access.isAdminOver(actor, region.path) && (!centre || this.deps.access.isAdminOver(actor, centre.regionPath))) {
      if (centre && !centre.active && centre.id !== current?.homeCentreId) throw new AppError('CENTRE_INACTIVE');
      return { region, centre };
    }
    if (hasRole(actor, 'staff') && actor.centreId !== null) {
      if (centre?.id !== actor.centreId) throw new AppError(current ? 'STAFF_CANNOT_TRANSFER' : 'CENTRE_OUT_OF_SCOPE');
      if (!region.path.startsWith(streetPath(centre.regionPath))) throw new AppError('REGION_OUT_OF_SCOPE');
      return { region, centre };
    }
    throw new AppError(this.deps.access.isAdminOver(actor, region.path) ? 'CENTRE_OUT_OF_SCOPE' : 'REGION_OUT_OF_SCOPE');
  }

  private async tellFamily(senior: Senior, what: string, bookings: string): Promise<{ reached: number; unreachable: number }> {
    const family = await this.deps.links.familyOf(senior.id);
    const notice = {
      templates: this.deps.template,
      data: { thing1: senior.name, thing2: what, thing3: bookings, time4: shanghaiDate(this.deps.clock.now()) },
      page: MINI_PAGES.bookings(),
    };
    const outcomes = await Promise.all(family.map((f) => this.deps.notifier.notify(f.account, notice)));
    const reached = outcomes.filter((o) => o === 'subscribe' || o === 'template').length;
    return { reached, unreachable: outcomes.length - reached };
  }
}

/** The street a centre's region lies in ("/1/2/4/" → "/1/2/"), or the region itself above street level. */
function streetPath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  return `/${parts.slice(0, 2).join('/')}/`;
}
