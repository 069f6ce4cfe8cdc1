import type { EntityManager } from 'typeorm';
import { Account, Session } from '../../entities';
import type { Database } from '../db/database';
import { LIKE_ESCAPE, likeContaining, likeStartingWith } from '../lib/like';

export type ConsoleRole = 'staff' | 'admin';

/** Which console accounts to list: always inside `scopePath` (the asking administrator's region), then filters. */
export interface ConsoleAccountFilter {
  /** Accounts whose scope lies inside this region path: administrators of it or below, staff of its centres. */
  scopePath: string;
  role?: ConsoleRole;
  centreId?: number;
  /** Inside this region (a path under scopePath). */
  regionPath?: string;
  active?: boolean;
  /** Part of the username, the name or the phone. */
  search?: string;
  limit: number;
  offset: number;
}

/** The fields an administrator's edit may change; `version` and `updatedAt` move with every one of them. */
export type AccountPatch = Partial<
  Pick<Account, 'displayName' | 'phone' | 'centreId' | 'regionId' | 'regionPath' | 'active' | 'passwordHash' | 'mustChangePassword' | 'updatedAt'>
>;

/**
 * Staff and administrator (console) accounts as administrators manage them: listing inside a region, edits guarded
 * by `version`, and ending an account's sessions. WeChat sign-in and sessions by token are AccountRepository's.
 */
export class StaffAccountRepository {
  constructor(private readonly db: Database) {}

  findById(id: number, em: EntityManager = this.db.manager): Promise<Account | null> {
    return em.findOneBy(Account, { id });
  }

  usernameTaken(username: string, em: EntityManager = this.db.manager): Promise<boolean> {
    return em.existsBy(Account, { username });
  }

  insert(em: EntityManager, row: Omit<Account, 'id'>): Promise<Account> {
    return em.save(Account, em.create(Account, row));
  }

  /**
   * `UPDATE account SET …, version = version + 1 WHERE id = ? AND version = ?`: false when the row was changed
   * since it was read at `version` (or is gone), so an edit made on stale data never lands.
   */
  async update(em: EntityManager, id: number, version: number, patch: AccountPatch): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Account)
      .set({ ...patch, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return r.affected === 1;
  }

  /** Ends every live session of an account, but the one with `keepTokenHash` (the caller's own) if given. */
  async revokeSessions(em: EntityManager, accountId: number, now: Date, keepTokenHash?: string): Promise<number> {
    const qb = em
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: now })
      .where('accountId = :accountId AND revokedAt IS NULL AND expiresAt > :now', { accountId, now });
    if (keepTokenHash) qb.andWhere('tokenHash <> :keep', { keep: keepTokenHash });
    return (await qb.execute()).affected ?? 0;
  }

  /** Live sessions of an account (what "its sessions end" is checked against). */
  liveSessions(accountId: number, now: Date): Promise<number> {
    return this.db.manager
      .createQueryBuilder(Session, 's')
      .where('s.accountId = :accountId AND s.revokedAt IS NULL AND s.expiresAt > :now', { accountId, now })
      .getCount();
  }

  /** Console accounts (with a username, staff or admin) inside a region, newest first, with the total. */
  async list(f: ConsoleAccountFilter): Promise<{ items: Account[]; total: number }> {
    const qb = this.db.manager.createQueryBuilder(Account, 'a').where('a.username IS NOT NULL');
    const inside = (param: string) =>
      `(a.regionPath LIKE :${param} ${LIKE_ESCAPE} OR a.centreId IN (SELECT c.id FROM centre c WHERE c.regionPath LIKE :${param} ${LIKE_ESCAPE}))`;
    qb.andWhere(inside('scope'), { scope: likeStartingWith(f.scopePath) });
    if (f.regionPath) qb.andWhere(inside('region'), { region: likeStartingWith(f.regionPath) });
    // roles is a simple-array ("staff,family"); no role name is part of another.
    qb.andWhere(f.role ? 'a.roles LIKE :role' : '(a.roles LIKE :staff OR a.roles LIKE :admin)', {
      role: `%${f.role}%`,
      staff: '%staff%',
      admin: '%admin%',
    });
    if (f.centreId !== undefined) qb.andWhere('a.centreId = :centreId', { centreId: f.centreId });
    if (f.active !== undefined) qb.andWhere('a.active = :active', { active: f.active });
    if (f.search) {
      qb.andWhere(`(a.username LIKE :q ${LIKE_ESCAPE} OR a.displayName LIKE :q ${LIKE_ESCAPE} OR a.phone LIKE :q ${LIKE_ESCAPE})`, {
        q: likeContaining(f.search),
      });
    }
    const [items, total] = await qb.orderBy('a.id', 'DESC').skip(f.offset).take(f.limit).getManyAndCount();
    return { items, total };
  }
}
