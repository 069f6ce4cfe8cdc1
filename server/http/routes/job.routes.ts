import { Router } from '@koa/router';
import { z } from 'zod';
import type { Services } from '../../container';
import { actorOf, requireAuth } from '../middleware/auth';
import { parse } from '../validate';

const runsQuery = z.object({
  job: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The scheduler's run records, for administrators. */
export function jobRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/jobs/runs', async (ctx) => {
    ctx.body = { items: await s.jobRuns.recent(actorOf(ctx), parse(runsQuery, ctx.query)) };
  });
  return r;
}
