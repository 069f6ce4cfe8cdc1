import { Router } from '@koa/router';
import { z } from 'zod';
import type { Services } from '../../container';
import { ACCOUNT_FIELD_TEXTS as T } from '../../words/accounts';
import { actorOf, bearerToken, requireAuth } from '../middleware/auth';
import { idParam, page, parse } from '../validate';

const positive = (message: string) => z.coerce.number({ error: message }).int(message).positive(message).max(2_147_483_647, message);
const username = z
  .string({ error: T.username })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.-]{2,31}$/, T.username);
const displayName = z.string({ error: T.displayName }).trim().min(1, T.displayName).max(64, T.displayName);
const phone = z
  .string({ error: T.phone })
  .trim()
  .regex(/^1\d{10}$/, T.phone)
  .nullable();
const version = z.number({ error: T.version }).int(T.version).min(1, T.version);

const createBody = z.discriminatedUnion(
  'role',
  [
    z.object({ role: z.literal('staff'), username, displayName, phone: phone.optional(), centreId: positive(T.centreId) }),
    z.object({ role: z.literal('admin'), username, displayName, phone: phone.optional(), regionId: positive(T.regionId) }),
  ],
  { error: T.role },
);
const updateBody = z.object({
  version,
  displayName: displayName.optional(),
  phone: phone.optional(),
  centreId: positive(T.centreId).optional(),
  regionId: positive(T.regionId).optional(),
});
const versionBody = z.object({ version });
const disableBody = z.object({ version, reason: z.string({ error: T.reason }).trim().max(200, T.reason).default('') });
const listQuery = z.object({
  role: z.enum(['staff', 'admin'], { error: T.role }).optional(),
  centreId: positive(T.centreId).optional(),
  regionId: positive(T.regionId).optional(),
  active: z
    .enum(['true', 'false'], { error: T.active })
    .transform((v) => v === 'true')
    .optional(),
  q: z.string({ error: T.q }).trim().min(1, T.q).max(32, T.q).optional(),
  ...page,
});
const passwordBody = z.object({
  oldPassword: z.string({ error: T.oldPassword }).min(1, T.oldPassword).max(200, T.oldPassword),
  // The strength rule (8–64, letters and digits, …) is the service's, which answers PASSWORD_TOO_WEAK naming this field.
  newPassword: z.string({ error: T.newPassword }).min(1, T.newPassword).max(200, T.newPassword),
});

/** 账号: staff and administrator accounts, managed by the administrators over them; one's own password. */
export function accountRoutes(s: Services): Router {
  const r = new Router();
  // Changing one's own password is the one thing a session holding a one-time password may do.
  r.post('/me/password', requireAuth(s.auth, { duringPasswordChange: true }), async (ctx) => {
    const { oldPassword, newPassword } = parse(passwordBody, ctx.request.body);
    await s.accounts.changeOwnPassword(actorOf(ctx), bearerToken(ctx)!, oldPassword, newPassword);
    ctx.status = 204;
  });
  const auth = requireAuth(s.auth);
  r.get('/accounts', auth, async (ctx) => {
    ctx.body = await s.accounts.list(actorOf(ctx), parse(listQuery, ctx.query));
  });
  r.post('/accounts', auth, async (ctx) => {
    ctx.status = 201;
    ctx.body = await s.accounts.create(actorOf(ctx), parse(createBody, ctx.request.body));
  });
  r.get('/accounts/:id', auth, async (ctx) => {
    ctx.body = await s.accounts.get(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.patch('/accounts/:id', auth, async (ctx) => {
    ctx.body = await s.accounts.update(actorOf(ctx), parse(idParam, ctx.params).id, parse(updateBody, ctx.request.body));
  });
  r.post('/accounts/:id/disable', auth, async (ctx) => {
    const { version: v, reason } = parse(disableBody, ctx.request.body);
    ctx.body = await s.accounts.disable(actorOf(ctx), parse(idParam, ctx.params).id, v, reason);
  });
  r.post('/accounts/:id/enable', auth, async (ctx) => {
    ctx.body = await s.accounts.enable(actorOf(ctx), parse(idParam, ctx.params).id, parse(versionBody, ctx.request.body).version);
  });
  r.post('/accounts/:id/reset-password', auth, async (ctx) => {
    ctx.body = await s.accounts.resetPassword(actorOf(ctx), parse(idParam, ctx.params).id, parse(versionBody, ctx.request.body).version);
  });
  return r;
}
