import { Router } from '@koa/router';
import { z } from 'zod';
import type { Services } from '../../container';
import { actorOf, bearerToken, requireAuth } from '../middleware/auth';
import { parse } from '../validate';

const wechatLogin = z.object({ code: z.string().trim().min(1).max(128) });
const passwordLogin = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) });

export function authRoutes(s: Services): Router {
  const r = new Router();
  r.post('/auth/login', async (ctx) => {
    const { code } = parse(wechatLogin, ctx.request.body);
    ctx.body = await s.auth.loginWithWechatCode(code);
  });
  r.post('/auth/password-login', async (ctx) => {
    const { username, password } = parse(passwordLogin, ctx.request.body);
    ctx.body = await s.auth.loginWithPassword(username, password, ctx.ip);
  });
  r.post('/auth/logout', requireAuth(s.auth, { duringPasswordChange: true }), async (ctx) => {
    await s.auth.logout(bearerToken(ctx)!);
    ctx.status = 204;
  });
  r.get('/me', requireAuth(s.auth, { duringPasswordChange: true }), async (ctx) => {
    ctx.body = await s.auth.me(actorOf(ctx));
  });
  return r;
}
