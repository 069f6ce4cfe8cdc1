import type { Account, Centre, Region } from '../../../entities';
import type { ConsoleAccountView, ConsoleRole, OneTimePasswordAnswer } from '../../contracts/api-types';
import type { Database, Tx } from '../../db/database';
import { AppError, ERRORS } from '../../errors';
import type { Clock } from '../../lib/clock';
import { hashPassword, sha256Hex, verifyPassword } from '../../lib/password';
import { oneTimePassword } from '../../lib/random';
import type { AttemptLimiter } from './attempt-limiter';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import type { AccountPatch, StaffAccountRepository } from '../../repositories/staff-account.repository';
import { PASSWORD_PROBLEMS } from '../../words/accounts';
import type { AccessService } from './access.service';
import { hasRole, type Actor } from './actor';
import type { AuditService } from './audit.service';
import { passwordProblem } from './password-policy';

/** Wrong old passwords allowed in the window before changing one's password is refused for a while. */

export interface CreateAccountInput {
  username: string;
  displayName: string;
  phone?: string | null;
  role: ConsoleRole;
  /** Staff: the centre they work at. */
  centreId?: number;
  /** Administrators: the district or street they administer. */
  regionId?: number;
}

export interface UpdateAccountInput {
  version: number;
  displayName?: string;
  phone?: string | null;
  centreId?: number;
  regionId?: number;
}

export interface AccountListQuery {
  role?: ConsoleRole;
  centreId?: number;
  regionId?: number;
  active?: boolean;
  q?: string;
  limit: number;
  offset: number;
}

export interface AccountServiceDeps {
  db: Database;
  clock: Clock;
  accounts: StaffAccountRepository;
  centres: CentreRepository;
  regions: RegionRepository;
  access: AccessService;
  audit: AuditService;
  /** Wrong old passwords are counted (and then refused for a while) by the shared attempt limiter. */
  attempts: AttemptLimiter;
}

/** Where a console account belongs: its role, and the centre (staff) or region (administrators) that places it. */
interface Placement {
  role: ConsoleRole;
  path: string;
  centre: Centre | null;
  region: Region | null;
}

/**
 * Staff and administrator accounts (the console's users). Administrators manage the accounts inside their region:
 * a district administrator everyone in the district, a street administrator the staff of the street's centres and
 * the street's administrators; nobody manages an account above their own. A new account and a reset get a
 * one-time password, shown once, that must be changed before anything else (AuthService answers the sign-in with
 * `mustChangePassword`, and the session may do nothing else until POST /me/password). Every write is audit-logged,
 * and an edit carries the `version` it was made on.
 */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  async list(actor: Actor, q: AccountListQuery): Promise<{ items: ConsoleAccountView[]; total: number }> {
    const scopePath = this.adminPath(actor);
    let regionPath: string | undefined;
    if (q.regionId !== undefined) {
      const region = await this.deps.regions.findById(q.regionId);
      if (!region) throw new AppError('REGION_NOT_FOUND');
      regionPath = region.path;
    }
    const { items, total } = await this.deps.accounts.list({
      scopePath,
      regionPath,
      role: q.role,
      centreId: q.centreId,
      active: q.active,
      search: q.q,
      limit: q.limit,
      offset: q.offset,
    });
    return { items: await this.views(items), total };
  }

  async get(actor: Actor, id: number): Promise<ConsoleAccountView> {
    const { account } = await this.managed(actor, id);
    return (await this.views([account]))[0];
  }

  async create(actor: Actor, input: CreateAccountInput): Promise<OneTimePasswordAnswer> {
    this.adminPath(actor);
    const placement = await this.placement(input.role, input.centreId, input.regionId);
    this.assertOver(actor, placement);
    if (await this.deps.accounts.usernameTaken(input.username)) throw new AppError('USERNAME_TAKEN');
    const password = oneTimePassword();
    const passwordHash = await hashPassword(password);
    const now = this.deps.clock.now();
    let saved: Account;
    try {
      saved = await this.deps.db.transaction(async (em) => {
        const account = await this.deps.accounts.insert(em, {
          displayName: input.displayName,
          roles: [input.role],
          mpOpenid: null,
          miniOpenid: null,
          unionid: null,
          username: input.username,
          passwordHash,
          phone: input.phone ?? null,
          seniorId: null,
          centreId: placement.centre?.id ?? null,
          regionId: placement.region?.id ?? null,
          regionPath: placement.region?.path ?? null,
          active: true,
          mustChangePassword: true,
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
        await this.record(em, actor, 'account.create', account.id, placement, {
          username: input.username,
          role: input.role,
          ...(placement.centre ? { centreId: placement.centre.id } : { regionId: placement.region!.id }),
        });
        return account;
      });
    } catch (err) {
      // Two administrators took the same name at the same moment: the unique key decided.
      if (this.deps.db.isDuplicateKey(err)) throw new AppError('USERNAME_TAKEN');
      throw err;
    }
    return { account: this.view(saved, placement), oneTimePassword: password };
  }

  /** Name, phone, or a move to another centre (staff) or region (administrators) inside the actor's own. */
  async update(actor: Actor, id: number, input: UpdateAccountInput): Promise<ConsoleAccountView> {
    const { account, placement } = await this.managed(actor, id);
    const patch: AccountPatch = {};
    const changed: Record<string, [unknown, unknown]> = {};
    const set = <K extends keyof AccountPatch>(key: K, value: AccountPatch[K]) => {
      if (value === undefined || value === account[key]) return;
      patch[key] = value;
      changed[key] = [account[key], value];
    };
    set('displayName', input.displayName);
    set('phone', input.phone);
    let next = placement;
    if (input.centreId !== undefined || input.regionId !== undefined) {
      if ((placement.role === 'staff' && input.regionId !== undefined) || (placement.role === 'admin' && input.centreId !== undefined)) {
        throw new AppError('ACCOUNT_SCOPE_MISMATCH');
      }
      next = await this.placement(placement.role, input.centreId, input.regionId);
      this.assertOver(actor, next);
      if (next.path !== placement.path || next.centre?.id !== placement.centre?.id) {
        if (account.id === actor.accountId) throw new AppError('ACCOUNT_SELF_MANAGE');
        set('centreId', next.centre?.id ?? null);
        set('regionId', next.region?.id ?? null);
        set('regionPath', next.region?.path ?? null);
      }
    }
    if (Object.keys(patch).length === 0) {
      // Nothing to change: still refuse a stale version, so the console learns that it is showing old data.
      if (account.version !== input.version) throw new AppError('VERSION_CONFLICT', undefined, { currentVersion: account.version });
      return this.view(account, placement);
    }
    // A staff member moved to another centre signs in again there.
    const moved = 'centreId' in patch || 'regionPath' in patch;
    return this.edit(actor, account, input.version, next, patch, 'account.update', changed, { endSessions: moved });
  }

  /** Disabled: cannot sign in, and every session it has ends at once. */
  async disable(actor: Actor, id: number, version: number, reason: string): Promise<ConsoleAccountView> {
    const { account, placement } = await this.managed(actor, id, { notSelf: true });
    return this.edit(actor, account, version, placement, { active: false }, 'account.disable', reason ? { reason } : {}, { endSessions: true });
  }

  async enable(actor: Actor, id: number, version: number): Promise<ConsoleAccountView> {
    const { account, placement } = await this.managed(actor, id, { notSelf: true });
    return this.edit(actor, account, version, placement, { active: true }, 'account.enable', {}, { endSessions: false });
  }

  /** A new one-time password (shown once), to be changed at the next sign-in; the account's sessions end. */
  async resetPassword(actor: Actor, id: number, version: number): Promise<OneTimePasswordAnswer> {
    const { account, placement } = await this.managed(actor, id, { notSelf: true });
    const password = oneTimePassword();
    const passwordHash = await hashPassword(password);
    const view = await this.edit(
      actor,
      account,
      version,
      placement,
      { passwordHash, mustChangePassword: true },
      'account.reset_password',
      {},
      { endSessions: true },
    );
    return { account: view, oneTimePassword: password };
  }

  /**
   * Changing one's own password: the old one, then a new one that passes the strength rule. The other sessions of
   * the account end; the one asking stays signed in and is no longer held to changing its password. Five wrong old
   * passwords in 15 minutes and it is refused for a while (a stolen session cannot guess the password).
   */
  async changeOwnPassword(actor: Actor, token: string, oldPassword: string, newPassword: string): Promise<void> {
    const account = await this.deps.accounts.findById(actor.accountId);
    if (!account) throw new AppError('UNAUTHENTICATED');
    if (!account.username || !account.passwordHash) throw new AppError('PASSWORD_NOT_SET');
    const now = this.deps.clock.now();
    const attempt = await this.deps.attempts.begin([{ policy: 'password_change', id: String(account.id) }], {
      ip: actor.ip,
      actor,
      entity: { type: 'account', id: account.id },
    });
    if (!(await verifyPassword(oldPassword, account.passwordHash))) {
      await attempt.failed('account.change_password_failed');
      throw new AppError('OLD_PASSWORD_WRONG', undefined, { fields: { oldPassword: ERRORS.OLD_PASSWORD_WRONG.message } });
    }
    await attempt.succeeded({ reset: ['password_change'] });
    if (oldPassword === newPassword) throw new AppError('PASSWORD_UNCHANGED', undefined, { fields: { newPassword: ERRORS.PASSWORD_UNCHANGED.message } });
    const problem = passwordProblem(newPassword, account.username);
    if (problem) throw new AppError('PASSWORD_TOO_WEAK', PASSWORD_PROBLEMS[problem], { fields: { newPassword: PASSWORD_PROBLEMS[problem] } });
    const passwordHash = await hashPassword(newPassword);
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.accounts.update(em, account.id, account.version, { passwordHash, mustChangePassword: false, updatedAt: now }))) {
        throw new AppError('VERSION_CONFLICT');
      }
      await this.deps.accounts.revokeSessions(em, account.id, now, sha256Hex(token));
      await this.deps.audit.record(em, actor, 'account.change_password', { type: 'account', id: account.id });
    });
  }

  /** The path of the region an administrator manages; anyone else may not manage accounts. */
  private adminPath(actor: Actor): string {
    if (!hasRole(actor, 'admin') || actor.regionPath === null) throw new AppError('ACCOUNTS_ADMIN_ONLY');
    return actor.regionPath;
  }

  private assertOver(actor: Actor, placement: Placement): void {
    if (!this.deps.access.isAdminOver(actor, placement.path)) throw new AppError('ACCOUNT_OUT_OF_SCOPE');
  }

  /** A console account the actor may manage, and where it belongs. WeChat-only accounts are not found here. */
  private async managed(actor: Actor, id: number, opts: { notSelf?: boolean } = {}): Promise<{ account: Account; placement: Placement }> {
    this.adminPath(actor);
    const account = await this.deps.accounts.findById(id);
    if (!account || !account.username) throw new AppError('ACCOUNT_NOT_FOUND');
    const role: ConsoleRole | null =
      account.roles.includes('admin') && account.regionPath ? 'admin' : account.roles.includes('staff') && account.centreId ? 'staff' : null;
    if (!role) throw new AppError('ACCOUNT_NOT_FOUND');
    const placement = await this.placement(role, account.centreId ?? undefined, account.regionId ?? undefined, account.regionPath);
    this.assertOver(actor, placement);
    if (opts.notSelf && account.id === actor.accountId) throw new AppError('ACCOUNT_SELF_MANAGE');
    return { account, placement };
  }

  /** Staff belong to a centre, administrators to a district or a street. */
  private async placement(role: ConsoleRole, centreId: number | undefined, regionId: number | undefined, storedPath?: string | null): Promise<Placement> {
    if (role === 'staff') {
      if (centreId === undefined) throw new AppError('ACCOUNT_SCOPE_MISMATCH');
      const centre = await this.deps.centres.findById(centreId);
      if (!centre) throw new AppError('CENTRE_NOT_FOUND');
      return { role, path: centre.regionPath, centre, region: null };
    }
    if (regionId === undefined) throw new AppError('ACCOUNT_SCOPE_MISMATCH');
    const region = await this.deps.regions.findById(regionId);
    if (!region) {
      // An administrator whose region row is gone is still placed by the path they were given.
      if (storedPath) return { role, path: storedPath, centre: null, region: null };
      throw new AppError('REGION_NOT_FOUND');
    }
    if (storedPath === undefined && region.level === 'community') throw new AppError('ADMIN_REGION_LEVEL');
    return { role, path: storedPath ?? region.path, centre: null, region };
  }

  private async edit(
    actor: Actor,
    account: Account,
    version: number,
    placement: Placement,
    patch: AccountPatch,
    action: string,
    detail: Record<string, unknown>,
    opts: { endSessions: boolean },
  ): Promise<ConsoleAccountView> {
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.accounts.update(em, account.id, version, { ...patch, updatedAt: now }))) {
        const current = await this.deps.accounts.findById(account.id, em);
        throw new AppError('VERSION_CONFLICT', undefined, { currentVersion: current?.version ?? null });
      }
      const ended = opts.endSessions ? await this.deps.accounts.revokeSessions(em, account.id, now) : 0;
      await this.record(em, actor, action, account.id, placement, { ...detail, ...(ended > 0 ? { sessionsEnded: ended } : {}) });
    });
    const fresh = (await this.deps.accounts.findById(account.id))!;
    return this.view(fresh, placement);
  }

  private record(em: Tx, actor: Actor, action: string, accountId: number, placement: Placement, detail: Record<string, unknown>): Promise<unknown> {
    return this.deps.audit.record(
      em,
      actor,
      action,
      { type: 'account', id: accountId, scope: { centreId: placement.centre?.id ?? null, regionPath: placement.path } },
      detail,
    );
  }

  private async views(accounts: Account[]): Promise<ConsoleAccountView[]> {
    const [centres, regions] = await Promise.all([
      this.deps.centres.findByIds([...new Set(accounts.map((a) => a.centreId).filter((x): x is number => x !== null))]),
      this.deps.regions.findByIds([...new Set(accounts.map((a) => a.regionId).filter((x): x is number => x !== null))]),
    ]);
    const centreOf = new Map(centres.map((c) => [c.id, c]));
    const regionOf = new Map(regions.map((r) => [r.id, r]));
    return accounts.map((a) => {
      const admin = a.roles.includes('admin') && a.regionPath !== null;
      const placement: Placement = admin
        ? { role: 'admin', path: a.regionPath!, centre: null, region: regionOf.get(a.regionId ?? -1) ?? null }
        : { role: 'staff', path: '', centre: centreOf.get(a.centreId ?? -1) ?? null, region: null };
      return this.view(a, placement);
    });
  }

  private view(a: Account, p: Placement): ConsoleAccountView {
    return {
      id: a.id,
      username: a.username ?? '',
      displayName: a.displayName,
      role: p.role,
      roles: [...a.roles],
      phone: a.phone,
      centre: p.centre ? { id: p.centre.id, name: p.centre.name } : null,
      region: p.region ? { id: p.region.id, name: p.region.name } : null,
      active: a.active,
      mustChangePassword: a.mustChangePassword,
      createdAt: a.createdAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
      version: a.version,
    };
  }
}
