import type { ApiErrorBody } from './types';

/**
 * The console's one way to the API: fetch with the session token, JSON in and out, and every failure turned into an
 * ApiError carrying the API's code and its Chinese message (or a Chinese sentence when the network itself failed).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const TOKEN_KEY = 'mulin.console.token';
const BASE = '/api/v1';

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}
export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Called when the API says the session is gone (401): the app sends the user back to sign in. */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(f: () => void): void {
  onUnauthenticated = f;
}
/** Called when the API says the one-time password must be changed first (403 PASSWORD_CHANGE_REQUIRED). */
let onPasswordChangeRequired: () => void = () => {};
export function whenPasswordChangeRequired(f: () => void): void {
  onPasswordChangeRequired = f;
}

type Query = Record<string, string | number | boolean | null | undefined | string[]>;

function url(path: string, query?: Query): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) q.set(k, v.join(','));
    } else q.set(k, String(v));
  }
  const s = q.toString();
  return `${BASE}${path}${s ? `?${s}` : ''}`;
}

async function send(
  method: string,
  path: string,
  opts: { query?: Query; body?: unknown; raw?: Blob; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const payload = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), { method, headers, body: payload });
  } catch {
    throw new ApiError(0, 'NETWORK', '网络连接失败，请检查网络后重试');
  }
  if (res.ok) return res;
  let body: Partial<ApiErrorBody> = {};
  try {
    body = (await res.json()) as ApiErrorBody;
  } catch {
    /* not JSON: a proxy's page */
  }
  const e = body.error;
  const err = new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `服务器出错（${res.status}），请稍后再试`, e?.details);
  if (res.status === 401 && path !== '/auth/password-login') {
    setToken(null);
    onUnauthenticated();
  }
  if (res.status === 403 && err.code === 'PASSWORD_CHANGE_REQUIRED') onPasswordChangeRequired();
  throw err;
}

export const api = {
  async get<T>(path: string, query?: Query): Promise<T> {
    return (await (await send('GET', path, { query })).json()) as T;
  },
  async post<T>(path: string, body: unknown = {}, headers?: Record<string, string>): Promise<T> {
    const res = await send('POST', path, { body, headers });
    return (res.status === 204 ? undefined : await res.json()) as T;
  },
  async patch<T>(path: string, body: unknown = {}): Promise<T> {
    return (await (await send('PATCH', path, { body })).json()) as T;
  },
  /** A file sent as the raw body, with its own Content-Type (the civil-affairs list import). */
  async upload<T>(path: string, file: Blob, query?: Query): Promise<T> {
    const name = file instanceof File ? file.name : '';
    const type = /\.xlsx$/i.test(name) ? XLSX_TYPE : /\.csv$/i.test(name) ? 'text/csv' : file.type || 'application/octet-stream';
    return (await (await send('POST', path, { query, raw: file, headers: { 'content-type': type } })).json()) as T;
  },
  async put<T>(path: string, body: unknown = {}): Promise<T> {
    return (await (await send('PUT', path, { body })).json()) as T;
  },
  async del<T = void>(path: string): Promise<T> {
    const res = await send('DELETE', path);
    return (res.status === 204 ? undefined : await res.json()) as T;
  },
  /** A file answer (the settlement's xlsx): saved under the name the server gave it. */
  async download(path: string, fallbackName: string): Promise<string> {
    const res = await send('GET', path, { headers: { accept: '*/*' } });
    const cd = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    const plain = /filename="([^"]+)"/i.exec(cd);
    const name = star ? decodeURIComponent(star[1]) : (plain?.[1] ?? fallbackName);
    const blob = await res.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    return name;
  },
};

/** The message to show for any thrown value. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return '操作失败，请稍后再试';
}

/** The per-field messages of a 400 VALIDATION_FAILED (and of the services' field errors): `details.fields`. */
export function fieldErrorsOf(e: unknown): Record<string, string> {
  if (!(e instanceof ApiError) || !e.details || typeof e.details !== 'object') return {};
  const fields = (e.details as { fields?: unknown }).fields;
  if (!fields || typeof fields !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** An edit refused because someone else saved first (409 VERSION_CONFLICT). */
export function isVersionConflict(e: unknown): boolean {
  return e instanceof ApiError && e.code === 'VERSION_CONFLICT';
}
