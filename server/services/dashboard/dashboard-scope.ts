import { AppError } from '../../errors';
import type { DashboardCentre, DashboardRepository } from '../../repositories/dashboard.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';

/** What a dashboard covers: one centre (staff, or an administrator narrowing), or a region and its centres. */
export interface Scope {
  kind: 'centre' | 'region';
  id: number;
  name: string;
  /** The region's path (for a centre: the centre's region). */
  regionPath: string;
  centres: DashboardCentre[];
  /** The key the roll-up stores distinct counts under. */
  key: string;
}

/** The region id a path ends with ("/1/4/" → 4). */
export function regionIdOf(path: string): number {
  const parts = path.split('/').filter(Boolean);
  return Number(parts[parts.length - 1]);
}

export interface ScopeDeps {
  dashboards: DashboardRepository;
  regions: RegionRepository;
  centres: CentreRepository;
  access: AccessService;
}

/**
 * Who sees which figures: a centre's staff their centre; an administrator their region (a street's, a district's),
 * or, when they ask, one region or centre inside it. Anyone else, or anything outside, is refused.
 */
export async function resolveScope(deps: ScopeDeps, actor: Actor, ask: { regionId?: number; centreId?: number }): Promise<Scope> {
  if (hasRole(actor, 'admin') && actor.regionPath !== null) {
    if (ask.centreId !== undefined) {
      const centre = await deps.centres.findById(ask.centreId);
      if (!centre) throw new AppError('CENTRE_NOT_FOUND');
      if (!deps.access.isAdminOver(actor, centre.regionPath)) throw new AppError('DASHBOARD_SCOPE_NOT_ALLOWED');
      return centreScope(deps, centre.id, centre.name, centre.regionPath);
    }
    const regionId = ask.regionId ?? regionIdOf(actor.regionPath);
    const region = await deps.regions.findById(regionId);
    if (!region) throw new AppError('REGION_NOT_FOUND');
    if (!deps.access.isAdminOver(actor, region.path)) throw new AppError('DASHBOARD_SCOPE_NOT_ALLOWED');
    return {
      kind: 'region',
      id: region.id,
      name: region.name,
      regionPath: region.path,
      centres: await deps.dashboards.centres({ regionPath: region.path }),
      key: `r:${region.path}`,
    };
  }
  if (hasRole(actor, 'staff') && actor.centreId !== null) {
    if (ask.regionId !== undefined || (ask.centreId !== undefined && ask.centreId !== actor.centreId)) throw new AppError('DASHBOARD_SCOPE_NOT_ALLOWED');
    const centre = await deps.centres.findById(actor.centreId);
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    return centreScope(deps, centre.id, centre.name, centre.regionPath);
  }
  throw new AppError('DASHBOARD_NOT_ALLOWED');
}

async function centreScope(deps: ScopeDeps, id: number, name: string, regionPath: string): Promise<Scope> {
  return { kind: 'centre', id, name, regionPath, centres: await deps.dashboards.centres({ centreId: id }), key: `c:${id}` };
}
