import { createHash } from 'node:crypto';
import type { Context, Next } from 'koa';

/**
 * Headers every answer carries (issue 20):
 * - `X-Content-Type-Options: nosniff`, and no framing anywhere (`X-Frame-Options: DENY`, CSP `frame-ancestors
 *   'none'`): the pay page could be framed and dressed up by another site;
 * - a content security policy. JSON and files get `default-src 'none'` (nothing in them is ever run). HTML pages —
 *   the chat-link pay page, the sandbox's pages, the web console at /console — may load only this origin's scripts,
 *   styles, images and API, plus the inline scripts the page itself carries, allowed by their SHA-256 (computed once
 *   per page from the page's own text, so a page edited tomorrow is still allowed and injected script never is);
 *   inline styles are allowed because Element Plus (the console) sets them;
 * - `Cache-Control: no-store` on everything but the console's files, unless a route chose otherwise: API answers
 *   carry names, phones and bookings, and no shared cache or back button should keep them;
 * - HSTS when the request came over HTTPS (behind the load balancer: X-Forwarded-Proto in production).
 */
export function securityHeaders() {
  return async function secure(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } finally {
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('X-Frame-Options', 'DENY');
      if (!ctx.response.get('Referrer-Policy')) ctx.set('Referrer-Policy', 'no-referrer');
      ctx.set('Content-Security-Policy', ctx.response.is('html') ? pagePolicy(ctx.body) : API_POLICY);
      if (!ctx.response.get('Cache-Control') && !ctx.path.startsWith('/console/')) ctx.set('Cache-Control', 'no-store');
      if (ctx.protocol === 'https') ctx.set('Strict-Transport-Security', 'max-age=15552000');
    }
  };
}

const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const PAGE_POLICY = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

/** The policy of each page text seen, with its inline scripts' hashes (pages are a handful of constants). */
const policies = new Map<string, string>();

function pagePolicy(body: unknown): string {
  if (typeof body !== 'string') return [...PAGE_POLICY, "script-src 'self'"].join('; ');
  let policy = policies.get(body);
  if (policy === undefined) {
    const hashes = [...body.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map(
      (m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`,
    );
    policy = [...PAGE_POLICY, ["script-src 'self'", ...hashes].join(' ')].join('; ');
    if (policies.size < 100) policies.set(body, policy);
  }
  return policy;
}
