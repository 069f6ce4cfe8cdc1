import { Router } from '@koa/router';
import { z } from 'zod';
import { CENTRE_KINDS, SERVICE_CATEGORIES, SERVICE_KINDS } from '../../../entities';
import type { Services } from '../../container';
import type { CentreView, Items, SlotView } from '../../contracts/api-types';
import { requireAuth } from '../middleware/auth';
import { day, id, idParam, parse } from '../validate';

const centresQuery = z
  .object({
    lat: z.coerce.number().min(-90).max(90).optional(),
    lng: z.coerce.number().min(-180).max(180).optional(),
    withinMinutes: z.coerce.number().int().min(1).max(120).optional(),
    kind: z.enum(CENTRE_KINDS).optional(),
    category: z.enum(SERVICE_CATEGORIES).optional(),
  })
  .refine((q) => (q.lat === undefined) === (q.lng === undefined), { message: 'lat and lng go together', path: ['lng'] })
  .refine((q) => q.withinMinutes === undefined || q.lat !== undefined, { message: 'needs lat and lng', path: ['withinMinutes'] });

const slotsQuery = z.object({
  centreId: id.optional(),
  serviceItemId: id.optional(),
  category: z.enum(SERVICE_CATEGORIES).optional(),
  kind: z.enum(SERVICE_KINDS).optional(),
  from: day.optional(),
  to: day.optional(),
});

/** Centres, their services and slots: public to any signed-in user (families browse before they book). */
export function catalogueRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/centres', async (ctx) => {
    const q = parse(centresQuery, ctx.query);
    ctx.body = {
      items:
        q.lat !== undefined && q.lng !== undefined
          ? await s.catalogue.nearbyCentres({ latitude: q.lat, longitude: q.lng, withinMinutes: q.withinMinutes, kind: q.kind, category: q.category })
          : await s.catalogue.listCentres(q),
    } satisfies Items<CentreView>;
  });
  r.get('/centres/:id', async (ctx) => {
    ctx.body = await s.catalogue.centre(parse(idParam, ctx.params).id);
  });
  r.get('/slots', async (ctx) => {
    ctx.body = { items: await s.catalogue.slots(parse(slotsQuery, ctx.query)) } satisfies Items<SlotView>;
  });
  r.get('/slots/:id', async (ctx) => {
    ctx.body = await s.catalogue.slot(parse(idParam, ctx.params).id);
  });
  return r;
}
