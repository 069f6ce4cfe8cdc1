import type { EntityManager } from 'typeorm';
import { Account, Session } from '../../entities';
import type { Database } from '../db/database';

export class AccountRepository {
  constructor(private readonly db: Database) {}

  findById(id: number): Promise<Account | null> {
    return this.db.manager.findOneBy(Account, { id });
  }

  findByMiniOpenid(openid: string): Promise<Account | null> {
    return this.db.manager.findOneBy(Account, { miniOpenid: openid });
  }

  findByUsername(username: string): Promise<Account | null> {
    return this.db.manager.findOneBy(Account, { username });
  }

  findByIds(ids: number[]): Promise<Account[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.manager.createQueryBuilder(Account, 'a').where('a.id IN (:...ids)', { ids }).getMany();
  }

  save(account: Account, em: EntityManager = this.db.manager): Promise<Account> {
    return em.save(Account, account);
  }

  insertSession(session: Omit<Session, 'id'>): Promise<Session> {
    return this.db.manager.save(Session, this.db.manager.create(Session, session));
  }

  /** The account behind a live session token (by hash), or null. */
  async findBySessionToken(tokenHash: string, now: Date): Promise<Account | null> {
    return this.db.manager
      .createQueryBuilder(Account, 'a')
      .innerJoin(Session, 's', 's.accountId = a.id')
      .where('s.tokenHash = :tokenHash', { tokenHash })
      .andWhere('s.revokedAt IS NULL')
      .andWhere('s.expiresAt > :now', { now })
      .andWhere('a.active = :active', { active: true })
      .getOne();
  }

  async revokeSession(tokenHash: string, now: Date): Promise<void> {
    await this.db.manager
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: now })
      .where('tokenHash = :tokenHash AND revokedAt IS NULL', { tokenHash })
      .execute();
  }
}
