import { Router } from '@koa/router';
import Koa from 'koa';
import request from 'supertest';
import { apiRouter } from '../../server/http/api-router';

/**
 * Three areas, each with router-level middleware that notes its name (as each real area's requireAuth does). A
 * request must pass through the middleware of the area that serves it, once, and no other area's.
 */
function app() {
  const area = (name: string, register: (r: Router) => void, guarded = true) => {
    const r = new Router();
    if (guarded)
      r.use(async (ctx, next) => {
        (ctx.state.ran as string[]).push(name);
        await next();
      });
    register(r);
    return r;
  };
  const reply = (ctx: Koa.Context) => {
    ctx.body = { ran: ctx.state.ran, body: ctx.request.body ?? null, params: (ctx as Koa.Context & { params: unknown }).params };
  };
  const before: Koa.Middleware = async (ctx, next) => {
    (ctx.state.ran as string[]).push('before');
    (ctx.request as { body?: unknown }).body = 'parsed';
    await next();
  };
  const koa = new Koa();
  koa.use(async (ctx, next) => {
    ctx.state.ran = [];
    await next();
  });
  koa.use(
    apiRouter(
      '/api/v1',
      [
        area('auth', (r) => r.post('/auth/login', reply), false),
        area('catalogue', (r) => r.get('/centres', reply).get('/centres/:id', reply)),
        area('bookings', (r) => r.post('/bookings', reply).get('/bookings/:id', reply)),
        area('payments', (r) => r.post('/bookings/:id/pay', reply)),
      ],
      [before],
    ),
  );
  // What comes after: marks the response and leaves it a 404, as the real app's end of chain does.
  koa.use((ctx) => {
    ctx.set('x-fell-through', 'yes');
  });
  return koa.callback();
}

describe('apiRouter', () => {
  const server = app();

  it('runs only the serving area’s middleware, once, after the shared middleware', async () => {
    const res = await request(server).post('/api/v1/bookings').send({});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ran: ['before', 'bookings'], body: 'parsed', params: {} });
  });

  it('offers a segment to each area with routes under it, in order', async () => {
    const res = await request(server).post('/api/v1/bookings/7/pay');
    expect(res.body).toEqual({ ran: ['before', 'payments'], body: 'parsed', params: { id: '7' } });
    expect((await request(server).get('/api/v1/bookings/7')).body.ran).toEqual(['before', 'bookings']);
  });

  it('leaves an area without router-level middleware unguarded', async () => {
    expect((await request(server).post('/api/v1/auth/login')).body.ran).toEqual(['before']);
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const res = await request(server).delete('/api/v1/centres');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toContain('GET');
    expect(res.headers['x-fell-through']).toBe('yes');
  });

  it('passes unknown paths and other prefixes on to what comes after it', async () => {
    for (const path of ['/api/v1/nothing-here', '/api/v1/centres/1/extra', '/elsewhere/centres', '/api/v1']) {
      const res = await request(server).get(path);
      expect([path, res.status, res.headers['x-fell-through']]).toEqual([path, 404, 'yes']);
    }
  });
});
