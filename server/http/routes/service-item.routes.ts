import { Router } from '@koa/router';
import { z } from 'zod';
import { DELIVERY_MODES, SERVICE_CATEGORIES, SERVICE_KINDS } from '../../../entities';
import type { Services } from '../../container';
import type { Items } from '../../contracts/api-types';
import type { ServiceItemRecord } from '../../contracts/catalogue-registry';
import { CATALOGUE_FIELDS as F, FIELD_MESSAGES as M } from '../../words/catalogue';
import { day, idParam, int, list, note, oneOf, text, version } from '../catalogue-fields';
import { actorOf, requireAuth } from '../middleware/auth';
import { parse } from '../validate';

/** Up to 100,000 yuan: far above any service, low enough that a slip of the keyboard is caught. */
const price = int(F.priceFen, 0, 10_000_000);

const fields = {
  name: text(F.name, 100),
  description: note(F.description, 500),
  deliveryModes: list(F.deliveryModes, oneOf(F.deliveryModes, DELIVERY_MODES), 1, DELIVERY_MODES.length),
  maxQuantity: int(F.maxQuantity, 1, 20),
};

const createBody = z.object({
  category: oneOf(F.category, SERVICE_CATEGORIES),
  kind: oneOf(F.serviceKind, SERVICE_KINDS),
  priceFen: price,
  ...fields,
  description: fields.description.default(''),
  maxQuantity: fields.maxQuantity.default(1),
});

const patchBody = z
  .object(fields)
  .partial()
  .extend({ version })
  .refine((b) => Object.keys(b).length > 1, { message: M.nothingToChange, path: ['(body)'] });

const priceBody = z.object({ priceFen: price, validFrom: day(F.validFrom), version });
const versionBody = z.object({ version });

/** 服务项目 and their dated prices, per centre: the administrators over the centre set them, its staff see them. */
export function serviceItemRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/centres/:id/service-items', async (ctx) => {
    ctx.body = { items: await s.registry.serviceItems.list(actorOf(ctx), parse(idParam, ctx.params).id) } satisfies Items<ServiceItemRecord>;
  });
  r.post('/centres/:id/service-items', async (ctx) => {
    ctx.status = 201;
    ctx.body = await s.registry.serviceItems.create(actorOf(ctx), parse(idParam, ctx.params).id, parse(createBody, ctx.request.body ?? {}));
  });
  r.patch('/service-items/:id', async (ctx) => {
    ctx.body = await s.registry.serviceItems.update(actorOf(ctx), parse(idParam, ctx.params).id, parse(patchBody, ctx.request.body ?? {}));
  });
  r.post('/service-items/:id/deactivate', async (ctx) => {
    ctx.body = await s.registry.serviceItems.deactivate(actorOf(ctx), parse(idParam, ctx.params).id, parse(versionBody, ctx.request.body ?? {}).version);
  });
  r.post('/service-items/:id/activate', async (ctx) => {
    ctx.body = await s.registry.serviceItems.activate(actorOf(ctx), parse(idParam, ctx.params).id, parse(versionBody, ctx.request.body ?? {}).version);
  });
  r.get('/service-items/:id/prices', async (ctx) => {
    ctx.body = await s.registry.serviceItems.prices(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.post('/service-items/:id/prices', async (ctx) => {
    ctx.status = 201;
    ctx.body = await s.registry.serviceItems.setPrice(actorOf(ctx), parse(idParam, ctx.params).id, parse(priceBody, ctx.request.body ?? {}));
  });
  return r;
}
