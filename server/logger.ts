import pino, { type DestinationStream, type Logger } from 'pino';

/** Personal data never reaches the logs whole. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['req.headers.authorization', '*.phone', '*.password', '*.passwordHash', '*.token', '*.idCard', '*.idCardLast4'],
        censor: '[masked]',
      },
      serializers: { err: safeError },
    },
    destination,
  );
}

/**
 * pino's error serializer, then the values a failed query carries taken out. TypeORM's QueryFailedError holds the
 * statement's `parameters` and copies the driver's fields onto itself: mysql2's `sql` is the statement with every
 * value written in, and MariaDB's messages quote the offending value ("Duplicate entry '13800000000' for key …").
 * The statement with its `?` placeholders (`query`) and the error codes stay: they are what a reader needs.
 */
export function safeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown> | undefined;
  return out && typeof out === 'object' ? scrub(out, 0) : out;
}

const QUOTED_VALUE = /\b(entry|value:?|values?)\s+'(?:[^'\\]|\\.)*'/gi;

function scrub(e: Record<string, unknown>, depth: number): Record<string, unknown> {
  const fromDatabase = 'query' in e || 'parameters' in e || 'sqlMessage' in e || 'sqlState' in e || 'driverError' in e;
  if (!fromDatabase && depth === 0 && !e.cause) return e;
  const out: Record<string, unknown> = { ...e };
  if (fromDatabase) {
    if (Array.isArray(out.parameters)) out.parameters = `[${out.parameters.length} redacted]`;
    delete out.sql;
    for (const k of ['message', 'sqlMessage', 'stack']) if (typeof out[k] === 'string') out[k] = (out[k] as string).replace(QUOTED_VALUE, "$1 '[redacted]'");
    const d = out.driverError as Record<string, unknown> | undefined;
    if (d && typeof d === 'object') out.driverError = { code: d.code, errno: d.errno, sqlState: d.sqlState };
  }
  if (out.cause && typeof out.cause === 'object' && depth < 3) out.cause = scrub(out.cause as Record<string, unknown>, depth + 1);
  return out;
}
