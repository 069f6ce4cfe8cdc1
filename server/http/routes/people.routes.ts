import { Router } from '@koa/router';
import { z } from 'zod';
import type { Services } from '../../container';
import type { FamilyLinkView, Items } from '../../contracts/api-types';
import { FIELD_TEXTS } from '../../words/texts';
import { actorOf, requireAuth } from '../middleware/auth';
import { idParam, page, parse } from '../validate';

const redeemBody = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, FIELD_TEXTS.linkCode),
  relation: z.string().trim().max(16).default(''),
});
const seniorsQuery = z.object({ search: z.string().trim().max(32).optional(), ...page });

/** Seniors and the family links between them and their families. */
export function peopleRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/seniors', async (ctx) => {
    ctx.body = await s.seniors.list(actorOf(ctx), parse(seniorsQuery, ctx.query));
  });
  r.get('/seniors/:id', async (ctx) => {
    ctx.body = await s.seniors.get(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.post('/seniors/:id/link-codes', async (ctx) => {
    ctx.status = 201;
    ctx.body = await s.familyLinks.issueCode(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.get('/seniors/:id/family-links', async (ctx) => {
    ctx.body = { items: await s.familyLinks.forSenior(actorOf(ctx), parse(idParam, ctx.params).id) };
  });
  r.get('/family-links', async (ctx) => {
    ctx.body = { items: await s.familyLinks.mine(actorOf(ctx)) } satisfies Items<FamilyLinkView>;
  });
  r.post('/family-links', async (ctx) => {
    const { code, relation } = parse(redeemBody, ctx.request.body);
    ctx.status = 201;
    ctx.body = await s.familyLinks.redeem(actorOf(ctx), code, relation);
  });
  r.delete('/family-links/:id', async (ctx) => {
    await s.familyLinks.revoke(actorOf(ctx), parse(idParam, ctx.params).id);
    ctx.status = 204;
  });
  return r;
}
