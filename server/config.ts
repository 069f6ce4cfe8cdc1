import { z } from 'zod';
import { DEFAULT_TEMPLATE_IDS, TEMPLATE_PURPOSES, type TemplateIds, type TemplatePurpose } from './wechat-templates';

/**
 * Configuration is read once at start-up from the environment (and an optional `.env` file, which never
 * overrides a variable already set), validated, and frozen. A bad value stops the start with a message that
 * names the variable; nothing else in the code reads `process.env`.
 */
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const databaseUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional()
  .refine((v) => v === undefined || /^(mysql|mariadb):\/\/[^/]+\/[A-Za-z0-9_$-]+/.test(v), {
    message: 'must look like mysql://user:pass@host:3306/db or mariadb://user:pass@host:3306/db',
  });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: databaseUrl,
  MULIN_DATA_DIR: z.string().trim().min(1).default('data'),
  MULIN_FILES_DIR: optionalText,
  MULIN_SEED_DEMO: z.enum(['auto', 'never']).optional(),
  MULIN_SANDBOX: z.enum(['0', '1']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WECHAT_MP_APPID: optionalText,
  WECHAT_MP_SECRET: optionalText,
  WECHAT_MP_TOKEN: optionalText,
  WECHAT_MP_AES_KEY: optionalText.refine((v) => v === undefined || /^[A-Za-z0-9]{43}$/.test(v), {
    message: 'must be the 43-character EncodingAESKey from the WeChat admin page',
  }),
  WECHAT_MINI_APPID: optionalText,
  WECHAT_MINI_SECRET: optionalText,
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  WXPAY_MCHID: optionalText,
  WXPAY_SERIAL_NO: optionalText,
  WXPAY_PRIVATE_KEY_PATH: optionalText,
  WXPAY_APIV3_KEY: optionalText.refine((v) => v === undefined || Buffer.byteLength(v) === 32, {
    message: 'must be exactly 32 bytes (the APIv3 key set in the merchant platform)',
  }),
  WXPAY_PUBLIC_KEY_PATH: optionalText,
  WXPAY_PUBLIC_KEY_ID: optionalText.refine((v) => v === undefined || v.startsWith('PUB_KEY_ID_'), {
    message: 'must start with PUB_KEY_ID_',
  }),
  WXPAY_API_BASE: z.url().default('https://api.mch.weixin.qq.com'),
  PUBLIC_BASE_URL: z.url().optional(),
  WECHAT_TEMPLATES: optionalText,
  MULIN_JOBS: z.string().trim().default('all'),
  MULIN_BROADCAST_RATE: z.coerce.number().int().min(1).max(100_000).default(2500),
  MULIN_SLOT_DAYS_AHEAD: z.coerce.number().int().min(1).max(60).default(14),
  MULIN_ID_HASH_KEY: optionalText.refine((v) => v === undefined || v.length >= 32, {
    message: 'must be at least 32 characters (a random secret; changing it later makes every registered ID number unfindable)',
  }),
  MULIN_DB_LOCK_WAIT_S: z.coerce.number().int().min(1).max(50).default(5),
  MULIN_WECHAT_MAX_SKEW_S: z.coerce.number().int().min(30).max(3600).default(300),
  MULIN_RETAIN_CHAT_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  MULIN_RETAIN_AUDIT_DAYS: z.coerce.number().int().min(180).max(3650).default(1095),
  MULIN_RETAIN_PHOTO_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
});

const templatePair = z.object({ mp: z.string().trim().min(1).max(64), mini: z.string().trim().min(1).max(64) }).partial();
const templatesSchema = z.object(Object.fromEntries(TEMPLATE_PURPOSES.map((p) => [p, templatePair.optional()]))).strict();

/** WECHAT_TEMPLATES: the console's template ids by purpose, over the sandbox placeholders. */
function templateIds(raw: string | undefined, problems: string[]): TemplateIds {
  const ids = structuredClone(DEFAULT_TEMPLATE_IDS);
  if (raw === undefined) return ids;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    problems.push('WECHAT_TEMPLATES: must be JSON, e.g. {"emergency":{"mp":"…","mini":"…"}}');
    return ids;
  }
  const parsed = templatesSchema.safeParse(value);
  if (!parsed.success) {
    problems.push(
      `WECHAT_TEMPLATES: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'} ${i.message}`).join('; ')} (purposes: ${TEMPLATE_PURPOSES.join(', ')})`,
    );
    return ids;
  }
  for (const [purpose, pair] of Object.entries(parsed.data) as Array<[TemplatePurpose, { mp?: string; mini?: string } | undefined]>) {
    if (pair?.mp) ids[purpose].mp = pair.mp;
    if (pair?.mini) ids[purpose].mini = pair.mini;
  }
  return ids;
}

/**
 * MULIN_JOBS: which scheduled jobs this instance runs: `all` (the default), `none` (a web-only instance), or a
 * comma list of job names. Every instance may run them all: each tick still runs once (the coordinator). The names
 * themselves are checked against the jobs there are at the composition root (selectJobs), which knows them.
 */
export type JobSelection = 'all' | readonly string[];

export function parseJobsSetting(raw: string, problems: string[]): JobSelection {
  const value = raw.trim();
  if (value === '' || value === 'all') return 'all';
  if (value === 'none') return [];
  const names = [
    ...new Set(
      value
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== ''),
    ),
  ];
  if (names.length === 0) problems.push('MULIN_JOBS: no job given; use all, none, or a comma list of job names');
  return names;
}

export type DatabaseKind = 'mariadb' | 'sqlite';

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly logLevel: string;
  readonly dataDir: string;
  /** Where uploaded files (visit photos) are kept by the local file store (MULIN_FILES_DIR, default MULIN_DATA_DIR/files). */
  readonly filesDir: string;
  readonly seedDemo: boolean;
  readonly database:
    | { readonly kind: 'mariadb'; readonly url: string; /** InnoDB lock wait per statement (MULIN_DB_LOCK_WAIT_S). */ readonly lockWaitSeconds?: number }
    | { readonly kind: 'sqlite'; readonly file: string };
  readonly wechat: {
    readonly mpAppId?: string;
    readonly mpSecret?: string;
    readonly mpToken?: string;
    readonly mpAesKey?: string;
    readonly miniAppId?: string;
    readonly miniSecret?: string;
    readonly apiBase: string;
  };
  readonly wxpay: {
    readonly mchId?: string;
    readonly serialNo?: string;
    readonly privateKeyPath?: string;
    readonly apiV3Key?: string;
    readonly publicKeyPath?: string;
    readonly publicKeyId?: string;
    readonly apiBase: string;
  };
  /** Template and subscribe-message ids by purpose. */
  readonly templates: TemplateIds;
  /** True when no real WeChat credentials are configured: the built-in sandbox stands in for WeChat. */
  readonly sandbox: boolean;
  /**
   * Set when the sandbox runs with NODE_ENV=production (only with MULIN_SANDBOX=1): anyone can sign in as a demo
   * user there, so the banner and /healthz say so in these words.
   */
  readonly sandboxWarning: string | null;
  readonly publicBaseUrl: string;
  /** The scheduled jobs this instance registers (MULIN_JOBS): all of them, or these names. */
  readonly jobs: JobSelection;
  /** Policy-notice pushes per second at most, per instance (MULIN_BROADCAST_RATE). */
  readonly broadcastRate: number;
  /** How many days of slots the slots-ahead job keeps made from the centres' templates (MULIN_SLOT_DAYS_AHEAD). */
  readonly slotDaysAhead: number;
  /** The key of the seniors' ID-number hash (MULIN_ID_HASH_KEY); absent in sandbox mode, which generates one into data/. */
  readonly idHashKey?: string;
  /** /wechat refuses a push whose signed timestamp is further than this from now (MULIN_WECHAT_MAX_SKEW_S). */
  readonly wechatMaxSkewSeconds: number;
  /** How long personal data is kept (MULIN_RETAIN_CHAT_DAYS, _AUDIT_DAYS, _PHOTO_DAYS; see PersonalDataRetention). */
  readonly retention: { readonly chatLogDays: number; readonly auditLogDays: number; readonly photoDays: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Mulin cannot start, the configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const real = [e.WECHAT_MINI_APPID, e.WECHAT_MINI_SECRET, e.WECHAT_MP_APPID, e.WECHAT_MP_SECRET, e.WXPAY_MCHID];
  const sandbox = real.every((v) => v === undefined);
  // The sandbox lets anyone sign in as demo staff without a password and lists users and pay orders under /sandbox:
  // a production deployment that merely forgot its credentials must not fall into it.
  if (sandbox && e.NODE_ENV === 'production' && e.MULIN_SANDBOX !== '1') {
    problems.push(
      'WECHAT_MINI_APPID / WECHAT_MP_APPID / WXPAY_MCHID: NODE_ENV=production needs real WeChat credentials; to run the built-in sandbox in production on purpose, set MULIN_SANDBOX=1',
    );
  }
  if (!sandbox && e.MULIN_SANDBOX === '1')
    problems.push('MULIN_SANDBOX: =1 asks for the built-in sandbox, but real WeChat credentials are set: remove one or the other');
  if (!sandbox) {
    // Half a set of credentials would silently fall back to nothing: name what is missing instead.
    if (e.WECHAT_MINI_APPID && !e.WECHAT_MINI_SECRET) problems.push('WECHAT_MINI_SECRET: required when WECHAT_MINI_APPID is set');
    if (e.WECHAT_MP_APPID && (!e.WECHAT_MP_SECRET || !e.WECHAT_MP_TOKEN)) {
      problems.push('WECHAT_MP_SECRET and WECHAT_MP_TOKEN: required when WECHAT_MP_APPID is set');
    }
    if (e.WXPAY_MCHID) {
      for (const k of ['WXPAY_SERIAL_NO', 'WXPAY_PRIVATE_KEY_PATH', 'WXPAY_APIV3_KEY', 'WXPAY_PUBLIC_KEY_PATH', 'WXPAY_PUBLIC_KEY_ID'] as const) {
        if (!e[k]) problems.push(`${k}: required when WXPAY_MCHID is set`);
      }
    }
    if (!e.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL: required with real WeChat credentials (WeChat must reach this server)');
    if (!e.MULIN_ID_HASH_KEY)
      problems.push("MULIN_ID_HASH_KEY: required with real credentials (the secret that hashes seniors' ID numbers; at least 32 characters)");
  }
  const templates = templateIds(e.WECHAT_TEMPLATES, problems);
  const jobs = parseJobsSetting(e.MULIN_JOBS, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const url = e.DATABASE_URL;
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    dataDir: e.MULIN_DATA_DIR,
    filesDir: e.MULIN_FILES_DIR ?? `${e.MULIN_DATA_DIR}/files`,
    // A production database is never filled with the demo district unless asked.
    seedDemo: (e.MULIN_SEED_DEMO ?? (e.NODE_ENV === 'production' ? 'never' : 'auto')) === 'auto',
    database: url
      ? { kind: 'mariadb' as const, url, lockWaitSeconds: e.MULIN_DB_LOCK_WAIT_S }
      : { kind: 'sqlite' as const, file: `${e.MULIN_DATA_DIR}/mulin.sqlite` },
    wechat: {
      mpAppId: e.WECHAT_MP_APPID,
      mpSecret: e.WECHAT_MP_SECRET,
      mpToken: e.WECHAT_MP_TOKEN,
      mpAesKey: e.WECHAT_MP_AES_KEY,
      miniAppId: e.WECHAT_MINI_APPID,
      miniSecret: e.WECHAT_MINI_SECRET,
      apiBase: e.WECHAT_API_BASE.replace(/\/+$/, ''),
    },
    wxpay: {
      mchId: e.WXPAY_MCHID,
      serialNo: e.WXPAY_SERIAL_NO,
      privateKeyPath: e.WXPAY_PRIVATE_KEY_PATH,
      apiV3Key: e.WXPAY_APIV3_KEY,
      publicKeyPath: e.WXPAY_PUBLIC_KEY_PATH,
      publicKeyId: e.WXPAY_PUBLIC_KEY_ID,
      apiBase: e.WXPAY_API_BASE.replace(/\/+$/, ''),
    },
    templates,
    sandbox,
    sandboxWarning:
      sandbox && e.NODE_ENV === 'production'
        ? 'SANDBOX MODE IN PRODUCTION (MULIN_SANDBOX=1): no real WeChat; anyone can sign in as a demo user and /sandbox lists users and pay orders'
        : null,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    jobs,
    broadcastRate: e.MULIN_BROADCAST_RATE,
    slotDaysAhead: e.MULIN_SLOT_DAYS_AHEAD,
    idHashKey: e.MULIN_ID_HASH_KEY,
    wechatMaxSkewSeconds: e.MULIN_WECHAT_MAX_SKEW_S,
    retention: { chatLogDays: e.MULIN_RETAIN_CHAT_DAYS, auditLogDays: e.MULIN_RETAIN_AUDIT_DAYS, photoDays: e.MULIN_RETAIN_PHOTO_DAYS },
  });
}

/** Reads `KEY=value` lines of a `.env` file into `env` without overriding variables that are already set. */
export function applyDotEnv(text: string, env: Record<string, string | undefined>): void {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
    if (env[m[1]] === undefined) env[m[1]] = value;
  }
}
