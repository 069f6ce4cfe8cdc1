import { In } from 'typeorm';
import { Region } from '../../entities';
import type { Database } from '../db/database';

/** The region tree (district → street → community) that administrators and audiences are scoped to. */
export class RegionRepository {
  constructor(private readonly db: Database) {}

  findById(id: number): Promise<Region | null> {
    return this.db.manager.findOneBy(Region, { id });
  }

  findByIds(ids: number[]): Promise<Region[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.db.manager.findBy(Region, { id: In(ids) });
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
