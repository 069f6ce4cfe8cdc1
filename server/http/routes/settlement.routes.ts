import { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Services } from '../../container';
import type { SettlementFile } from '../../services/settlement/settlement.service';
import { actorOf, requireAuth } from '../middleware/auth';
import { parse } from '../validate';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month, YYYY-MM');
const monthQuery = z.object({ month });
const monthParam = z.object({ month });
const generateBody = z.object({ month, regenerate: z.boolean().default(false) });

/** RFC 6266 / 5987: an ASCII fallback name, and the Chinese name percent-encoded as UTF-8. */
function sendFile(ctx: Context, f: SettlementFile): void {
  ctx.set('Content-Type', f.contentType);
  ctx.set('Content-Disposition', `attachment; filename="${f.asciiFileName}"; filename*=UTF-8''${encodeURIComponent(f.fileName)}`);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = f.body;
}

/** 月度补贴结算 for administrators: the frozen lines and totals, the same as xlsx or CSV, and (re)generating. */
export function settlementRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.get('/settlements', async (ctx) => {
    ctx.body = await s.settlements.view(actorOf(ctx), parse(monthQuery, ctx.query).month);
  });
  r.get('/settlements/:month.xlsx', async (ctx) => {
    sendFile(ctx, await s.settlements.file(actorOf(ctx), parse(monthParam, ctx.params).month, 'xlsx'));
  });
  r.get('/settlements/:month.csv', async (ctx) => {
    sendFile(ctx, await s.settlements.file(actorOf(ctx), parse(monthParam, ctx.params).month, 'csv'));
  });
  r.post('/settlements', async (ctx) => {
    const body = parse(generateBody, ctx.request.body ?? {});
    const { created, settlement } = await s.settlements.generate(actorOf(ctx), body.month, body.regenerate);
    ctx.status = created ? 201 : 200;
    ctx.body = settlement;
  });
  return r;
}
