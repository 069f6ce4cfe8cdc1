import type { Account, Role } from '../../../entities';

/** Who is asking: the authenticated account, its roles and scopes, and where the request came from. */
export interface Actor {
  accountId: number;
  displayName: string;
  roles: readonly Role[];
  seniorId: number | null;
  centreId: number | null;
  regionPath: string | null;
  ip: string;
  /** A console session whose password an administrator handed out: it may only change it (POST /me/password). */
  passwordChangeRequired?: boolean;
}

export function hasRole(actor: Actor, role: Role): boolean {
  return actor.roles.includes(role);
}

/** The role an action is recorded under in the audit log. */
export function primaryRole(actor: Actor): Role {
  for (const r of ['admin', 'staff', 'family', 'senior'] as const) if (actor.roles.includes(r)) return r;
  return 'family';
}

/** The actor an account acts as, from where it came in ('wechat' for the public account, the client IP for HTTP). */
export function actorForAccount(account: Pick<Account, 'id' | 'displayName' | 'roles' | 'seniorId' | 'centreId' | 'regionPath'>, ip: string): Actor {
  return {
    accountId: account.id,
    displayName: account.displayName,
    roles: account.roles,
    seniorId: account.seniorId,
    centreId: account.centreId,
    regionPath: account.regionPath,
    ip,
  };
}
