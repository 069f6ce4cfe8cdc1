import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import Koa from 'koa';
import type { Services } from './container';
import { apiRouter, routesOf, type RouteInfo } from './http/api-router';
import { consoleMiddleware } from './http/console';
import { errorMiddleware } from './http/middleware/errors';
import { securityHeaders } from './http/middleware/security-headers';
import { authRoutes } from './http/routes/auth.routes';
import { bookingRoutes } from './http/routes/booking.routes';
import { catalogueRoutes } from './http/routes/catalogue.routes';
import { jobRoutes } from './http/routes/job.routes';
import { noticeRoutes } from './http/routes/notice.routes';
import { slotTemplateRoutes } from './http/routes/slot-template.routes';
import { centreRegistryRoutes } from './http/routes/centre-registry.routes';
import { regionRoutes } from './http/routes/region.routes';
import { serviceItemRoutes } from './http/routes/service-item.routes';
import { slotAdminRoutes } from './http/routes/slot-admin.routes';
import { payRoutes } from './http/routes/pay.routes';
import { paymentRoutes } from './http/routes/payment.routes';
import { botRoutes } from './http/routes/bot.routes';
import { emergencyRoutes } from './http/routes/emergency.routes';
import { peopleRoutes } from './http/routes/people.routes';
import { subscriptionRoutes } from './http/routes/subscription.routes';
import { settlementRoutes } from './http/routes/settlement.routes';
import { wechatRoutes } from './http/routes/wechat.routes';
import { accountRoutes } from './http/routes/account.routes';
import { auditRoutes } from './http/routes/audit.routes';
import { operationsRoutes } from './http/routes/operations.routes';
import { dashboardRoutes } from './http/routes/dashboard.routes';
import { menuRoutes } from './http/routes/menu.routes';
import { policyRoutes } from './http/routes/policy.routes';
import { careRoutes } from './http/routes/care.routes';

const ROUTES = new WeakMap<Koa, RouteInfo[]>();

/** Every route an app built by createApp serves, from its routers themselves (the RBAC matrix test walks them). */
export function routesOfApp(app: Koa): RouteInfo[] {
  return ROUTES.get(app) ?? [];
}

/** The HTTP application. Entry points only: parse, authorise, call one service, shape the answer. */
export function createApp(s: Services): Koa {
  // Behind one load balancer: the client's address is the one it appends to X-Forwarded-For (maxIpsCount 1), not the
  // leftmost, which the client writes itself and would give every guess a fresh address (AttemptLimiter).
  const app = new Koa({ proxy: s.deps.config.env === 'production', maxIpsCount: 1 });
  app.silent = true; // errors are logged once, by the error middleware
  app.use(securityHeaders());
  app.use(errorMiddleware(s.deps.logger));

  const root = new Router();
  root.get('/healthz', async (ctx) => {
    const started = process.hrtime.bigint();
    let ok = true;
    try {
      await s.deps.db.ping();
    } catch {
      ok = false;
    }
    ctx.status = ok ? 200 : 503;
    ctx.body = {
      status: ok ? 'ok' : 'unavailable',
      database: { kind: s.deps.db.kind, ok, latencyMs: Number(process.hrtime.bigint() - started) / 1e6 },
      sandbox: s.deps.config.sandbox,
      ...(s.deps.config.sandboxWarning ? { warning: s.deps.config.sandboxWarning } : {}),
    };
  });

  const api = apiRouter(
    '/api/v1',
    [
      authRoutes(s),
      catalogueRoutes(s),
      bookingRoutes(s),
      paymentRoutes(s),
      peopleRoutes(s),
      botRoutes(s),
      jobRoutes(s),
      settlementRoutes(s),
      subscriptionRoutes(s),
      noticeRoutes(s),
      emergencyRoutes(s),
      slotTemplateRoutes(s),
      accountRoutes(s),
      auditRoutes(s),
      operationsRoutes(s),
      regionRoutes(s),
      centreRegistryRoutes(s),
      serviceItemRoutes(s),
      slotAdminRoutes(s),
      menuRoutes(s),
      policyRoutes(s),
      dashboardRoutes(s),
      careRoutes(s),
    ],
    [bodyParser({ enableTypes: ['json'], jsonLimit: '64kb', encoding: 'utf-8' })],
  );
  // WeChat's push reads its own raw XML body: no body parser in front of it. Without a public account configured
  // (a mini-program-only deployment) there is no /wechat to serve. First after the error middleware: it is the
  // busiest route, and no other router need look at its requests.
  const routers: Router[] = [root];
  if (s.deps.wechat.mp.token) {
    const wechat = wechatRoutes(s.deps.wechat, s.inbox, s.deps.clock, s.deps.config.wechatMaxSkewSeconds);
    app.use(wechat.routes()).use(wechat.allowedMethods());
    routers.push(wechat);
  }
  app.use(root.routes()).use(root.allowedMethods());
  // WeChat Pay's notifications are verified against their exact bytes: no body parser in front of them either.
  const pay = payRoutes(s.payments, s.deps.logger, s.deps.wechat.sandbox);
  app.use(pay.routes()).use(pay.allowedMethods());
  routers.push(pay);
  if (s.deps.sandbox) {
    app.use(s.deps.sandbox.router.routes()).use(s.deps.sandbox.router.allowedMethods());
    routers.push(s.deps.sandbox.router);
  }
  // The web console (static files built by Vite from console/): it answers /console/* only.
  app.use(consoleMiddleware());
  app.use(api);
  ROUTES.set(app, [...routers.flatMap((r) => routesOf(r)), ...api.routes]);
  return app;
}
