import { z } from 'zod';
import { isDateString } from '../lib/time';
import { CATALOGUE_FIELDS as F, FIELD_MESSAGES as M } from '../words/catalogue';

/**
 * Request fields of the registry's routes, each failing with a Chinese message that names the field (the console
 * shows it beside the field): `text(F.name, 64)` refuses a missing name with 请填写名称, a long one with 名称最多 64 个字.
 */
type Label = string;

const missingOr = (label: Label, otherwise: string) => (issue: { input?: unknown }) => (issue.input === undefined ? M.required(label) : otherwise);

export function text(label: Label, max: number) {
  return z
    .string({ error: missingOr(label, M.text(label)) })
    .trim()
    .min(1, M.required(label))
    .max(max, M.tooLong(label, max));
}

/** Free text that may be empty. */
export function note(label: Label, max: number) {
  return z
    .string({ error: M.text(label) })
    .trim()
    .max(max, M.tooLong(label, max));
}

export function int(label: Label, min: number, max: number) {
  return z
    .number({ error: missingOr(label, M.integer(label)) })
    .int(M.integer(label))
    .min(min, M.between(label, min, max))
    .max(max, M.between(label, min, max));
}

export function num(label: Label, min: number, max: number) {
  return z
    .number({ error: missingOr(label, M.number(label)) })
    .min(min, M.between(label, min, max))
    .max(max, M.between(label, min, max));
}

/** A record id chosen in a form (the body), or in the path. */
export function ref(label: Label) {
  return z
    .number({ error: missingOr(label, M.choose(label)) })
    .int(M.choose(label))
    .positive(M.choose(label))
    .max(2_147_483_647, M.choose(label));
}

export function bool(label: Label) {
  return z.boolean({ error: missingOr(label, M.yesNo(label)) });
}

export function oneOf<const T extends readonly [string, ...string[]]>(label: Label, values: T) {
  return z.enum(values, { error: missingOr(label, M.oneOf(label)) });
}

export function time(label: Label) {
  return z.string({ error: missingOr(label, M.time(label)) }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, M.time(label));
}

export function day(label: Label) {
  return z.string({ error: missingOr(label, M.date(label)) }).refine(isDateString, M.date(label));
}

export function phone(label: Label) {
  return z
    .string({ error: missingOr(label, M.text(label)) })
    .trim()
    .min(1, M.required(label))
    .max(32, M.tooLong(label, 32))
    .regex(/^[0-9 ()+-]+$/, M.phone(label));
}

export function list<T extends z.ZodType>(label: Label, item: T, min: number, max: number) {
  return z
    .array(item, { error: missingOr(label, M.list(label, min, max)) })
    .min(min, M.list(label, min, max))
    .max(max, M.list(label, min, max));
}

/** The `version` an edit read (optimistic concurrency). */
export const version = int(F.version, 1, 2_147_483_647);

/** `:id` in the path. */
export const idParam = z.object({ id: z.coerce.number({ error: M.choose(F.id) }).pipe(ref(F.id)) });

/** A query-string id (`?regionId=4`). */
export function queryRef(label: Label) {
  return z.coerce.number({ error: M.choose(label) }).pipe(ref(label));
}

export const pageQuery = {
  limit: z.coerce
    .number({ error: M.integer(F.limit) })
    .pipe(int(F.limit, 1, 200))
    .default(50),
  offset: z.coerce
    .number({ error: M.integer(F.offset) })
    .pipe(int(F.offset, 0, 1_000_000))
    .default(0),
};
