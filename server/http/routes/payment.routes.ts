import { Router } from '@koa/router';
import { z } from 'zod';
import { OFFLINE_REFUND_METHODS } from '../../../entities';
import { FIELD_TEXTS } from '../../words/texts';
import type { Services } from '../../container';
import { actorOf, requireAuth } from '../middleware/auth';
import { day, id, idParam, parse } from '../validate';

const payBody = z.object({ via: z.enum(['miniprogram', 'mp']).default('miniprogram') });
const reduceBody = z.object({ quantity: z.number().int().min(1).max(20) });
const centreDayQuery = z.object({ centreId: id, date: day });
const resolveBody = z.object({
  method: z.enum(OFFLINE_REFUND_METHODS),
  reference: z.string().trim().min(1, FIELD_TEXTS.referenceRequired).max(64),
  note: z.string().trim().max(200).default(''),
});

/** Co-payments: paying a booking, its payments and refunds; staff's daily list, problems, refund retries and refunds paid back by hand. */
export function paymentRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.post('/bookings/:id/pay', async (ctx) => {
    ctx.body = await s.payments.prepay(actorOf(ctx), parse(idParam, ctx.params).id, parse(payBody, ctx.request.body ?? {}).via);
  });
  r.get('/bookings/:id/payments', async (ctx) => {
    ctx.body = await s.paymentReader.ledger(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.post('/bookings/:id/reduce', async (ctx) => {
    ctx.body = await s.lifecycle.reduce(actorOf(ctx), parse(idParam, ctx.params).id, parse(reduceBody, ctx.request.body).quantity);
  });
  r.get('/payments', async (ctx) => {
    const q = parse(centreDayQuery, ctx.query);
    ctx.body = await s.paymentReader.centreDay(actorOf(ctx), q.centreId, q.date);
  });
  r.get('/payments/problems', async (ctx) => {
    ctx.body = await s.paymentReader.problems(actorOf(ctx));
  });
  r.post('/refunds/:id/retry', async (ctx) => {
    ctx.body = await s.refunds.retry(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.post('/refunds/:id/resolve-offline', async (ctx) => {
    ctx.body = await s.refunds.resolveOffline(actorOf(ctx), parse(idParam, ctx.params).id, parse(resolveBody, ctx.request.body ?? {}));
  });
  return r;
}
