import { Router } from '@koa/router';
import { z } from 'zod';
import { SENIOR_CATEGORIES } from '../../../entities';
import type { Services } from '../../container';
import { actorOf, requireAuth } from '../middleware/auth';
import { id, idParam, page, parse } from '../validate';

const audience = z.object({
  regionId: id,
  roles: z
    .array(z.enum(['senior', 'family', 'staff']))
    .min(1)
    .max(3),
  minAge: z.number().int().min(0).max(120).optional(),
  categories: z.array(z.enum(SENIOR_CATEGORIES)).max(SENIOR_CATEGORIES.length).optional(),
});
const noticeBody = z.object({
  title: z.string().trim().min(1).max(100),
  body: z.string().trim().min(1).max(2000),
  link: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullable()
    .optional(),
  audience,
  /** Absent or null: send now. */
  scheduledAt: z.iso.datetime({ offset: true }).nullable().optional(),
});

/** 政策通知: administrators compose and follow them; everyone they reach reads them in the mini-program. */
export function noticeRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.post('/notices/preview', async (ctx) => {
    ctx.body = await s.notices.preview(actorOf(ctx), parse(z.object({ audience }), ctx.request.body).audience);
  });
  r.post('/notices', async (ctx) => {
    const b = parse(noticeBody, ctx.request.body);
    ctx.status = 201;
    ctx.body = await s.notices.create(actorOf(ctx), { ...b, scheduledAt: b.scheduledAt ? new Date(b.scheduledAt) : undefined });
  });
  r.get('/notices', async (ctx) => {
    ctx.body = { items: await s.notices.list(actorOf(ctx)) };
  });
  r.get('/notices/:id', async (ctx) => {
    ctx.body = await s.notices.get(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.post('/notices/:id/cancel', async (ctx) => {
    ctx.body = await s.notices.cancel(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.get('/me/notices', async (ctx) => {
    const q = parse(z.object(page), ctx.query);
    ctx.body = await s.notices.inbox(actorOf(ctx), q.limit, q.offset);
  });
  r.get('/me/notices/:id', async (ctx) => {
    ctx.body = await s.notices.read(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  return r;
}
