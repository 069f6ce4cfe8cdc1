import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Koa from 'koa';
import request from 'supertest';
import { consoleMiddleware } from '../../server/http/console';

/** How Mulin serves the built web console at /console: files, the client-side-route fallback, and cache headers. */
describe('the web console at /console', () => {
  let dist: string;
  let server: ReturnType<Koa['callback']>;
  beforeAll(() => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'mulin-console-'));
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>睦邻</title><script type="module" src="/console/assets/index-abc123.js"></script>');
    fs.writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log("console");'.repeat(50));
    fs.writeFileSync(path.join(os.tmpdir(), 'mulin-console-secret.txt'), 'secret');
    const app = new Koa();
    app.use(consoleMiddleware(dist));
    app.use((ctx) => {
      ctx.body = 'next';
    });
    server = app.callback();
  });
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

  test('hashed assets are cached for a year, and gzipped when the browser accepts it', async () => {
    const res = await request(server).get('/console/assets/index-abc123.js').set('Accept-Encoding', 'gzip');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.text).toBe('console.log("console");'.repeat(50));
    const plain = await request(server).get('/console/assets/index-abc123.js').set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(1150);
    expect(zlib.gzipSync(plain.text).length).toBeLessThan(1150);
  });

  test('the console root and any client-side route answer index.html, never cached', async () => {
    for (const p of ['/console/', '/console/today', '/console/bookings?date=2026-12-01']) {
      const res = await request(server).get(p);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toContain('<title>睦邻</title>');
    }
    const bare = await request(server).get('/console');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/console/');
  });

  test('a missing asset is a 404 (not the page), paths cannot leave the folder, and other paths pass on', async () => {
    const missing = await request(server).get('/console/assets/index-old999.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
    for (const p of ['/console/../mulin-console-secret.txt', '/console/%2e%2e/mulin-console-secret.txt', '/console/..%2fmulin-console-secret.txt']) {
      const res = await request(server).get(p);
      expect(res.text).not.toContain('secret');
    }
    expect((await request(server).post('/console/today')).status).toBe(405);
    expect((await request(server).get('/consoles')).text).toBe('next');
    expect((await request(server).get('/api/v1/me')).text).toBe('next');
  });

  test('without a build it says what to run', async () => {
    const app = new Koa();
    app.use(consoleMiddleware(path.join(dist, 'nowhere')));
    const res = await request(app.callback()).get('/console/today');
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run console:build');
  });
});
