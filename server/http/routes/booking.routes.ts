import { Router } from '@koa/router';
import { z } from 'zod';
import { BOOKING_STATUSES, CHANNELS, COUNTER_METHODS, DELIVERY_MODES } from '../../../entities';
import type { Services } from '../../container';
import { FIELD_TEXTS } from '../../words/texts';
import { actorOf, requireAuth } from '../middleware/auth';
import { day, id, idParam, page, parse } from '../validate';

const quoteBody = z.object({ seniorId: id.optional(), slotId: id, quantity: z.number().int().min(1).max(20).default(1) });
const createBody = quoteBody.extend({
  deliveryMode: z.enum(DELIVERY_MODES).optional(),
  note: z.string().max(200).optional(),
  channel: z.enum(CHANNELS).default('miniprogram'),
  /** 现场付: pay at the counter (a centre that takes it) instead of online. */
  payAt: z.enum(['online', 'counter']).optional(),
});
const idempotencyKey = z
  .string()
  .trim()
  .min(8)
  .max(64)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII only')
  .optional();
const listQuery = z.object({
  seniorId: id.optional(),
  centreId: id.optional(),
  slotId: id.optional(),
  date: day.optional(),
  from: day.optional(),
  to: day.optional(),
  status: z
    .string()
    .transform((v) => v.split(','))
    .pipe(z.array(z.enum(BOOKING_STATUSES)))
    .optional(),
  ...page,
});
const reasonBody = z.object({ reason: z.string().trim().max(200).default('') });
const rejectBody = z.object({ reason: z.string().trim().min(1, FIELD_TEXTS.reasonRequired).max(200) });
const checkInBody = z.object({
  code: z.string().trim().min(4).max(32),
  /** 现场付: what staff collected at the counter, in fen, and how. */
  counter: z.object({ amountFen: z.number().int().min(0).max(1_000_000), method: z.enum(COUNTER_METHODS) }).optional(),
});
const rateBody = z.object({ score: z.number().int().min(1).max(5), comment: z.string().trim().max(500).default('') });

export function bookingRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.post('/quotes', async (ctx) => {
    ctx.body = await s.bookings.quote(actorOf(ctx), parse(quoteBody, ctx.request.body));
  });
  r.post('/bookings', async (ctx) => {
    const key = parse(idempotencyKey, ctx.get('idempotency-key') || undefined);
    const { booking, replayed } = await s.bookings.create(actorOf(ctx), { ...parse(createBody, ctx.request.body), idempotencyKey: key });
    ctx.status = 201;
    if (replayed) ctx.set('Idempotent-Replayed', 'true');
    ctx.body = booking;
  });
  r.get('/seniors/:id/usual-meal', async (ctx) => {
    ctx.body = { usual: await s.usualMeal.tomorrow(actorOf(ctx), parse(idParam, ctx.params).id) };
  });
  r.get('/bookings', async (ctx) => {
    const { status, ...q } = parse(listQuery, ctx.query);
    ctx.body = await s.bookingReader.list(actorOf(ctx), { ...q, statuses: status });
  });
  r.get('/bookings.xlsx', async (ctx) => {
    const { status, seniorId, centreId, slotId, date, from, to } = parse(listQuery, ctx.query);
    const f = await s.bookingExport.xlsx(actorOf(ctx), { seniorId, centreId, slotId, date, from, to, statuses: status });
    ctx.set('Content-Type', f.contentType);
    ctx.set('Content-Disposition', `attachment; filename="${f.asciiFileName}"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`);
    ctx.body = f.body;
  });
  r.post('/bookings/check-in', async (ctx) => {
    const body = parse(checkInBody, ctx.request.body);
    ctx.body = await s.lifecycle.checkIn(actorOf(ctx), body.code, body.counter);
  });
  r.get('/bookings/:id', async (ctx) => {
    ctx.body = await s.bookingReader.get(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.post('/bookings/:id/cancel', async (ctx) => {
    ctx.body = await s.lifecycle.cancel(actorOf(ctx), parse(idParam, ctx.params).id, parse(reasonBody, ctx.request.body ?? {}).reason);
  });
  r.post('/bookings/:id/confirm', async (ctx) => {
    ctx.body = await s.lifecycle.confirm(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.post('/bookings/:id/reject', async (ctx) => {
    ctx.body = await s.lifecycle.reject(actorOf(ctx), parse(idParam, ctx.params).id, parse(rejectBody, ctx.request.body).reason);
  });
  r.post('/bookings/:id/no-show', async (ctx) => {
    ctx.body = await s.lifecycle.markNoShow(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.post('/bookings/:id/rating', async (ctx) => {
    const { score, comment } = parse(rateBody, ctx.request.body);
    ctx.body = await s.lifecycle.rate(actorOf(ctx), parse(idParam, ctx.params).id, score, comment);
  });
  return r;
}
