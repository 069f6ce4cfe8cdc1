import { Router } from '@koa/router';
import { z } from 'zod';
import { SENIOR_CATEGORIES, SERVICE_CATEGORIES, SERVICE_KINDS, SUBSIDY_METHODS, type ServiceCategory, type ServiceKind } from '../../../entities';
import type { Services } from '../../container';
import type { PolicyDetailView, PolicyPreview, PolicyView } from '../../contracts/dashboard-types';
import { isDateString } from '../../lib/time';
import { POLICY_FIELDS as F } from '../../words/policies';
import { actorOf, requireAuth } from '../middleware/auth';
import { idParam, page, parse } from '../validate';

/** Which service kinds belong to which category (a policy's kinds must be of its category). */
const KINDS_OF: Record<ServiceCategory, readonly ServiceKind[]> = {
  meal: ['breakfast', 'lunch', 'dinner'],
  bath: ['bath'],
  home_visit: ['cleaning', 'escort', 'nursing', 'haircut'],
};

const day = (message: string) => z.string({ error: message }).refine(isDateString, message);
const positiveId = (message: string) => z.number({ error: message }).int(message).positive(message);
const optionalInt = (min: number, max: number, message: string) =>
  z.number({ error: message }).int(message).min(min, message).max(max, message).nullable().default(null);

const terms = z
  .object({
    name: z.string({ error: F.name }).trim().min(1, F.name).max(100, F.name),
    description: z.string({ error: F.description }).trim().max(200, F.description).default(''),
    category: z.enum(SERVICE_CATEGORIES, { error: F.category }),
    serviceKinds: z
      .array(z.enum(SERVICE_KINDS, { error: F.serviceKinds }), { error: F.serviceKinds })
      .max(8, F.serviceKinds)
      .default([]),
    minAge: optionalInt(0, 120, F.minAge),
    seniorCategories: z
      .array(z.enum(SENIOR_CATEGORIES, { error: F.seniorCategories }), { error: F.seniorCategories })
      .max(6, F.seniorCategories)
      .default([]),
    minAbilityLevel: optionalInt(0, 4, F.minAbilityLevel),
    method: z.enum(SUBSIDY_METHODS, { error: F.method }),
    amountFen: z.number({ error: F.amountFen }).int(F.amountFen).min(0, F.amountFen).max(1_000_000, F.amountFen).default(0),
    percent: z.number({ error: F.percent }).int(F.percent).min(0, F.percent).max(100, F.percent).default(0),
    maxPerDay: optionalInt(1, 10, F.maxPerDay),
    monthlyCapFen: optionalInt(1, 100_000_000, F.monthlyCapFen),
    validFrom: day(F.validFrom),
    validTo: day(F.validTo).nullable().default(null),
  })
  .refine((t) => t.method !== 'fixed' || t.amountFen > 0, { message: F.amountFen, path: ['amountFen'] })
  .refine((t) => t.method !== 'percent' || t.percent > 0, { message: F.percent, path: ['percent'] })
  .refine((t) => t.serviceKinds.every((k) => KINDS_OF[t.category].includes(k)), { message: F.serviceKinds, path: ['serviceKinds'] });

const createBody = terms.and(z.object({ regionId: positiveId(F.regionId) }));
const reviseBody = terms.and(z.object({ version: z.number({ error: F.version }).int(F.version).min(1, F.version) }));
const previewBody = createBody.and(z.object({ replaces: positiveId(F.replaces).optional() }));
const retireBody = z.object({ version: z.number({ error: F.version }).int(F.version).min(1, F.version), lastDay: day(F.lastDay).optional() });
const listQuery = z.object({
  regionId: z.coerce.number({ error: F.regionId }).int(F.regionId).positive(F.regionId).optional(),
  category: z.enum(SERVICE_CATEGORIES, { error: F.category }).optional(),
  status: z.enum(['scheduled', 'current', 'ended', 'superseded', 'retired'], { error: F.status }).optional(),
  ...page,
});

/** 补贴政策: administrators create, version, retire and preview them; staff and administrators read them. */
export function policyRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/policies', async (ctx) => {
    ctx.body = (await s.policies.list(actorOf(ctx), parse(listQuery, ctx.query))) satisfies { items: PolicyView[]; total: number };
  });
  r.post('/policies/preview', async (ctx) => {
    ctx.body = (await s.policies.preview(actorOf(ctx), parse(previewBody, ctx.request.body ?? {}))) satisfies PolicyPreview;
  });
  r.get('/policies/:id', async (ctx) => {
    ctx.body = (await s.policies.get(actorOf(ctx), parse(idParam, ctx.params).id)) satisfies PolicyDetailView;
  });
  r.post('/policies', async (ctx) => {
    ctx.status = 201;
    ctx.body = (await s.policies.create(actorOf(ctx), parse(createBody, ctx.request.body ?? {}))) satisfies PolicyDetailView;
  });
  r.post('/policies/:id/versions', async (ctx) => {
    const { id } = parse(idParam, ctx.params);
    ctx.status = 201;
    ctx.body = (await s.policies.revise(actorOf(ctx), id, parse(reviseBody, ctx.request.body ?? {}))) satisfies PolicyDetailView;
  });
  r.post('/policies/:id/retire', async (ctx) => {
    const { id } = parse(idParam, ctx.params);
    ctx.body = (await s.policies.retire(actorOf(ctx), id, parse(retireBody, ctx.request.body ?? {}))) satisfies PolicyDetailView;
  });
  return r;
}
