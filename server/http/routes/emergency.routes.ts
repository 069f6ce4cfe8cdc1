import { Router } from '@koa/router';
import { z } from 'zod';
import type { Services } from '../../container';
import type { RaisedAlertAnswer } from '../../contracts/api-types';
import { actorOf, requireAuth } from '../middleware/auth';
import { id, parse } from '../validate';

const raiseBody = z.object({ seniorId: id, message: z.string().trim().max(200).default('') });

/** 助急 from the mini-program (the big button); staff's list and acknowledgement live with the bot routes. */
export function emergencyRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.post('/emergencies', async (ctx) => {
    const { seniorId, message } = parse(raiseBody, ctx.request.body);
    const raised = await s.emergencies.raiseFromMiniProgram(actorOf(ctx), seniorId, message);
    ctx.status = 201;
    ctx.body = { alertId: raised.alertId, notified: raised.notified, centrePhone: raised.centrePhone } satisfies RaisedAlertAnswer;
  });
  return r;
}
