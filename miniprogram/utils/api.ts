import { CONFIG } from '../config';
import { KEYS, read, remove, write } from './storage';
import { ERROR_TEXTS, T } from './texts';
import type { AccountView, LoginAnswer } from './types';

/**
 * The one API client. Signs in with wx.login → /api/v1/auth/login, keeps the token in storage and signs in again
 * when it expires or the server forgets it, retries network failures for requests that are safe to repeat, and
 * turns every failure into one plain Chinese sentence (shown as a toast unless the caller asks to handle it).
 */
export class ApiError extends Error {
  constructor(
    /** The server's code (`SLOT_FULL`, …), or NETWORK / SERVER. */
    readonly code: string,
    /** What to show the person: always Chinese, never raw JSON. */
    readonly userMessage: string,
    readonly status: number,
    /** The server's details, e.g. `{ status: 'served' }` when a booking's state forbids the action. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(userMessage);
  }
}

/** What POST /auth/login answers, kept in storage as it came. */
type Session = LoginAnswer;

export interface RequestOptions {
  /** Makes a POST safe to repeat: the server answers a repeated key with the first result. */
  idempotencyKey?: string;
  /** The caller shows the error itself (no toast). */
  quiet?: boolean;
  /** The body's type when it is not JSON (a photo sent as its bytes). */
  contentType?: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A session this close to its end is renewed before use rather than risk a 401 half-way through paying. */
const RENEW_BEFORE_MS = 24 * 3600 * 1000;

let loginInFlight: Promise<Session> | null = null;

export function currentAccount(): AccountView | undefined {
  return read<Session>(KEYS.session)?.account;
}

export function signOut(): void {
  remove(KEYS.session);
}

/** Signs in (once, however many requests ask at the same time) and returns the account. */
export async function login(): Promise<AccountView> {
  return (await session(true)).account;
}

async function session(fresh = false): Promise<Session> {
  const kept = read<Session>(KEYS.session);
  if (!fresh && kept && new Date(kept.expiresAt).getTime() - Date.now() > RENEW_BEFORE_MS) return kept;
  loginInFlight ??= (async () => {
    try {
      const code = await wxLoginCode();
      const res = await send<Session>('POST', '/api/v1/auth/login', { code }, undefined, {});
      write(KEYS.session, res);
      return res;
    } finally {
      loginInFlight = null;
    }
  })();
  return loginInFlight;
}

function wxLoginCode(): Promise<string> {
  if (CONFIG.sandboxLoginAs) return Promise.resolve(`demo:${CONFIG.sandboxLoginAs}`);
  return new Promise((resolve, reject) => {
    wx.login({
      success: (r) => (r.code ? resolve(r.code) : reject(new ApiError('LOGIN', T.loginFailed, 0))),
      fail: () => reject(new ApiError('LOGIN', T.loginFailed, 0)),
    });
  });
}

/** One HTTP exchange, with network failures retried when the request may be repeated. */
function send<R>(method: Method, path: string, data: unknown, token: string | undefined, opts: RequestOptions, attempt = 0): Promise<R> {
  const header: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json' };
  if (token) header.authorization = `Bearer ${token}`;
  if (opts.idempotencyKey) header['Idempotency-Key'] = opts.idempotencyKey;
  const repeatable = method === 'GET' || path === '/api/v1/auth/login' || !!opts.idempotencyKey;
  return new Promise<R>((resolve, reject) => {
    wx.request({
      url: `${CONFIG.apiBase}${path}`,
      method,
      data: data as WechatMiniprogram.IAnyObject | undefined,
      header,
      timeout: 15000,
      success: (res) => {
        if (res.statusCode >= 200 && res.statusCode < 300) return resolve(res.data as R);
        reject(fromResponse(res.statusCode, res.data));
      },
      fail: () => {
        if (repeatable && attempt < CONFIG.networkRetries) {
          setTimeout(() => send<R>(method, path, data, token, opts, attempt + 1).then(resolve, reject), 300 * (attempt + 1));
        } else {
          reject(new ApiError('NETWORK', T.network, 0));
        }
      },
    });
  });
}

const CHINESE = /[\u4e00-\u9fff]/;

function fromResponse(status: number, body: unknown): ApiError {
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const code = typeof err?.code === 'string' ? err.code : status >= 500 ? 'SERVER' : 'UNKNOWN';
  const serverMessage = typeof err?.message === 'string' && CHINESE.test(err.message) ? err.message : undefined;
  const message = ERROR_TEXTS[code] ?? serverMessage ?? (status >= 500 ? T.serverDown : T.unknown);
  const details = err?.details && typeof err.details === 'object' ? (err.details as Record<string, unknown>) : {};
  return new ApiError(code, message, status, details);
}

/** Shows an error the way every page does: one toast, plain words. */
export function showError(err: unknown): void {
  const message = err instanceof ApiError ? err.userMessage : T.unknown;
  wx.showToast({ title: message, icon: 'none', duration: 3000 });
}

export function errorText(err: unknown): string {
  return err instanceof ApiError ? err.userMessage : T.unknown;
}

/** An API call as the signed-in user: signs in first if needed, and once more if the server forgot the session. */
export async function call<R>(method: Method, path: string, data?: unknown, opts: RequestOptions = {}): Promise<R> {
  try {
    const s = await session();
    try {
      return await send<R>(method, `/api/v1${path}`, data, s.token, opts);
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'UNAUTHENTICATED') throw err;
      remove(KEYS.session);
      return await send<R>(method, `/api/v1${path}`, data, (await session(true)).token, opts);
    }
  } catch (err) {
    if (!opts.quiet) showError(err);
    throw err;
  }
}

/** Downloads what the API serves at `path` (a visit photo) with the session, to a temporary file of the phone. */
export async function download(path: string): Promise<string> {
  const s = await session();
  return new Promise<string>((resolve, reject) => {
    wx.downloadFile({
      url: `${CONFIG.apiBase}/api/v1${path}`,
      header: { authorization: `Bearer ${s.token}` },
      success: (r) =>
        r.statusCode === 200
          ? resolve(r.tempFilePath)
          : reject(new ApiError(r.statusCode === 403 ? 'FORBIDDEN' : 'UNKNOWN', r.statusCode === 403 ? T.photoForbidden : T.photoFailed, r.statusCode)),
      fail: () => reject(new ApiError('NETWORK', T.network, 0)),
    });
  });
}

export const api = {
  get: <R>(path: string, opts?: RequestOptions) => call<R>('GET', path, undefined, opts),
  post: <R>(path: string, data: unknown = {}, opts?: RequestOptions) => call<R>('POST', path, data, opts),
  /** Sends bytes as they are (a photo), with their type. */
  upload: <R>(path: string, bytes: ArrayBuffer, contentType: string, opts?: RequestOptions) => call<R>('POST', path, bytes, { ...opts, contentType }),
  put: <R>(path: string, data: unknown = {}, opts?: RequestOptions) => call<R>('PUT', path, data, opts),
  del: <R>(path: string, opts?: RequestOptions) => call<R>('DELETE', path, undefined, opts),
};

/** A key for one booking intent: the same person booking the same slot from the same screen gets one booking. */
export function newIdempotencyKey(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
