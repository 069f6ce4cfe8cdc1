import { Router } from '@koa/router';
import { z } from 'zod';
import type { Services } from '../../container';
import { actorOf, requireAuth } from '../middleware/auth';
import { id, idParam, parse } from '../validate';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const cutoff = z.object({ daysBefore: z.number().int().min(0).max(14), time });
const templateBody = z.object({
  serviceItemId: id,
  weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  start: time,
  end: time,
  capacity: z.number().int().min(1).max(1000),
  workerName: z.string().trim().max(64).optional(),
  bookingCutoff: cutoff,
  cancelCutoff: cutoff,
});

/** 时段模板: a centre's weekly pattern, for its staff and the administrators over it. */
export function slotTemplateRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/centres/:id/slot-templates', async (ctx) => {
    ctx.body = { items: await s.slotTemplates.list(actorOf(ctx), parse(idParam, ctx.params).id) };
  });
  r.post('/centres/:id/slot-templates', async (ctx) => {
    ctx.status = 201;
    ctx.body = await s.slotTemplates.create(actorOf(ctx), parse(idParam, ctx.params).id, parse(templateBody, ctx.request.body));
  });
  r.delete('/slot-templates/:id', async (ctx) => {
    await s.slotTemplates.deactivate(actorOf(ctx), parse(idParam, ctx.params).id);
    ctx.status = 204;
  });
  return r;
}
