import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { createApp, routesOfApp } from '../../server/app';
import type { RouteInfo } from '../../server/http/api-router';
import { loginConsole, loginWechat } from '../helpers/actors';
import { describeEachDb, T0, type Harness } from '../helpers/harness';

/*
 * Malformed requests across every route the app serves (issue 20: about 61,000 of them were sent by the probes).
 * fast-check makes thousands — broken and wrong-typed JSON, hostile values under the fields the API knows, prototype
 * keys, bad path parameters and queries, wrong content types and encodings, bad tokens and good ones — and for each:
 * no 5xx; an error in the shape its endpoint speaks (the API's `{ error: { code, message } }`, WeChat Pay's
 * `{ code: 'FAIL' }`), with no stack trace or SQL in it; and at the end nothing in the database has changed.
 *
 * Every value is malformed for every field it could land in (strings are blank or longer than any field allows,
 * numbers are not positive 32-bit integers, path parameters are not ids), so no request here may do anything.
 */

const RUNS = 3000;

/** Every body field and query parameter the API reads, so that hostile values land where validation must catch them. */
const FIELDS = [
  'code',
  'username',
  'password',
  'seniorId',
  'slotId',
  'quantity',
  'deliveryMode',
  'note',
  'channel',
  'reason',
  'score',
  'comment',
  'via',
  'relation',
  'message',
  'templateIds',
  'result',
  'title',
  'body',
  'link',
  'audience',
  'regionId',
  'roles',
  'minAge',
  'categories',
  'scheduledAt',
  'month',
  'regenerate',
  'serviceItemId',
  'weekdays',
  'start',
  'end',
  'capacity',
  'workerName',
  'bookingCutoff',
  'cancelCutoff',
  'daysBefore',
  'time',
  't',
  'limit',
  'offset',
  'centreId',
  'date',
  'from',
  'to',
  'status',
  'lat',
  'lng',
  'withinMinutes',
  'kind',
  'category',
  'search',
  'job',
  'before',
  'openid',
  'signature',
  'timestamp',
  'nonce',
  'echostr',
  'encrypt_type',
  'msg_signature',
];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
const INJECTIONS = ["' OR '1'='1", '1; DROP TABLE account; --', '<script>alert(1)</script>', '${7*7}', '../../etc/passwd', '\u0000', '%00', '𠮷🙂'];

/** Strings no field accepts: blank, or longer than any (the longest, a notice's body, takes 2,000). */
const badString = fc.oneof(
  fc.constantFrom('', '   ', '\t\n'),
  fc.constantFrom(...INJECTIONS).map((s) => s.padEnd(5001, '~')),
);
/** Numbers no id, count or score accepts. */
const badNumber = fc.constantFrom(-1, 0, -0.5, 1.5, 2147483648, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2);
const badScalar = fc.oneof(fc.constant(null), badNumber, badString, fc.boolean());
const badValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    badScalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.constantFrom(...FIELDS, ...PROTO_KEYS), tie('value')), { maxLength: 3 }).map(object),
  ),
})).value;

/** `{"k": v, …}` written out by hand, so that `__proto__` goes over the wire as a key. */
function object(entries: Array<[string, unknown]>): { json: string } {
  return { json: `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}` };
}
function toJson(v: unknown): string {
  if (v && typeof v === 'object' && 'json' in v) return (v as { json: string }).json;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  return JSON.stringify(v) ?? 'null';
}

const body = fc.oneof(
  // Not JSON at all, or cut short.
  fc.constantFrom('{', '{"code":', '[1,2', 'nul', '{"a":1}}', '\u0000\u0001', '{"a":"\\ud800"}', '['.repeat(3000), '"unterminated'),
  // JSON, but not an object.
  fc.constantFrom('null', '[]', '"text"', '123', 'true', '[{}]'),
  // An object of known and unknown fields, every value malformed.
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS, ...PROTO_KEYS), fc.string({ maxLength: 8 })), badValue), { minLength: 0, maxLength: 6 })
    .map((entries) => object(entries).json),
);

const badParam = fc.constantFrom(
  'abc',
  '-1',
  '0',
  '1.5',
  '2147483648',
  '99999999999999999999',
  '%00',
  '%E4',
  '..%2F..',
  '%20',
  'NaN',
  'Infinity',
  '%E8%80%81%E4%BA%BA',
  'x'.repeat(300),
  "1'OR'1'='1",
  '1%3BDROP',
  '2026-13',
  'ox10',
);
const badQueryValue = fc.constantFrom(
  '',
  'abc',
  '-1',
  '0',
  '1e999',
  '2026-13-45',
  '2026-02-30',
  '[object Object]',
  '%',
  'x'.repeat(3000),
  "' OR 1=1 --",
  'null',
);
const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 6 })), badQueryValue), { maxLength: 4 });

interface Attempt {
  route: RouteInfo;
  method: string;
  params: string[];
  query: Array<[string, string]>;
  body: string;
  contentType: string | null;
  contentEncoding: string | null;
  auth: 'none' | 'garbage' | 'admin' | 'family' | 'staff';
  idempotencyKey: string | null;
}

function attempts(routes: RouteInfo[]): fc.Arbitrary<Attempt> {
  return fc.record({
    route: fc.constantFrom(...routes),
    method: fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') }),
    params: fc.array(badParam, { minLength: 3, maxLength: 3 }),
    query,
    body,
    contentType: fc.oneof(
      { weight: 6, arbitrary: fc.constant('application/json') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          null,
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          'text/xml',
        ),
      },
    ),
    contentEncoding: fc.oneof(
      { weight: 8, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-nope') },
    ),
    auth: fc.constantFrom('none', 'garbage', 'admin', 'family', 'staff'),
    idempotencyKey: fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom('', 'short', 'x'.repeat(65), 'has spaces in it') },
    ),
  });
}

/** Endpoints that answer in a protocol of their own rather than the API's error shape. */
const OWN_PROTOCOL = [/^\/wechat$/, /^\/pay\/(notify|refund-notify)$/, /^\/sandbox(\/|$)/];

/** Every table's rows, hashed: what "nothing written" compares. */
async function snapshot(h: Harness): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const meta of h.db.ds.entityMetadatas) {
    const rows: unknown[] = await h.db.manager.query(`SELECT * FROM ${h.db.ds.driver.escape(meta.tableName)}`);
    const lines = rows.map((r) => JSON.stringify(r)).sort();
    out[meta.tableName] = createHash('sha1').update(lines.join('\n')).digest('hex');
  }
  return out;
}

describeEachDb('malformed requests on every route', (h) => {
  test(`${RUNS} of them: no 5xx, errors in their endpoint's shape without internals, nothing written`, async () => {
    h().clock.set(T0);
    const tokens: Record<Attempt['auth'], string | null> = {
      none: null,
      garbage: 'Bearer not-a-session-token-but-long-enough',
      admin: await loginConsole(h(), 'admin'),
      family: await loginWechat(h(), 'o_family_01'),
      staff: await loginConsole(h(), 'staff-jiaxin'),
    };
    const routes = routesOfApp(createApp(h().services));
    const before = await snapshot(h());
    await fc.assert(
      fc.asyncProperty(attempts(routes), async (a) => {
        let i = 0;
        const path = a.route.path.replace(/:\w+/g, () => a.params[i++ % a.params.length]);
        const method = a.method || a.route.method;
        // Signing out with a real session is a write whatever the body: that route gets bad tokens only.
        const auth = a.route.path === '/api/v1/auth/logout' && (a.auth === 'admin' || a.auth === 'family' || a.auth === 'staff') ? 'garbage' : a.auth;
        let call = h().http[method.toLowerCase() as 'post'](path);
        if (tokens[auth]) call = call.set('authorization', tokens[auth]!);
        if (a.query.length) call = call.query(a.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
        if (a.contentType) call = call.set('content-type', a.contentType);
        if (a.contentEncoding) call = call.set('content-encoding', a.contentEncoding);
        if (a.idempotencyKey !== null) call = call.set('idempotency-key', a.idempotencyKey);
        const res = method === 'GET' || method === 'OPTIONS' ? await call : await call.serialize((x) => x).send(a.body);

        const where = `${method} ${path.slice(0, 80)} → ${res.status} ${res.text.slice(0, 200)}`;
        if (res.status >= 500) throw new Error(`5xx: ${where}`);
        if (/\bat .+\.(ts|js):\d+|QueryFailedError|\bSQLITE_[A-Z]|\bER_[A-Z_]+|\bSELECT\b.+\bFROM\b|\bINSERT INTO\b/.test(res.text))
          throw new Error(`internals: ${where}`);
        if (res.status >= 400 && !OWN_PROTOCOL.some((re) => re.test(a.route.path))) {
          const e = res.body?.error;
          if (!res.type.includes('json') || typeof e?.code !== 'string' || typeof e?.message !== 'string' || e.message === '')
            throw new Error(`shape: ${where}`);
        }
        if (/^\/pay\/(notify|refund-notify)$/.test(a.route.path) && res.status >= 400 && method === 'POST' && res.body?.code !== 'FAIL')
          throw new Error(`WeChat Pay shape: ${where}`);
      }),
      { numRuns: RUNS },
    );
    expect(await snapshot(h())).toEqual(before);
  }, 600_000);
});
