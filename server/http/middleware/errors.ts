import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { AppError, ERRORS, type ErrorCode } from '../../errors';

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  code?: unknown;
  driverError?: { code?: unknown };
}

/** Lock waits and deadlocks: the database gave up on this request's transaction; asking again is the answer. */
const BUSY_CODES = new Set(['ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK', 'SQLITE_BUSY']);

function fromHttpError(err: HttpishError & object): ErrorCode | null {
  const status = err.status ?? err.statusCode;
  const code = err.driverError?.code ?? err.code;
  if (typeof code === 'string' && BUSY_CODES.has(code)) return 'BUSY';
  // A body that says Content-Encoding: gzip (deflate, br) but is not: zlib's and brotli's own errors, from co-body.
  if (typeof code === 'string' && /^(Z_|ERR__ERROR|ERR_BROTLI|ERR_ZLIB)/.test(code)) return 'BAD_CONTENT_ENCODING';
  // co-body throws JSON.parse's own SyntaxError with status 400 attached.
  if (err.type === 'entity.parse.failed' || (status === 400 && (err instanceof SyntaxError || err.type?.startsWith('entity')))) return 'BAD_JSON';
  if (status === 413 || err.type === 'entity.too.large') return 'PAYLOAD_TOO_LARGE';
  if (status === 415 || err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') return 'UNSUPPORTED_MEDIA_TYPE';
  return null;
}

const EMPTY_STATUS_CODES: Partial<Record<number, ErrorCode>> = { 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 501: 'NOT_IMPLEMENTED' };

/**
 * First in the chain: every failure leaves as `{ error: { code, message, details? } }` with the status from the
 * error table. Unknown errors are logged with their stack and answered as a bare INTERNAL, so no stack trace,
 * SQL or driver message ever reaches a client.
 */
export function errorMiddleware(logger: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      // What the routers answer without a body (no route; a route without this method; a method no route has).
      const bare = EMPTY_STATUS_CODES[ctx.status];
      if (bare && (ctx.body === undefined || ctx.body === null)) {
        ctx.status = ERRORS[bare].status;
        ctx.body = { error: { code: bare, message: ERRORS[bare].message } };
      }
    } catch (err) {
      let code: ErrorCode;
      let message: string;
      let details: Record<string, unknown> | undefined;
      if (err instanceof AppError) {
        ({ code, message, details } = err);
      } else {
        const mapped = fromHttpError(err as HttpishError);
        code = mapped ?? 'INTERNAL';
        message = ERRORS[code].message;
        if (code === 'INTERNAL') logger.error({ err, method: ctx.method, path: ctx.path }, 'unhandled error');
        if (code === 'BUSY') logger.warn({ err, method: ctx.method, path: ctx.path }, 'gave up waiting for a lock');
      }
      ctx.status = ERRORS[code].status;
      const retryAfter = details?.retryAfterSeconds ?? (code === 'BUSY' ? 1 : undefined);
      if (typeof retryAfter === 'number') ctx.set('Retry-After', String(retryAfter));
      ctx.body = { error: details ? { code, message, details } : { code, message } };
    }
  };
}
