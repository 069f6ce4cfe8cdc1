import { Router } from '@koa/router';
import { z } from 'zod';
import { ALLERGENS, DIET_FLAGS } from '../../../entities';
import type { Services } from '../../container';
import type { WeekMenuSaved, WeekMenuView } from '../../contracts/dashboard-types';
import { isDateString, isoWeekday } from '../../lib/time';
import { MENU_FIELDS as F } from '../../words/menus';
import { actorOf, requireAuth } from '../middleware/auth';
import { idParam, parse } from '../validate';

const monday = (message: string) => z.string({ error: message }).refine((s) => isDateString(s) && isoWeekday(s) === 1, message);

const dish = z.object({
  name: z.string({ error: F.dishName }).trim().min(1, F.dishName).max(40, F.dishName),
  flags: z
    .array(z.enum(DIET_FLAGS, { error: F.flags }), { error: F.flags })
    .max(8, F.flags)
    .optional(),
  allergens: z
    .array(z.enum(ALLERGENS, { error: F.allergens }), { error: F.allergens })
    .max(9, F.allergens)
    .optional(),
});

const meal = z.object({
  date: z.string({ error: F.date }).refine(isDateString, F.date),
  kind: z.enum(['breakfast', 'lunch', 'dinner'], { error: F.kind }),
  dishes: z.array(dish, { error: F.dishes }).max(20, F.dishes),
  note: z.string({ error: F.note }).trim().max(200, F.note).optional(),
});

const weekBody = z.object({
  version: z.number({ error: F.version }).int(F.version).min(0, F.version),
  copyFrom: monday(F.copyFrom).optional(),
  days: z.array(meal, { error: F.days }).max(21, F.days).default([]),
});

const weekQuery = z.object({ week: monday(F.week).optional() });
const weekParam = idParam.extend({ week: monday(F.week) });

/** 菜单: a centre's week of menus, read by anyone signed in, published by its staff and the administrators over it. */
export function menuRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/centres/:id/menus', async (ctx) => {
    ctx.body = (await s.menus.week(parse(idParam, ctx.params).id, parse(weekQuery, ctx.query).week)) satisfies WeekMenuView;
  });
  r.put('/centres/:id/menus/:week', async (ctx) => {
    const { id, week } = parse(weekParam, ctx.params);
    ctx.body = (await s.menus.publish(actorOf(ctx), id, week, parse(weekBody, ctx.request.body ?? {}))) satisfies WeekMenuSaved;
  });
  return r;
}
