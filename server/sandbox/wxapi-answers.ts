import { randomBytes } from 'node:crypto';

/** WeChat's reply body: `errcode` 0 (often left out on success) or an error. */
export type WxReply = { errcode?: number; errmsg?: string } & Record<string, unknown>;

const MESSAGES: Record<number, string> = {
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40008: 'invalid message type',
  40013: 'invalid appid',
  40016: 'invalid button size',
  40017: 'invalid button type',
  40019: 'invalid button key size',
  40020: 'invalid button url size',
  40024: 'invalid sub button type',
  40026: 'invalid sub button key size',
  40027: 'invalid sub button url size',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  41001: 'access_token missing',
  42001: 'access_token expired',
  43101: 'user refuse to accept the msg',
  44002: 'empty post data',
  45015: 'response out of time limit or subscription is canceled',
  47001: 'data format error',
  47003: 'argument invalid!',
  48001: 'api unauthorized',
};

export function fail(errcode: number, detail = ''): WxReply {
  const rid = randomBytes(6).toString('hex');
  return { errcode, errmsg: `${MESSAGES[errcode] ?? 'error'}${detail ? ` ${detail}` : ''} rid: ${rid}` };
}

export const OK: WxReply = { errcode: 0, errmsg: 'ok' };

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';
export const codePoints = (s: string) => [...s].length;
export const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
