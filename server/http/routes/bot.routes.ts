import { Router } from '@koa/router';
import { z } from 'zod';
import { ALERT_OUTCOMES } from '../../../entities';
import type { Services } from '../../container';
import type { AlertView, Items } from '../../contracts/api-types';
import { actorOf, requireAuth } from '../middleware/auth';
import { FIELD_TEXTS } from '../../words/texts';
import { idParam, parse } from '../validate';

const chatReply = z.object({ text: z.string().trim().min(1, FIELD_TEXTS.chatReplyText).max(300, FIELD_TEXTS.chatReplyText) });

const alertListQuery = z.object({ status: z.enum(['unresolved', 'resolved']).default('unresolved') });
const resolveBody = z.object({
  outcome: z.enum(ALERT_OUTCOMES, { error: FIELD_TEXTS.alertOutcome }),
  note: z.string({ error: FIELD_TEXTS.alertNote }).trim().min(1, FIELD_TEXTS.alertNote).max(200, FIELD_TEXTS.alertNote),
  version: z.number({ error: FIELD_TEXTS.alertVersion }).int(FIELD_TEXTS.alertVersion).positive(FIELD_TEXTS.alertVersion).optional(),
});

const conversationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});

/** What staff use around the chat bot: binding codes and QR codes, conversation logs, answering in the chat, emergencies. */
export function botRoutes(s: Services): Router {
  const r = new Router();
  r.use(requireAuth(s.auth));
  r.post('/seniors/:id/wechat-binding', async (ctx) => {
    ctx.status = 201;
    ctx.body = await s.wechatBinding.issue(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.get('/seniors/:id/conversation', async (ctx) => {
    ctx.body = await s.conversationLog.forSenior(actorOf(ctx), parse(idParam, ctx.params).id, parse(conversationQuery, ctx.query));
  });
  // 找人工: a staff member answers the senior in the chat, and hands back to the bot.
  r.post('/seniors/:id/chat/reply', async (ctx) => {
    ctx.body = await s.chatHandover.reply(actorOf(ctx), parse(idParam, ctx.params).id, parse(chatReply, ctx.request.body).text);
  });
  r.post('/seniors/:id/chat/release', async (ctx) => {
    ctx.body = await s.chatHandover.release(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  r.get('/emergencies', async (ctx) => {
    ctx.body = { items: await s.emergencies.open(actorOf(ctx), parse(alertListQuery, ctx.query).status) } satisfies Items<AlertView>;
  });
  r.post('/emergencies/:id/acknowledge', async (ctx) => {
    ctx.body = await s.emergencies.acknowledge(actorOf(ctx), parse(idParam, ctx.params).id);
  });
  // 处理完毕: closed with how it ended and a note; it leaves the list above (?status=resolved shows the closed ones).
  r.post('/emergencies/:id/resolve', async (ctx) => {
    ctx.body = await s.emergencies.resolve(actorOf(ctx), parse(idParam, ctx.params).id, parse(resolveBody, ctx.request.body ?? {}));
  });
  return r;
}
