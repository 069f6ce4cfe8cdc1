import { Router } from '@koa/router';
import { z } from 'zod';
import { CENTRE_KINDS } from '../../../entities';
import type { Services } from '../../container';
import { CATALOGUE_FIELDS as F, FIELD_MESSAGES as M } from '../../words/catalogue';
import { bool, idParam, int, list, num, oneOf, pageQuery, phone, queryRef, ref, text, time, version } from '../catalogue-fields';
import { actorOf, requireAuth } from '../middleware/auth';
import { parse } from '../validate';

const deliveryArea = z.object(
  {
    communityIds: list(F.deliveryCommunityIds, ref(F.deliveryCommunityIds), 0, 500),
    radiusMetres: int(F.deliveryRadiusMetres, 100, 50_000).nullable(),
  },
  { error: M.required(F.deliveryCommunityIds) },
);

const fields = {
  name: text(F.name, 100),
  kind: oneOf(F.kind, CENTRE_KINDS),
  regionId: ref(F.regionId),
  parentId: ref(F.centreParentId).nullable(),
  address: text(F.address, 200),
  latitude: num(F.latitude, -90, 90),
  longitude: num(F.longitude, -180, 180),
  opensAt: time(F.opensAt),
  closesAt: time(F.closesAt),
  phone: phone(F.phone),
  autoConfirm: bool(F.autoConfirm),
  counterPayment: bool(F.counterPayment),
  deliveryArea,
};

const createBody = z.object({
  ...fields,
  parentId: fields.parentId.default(null),
  autoConfirm: fields.autoConfirm.default(false),
  counterPayment: fields.counterPayment.default(false),
  deliveryArea: deliveryArea.default({ communityIds: [], radiusMetres: null }),
});

const patchBody = z
  .object(fields)
  .partial()
  .extend({ version })
  .refine((b) => Object.keys(b).length > 1, { message: M.nothingToChange, path: ['(body)'] });

const versionBody = z.object({ version });

const listQuery = z.object({
  regionId: queryRef(F.regionId).optional(),
  kind: oneOf(F.kind, CENTRE_KINDS).optional(),
  active: z.enum(['true', 'false'], { error: M.yesNo(F.active) }).optional(),
  search: z.string().trim().max(50, M.tooLong(F.search, 50)).optional(),
  ...pageQuery,
});

/**
 * 服务站点 in the registry: administrators open, edit, deactivate centres in their region; a centre's staff keep its
 * hours and phone current. (Families browse centres through GET /centres, catalogue.routes.ts.)
 */
export function centreRegistryRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/registry/centres', async (ctx) => {
    const q = parse(listQuery, ctx.query);
    ctx.body = await s.registry.centres.list(actorOf(ctx), { ...q, active: q.active === undefined ? undefined : q.active === 'true' });
  });
  r.get('/registry/centres/:id', async (ctx) => {
    ctx.body = await s.registry.centres.get(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.post('/centres', async (ctx) => {
    ctx.status = 201;
    ctx.body = await s.registry.centres.create(actorOf(ctx), parse(createBody, ctx.request.body ?? {}));
  });
  r.patch('/centres/:id', async (ctx) => {
    ctx.body = await s.registry.centres.update(actorOf(ctx), parse(idParam, ctx.params).id, parse(patchBody, ctx.request.body ?? {}));
  });
  r.post('/centres/:id/deactivate', async (ctx) => {
    ctx.body = await s.registry.centres.deactivate(actorOf(ctx), parse(idParam, ctx.params).id, parse(versionBody, ctx.request.body ?? {}).version);
  });
  r.post('/centres/:id/activate', async (ctx) => {
    ctx.body = await s.registry.centres.activate(actorOf(ctx), parse(idParam, ctx.params).id, parse(versionBody, ctx.request.body ?? {}).version);
  });
  return r;
}
