import type { Centre, CentreKind } from '../../../entities';
import type { CentreRecord } from '../../contracts/catalogue-registry';
import type { Database } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { Clock } from '../../lib/clock';
import { shanghaiDate } from '../../lib/time';
import type { CentreRegistryRepository } from '../../repositories/centre-registry.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import { districtPath } from './region.service';
import { centreRecord } from './registry-views';

export interface CentreFields {
  name: string;
  kind: CentreKind;
  regionId: number;
  parentId: number | null;
  address: string;
  latitude: number;
  longitude: number;
  opensAt: string;
  closesAt: string;
  phone: string;
  autoConfirm: boolean;
  counterPayment: boolean;
  deliveryArea: { communityIds: number[]; radiusMetres: number | null };
}

/** What a centre's own staff may change themselves; everything else is the administrators'. */
const STAFF_FIELDS = ['opensAt', 'closesAt', 'phone'] as const satisfies ReadonlyArray<keyof CentreFields>;

/** Kinds a neighbour point can belong to ("1+X": the one). */
const PARENT_KINDS: readonly CentreKind[] = ['care_centre', 'street_centre'];

export interface CentreRegistryServiceDeps {
  db: Database;
  clock: Clock;
  registry: CentreRegistryRepository;
  regions: RegionRepository;
  /** The browsing side's shared reads (centres; slot listings, which leave out inactive centres), dropped after each change. */
  centres: CentreRepository;
  slots: SlotRepository;
  access: AccessService;
  audit: AuditService;
}

/**
 * 服务站点 in the registry: administrators open centres in their region, edit and deactivate them; a centre's own
 * staff keep its hours and phone number current. Every write is scoped, audit-logged and made on the version read.
 */
export class CentreRegistryService {
  constructor(private readonly deps: CentreRegistryServiceDeps) {}

  /** Administrators: the centres in their region; staff: their own centre. */
  async list(actor: Actor, q: { regionId?: number; kind?: CentreKind; active?: boolean; search?: string; limit: number; offset: number }) {
    let regionPath: string | undefined;
    let centreId: number | undefined;
    if (hasRole(actor, 'admin') && actor.regionPath) {
      regionPath = actor.regionPath;
      if (q.regionId !== undefined) {
        const region = await this.deps.regions.findById(q.regionId);
        if (!region) throw new AppError('REGION_NOT_FOUND', undefined, { fields: { regionId: 'not found' } });
        if (!this.deps.access.isAdminOver(actor, region.path)) throw new AppError('REGION_OUT_OF_SCOPE');
        regionPath = region.path;
      }
    } else if (hasRole(actor, 'staff') && actor.centreId !== null) {
      centreId = actor.centreId;
    } else {
      throw new AppError('CENTRE_OUT_OF_SCOPE');
    }
    const { items, total } = await this.deps.registry.list({ ...q, regionPath, centreId });
    return { items: items.map(centreRecord), total };
  }

  async get(actor: Actor, id: number): Promise<CentreRecord> {
    const c = await this.load(id);
    if (!this.deps.access.isAdminOver(actor, c.regionPath) && !this.deps.access.isStaffOf(actor, c.id)) throw new AppError('CENTRE_OUT_OF_SCOPE');
    return centreRecord(c);
  }

  async create(actor: Actor, input: CentreFields): Promise<CentreRecord> {
    const region = await this.deps.regions.findById(input.regionId);
    if (!region) throw new AppError('REGION_NOT_FOUND', undefined, { fields: { regionId: 'not found' } });
    if (!this.deps.access.isAdminOver(actor, region.path)) throw new AppError('REGION_OUT_OF_SCOPE');
    await this.check(actor, input, region.path, null);
    const now = this.deps.clock.now();
    const saved = await this.deps.db.transaction(async (em) => {
      const c = await this.deps.registry.insertCentre(em, {
        ...columns(input),
        regionPath: region.path,
        active: true,
        version: 1,
        createdAt: now,
      });
      await this.deps.audit.record(em, actor, 'centre.create', { type: 'centre', id: c.id }, { name: c.name, kind: c.kind, regionId: c.regionId });
      return c;
    });
    this.deps.centres.changed();
    return centreRecord(saved);
  }

  /**
   * Changes some of a centre's fields. Administrators over it may change any; its own staff only the hours and the
   * phone number. Sent on the version read: a change made meanwhile by someone else is a VERSION_CONFLICT.
   */
  async update(actor: Actor, id: number, patch: Partial<CentreFields> & { version: number }): Promise<CentreRecord> {
    const c = await this.load(id);
    const admin = this.deps.access.isAdminOver(actor, c.regionPath);
    if (!admin) {
      if (!this.deps.access.isStaffOf(actor, c.id)) throw new AppError('CENTRE_OUT_OF_SCOPE');
      const others = Object.keys(patch).filter((k) => k !== 'version' && !(STAFF_FIELDS as readonly string[]).includes(k));
      if (others.length > 0)
        throw new AppError('CENTRE_FIELDS_ADMIN_ONLY', undefined, { fields: Object.fromEntries(others.map((k) => [k, 'administrators only'])) });
    }
    assertVersion(c.version, patch.version);
    const { version, ...changes } = patch;
    const merged: CentreFields = { ...fieldsOf(c), ...changes };
    let regionPath = c.regionPath;
    if (changes.regionId !== undefined && changes.regionId !== c.regionId) {
      const region = await this.deps.regions.findById(changes.regionId);
      if (!region) throw new AppError('REGION_NOT_FOUND', undefined, { fields: { regionId: 'not found' } });
      if (!this.deps.access.isAdminOver(actor, region.path)) throw new AppError('REGION_OUT_OF_SCOPE');
      regionPath = region.path;
    }
    await this.check(actor, merged, regionPath, c);
    const diff = differences(fieldsOf(c), merged);
    if (Object.keys(diff).length === 0) return centreRecord(c);
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.registry.updateCentre(em, id, version, { ...columns(merged), regionPath }))) throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(em, actor, 'centre.update', { type: 'centre', id }, { changed: diff });
    });
    this.deps.centres.changed();
    return centreRecord((await this.deps.registry.findCentre(id))!);
  }

  /**
   * Stops a centre taking bookings (families no longer see it or its slots). Refused while it has bookings still
   * to serve (close those days first: the seniors are told and refunded) or neighbour points still in use.
   */
  async deactivate(actor: Actor, id: number, version: number): Promise<CentreRecord> {
    const c = await this.load(id);
    this.assertAdmin(actor, c);
    assertVersion(c.version, version);
    const points = await this.deps.registry.activePoints(id);
    if (points > 0) throw new AppError('CENTRE_HAS_ACTIVE_POINTS', undefined, { points });
    const open = await this.deps.registry.openBookingsFrom({ centreId: id }, shanghaiDate(this.deps.clock.now()));
    if (open > 0) throw new AppError('CENTRE_HAS_BOOKINGS', ERROR_MESSAGES.CENTRE_HAS_BOOKINGS(open), { bookings: open });
    return this.setActive(actor, c, version, false);
  }

  async activate(actor: Actor, id: number, version: number): Promise<CentreRecord> {
    const c = await this.load(id);
    this.assertAdmin(actor, c);
    assertVersion(c.version, version);
    return this.setActive(actor, c, version, true);
  }

  private async setActive(actor: Actor, c: Centre, version: number, active: boolean): Promise<CentreRecord> {
    if (c.active !== active) {
      await this.deps.db.transaction(async (em) => {
        if (!(await this.deps.registry.updateCentre(em, c.id, version, { active }))) throw new AppError('VERSION_CONFLICT');
        await this.deps.audit.record(em, actor, active ? 'centre.activate' : 'centre.deactivate', { type: 'centre', id: c.id });
      });
      this.deps.centres.changed();
      this.deps.slots.changed();
    }
    return centreRecord((await this.deps.registry.findCentre(c.id))!);
  }

  private async load(id: number): Promise<Centre> {
    const c = await this.deps.registry.findCentre(id);
    if (!c) throw new AppError('CENTRE_NOT_FOUND');
    return c;
  }

  private assertAdmin(actor: Actor, c: Centre): void {
    if (this.deps.access.isAdminOver(actor, c.regionPath)) return;
    throw new AppError(this.deps.access.isStaffOf(actor, c.id) ? 'CENTRE_FIELDS_ADMIN_ONLY' : 'CENTRE_OUT_OF_SCOPE');
  }

  /** The rules a centre's fields keep together: hours in order, "1+X", a delivery area inside its district. */
  private async check(actor: Actor, f: CentreFields, regionPath: string, existing: Centre | null): Promise<void> {
    if (f.opensAt >= f.closesAt) throw new AppError('HOURS_REVERSED', undefined, { fields: { closesAt: 'not after opensAt' } });
    if (f.kind === 'neighbour_point') {
      const parent = f.parentId === null ? null : await this.deps.registry.findCentre(f.parentId);
      const ok =
        parent !== null &&
        parent.id !== existing?.id &&
        parent.active &&
        PARENT_KINDS.includes(parent.kind) &&
        districtPath(parent.regionPath) === districtPath(regionPath);
      if (!ok) throw new AppError('CENTRE_PARENT_INVALID', undefined, { fields: { parentId: 'not an active care centre of the district' } });
      // Joining a care centre is the business of the administrators over it too.
      if (existing?.parentId !== f.parentId && !this.deps.access.isAdminOver(actor, parent.regionPath)) throw new AppError('CENTRE_OUT_OF_SCOPE');
    } else if (f.parentId !== null) {
      throw new AppError('CENTRE_PARENT_INVALID', undefined, { fields: { parentId: 'only a neighbour point belongs to another centre' } });
    }
    if (existing && existing.kind !== f.kind && PARENT_KINDS.includes(existing.kind) && (await this.deps.registry.activePoints(existing.id)) > 0) {
      throw new AppError('CENTRE_HAS_ACTIVE_POINTS', undefined, { fields: { kind: 'has neighbour points' } });
    }
    const ids = [...new Set(f.deliveryArea.communityIds)];
    if (ids.length > 0) {
      const found = await this.deps.regions.findByIds(ids);
      const district = districtPath(regionPath);
      if (found.length !== ids.length || found.some((r) => r.level !== 'community' || !r.path.startsWith(district))) {
        throw new AppError('DELIVERY_AREA_INVALID', undefined, { fields: { deliveryCommunityIds: 'not communities of the district' } });
      }
    }
  }
}

function fieldsOf(c: Centre): CentreFields {
  return {
    name: c.name,
    kind: c.kind,
    regionId: c.regionId,
    parentId: c.parentId,
    address: c.address,
    latitude: c.latitude,
    longitude: c.longitude,
    opensAt: c.opensAt,
    closesAt: c.closesAt,
    phone: c.phone,
    autoConfirm: c.autoConfirm,
    counterPayment: c.counterPayment,
    deliveryArea: { communityIds: c.deliveryCommunityIds.map(Number), radiusMetres: c.deliveryRadiusMetres },
  };
}

/** The centre's columns for these fields. */
function columns(f: CentreFields) {
  const { deliveryArea, ...rest } = f;
  return {
    ...rest,
    deliveryCommunityIds: [...new Set(deliveryArea.communityIds)].sort((a, b) => a - b).map(String),
    deliveryRadiusMetres: deliveryArea.radiusMetres,
  };
}

/** Field → [before, after], for the fields that change. */
function differences(before: CentreFields, after: CentreFields): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const key of Object.keys(after) as Array<keyof CentreFields>) {
    const [a, b] = key === 'deliveryArea' ? [normalArea(before.deliveryArea), normalArea(after.deliveryArea)] : [before[key], after[key]];
    if (JSON.stringify(a) !== JSON.stringify(b)) out[key] = [a, b];
  }
  return out;
}

function normalArea(a: CentreFields['deliveryArea']) {
  return { communityIds: [...new Set(a.communityIds)].sort((x, y) => x - y), radiusMetres: a.radiusMetres };
}
