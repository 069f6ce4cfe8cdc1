import { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { COUNTER_METHODS, DELIVERY_MODES } from '../../../entities';
import type { Services } from '../../container';
import { isDateString } from '../../lib/time';
import type { DownloadFile } from '../../services/operations/lists.service';
import { COUNTER_FIELD_TEXTS as T } from '../../words/operations';
import { actorOf, requireAuth } from '../middleware/auth';
import { id, idParam, parse } from '../validate';

const date = z.string({ error: T.date }).refine(isDateString, T.date);
const dayParams = z.object({ id, date });
const searchQuery = z.object({ q: z.string({ error: T.q }).trim().min(1, T.q).max(20, T.q) });
const positive = (message: string) => z.number({ error: message }).int(message).positive(message).max(2_147_483_647, message);
const walkInBody = z.object({
  seniorId: positive(T.seniorId),
  slotId: positive(T.slotId),
  quantity: z.number({ error: T.quantity }).int(T.quantity).min(1, T.quantity).max(20, T.quantity).default(1),
  deliveryMode: z.enum(DELIVERY_MODES, { error: T.deliveryMode }).optional(),
  note: z.string({ error: T.note }).trim().max(200, T.note).optional(),
  checkIn: z.boolean({ error: T.checkIn }).default(false),
});
/** 现场付: what staff collected at the counter, in fen, and how (as `POST /bookings/check-in {code, counter}`). */
const checkInBody = z.object({
  counter: z
    .object({
      amountFen: z.number({ error: T.amountFen }).int(T.amountFen).min(0, T.amountFen).max(1_000_000, T.amountFen),
      method: z.enum(COUNTER_METHODS, { error: T.method }),
    })
    .optional(),
});
const idempotencyKey = z
  .string({ error: T.idempotencyKey })
  .trim()
  .min(8, T.idempotencyKey)
  .max(64, T.idempotencyKey)
  .regex(/^[\x21-\x7e]+$/, T.idempotencyKey)
  .optional();
const deliveryQuery = z.object({ date, slotId: z.coerce.number({ error: T.slotId }).int(T.slotId).positive(T.slotId).max(2_147_483_647, T.slotId).optional() });

/** RFC 6266 / 5987: an ASCII fallback name, and the Chinese name percent-encoded as UTF-8. */
function sendFile(ctx: Context, f: DownloadFile): void {
  ctx.set('Content-Type', f.contentType);
  ctx.set('Content-Disposition', `attachment; filename="${f.asciiFileName}"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = f.body;
}

/** A centre's day at the counter (find, check in, walk-ins) and its lists (kitchen, delivery), for its staff and the administrators over it. */
export function operationsRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/centres/:id/day/:date/search', async (ctx) => {
    const { id: centreId, date: day } = parse(dayParams, ctx.params);
    ctx.body = await s.counter.search(actorOf(ctx), centreId, day, parse(searchQuery, ctx.query).q);
  });
  r.post('/bookings/:id/check-in', async (ctx) => {
    const { counter } = parse(checkInBody, ctx.request.body ?? {});
    ctx.body = await s.counter.checkIn(actorOf(ctx), parse(idParam, ctx.params).id, counter);
  });
  r.post('/centres/:id/walk-ins', async (ctx) => {
    const key = parse(idempotencyKey, ctx.get('idempotency-key') || undefined);
    const { booking, replayed } = await s.counter.walkIn(actorOf(ctx), parse(idParam, ctx.params).id, {
      ...parse(walkInBody, ctx.request.body),
      idempotencyKey: key,
    });
    ctx.status = 201;
    if (replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = booking;
  });
  r.get('/slots/:id/kitchen-list', async (ctx) => {
    ctx.body = await s.lists.kitchenList(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.get('/slots/:id/kitchen-list.xlsx', async (ctx) => {
    sendFile(ctx, await s.lists.kitchenListFile(actorOf(ctx), parse(idParam, ctx.params).id));
  });
  r.get('/centres/:id/delivery-list', async (ctx) => {
    const q = parse(deliveryQuery, ctx.query);
    ctx.body = await s.lists.deliveryList(actorOf(ctx), parse(idParam, ctx.params).id, q.date, q.slotId);
  });
  r.get('/centres/:id/delivery-list.xlsx', async (ctx) => {
    const q = parse(deliveryQuery, ctx.query);
    sendFile(ctx, await s.lists.deliveryListFile(actorOf(ctx), parse(idParam, ctx.params).id, q.date, q.slotId));
  });
  return r;
}
