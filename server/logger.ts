import pino, { type Logger } from 'pino';

/** Personal data never reaches the logs whole. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', '*.phone', '*.password', '*.passwordHash', '*.token', '*.idCard', '*.idCardLast4'],
      censor: '[masked]',
    },
  });
}
