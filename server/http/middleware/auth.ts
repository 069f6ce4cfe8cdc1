import type { Context, Next } from 'koa';
import { AppError } from '../../errors';
import type { Actor } from '../../services/access/actor';
import type { AuthService } from '../../services/access/auth.service';

export interface AppState {
  actor?: Actor;
  token?: string;
}

export function bearerToken(ctx: Context): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
  return m ? m[1] : null;
}

/**
 * Puts the authenticated actor on `ctx.state`; anything behind it requires a live session. A console session that
 * must change its password first gets PASSWORD_CHANGE_REQUIRED, except on the routes that say `duringPasswordChange`
 * (changing it, who am I, signing out).
 */
export function requireAuth(auth: AuthService, opts: { duringPasswordChange?: boolean } = {}) {
  return async function authenticate(ctx: Context, next: Next): Promise<void> {
    const token = bearerToken(ctx);
    const actor = token ? await auth.authenticate(token, ctx.ip) : null;
    if (!actor) throw new AppError('UNAUTHENTICATED');
    if (actor.passwordChangeRequired && !opts.duringPasswordChange) throw new AppError('PASSWORD_CHANGE_REQUIRED');
    (ctx.state as AppState).actor = actor;
    (ctx.state as AppState).token = token!;
    await next();
  };
}

export function actorOf(ctx: Context): Actor {
  const actor = (ctx.state as AppState).actor;
  if (!actor) throw new AppError('UNAUTHENTICATED');
  return actor;
}
