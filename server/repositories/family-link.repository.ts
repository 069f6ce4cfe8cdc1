import { In, type EntityManager } from 'typeorm';
import { Account, FamilyLink, FamilyLinkCode } from '../../entities';
import type { Database } from '../db/database';

export class FamilyLinkRepository {
  constructor(private readonly db: Database) {}

  async isLinked(accountId: number, seniorId: number): Promise<boolean> {
    const n = await this.db.manager
      .createQueryBuilder(FamilyLink, 'l')
      .where('l.familyAccountId = :accountId AND l.seniorId = :seniorId AND l.revokedAt IS NULL', { accountId, seniorId })
      .getCount();
    return n > 0;
  }

  linkedSeniorIds(accountId: number): Promise<number[]> {
    return this.db.manager
      .createQueryBuilder(FamilyLink, 'l')
      .where('l.familyAccountId = :accountId AND l.revokedAt IS NULL', { accountId })
      .getMany()
      .then((links) => links.map((l) => l.seniorId));
  }

  activeForAccount(accountId: number): Promise<FamilyLink[]> {
    return this.db.manager
      .createQueryBuilder(FamilyLink, 'l')
      .where('l.familyAccountId = :accountId AND l.revokedAt IS NULL', { accountId })
      .orderBy('l.id', 'ASC')
      .getMany();
  }

  activeForSenior(seniorId: number): Promise<FamilyLink[]> {
    return this.db.manager
      .createQueryBuilder(FamilyLink, 'l')
      .where('l.seniorId = :seniorId AND l.revokedAt IS NULL', { seniorId })
      .orderBy('l.id', 'ASC')
      .getMany();
  }

  /** A senior's family: the active accounts of their live links, in link order, with how each is related. */
  async familyOf(seniorId: number, em: EntityManager = this.db.manager): Promise<Array<{ account: Account; relation: string }>> {
    const links = await em
      .createQueryBuilder(FamilyLink, 'l')
      .where('l.seniorId = :seniorId AND l.revokedAt IS NULL', { seniorId })
      .orderBy('l.id', 'ASC')
      .getMany();
    if (links.length === 0) return [];
    const accounts = new Map((await em.findBy(Account, { id: In(links.map((l) => l.familyAccountId)), active: true })).map((a) => [a.id, a]));
    return links.flatMap((l) => {
      const account = accounts.get(l.familyAccountId);
      return account ? [{ account, relation: l.relation }] : [];
    });
  }

  findById(id: number): Promise<FamilyLink | null> {
    return this.db.manager.findOneBy(FamilyLink, { id });
  }

  findPair(em: EntityManager, seniorId: number, accountId: number): Promise<FamilyLink | null> {
    return em.findOneBy(FamilyLink, { seniorId, familyAccountId: accountId });
  }

  saveLink(em: EntityManager, link: FamilyLink | Omit<FamilyLink, 'id'>): Promise<FamilyLink> {
    return em.save(FamilyLink, em.create(FamilyLink, link));
  }

  async revoke(em: EntityManager, id: number, by: number, now: Date): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(FamilyLink)
      .set({ revokedAt: now, revokedByAccountId: by })
      .where('id = :id AND revokedAt IS NULL', { id })
      .execute();
    return r.affected === 1;
  }

  /** An unused, unexpired code with this value, if any. */
  findLiveCode(code: string, now: Date, em: EntityManager = this.db.manager): Promise<FamilyLinkCode | null> {
    return em.createQueryBuilder(FamilyLinkCode, 'c').where('c.code = :code AND c.usedAt IS NULL AND c.expiresAt > :now', { code, now }).getOne();
  }

  /** Ends a senior's live codes now (a new one replaces them). */
  async expireCodesOf(em: EntityManager, seniorId: number, now: Date): Promise<number> {
    const r = await em
      .createQueryBuilder()
      .update(FamilyLinkCode)
      .set({ expiresAt: now })
      .where('seniorId = :seniorId AND usedAt IS NULL AND expiresAt > :now', { seniorId, now })
      .execute();
    return r.affected ?? 0;
  }

  insertCode(em: EntityManager, code: Omit<FamilyLinkCode, 'id'>): Promise<FamilyLinkCode> {
    return em.save(FamilyLinkCode, em.create(FamilyLinkCode, code));
  }

  /** Spends a code exactly once: only one of two racing redemptions sees `true`. */
  async useCode(em: EntityManager, id: number, accountId: number, now: Date): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(FamilyLinkCode)
      .set({ usedAt: now, usedByAccountId: accountId })
      .where('id = :id AND usedAt IS NULL AND expiresAt > :now', { id, now })
      .execute();
    return r.affected === 1;
  }
}
