import { IsNull, Not, type EntityManager } from 'typeorm';
import { Account, Session } from '../../entities';
import type { Database } from '../db/database';
import { EntityRows } from '../db/entity-rows';
import { BatchLoader } from '../lib/batch-loader';

/** A new WeChat account's row: everything a person signing in from WeChat does not have yet is empty. */
export function newWechatAccount(
  now: Date,
  fields: Pick<Account, 'displayName' | 'roles'> & Partial<Pick<Account, 'mpOpenid' | 'miniOpenid' | 'unionid' | 'seniorId'>>,
): Omit<Account, 'id'> {
  return {
    mpOpenid: null,
    miniOpenid: null,
    unionid: null,
    seniorId: null,
    ...fields,
    username: null,
    passwordHash: null,
    phone: null,
    centreId: null,
    regionId: null,
    regionPath: null,
    active: true,
    mustChangePassword: false,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

export class AccountRepository {
  /** Sessions with their accounts, in one joined query for all the tokens of a turn (every API request asks). */
  private readonly sessions = new BatchLoader<string, { session: Session; account: Account }>(async (hashes) => {
    const [sessions, accounts] = [this.db.rows(Session), this.db.rows(Account)];
    const raw: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT ${sessions.columnsAs('s', 's_')}, ${accounts.columnsAs('a', 'a_')}
       FROM ${sessions.table} s JOIN ${accounts.table} a ON a.id = s.accountId
       WHERE s.tokenHash IN (${EntityRows.marks(hashes.length)})`,
      hashes,
    );
    // One entity per account, shared by its sessions (as when the accounts were looked up by id).
    const byId = new Map<number, Account>();
    return new Map(
      raw.map((r) => {
        const session = sessions.hydrate(r, 's_');
        let account = byId.get(session.accountId);
        if (!account) byId.set(session.accountId, (account = accounts.hydrate(r, 'a_')));
        return [session.tokenHash, { session, account }];
      }),
    );
  });

  private readonly byMpOpenid = new BatchLoader<string, Account>(
    async (openids) => new Map((await this.db.rows(Account).findIn(this.db.manager, 'mpOpenid', openids)).map((a) => [a.mpOpenid!, a])),
  );

  constructor(private readonly db: Database) {}

  /** By public-account openid, coalesced with concurrent lookups (the bot's hot path). Shared entity: read only. */
  async loadByMpOpenid(openid: string): Promise<Account | null> {
    return (await this.byMpOpenid.load(openid)) ?? null;
  }

  findById(id: number, em: EntityManager = this.db.manager): Promise<Account | null> {
    return em.findOneBy(Account, { id });
  }

  findByMiniOpenid(openid: string): Promise<Account | null> {
    return this.db.manager.findOneBy(Account, { miniOpenid: openid });
  }

  findByMpOpenid(openid: string, em: EntityManager = this.db.manager): Promise<Account | null> {
    return em.findOneBy(Account, { mpOpenid: openid });
  }

  findBySenior(seniorId: number, em: EntityManager = this.db.manager): Promise<Account | null> {
    return em.findOneBy(Account, { seniorId });
  }

  /** Active staff accounts of a centre (who hears about its seniors' emergencies and messages). */
  staffOf(centreId: number): Promise<Account[]> {
    return this.db.manager
      .find(Account, { where: { centreId, active: true }, order: { id: 'ASC' } })
      .then((rows) => rows.filter((a) => a.roles.includes('staff')));
  }

  findByUsername(username: string): Promise<Account | null> {
    return this.db.manager.findOneBy(Account, { username });
  }

  findByIds(ids: number[]): Promise<Account[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.rows(Account).findIn(this.db.manager, 'id', ids);
  }

  /** A new WeChat account (see newWechatAccount), inside `em`'s transaction when given. */
  insertWechatAccount(now: Date, fields: Parameters<typeof newWechatAccount>[1], em: EntityManager = this.db.manager): Promise<Account> {
    return em.save(Account, em.create(Account, newWechatAccount(now, fields)));
  }

  save(account: Account, em: EntityManager = this.db.manager): Promise<Account> {
    return em.save(Account, account);
  }

  insertSession(session: Omit<Session, 'id'>): Promise<Session> {
    return this.db.manager.save(Session, this.db.manager.create(Session, session));
  }

  /** A session by token hash with its account, live or not (the caller judges expiry against its clock).
   *  Coalesced with concurrent lookups into one query (BatchLoader); the entities are shared: read only. */
  loadSession(tokenHash: string): Promise<{ session: Session; account: Account } | undefined> {
    return this.sessions.load(tokenHash);
  }

  /** Accounts that follow the public account (have an mp openid), for the sandbox chat page. */
  followers(limit = 200): Promise<Account[]> {
    return this.db.manager.find(Account, { where: { mpOpenid: Not(IsNull()), active: true }, order: { id: 'ASC' }, take: limit });
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
