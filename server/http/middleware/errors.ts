import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { AppError, ERRORS, type ErrorCode } from '../../errors';

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

function fromHttpError(err: HttpishError & object): ErrorCode | null {
  const status = err.status ?? err.statusCode;
  // co-body throws JSON.parse's own SyntaxError with status 400 attached.
  if (err.type === 'entity.parse.failed' || (status === 400 && (err instanceof SyntaxError || err.type?.startsWith('entity')))) return 'BAD_JSON';
  if (status === 413 || err.type === 'entity.too.large') return 'PAYLOAD_TOO_LARGE';
  if (status === 415 || err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') return 'UNSUPPORTED_MEDIA_TYPE';
  return null;
}

/**
 * First in the chain: every failure leaves as `{ error: { code, message, details? } }` with the status from the
 * error table. Unknown errors are logged with their stack and answered as a bare INTERNAL, so no stack trace,
 * SQL or driver message ever reaches a client.
 */
export function errorMiddleware(logger: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'NOT_FOUND', message: ERRORS.NOT_FOUND.message } };
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
      }
      ctx.status = ERRORS[code].status;
      ctx.body = { error: details ? { code, message, details } : { code, message } };
    }
  };
}
