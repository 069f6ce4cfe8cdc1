import { Router } from '@koa/router';
import { z } from 'zod';
import type { Services } from '../../container';
import { actorOf, requireAuth } from '../middleware/auth';
import { parse } from '../validate';

const templateId = z.string().trim().min(1).max(64);
const consentBody = z.object({
  templateIds: z.array(templateId).min(1).max(20),
  result: z.record(templateId, z.enum(['accept', 'reject', 'ban', 'filter'])),
});

/** The mini-program reports what wx.requestSubscribeMessage answered: one message credit per accepted template. */
export function subscriptionRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.post('/subscriptions', async (ctx) => {
    const body = parse(consentBody, ctx.request.body);
    ctx.body = await s.subscriptions.record(actorOf(ctx), body.templateIds, body.result);
  });
  return r;
}
