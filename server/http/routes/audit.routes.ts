import { Router } from '@koa/router';
import { z } from 'zod';
import type { Services } from '../../container';
import { isDateString } from '../../lib/time';
import { AUDIT_FIELD_TEXTS as T } from '../../words/audit';
import { actorOf, requireAuth } from '../middleware/auth';
import { page, parse } from '../validate';

const code = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const auditQuery = z.object({
  actorId: z.coerce.number({ error: T.actorId }).int(T.actorId).positive(T.actorId).max(2_147_483_647, T.actorId).optional(),
  action: z
    .string({ error: T.action })
    .transform((v) => v.split(',').map((a) => a.trim()))
    .pipe(z.array(z.string().max(64, T.action).regex(code, T.action)).min(1, T.action).max(20, T.action))
    .optional(),
  entityType: z.string({ error: T.entityType }).max(32, T.entityType).regex(code, T.entityType).optional(),
  entityId: z.coerce.number({ error: T.entityId }).int(T.entityId).positive(T.entityId).max(2_147_483_647, T.entityId).optional(),
  from: z.string({ error: T.from }).refine(isDateString, T.from).optional(),
  to: z.string({ error: T.to }).refine(isDateString, T.to).optional(),
  ...page,
});

/** 操作日志: staff read their centre's, administrators their region's. */
export function auditRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/audit-log', async (ctx) => {
    const { action, ...q } = parse(auditQuery, ctx.query);
    ctx.body = await s.auditLog.list(actorOf(ctx), { ...q, actions: action });
  });
  return r;
}
