import { z } from 'zod';
import { AppError } from '../errors';
import { isDateString } from '../lib/time';

/** Parses input with a schema that is also its type; a failure lists every field and what is wrong with it. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const fields: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '(body)';
    fields[key] ??= issue.message;
  }
  throw new AppError('VALIDATION_FAILED', undefined, { fields });
}

export const id = z.coerce.number().int().positive().max(2_147_483_647);
export const day = z.string().refine(isDateString, 'expected a date, YYYY-MM-DD');
export const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};
export const idParam = z.object({ id });
