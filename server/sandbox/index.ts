import { Router } from '@koa/router';
import type { Clock } from '../lib/clock';
import type { SandboxCredentials } from '../wechat-settings';
import { ChatSandbox, chatSandboxRoutes, type ChatUser } from './chat.sandbox';
import { PAY_PAGE } from './pay-page';
import { wxapiSandboxRoutes } from './wxapi.routes';
import { WxapiSandbox } from './wxapi.sandbox';
import { wxpaySandboxRoutes } from './wxpay.routes';
import { WxpaySandbox } from './wxpay.sandbox';

/**
 * The built-in WeChat: the platform API (`/sandbox/wxapi`), WeChat Pay v3 (`/sandbox/wxpay`) and a chat page
 * (`/sandbox/chat`) that pushes messages to Mulin's `/wechat` exactly as WeChat does. Mounted into Mulin's own
 * server in sandbox mode, and started on an ephemeral port by the tests.
 *
 * The sandbox's Chinese words (WeChat's error messages, the chat page, the cashier) stay inline in its files, not in
 * server/words/: they imitate WeChat and its pages, they are not Mulin speaking.
 */
export interface Sandbox {
  creds: SandboxCredentials;
  wxapi: WxapiSandbox;
  wxpay: WxpaySandbox;
  chat: ChatSandbox;
  /** Everything above, for mounting at `/sandbox`. */
  router: Router;
}

export interface SandboxOptions {
  creds: SandboxCredentials;
  clock: Clock;
  /** Where Mulin listens (the chat page posts to its /wechat). */
  mulinBase: () => string;
  /** The public-account users the chat page can speak as. */
  users: () => Promise<ChatUser[]>;
  /** WeChat Pay's notification retry schedule, compressed (tests pass tiny delays). */
  notifyRetryDelaysMs?: number[];
}

export function createSandbox(o: SandboxOptions): Sandbox {
  const wxapi = new WxapiSandbox({ creds: o.creds, clock: o.clock });
  const wxpay = new WxpaySandbox({ creds: o.creds, clock: o.clock, retryDelaysMs: o.notifyRetryDelaysMs });
  const chat = new ChatSandbox(o.creds, o.clock, o.mulinBase, o.users, wxapi);
  const router = new Router({ prefix: '/sandbox' });
  router.get('/', (ctx) => ctx.redirect('/sandbox/chat'));
  router.get('/pay', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = PAY_PAGE;
  });
  const api = wxapiSandboxRoutes(wxapi);
  const pay = wxpaySandboxRoutes(wxpay);
  const chatRoutes = chatSandboxRoutes(chat);
  router.use('/wxapi', api.routes(), api.allowedMethods());
  router.use('/wxpay', pay.routes(), pay.allowedMethods());
  router.use(chatRoutes.routes(), chatRoutes.allowedMethods());
  return { creds: o.creds, wxapi, wxpay, chat, router };
}
