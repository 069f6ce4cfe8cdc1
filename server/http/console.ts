import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';
import type Koa from 'koa';

/** Where `npm run console:build` writes the web console (console/vite.config.ts). */
export const CONSOLE_DIST = path.resolve(__dirname, '..', '..', 'console', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg']);

/**
 * The web console at /console: the static files Vite built into console/dist, and index.html for any other path
 * under /console (the console routes on the client, so /console/today reloads into the same page).
 *
 * Files under assets/ carry a content hash in their names and are cached for a year; index.html is never cached,
 * so a new build reaches people on their next load. Text is gzipped when the browser accepts it (Mulin often runs
 * without a proxy in front). Without a build it answers 503 with what to run.
 */
export function consoleMiddleware(dist = CONSOLE_DIST): Koa.Middleware {
  const root = path.resolve(dist);
  return async (ctx, next) => {
    if (ctx.path !== '/console' && !ctx.path.startsWith('/console/')) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      return;
    }
    if (ctx.path === '/console') {
      ctx.status = 301;
      ctx.redirect(`/console/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(ctx.path.slice('/console/'.length));
    } catch {
      ctx.status = 400;
      return;
    }
    const file = path.resolve(root, rel);
    const inside = file.startsWith(root + path.sep) && !rel.includes('\0');
    const isAsset = rel.startsWith('assets/');
    let target: string;
    if (inside && rel && (await isFile(file))) target = file;
    else if (isAsset || path.extname(rel)) {
      // A missing asset is a 404, not the app: a stale index.html must not receive HTML for a script.
      ctx.status = 404;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = 'Not Found';
      return;
    } else target = path.join(root, 'index.html');

    if (!(await isFile(target))) {
      ctx.status = 503;
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = '管理后台尚未构建：请运行 npm run console:build（npm start 会自动构建）。';
      return;
    }
    const ext = path.extname(target);
    ctx.type = TYPES[ext] ?? 'application/octet-stream';
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', target.startsWith(path.join(root, 'assets') + path.sep) ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (COMPRESSIBLE.has(ext)) ctx.vary('Accept-Encoding');
    if (ctx.method === 'HEAD') {
      ctx.status = 200;
      return;
    }
    if (COMPRESSIBLE.has(ext) && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = pipeline(fs.createReadStream(target), zlib.createGzip(), () => {});
    } else {
      ctx.length = (await fs.promises.stat(target)).size;
      ctx.body = fs.createReadStream(target);
    }
  };
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.promises.stat(p)).isFile();
  } catch {
    return false;
  }
}
