import { Router } from '@koa/router';
import type { Middleware, Next, ParameterizedContext } from 'koa';

/**
 * The JSON API: one router per area (bookings, catalogue, payments, …), each with its own router-level middleware
 * (its `requireAuth`), served under `prefix` with `before` (the body parser) in front of each.
 *
 * Not `api.use(area.routes())` for every area on one parent @koa/router: that copies all areas' layers into the
 * parent, and an area's router-level middleware then runs for the routes of every area mounted after it. A request
 * for /bookings was authenticated twice (catalogue's requireAuth, then bookings'), one for /settlements nine times,
 * and every request composed a middleware chain through all the areas. Here each area is its own router, wrapped
 * alone with `before`, so its middleware runs only for its routes; and a request is offered only to the areas with
 * a route under its first path segment, in the order the areas were given. Paths, 404s and 405s are as before.
 */
export function apiRouter(prefix: string, areas: Router[], before: Middleware[]): Middleware & { routes: RouteInfo[] } {
  const bySegment = new Map<string, Step[]>();
  for (const area of areas) {
    const wrapped = new Router({ prefix });
    if (before.length > 0) wrapped.use(...before);
    wrapped.use(area.routes(), area.allowedMethods());
    const segments = new Set(area.stack.filter((layer) => layer.methods.length > 0).map((layer) => firstSegment(String(layer.path))));
    for (const segment of segments) {
      const list = bySegment.get(segment) ?? [];
      list.push(wrapped.routes(), wrapped.allowedMethods());
      bySegment.set(segment, list);
    }
  }
  const chains = new Map([...bySegment].map(([segment, list]) => [segment, chain(list)]));
  const start = `${prefix}/`;
  const api: Middleware = function api(ctx, next) {
    if (!ctx.path.startsWith(start)) return next();
    const run = chains.get(firstSegment(ctx.path.slice(prefix.length)));
    return run ? run(ctx, next) : next();
  };
  return Object.assign(api, { routes: areas.flatMap((area) => routesOf(area, prefix)) });
}

/** A route as served: `GET`, `/api/v1/bookings/:id`. */
export interface RouteInfo {
  method: string;
  path: string;
}

/** The routes a router serves (HEAD, which @koa/router adds to every GET, left out), under `prefix`. */
export function routesOf(router: Router, prefix = ''): RouteInfo[] {
  return router.stack.flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, path: `${prefix}${String(layer.path)}` })));
}

/** `/bookings/:id/cancel` → `bookings`. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return path.slice(1, end === -1 ? undefined : end);
}

/** A router's routes() or allowedMethods(): middleware that also takes the router's own context fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Step = (ctx: ParameterizedContext<any, any>, next: Next) => unknown;

/** Runs middleware one after the other, each one's `next` being the rest (what koa-compose does, built once). */
function chain(list: Step[]): Middleware {
  return function (ctx, next) {
    const step = (i: number): Promise<unknown> => (i === list.length ? next() : Promise.resolve(list[i](ctx, () => step(i + 1))));
    return step(0);
  };
}
