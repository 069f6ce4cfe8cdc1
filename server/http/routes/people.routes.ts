import { Router } from '@koa/router';
import { z } from 'zod';
import { DEACTIVATION_REASONS, SENIOR_CATEGORIES } from '../../../entities';
import type { Services } from '../../container';
import type { FamilyLinkView, Items } from '../../contracts/api-types';
import { readIdNumber } from '../../lib/id-card';
import { normalizePhone } from '../../lib/phone';
import { isDateString } from '../../lib/time';
import { SENIOR_FIELD_LABELS as F, SENIOR_FIELD_TEXTS as T } from '../../words/people';
import { FIELD_TEXTS } from '../../words/texts';
import { actorOf, requireAuth } from '../middleware/auth';
import { id, idParam, page, parse } from '../validate';

const redeemBody = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, FIELD_TEXTS.linkCode),
  relation: z.string().trim().max(16).default(''),
});

// ---- the seniors' registry: every message names its field (forms show them beside it) ----

const requiredText = (field: string, max: number, message = T.required(field)) =>
  z.string({ error: message }).trim().min(1, message).max(max, T.tooLong(field, max));
const optionalText = (field: string, max: number) =>
  z
    .string({ error: T.tooLong(field, max) })
    .trim()
    .max(max, T.tooLong(field, max));
const dayOf = (message: string) => z.string({ error: message }).trim().refine(isDateString, message);
const phoneOf = (message: string) =>
  z.string({ error: message }).transform((v, ctx) => normalizePhone(v) ?? (ctx.addIssue({ code: 'custom', message }), z.NEVER));
const idNumber = z
  .string({ error: T.required(F.idNumber) })
  .trim()
  .superRefine((v, ctx) => {
    // Today's bound on the birth date is the service's (it has the clock); here only the number itself.
    const r = readIdNumber(v, '9999-12-31');
    if (!r.ok) ctx.addIssue({ code: 'custom', message: T.idNumber(r.problem) });
  });
const version = z.number({ error: T.version }).int(T.version).positive(T.version);
const category = z.object({
  category: z.enum(SENIOR_CATEGORIES, { error: T.category }),
  evidence: optionalText('类别依据', 100).default(''),
  validUntil: dayOf(T.date('有效期至')).nullable().default(null),
});
const contact = z.object({
  name: requiredText('紧急联系人姓名', 32, T.contactName),
  relation: optionalText('与老人关系', 16).default(''),
  phone: phoneOf(T.contactPhone),
});
const coordinate = (message: string, limit: number) => z.number({ error: message }).min(-limit, message).max(limit, message);
const seniorFields = {
  name: requiredText(F.name, 32),
  idNumber,
  gender: z.enum(['female', 'male'], { error: T.gender }).optional(),
  birthDate: dayOf(T.date(F.birthDate)).optional(),
  phone: phoneOf(T.phone).nullable().optional(),
  address: requiredText(F.address, 200),
  latitude: coordinate(T.latitude, 90).nullable().optional(),
  longitude: coordinate(T.longitude, 180).nullable().optional(),
  regionId: z.number({ error: T.regionId }).int(T.regionId).positive(T.regionId),
  homeCentreId: z.number({ error: T.homeCentreId }).int(T.homeCentreId).positive(T.homeCentreId).nullable().optional(),
  categories: z
    .array(category, { error: T.category })
    .max(SENIOR_CATEGORIES.length, T.tooMany(F.categories, SENIOR_CATEGORIES.length))
    .refine((cs) => new Set(cs.map((c) => c.category)).size === cs.length, T.categoryTwice)
    .optional(),
  emergencyContacts: z.array(contact, { error: T.contactName }).max(5, T.tooMany(F.emergencyContacts, 5)).optional(),
  dietNotes: optionalText(F.dietNotes, 200).optional(),
};

/** The ID number, birth date and gender agree; latitude and longitude come together. */
function consistent(
  v: { idNumber?: string; birthDate?: string; gender?: 'female' | 'male'; latitude?: number | null; longitude?: number | null },
  ctx: z.RefinementCtx,
): void {
  const r = v.idNumber === undefined ? null : readIdNumber(v.idNumber, '9999-12-31');
  if (r?.ok && v.birthDate !== undefined && v.birthDate !== r.facts.birthDate) {
    ctx.addIssue({ code: 'custom', path: ['birthDate'], message: T.birthDateMismatch(r.facts.birthDate) });
  }
  if (r?.ok && v.gender !== undefined && v.gender !== r.facts.gender)
    ctx.addIssue({ code: 'custom', path: ['gender'], message: T.genderMismatch(r.facts.gender) });
  if ((v.latitude === undefined) !== (v.longitude === undefined) || (v.latitude === null) !== (v.longitude === null)) {
    ctx.addIssue({ code: 'custom', path: [v.latitude === undefined || v.latitude === null ? 'latitude' : 'longitude'], message: T.bothCoordinates });
  }
}

const createBody = z.object(seniorFields).superRefine(consistent);
const updateBody = z.object({ ...z.object(seniorFields).partial().shape, version }).superRefine(consistent);
const seniorsQuery = z.object({
  search: z.string().trim().max(32).optional(),
  idNumber: idNumber.optional(),
  status: z.enum(['active', 'inactive', 'all']).default('active'),
  regionId: id.optional(),
  centreId: id.optional(),
  assessmentDueBy: dayOf(T.date('下次评估日期')).optional(),
  category: z.enum(SENIOR_CATEGORIES, { error: T.category }).optional(),
  ...page,
});
const deactivateBody = z.object({
  reason: z.enum(DEACTIVATION_REASONS, { error: T.reason }),
  note: optionalText('备注', 200).default(''),
  version,
});
const reactivateBody = z.object({ note: optionalText('备注', 200).default(''), version });
const assessmentFields = {
  assessedOn: dayOf(T.assessedOn),
  assessor: requiredText('评估员', 64, T.assessor),
  level: z.number({ error: T.assessmentLevel }).int(T.assessmentLevel).min(0, T.assessmentLevel).max(4, T.assessmentLevel),
  nextDue: dayOf(T.nextDue).nullable().optional(),
  note: optionalText('备注', 500).optional(),
};
const assessmentBody = z.object(assessmentFields);
const assessmentEditBody = z.object({ ...z.object(assessmentFields).partial().shape, version });
const assessmentParams = z.object({ id, assessmentId: id });
const importQuery = z.object({
  dryRun: z.enum(['true', 'false', '1', '0'], { error: T.dryRun }).default('true'),
  fileName: z.string().trim().max(120).default(''),
});

/** Seniors and the family links between them and their families. */
export function peopleRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/seniors', async (ctx) => {
    ctx.body = await s.seniors.list(actorOf(ctx), parse(seniorsQuery, ctx.query));
  });
  r.post('/seniors', async (ctx) => {
    const body = parse(createBody, ctx.request.body);
    ctx.status = 201;
    ctx.body = await s.seniorRegistry.create(actorOf(ctx), body);
  });
  // The civil-affairs list: the file itself is the body (xlsx or csv by Content-Type), streamed to disk, never parsed as JSON.
  r.post('/seniors/import', async (ctx) => {
    const q = parse(importQuery, ctx.query);
    ctx.body = await s.seniorImport.run(actorOf(ctx), {
      body: ctx.req,
      contentType: ctx.get('content-type'),
      contentLength: ctx.request.length ?? null,
      dryRun: q.dryRun === 'true' || q.dryRun === '1',
      fileName: q.fileName,
    });
  });
  r.get('/seniors/:id', async (ctx) => {
    ctx.body = await s.seniors.get(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.patch('/seniors/:id', async (ctx) => {
    const { id: seniorId } = parse(idParam, ctx.params);
    ctx.body = await s.seniorRegistry.update(actorOf(ctx), seniorId, parse(updateBody, ctx.request.body));
  });
  r.post('/seniors/:id/deactivate', async (ctx) => {
    const { id: seniorId } = parse(idParam, ctx.params);
    ctx.body = await s.seniorRegistry.deactivate(actorOf(ctx), seniorId, parse(deactivateBody, ctx.request.body));
  });
  r.post('/seniors/:id/reactivate', async (ctx) => {
    const { id: seniorId } = parse(idParam, ctx.params);
    ctx.body = await s.seniorRegistry.reactivate(actorOf(ctx), seniorId, parse(reactivateBody, ctx.request.body));
  });
  r.get('/seniors/:id/assessments', async (ctx) => {
    ctx.body = { items: await s.assessments.list(actorOf(ctx), parse(idParam, ctx.params).id) };
  });
  r.post('/seniors/:id/assessments', async (ctx) => {
    const { id: seniorId } = parse(idParam, ctx.params);
    const body = parse(assessmentBody, ctx.request.body);
    ctx.status = 201;
    ctx.body = await s.assessments.create(actorOf(ctx), seniorId, body);
  });
  r.patch('/seniors/:id/assessments/:assessmentId', async (ctx) => {
    const p = parse(assessmentParams, ctx.params);
    ctx.body = await s.assessments.update(actorOf(ctx), p.id, p.assessmentId, parse(assessmentEditBody, ctx.request.body));
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
