import { Router } from '@koa/router';
import { z } from 'zod';
import type { Services } from '../../container';
import type { Items } from '../../contracts/api-types';
import type { RegionNode } from '../../contracts/catalogue-registry';
import { CATALOGUE_FIELDS as F } from '../../words/catalogue';
import { idParam, ref, text, version } from '../catalogue-fields';
import { actorOf, requireAuth } from '../middleware/auth';
import { parse } from '../validate';

const createBody = z.object({ name: text(F.name, 64), parentId: ref(F.parentId) });
const renameBody = z.object({ name: text(F.name, 64), version });

/** 区 → 街道 → 社区: the tree administrators (and staff, their street) work in; streets and communities added and renamed. */
export function regionRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/regions', async (ctx) => {
    ctx.body = { items: await s.registry.regions.tree(actorOf(ctx)) } satisfies Items<RegionNode>;
  });
  r.post('/regions', async (ctx) => {
    ctx.status = 201;
    ctx.body = await s.registry.regions.create(actorOf(ctx), parse(createBody, ctx.request.body ?? {}));
  });
  r.patch('/regions/:id', async (ctx) => {
    ctx.body = await s.registry.regions.rename(actorOf(ctx), parse(idParam, ctx.params).id, parse(renameBody, ctx.request.body ?? {}));
  });
  return r;
}
