import { Router } from '@koa/router';
import { z } from 'zod';
import type { Services } from '../../container';
import { CATALOGUE_FIELDS as F } from '../../words/catalogue';
import { day, idParam, int, list, note, pageQuery, ref, text, time, version } from '../catalogue-fields';
import { actorOf, requireAuth } from '../middleware/auth';
import { parse } from '../validate';

const cutoff = (label: string) =>
  z.object(
    { daysBefore: int(`${label}${F.daysBefore}`, 0, 14), time: time(`${label}${F.time}`) },
    { error: (issue) => (issue.input === undefined ? `请填写${label}` : `${label}要有提前天数和时间`) },
  );

const capacityBody = z.object({ capacity: int(F.capacity, 0, 1000), version });
const closeBody = z.object({ reason: text(F.reason, 100), version });
const versionBody = z.object({ version });
const oneOffBody = z.object({
  serviceItemId: ref(F.serviceItemId),
  date: day(F.date),
  start: time(F.start),
  end: time(F.end),
  capacity: int(F.capacity, 1, 1000),
  workerName: note(F.workerName, 64).optional(),
  bookingCutoff: cutoff(F.bookingCutoff),
  cancelCutoff: cutoff(F.cancelCutoff),
});
const closureBody = z.object({
  date: day(F.date),
  serviceItemIds: list(F.serviceItemIds, ref(F.serviceItemIds), 0, 50).default([]),
  reason: text(F.reason, 100),
});
const closureQuery = z.object({ from: day(F.from).optional(), to: day(F.to).optional(), ...pageQuery });

/**
 * A centre's slots by hand, for its staff and the administrators over it: capacity, closing a slot or a whole day
 * (the bookings in it are cancelled and refunded, seniors and families told), reopening, one-off slots.
 */
export function slotAdminRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.patch('/slots/:id', async (ctx) => {
    ctx.body = await s.registry.slots.setCapacity(actorOf(ctx), parse(idParam, ctx.params).id, parse(capacityBody, ctx.request.body ?? {}));
  });
  r.post('/slots/:id/close', async (ctx) => {
    ctx.body = await s.registry.slots.close(actorOf(ctx), parse(idParam, ctx.params).id, parse(closeBody, ctx.request.body ?? {}));
  });
  r.post('/slots/:id/reopen', async (ctx) => {
    ctx.body = await s.registry.slots.reopen(actorOf(ctx), parse(idParam, ctx.params).id, parse(versionBody, ctx.request.body ?? {}));
  });
  r.post('/centres/:id/slots', async (ctx) => {
    ctx.status = 201;
    ctx.body = await s.registry.slots.create(actorOf(ctx), parse(idParam, ctx.params).id, parse(oneOffBody, ctx.request.body ?? {}));
  });
  r.get('/centres/:id/closures', async (ctx) => {
    ctx.body = await s.registry.closures.list(actorOf(ctx), parse(idParam, ctx.params).id, parse(closureQuery, ctx.query));
  });
  r.post('/centres/:id/closures', async (ctx) => {
    ctx.status = 201;
    ctx.body = await s.registry.closures.create(actorOf(ctx), parse(idParam, ctx.params).id, parse(closureBody, ctx.request.body ?? {}));
  });
  r.delete('/closures/:id', async (ctx) => {
    ctx.body = await s.registry.closures.lift(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  return r;
}
