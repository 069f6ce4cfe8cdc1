import { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { CONSENT_BY, SENIOR_CATEGORIES, TIME_BANK_HOLDERS, VISIT_HEALTH, VISIT_HOME_SAFETY, VISIT_MOOD } from '../../../entities';
import type { Services } from '../../container';
import type { Items } from '../../contracts/api-types';
import type { CareReportFile } from '../../services/care/care-report.service';
import type {
  CareCheckView,
  CareReport,
  RecordedVisitAnswer,
  SeniorCareAnswer,
  TimeBankAnswer,
  TimeBankStatement,
  VisitCodeAnswer,
  VisitPhotoView,
  VisitRuleView,
  VisitView,
  VolunteerHomeAnswer,
  VolunteerView,
} from '../../contracts/care-types';
import { CARE_FIELDS as F } from '../../words/care';
import { FIELD_MESSAGES as M } from '../../words/catalogue';
import { bool, idParam, int, note, num, oneOf, phone, queryRef, ref, text } from '../catalogue-fields';
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
const checksQuery = z.object({ centreId: queryRef(F.centreId), status: oneOf(F.list, ['open', 'closed'] as const).default('open') });
const closeBody = z.object({ note: text(F.note, 200), version });
const centreQuery = z.object({ centreId: queryRef(F.centreId) });
const volunteerBody = z.object({ accountId: ref(F.accountId), name: text(F.name, 32), phone: phone(F.phone).nullable().default(null) });
const pairBody = z.object({ seniorId: ref(F.seniorId), consentBy: oneOf(F.consentBy, CONSENT_BY), consentNote: note(F.consentNote, 200).default('') });
const pathRef = (label: string) => z.coerce.number({ error: M.choose(label) }).pipe(ref(label));
const photoParams = z.object({ id: pathRef(F.visitId), photoId: pathRef(F.photoId) });
const pairParams = z.object({ id: pathRef(F.holderId), seniorId: pathRef(F.seniorId) });
const holderParams = z.object({ kind: oneOf(F.holderKind, TIME_BANK_HOLDERS), id: pathRef(F.holderId) });
const yearQuery = z.object({ year: z.coerce.number({ error: M.integer(F.year) }).pipe(int(F.year, 2000, 2100)) });
const spendBody = z.object({
  holderKind: oneOf(F.holderKind, TIME_BANK_HOLDERS),
  holderId: ref(F.holderId),
  minutes: int(F.minutes, 1, 100 * 60),
  note: text(F.note, 200),
});
const giftBody = z.object({ seniorId: ref(F.seniorId), minutes: int(F.minutes, 1, 100 * 60) });
const reportQuery = z.object({
  month: z.string({ error: M.required(F.month) }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, `${F.month}请写成 2026-12 这样`),
  regionId: queryRef(F.regionId).optional(),
});

/** RFC 6266 / 5987: an ASCII fallback name, and the Chinese name percent-encoded as UTF-8. */
function sendFile(ctx: Context, f: CareReportFile): void {
  ctx.set('Content-Type', f.contentType);
  ctx.set('Content-Disposition', `attachment; filename="${f.asciiFileName}"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = f.body;
}

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

  // A photo taken on the visit: the image itself is the body (JPEG, PNG or WebP, at most 5 MB), never parsed as JSON.
  r.post('/visits/:id/photos', async (ctx) => {
    ctx.status = 201;
    ctx.body = (await s.visitPhotos.add(actorOf(ctx), parse(idParam, ctx.params).id, {
      body: ctx.req,
      contentType: ctx.get('content-type'),
      contentLength: ctx.request.length ?? null,
    })) satisfies VisitPhotoView;
  });
  r.get('/visits/:id/photos/:photoId', async (ctx) => {
    const p = parse(photoParams, ctx.params);
    const photo = await s.visitPhotos.read(actorOf(ctx), p.id, p.photoId);
    ctx.set('Content-Type', photo.contentType);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = photo.body;
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

  // 关爱 checks raised by the silence alarm.
  r.get('/care-checks', async (ctx) => {
    const q = parse(checksQuery, ctx.query);
    ctx.body = { items: await s.careChecks.list(actorOf(ctx), q.centreId, q.status) } satisfies Items<CareCheckView>;
  });
  r.post('/care-checks/:id/close', async (ctx) => {
    ctx.body = (await s.careChecks.close(actorOf(ctx), parse(idParam, ctx.params).id, parse(closeBody, ctx.request.body ?? {}))) satisfies CareCheckView;
  });

  // Volunteers and their pairings.
  r.get('/volunteers', async (ctx) => {
    ctx.body = { items: await s.volunteers.list(actorOf(ctx), parse(centreQuery, ctx.query).centreId) } satisfies Items<VolunteerView>;
  });
  r.get('/volunteers/me', async (ctx) => {
    ctx.body = (await s.volunteers.home(actorOf(ctx))) satisfies VolunteerHomeAnswer;
  });
  r.post('/volunteers', async (ctx) => {
    ctx.status = 201;
    ctx.body = (await s.volunteers.register(actorOf(ctx), parse(volunteerBody, ctx.request.body ?? {}))) satisfies VolunteerView;
  });
  r.post('/volunteers/:id/pairings', async (ctx) => {
    ctx.body = (await s.volunteers.pair(actorOf(ctx), parse(idParam, ctx.params).id, parse(pairBody, ctx.request.body ?? {}))) satisfies VolunteerView;
  });
  r.delete('/volunteers/:id/pairings/:seniorId', async (ctx) => {
    const p = parse(pairParams, ctx.params);
    ctx.body = (await s.volunteers.unpair(actorOf(ctx), p.id, p.seniorId)) satisfies VolunteerView;
  });

  // The time bank.
  r.get('/time-bank/:kind/:id', async (ctx) => {
    const p = parse(holderParams, ctx.params);
    ctx.body = (await s.timeBank.view(actorOf(ctx), p.kind, p.id)) satisfies TimeBankAnswer;
  });
  r.get('/time-bank/:kind/:id/statement', async (ctx) => {
    const p = parse(holderParams, ctx.params);
    ctx.body = (await s.timeBank.statement(actorOf(ctx), p.kind, p.id, parse(yearQuery, ctx.query).year)) satisfies TimeBankStatement;
  });
  r.post('/time-bank/spend', async (ctx) => {
    ctx.body = (await s.timeBank.spend(actorOf(ctx), parse(spendBody, ctx.request.body ?? {}))) satisfies TimeBankAnswer;
  });
  r.post('/time-bank/gift', async (ctx) => {
    ctx.body = (await s.timeBank.gift(actorOf(ctx), parse(giftBody, ctx.request.body ?? {}))) satisfies TimeBankAnswer;
  });

  // 探访关爱月报: per community, visits done against planned, worries, volunteer hours (JSON for the console, xlsx).
  r.get('/care/reports', async (ctx) => {
    const q = parse(reportQuery, ctx.query);
    ctx.body = (await s.careReports.report(actorOf(ctx), q.month, q.regionId)) satisfies CareReport;
  });
  r.get('/care/reports.xlsx', async (ctx) => {
    const q = parse(reportQuery, ctx.query);
    sendFile(ctx, await s.careReports.file(actorOf(ctx), q.month, q.regionId));
  });
  return r;
}
