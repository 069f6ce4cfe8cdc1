import { Router } from '@koa/router';
import { z } from 'zod';
import { SENIOR_CATEGORIES, VISIT_HEALTH, VISIT_HOME_SAFETY, VISIT_MOOD } from '../../../entities';
import type { Services } from '../../container';
import type { Items } from '../../contracts/api-types';
import type { RecordedVisitAnswer, SeniorCareAnswer, VisitCodeAnswer, VisitRuleView, VisitView } from '../../contracts/care-types';
import { CARE_FIELDS as F } from '../../words/care';
import { FIELD_MESSAGES as M } from '../../words/catalogue';
import { bool, idParam, int, note, num, oneOf, queryRef, ref, text } from '../catalogue-fields';
import { actorOf, requireAuth } from '../middleware/auth';
import { parse } from '../validate';

const version = int(F.version, 1, 2_147_483_647);
const ruleBody = z.object({
  regionId: ref(F.regionId),
  category: oneOf(F.category, SENIOR_CATEGORIES),
  minAge: int(F.minAge, 0, 120).default(0),
  intervalDays: int(F.intervalDays, 1, 366),
  silenceDays: int(F.silenceDays, 1, 366).nullable().default(null),
});
const rulePatch = z.object({
  minAge: int(F.minAge, 0, 120).optional(),
  intervalDays: int(F.intervalDays, 1, 366).optional(),
  silenceDays: int(F.silenceDays, 1, 366).nullable().optional(),
  active: bool(F.active).optional(),
  version,
});
const LISTS = ['due', 'overdue', 'done', 'concerns'] as const;
const centreListQuery = z.object({ centreId: queryRef(F.centreId), list: oneOf(F.list, LISTS).default('due') });
const mineQuery = z.object({ list: oneOf(F.list, LISTS).default('due') });
const proof = z.union(
  [
    z.object({ latitude: num(F.latitude, -90, 90), longitude: num(F.longitude, -180, 180) }),
    z.object({ code: z.string({ error: M.required(F.code) }).regex(/^\d{6}$/, `${F.code}是 6 位数字`) }),
  ],
  { error: `请提供位置，或填写老人出示的${F.code}` },
);
const recordBody = z.object({
  proof,
  health: oneOf(F.health, VISIT_HEALTH),
  mood: oneOf(F.mood, VISIT_MOOD),
  homeSafety: oneOf(F.homeSafety, VISIT_HOME_SAFETY),
  needs: note(F.needs, 200).default(''),
  note: note(F.note, 500).default(''),
  concern: bool(F.concern).default(false),
  concernNote: note(F.concernNote, 200).default(''),
  version,
});
const resolveBody = z.object({ resolution: text(F.resolution, 200), version });
const sharingBody = z.object({ share: bool(F.share), version });

/** 探访关爱: visit plans (administrators), the visit lists, recording a visit, worries, the senior's code and the family's page. */
export function careRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));

  r.get('/visit-rules', async (ctx) => {
    ctx.body = { items: await s.visitPlans.listRules(actorOf(ctx)) } satisfies Items<VisitRuleView>;
  });
  r.post('/visit-rules', async (ctx) => {
    ctx.status = 201;
    ctx.body = (await s.visitPlans.createRule(actorOf(ctx), parse(ruleBody, ctx.request.body ?? {}))) satisfies VisitRuleView;
  });
  r.patch('/visit-rules/:id', async (ctx) => {
    ctx.body = (await s.visitPlans.updateRule(actorOf(ctx), parse(idParam, ctx.params).id, parse(rulePatch, ctx.request.body ?? {}))) satisfies VisitRuleView;
  });

  r.get('/visits', async (ctx) => {
    const q = parse(centreListQuery, ctx.query);
    ctx.body = { items: await s.visits.forCentre(actorOf(ctx), q.centreId, q.list) } satisfies Items<VisitView>;
  });
  r.get('/visits/mine', async (ctx) => {
    ctx.body = { items: await s.visits.mine(actorOf(ctx), parse(mineQuery, ctx.query).list) } satisfies Items<VisitView>;
  });
  r.post('/visits/:id/record', async (ctx) => {
    ctx.body = (await s.visits.record(actorOf(ctx), parse(idParam, ctx.params).id, parse(recordBody, ctx.request.body ?? {}))) satisfies RecordedVisitAnswer;
  });
  r.post('/visits/:id/resolve-concern', async (ctx) => {
    ctx.body = (await s.visits.resolveConcern(actorOf(ctx), parse(idParam, ctx.params).id, parse(resolveBody, ctx.request.body ?? {}))) satisfies VisitView;
  });

  r.get('/seniors/:id/visit-code', async (ctx) => {
    ctx.body = (await s.visits.presenceCode(actorOf(ctx), parse(idParam, ctx.params).id)) satisfies VisitCodeAnswer;
  });
  r.get('/seniors/:id/care', async (ctx) => {
    ctx.body = (await s.visits.forSenior(actorOf(ctx), parse(idParam, ctx.params).id)) satisfies SeniorCareAnswer;
  });
  r.put('/seniors/:id/care-sharing', async (ctx) => {
    ctx.body = await s.visits.setFamilySharing(actorOf(ctx), parse(idParam, ctx.params).id, parse(sharingBody, ctx.request.body ?? {}));
  });
  return r;
}
