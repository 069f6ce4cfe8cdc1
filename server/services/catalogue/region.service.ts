import { Account, REGION_LEVEL_LABELS, type Region, type RegionLevel } from '../../../entities';
import type { RegionNode } from '../../contracts/catalogue-registry';
import type { Database } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { Clock } from '../../lib/clock';
import { hashPassword } from '../../lib/password';
import { sessionToken } from '../../lib/random';
import type { AccountRepository } from '../../repositories/account.repository';
import type { CentreRegistryRepository } from '../../repositories/centre-registry.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';

export type { RegionNode };

/** What each level holds: a district its streets, a street its communities. */
const CHILD_LEVEL: Record<RegionLevel, RegionLevel | null> = { district: 'street', street: 'community', community: null };

export interface RegionServiceDeps {
  db: Database;
  clock: Clock;
  regions: RegionRepository;
  registry: CentreRegistryRepository;
  /** For a new district's first administrator. */
  accounts: AccountRepository;
  access: AccessService;
  audit: AuditService;
}

/** The path of the region a path's region sits in ("/1/4/" → "/1/"), or null for a district. */
export function parentPath(path: string): string | null {
  const cut = path.lastIndexOf('/', path.length - 2);
  return cut <= 0 ? null : path.slice(0, cut + 1);
}

/** The district a path is in ("/1/4/9/" → "/1/"). */
export function districtPath(path: string): string {
  return path.slice(0, path.indexOf('/', 1) + 1);
}

/**
 * 区 → 街道 → 社区. A district administrator adds and renames the district's streets and communities, a street
 * administrator their street's communities; a district itself is made when a district starts using Mulin
 * (`npm run district`). Regions are never moved or deleted: everything in them (centres, seniors, accounts,
 * policies) is scoped by their path.
 */
export class RegionService {
  constructor(private readonly deps: RegionServiceDeps) {}

  /**
   * The tree the actor works in: an administrator's region and everything under it; a staff member's street (the
   * communities their centre serves seniors from).
   */
  async tree(actor: Actor): Promise<RegionNode[]> {
    let root: string | null = null;
    if (hasRole(actor, 'admin') && actor.regionPath) root = actor.regionPath;
    else if (hasRole(actor, 'staff') && actor.centreId !== null) {
      const centre = await this.deps.registry.findCentre(actor.centreId);
      if (centre) root = parentPath(centre.regionPath) === null ? centre.regionPath : streetOf(centre.regionPath);
    }
    if (root === null) throw new AppError('REGION_OUT_OF_SCOPE');
    return buildTree(await this.deps.regions.subtree(root), root);
  }

  async create(actor: Actor, input: { name: string; parentId: number }): Promise<RegionNode> {
    const parent = await this.deps.regions.findById(input.parentId);
    if (!parent) throw new AppError('REGION_NOT_FOUND', undefined, { fields: { parentId: 'not found' } });
    if (!this.deps.access.isAdminOver(actor, parent.path)) throw new AppError('REGION_OUT_OF_SCOPE');
    const level = CHILD_LEVEL[parent.level];
    if (level === null) throw new AppError('REGION_PARENT_INVALID', undefined, { fields: { parentId: 'a community has no regions under it' } });
    const saved = await this.unique(() =>
      this.deps.db.transaction(async (em) => {
        if (await this.deps.regions.findSibling(em, parent.id, input.name)) throw nameTaken();
        const r = await this.deps.regions.insert(em, { name: input.name, level, parentId: parent.id, createdAt: this.deps.clock.now() }, parent.path);
        await this.deps.audit.record(em, actor, 'region.create', { type: 'region', id: r.id }, { name: r.name, level, parentId: parent.id });
        return r;
      }),
    );
    return node(saved);
  }

  /** A region is renamed by whoever manages it: the administrator over its parent (a district: its own). */
  async rename(actor: Actor, id: number, input: { name: string; version: number }): Promise<RegionNode> {
    const region = await this.deps.regions.findById(id);
    if (!region) throw new AppError('REGION_NOT_FOUND');
    if (!this.deps.access.isAdminOver(actor, parentPath(region.path) ?? region.path)) throw new AppError('REGION_OUT_OF_SCOPE');
    assertVersion(region.version, input.version);
    if (region.name === input.name) return node(region);
    await this.unique(() =>
      this.deps.db.transaction(async (em) => {
        const sibling = await this.deps.regions.findSibling(em, region.parentId, input.name);
        if (sibling && sibling.id !== id) throw nameTaken();
        if (!(await this.deps.regions.rename(em, id, input.version, input.name))) throw new AppError('VERSION_CONFLICT');
        await this.deps.audit.record(em, actor, 'region.rename', { type: 'region', id }, { name: [region.name, input.name] });
      }),
    );
    return node((await this.deps.regions.findById(id))!);
  }

  /**
   * A new district and its first administrator, from the command line (`npm run district`) when a district starts
   * using Mulin: nobody is signed in yet, so it is recorded as a system action. The password is generated and shown
   * once; the administrator then adds streets, communities, centres and the other accounts through the API.
   */
  async createDistrict(
    name: string,
    admin: { username: string; displayName: string },
  ): Promise<{ district: Region; adminAccountId: number; password: string }> {
    if (await this.deps.accounts.findByUsername(admin.username)) throw new AppError('DISTRICT_ADMIN_USERNAME_TAKEN');
    const password = sessionToken().slice(0, 12);
    const passwordHash = await hashPassword(password);
    const now = this.deps.clock.now();
    return this.unique(() =>
      this.deps.db.transaction(async (em) => {
        if (await this.deps.regions.findSibling(em, null, name)) throw nameTaken();
        const district = await this.deps.regions.insert(em, { name, level: 'district', parentId: null, createdAt: now }, '');
        await this.deps.audit.recordSystem(em, 'region.create', { type: 'region', id: district.id }, { name, level: 'district' });
        const account = await this.deps.accounts.save(
          Object.assign(new Account(), {
            displayName: admin.displayName,
            roles: ['admin'],
            mpOpenid: null,
            miniOpenid: null,
            unionid: null,
            username: admin.username,
            passwordHash,
            phone: null,
            seniorId: null,
            centreId: null,
            regionId: district.id,
            regionPath: district.path,
            active: true,
            createdAt: now,
            updatedAt: now,
          }),
          em,
        );
        await this.deps.audit.recordSystem(
          em,
          'account.create',
          { type: 'account', id: account.id },
          { username: admin.username, roles: ['admin'], regionId: district.id },
        );
        return { district, adminAccountId: account.id, password };
      }),
    );
  }

  /** Two administrators adding the same name at once: the unique key refuses the second, as the check would have. */
  private async unique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (this.deps.db.isDuplicateKey(err)) throw nameTaken();
      throw err;
    }
  }
}

function nameTaken(): AppError {
  return new AppError('REGION_NAME_TAKEN', undefined, { fields: { name: 'taken' } });
}

/** "/1/4/9/" → "/1/4/". */
function streetOf(path: string): string {
  const district = districtPath(path);
  const end = path.indexOf('/', district.length);
  return end === -1 ? path : path.slice(0, end + 1);
}

function node(r: Region): RegionNode {
  return {
    id: r.id,
    name: r.name,
    level: r.level,
    levelLabel: REGION_LEVEL_LABELS[r.level],
    parentId: r.parentId,
    path: r.path,
    version: r.version,
    children: [],
  };
}

/** Nests the regions under their parents; the region at `rootPath` is the root (siblings in the order they were added). */
function buildTree(regions: Region[], rootPath: string): RegionNode[] {
  const nodes = new Map(regions.map((r) => [r.id, node(r)]));
  const roots: RegionNode[] = [];
  for (const r of regions) {
    const n = nodes.get(r.id)!;
    const parent = r.path === rootPath || r.parentId === null ? undefined : nodes.get(r.parentId);
    (parent ? parent.children : roots).push(n);
  }
  return roots;
}
