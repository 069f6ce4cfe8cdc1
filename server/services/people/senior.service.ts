import { AppError } from '../../errors';
import type { SeniorCategory, SeniorView } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { shanghaiDate } from '../../lib/time';
import type { RegionRepository } from '../../repositories/region.repository';
import type { SeniorFilter, SeniorRepository } from '../../repositories/senior.repository';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import { seniorView } from './senior-view';

export type { SeniorView };

export interface SeniorListQuery {
  search?: string;
  /** A whole ID number: found through its keyed hash (the number itself is never stored). */
  idNumber?: string;
  status?: 'active' | 'inactive' | 'all';
  regionId?: number;
  centreId?: number;
  assessmentDueBy?: string;
  /** Holding this category (recorded; its valid-until date is not checked here). */
  category?: SeniorCategory;
  limit: number;
  offset: number;
}

export interface SeniorServiceDeps {
  seniors: SeniorRepository;
  regions: RegionRepository;
  access: AccessService;
  clock: Clock;
  /** The keyed hash of a checked ID number (IdNumbers in the registry). */
  idHash: (idNumber: string) => string;
}

/** Reading the registry: one senior, or the seniors an actor looks after. */
export class SeniorService {
  constructor(private readonly deps: SeniorServiceDeps) {}

  async get(actor: Actor, id: number): Promise<SeniorView> {
    const senior = await this.deps.seniors.findById(id);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    return seniorView(senior, await this.deps.access.assertCanSeeSenior(actor, senior), this.today());
  }

  /** Staff see the seniors who use their centre; administrators those in their region (filtered further on request). */
  async list(actor: Actor, q: SeniorListQuery): Promise<{ items: SeniorView[]; total: number }> {
    const filter: SeniorFilter = {
      search: q.search,
      status: q.status,
      assessmentDueBy: q.assessmentDueBy,
      category: q.category,
      idCardHash: q.idNumber ? this.deps.idHash(q.idNumber) : undefined,
      limit: q.limit,
      offset: q.offset,
    };
    let rel: 'admin' | 'staff';
    if (hasRole(actor, 'admin') && actor.regionPath) {
      rel = 'admin';
      filter.regionPath = actor.regionPath;
      if (q.regionId !== undefined) {
        const region = await this.deps.regions.findById(q.regionId);
        if (!region) throw new AppError('REGION_NOT_FOUND');
        if (!this.deps.access.isAdminOver(actor, region.path)) throw new AppError('REGION_OUT_OF_SCOPE');
        filter.regionPath = region.path;
      }
      if (q.centreId !== undefined) filter.homeCentreId = q.centreId;
    } else if (hasRole(actor, 'staff') && actor.centreId !== null) {
      rel = 'staff';
      if (q.centreId !== undefined && q.centreId !== actor.centreId) throw new AppError('CENTRE_OUT_OF_SCOPE');
      filter.homeCentreId = actor.centreId;
      if (q.regionId !== undefined) filter.regionId = q.regionId;
    } else throw new AppError('FORBIDDEN');
    const r = await this.deps.seniors.list(filter);
    const today = this.today();
    return { items: r.items.map((s) => seniorView(s, rel, today)), total: r.total };
  }

  private today(): string {
    return shanghaiDate(this.deps.clock.now());
  }
}
