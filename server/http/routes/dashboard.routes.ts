import { Router } from '@koa/router';
import { z } from 'zod';
import type { Services } from '../../container';
import type { BudgetView, EmergencyDashboard, MealsDashboard, RatingsDashboard, SeniorsDashboard, SubsidyDashboard } from '../../contracts/dashboard-types';
import { isDateString } from '../../lib/time';
import { DASHBOARD_FIELDS as D } from '../../words/dashboard';
import { BUDGET_FIELDS as B } from '../../words/policies';
import { actorOf, requireAuth } from '../middleware/auth';
import { idParam, page, parse } from '../validate';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const day = (message: string) => z.string({ error: message }).refine(isDateString, message);
const month = (message: string) => z.string({ error: message }).regex(MONTH, message);
const queryId = (message: string) => z.coerce.number({ error: message }).int(message).positive(message).max(2_147_483_647, message);

const scope = { regionId: queryId(D.regionId).optional(), centreId: queryId(D.centreId).optional() };
const rangeQuery = z.object({ ...scope, from: day(D.from).optional(), to: day(D.to).optional() });
const intervalQuery = rangeQuery.extend({ interval: z.enum(['day', 'week', 'month'], { error: D.interval }).optional() });
const monthQuery = z.object({ ...scope, month: month(D.month).optional() });
const monthsQuery = z.object({ ...scope, from: month(D.fromMonth).optional(), to: month(D.toMonth).optional() });

const amount = z.number({ error: B.amountFen }).int(B.amountFen).min(0, B.amountFen).max(2_000_000_000, B.amountFen);
const note = z.string({ error: B.note }).trim().max(200, B.note);
const budgetBody = z.object({
  regionId: z.number({ error: B.regionId }).int(B.regionId).positive(B.regionId),
  month: month(B.month),
  amountFen: amount,
  note: note.default(''),
});
const budgetEdit = z.object({ amountFen: amount, note: note.optional(), version: z.number({ error: B.version }).int(B.version).min(1, B.version) });
const budgetQuery = z.object({ month: month(B.month).optional(), regionId: queryId(B.regionId).optional(), ...page });

/** The dashboards (staff: their centre; administrators: their region, or a region or centre inside it) and the budgets behind the subsidy figure. */
export function dashboardRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/dashboard/meals', async (ctx) => {
    ctx.body = (await s.dashboards.meals(actorOf(ctx), parse(rangeQuery, ctx.query))) satisfies MealsDashboard;
  });
  r.get('/dashboard/subsidy', async (ctx) => {
    ctx.body = (await s.dashboards.subsidy(actorOf(ctx), parse(monthQuery, ctx.query))) satisfies SubsidyDashboard;
  });
  r.get('/dashboard/seniors', async (ctx) => {
    ctx.body = (await s.dashboards.seniors(actorOf(ctx), parse(monthsQuery, ctx.query))) satisfies SeniorsDashboard;
  });
  r.get('/dashboard/ratings', async (ctx) => {
    ctx.body = (await s.dashboards.ratings(actorOf(ctx), parse(intervalQuery, ctx.query))) satisfies RatingsDashboard;
  });
  r.get('/dashboard/emergencies', async (ctx) => {
    ctx.body = (await s.dashboards.emergencies(actorOf(ctx), parse(intervalQuery, ctx.query))) satisfies EmergencyDashboard;
  });
  r.get('/budgets', async (ctx) => {
    ctx.body = (await s.budgets.list(actorOf(ctx), parse(budgetQuery, ctx.query))) satisfies { items: BudgetView[]; total: number };
  });
  r.post('/budgets', async (ctx) => {
    ctx.status = 201;
    ctx.body = (await s.budgets.create(actorOf(ctx), parse(budgetBody, ctx.request.body ?? {}))) satisfies BudgetView;
  });
  r.put('/budgets/:id', async (ctx) => {
    const { id } = parse(idParam, ctx.params);
    ctx.body = (await s.budgets.update(actorOf(ctx), id, parse(budgetEdit, ctx.request.body ?? {}))) satisfies BudgetView;
  });
  return r;
}
