import { In, Like } from 'typeorm';
import { Region } from '../../entities';
import type { Database, Tx } from '../db/database';

/** The region tree (district → street → community) that administrators and audiences are scoped to. */
export class RegionRepository {
  constructor(private readonly db: Database) {}

  findById(id: number, em: Tx = this.db.manager): Promise<Region | null> {
    return em.findOneBy(Region, { id });
  }

  findByIds(ids: number[]): Promise<Region[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.db.manager.findBy(Region, { id: In(ids) });
  }

  /** The region at `path` and everything under it, by id (the caller builds the tree). */
  subtree(path: string): Promise<Region[]> {
    return this.db.manager.find(Region, { where: { path: Like(`${path}%`) }, order: { id: 'ASC' } });
  }

  /** A sibling with this name (for the friendly refusal before the unique key would refuse). */
  findSibling(em: Tx, parentId: number | null, name: string): Promise<Region | null> {
    return em
      .createQueryBuilder(Region, 'r')
      .where(parentId === null ? 'r.parentId IS NULL' : 'r.parentId = :parentId', { parentId })
      .andWhere('r.name = :name', { name })
      .getOne();
  }

  /** Inserts a region under `parentPath` ('' for a district) and gives it its path, "/1/4/" + its id + "/". */
  async insert(em: Tx, row: Omit<Region, 'id' | 'path' | 'version'>, parentPath: string): Promise<Region> {
    const saved = await em.save(Region, em.create(Region, { ...row, path: '', version: 1 }));
    saved.path = `${parentPath || '/'}${saved.id}/`;
    await em.update(Region, { id: saved.id }, { path: saved.path });
    return saved;
  }

  /** Renames when the version is still `version`; false when someone changed it first. */
  async rename(em: Tx, id: number, version: number, name: string): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Region)
      .set({ name, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return r.affected === 1;
  }

  /** The region at `path` and everything below it (a district has a few hundred communities at most). */
  findUnder(path: string): Promise<Region[]> {
    return this.db.manager
      .createQueryBuilder(Region, 'r')
      .where('r.path LIKE :p', { p: `${path}%` })
      .orderBy('r.path', 'ASC')
      .getMany();
  }
}
