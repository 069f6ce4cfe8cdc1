import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config';

/**
 * Everything the WeChat gateways need, resolved once at start-up: from the environment with real credentials,
 * or, in sandbox mode, from credentials generated on first start into `data/sandbox/` (never committed) and
 * with the API bases pointing at the built-in sandbox.
 */
export interface WechatSettings {
  sandbox: boolean;
  /** Base of the WeChat platform API (`https://api.weixin.qq.com` or the sandbox's imitation). */
  apiBase: string;
  /** Base of WeChat Pay v3 (`https://api.mch.weixin.qq.com` or the sandbox's imitation). */
  payApiBase: string;
  mp: { appId: string; secret: string; token: string; aesKey?: string };
  mini: { appId: string; secret: string };
  pay: {
    mchId: string;
    /** Serial number of the merchant API certificate (goes into every request's Authorization header). */
    serialNo: string;
    privateKeyPem: string;
    /** The merchant's public key: the sandbox verifies Mulin's request signatures with it. */
    merchantPublicKeyPem?: string;
    apiV3Key: string;
    /** WeChat Pay's public key (public-key mode) and its id, `PUB_KEY_ID_…`. */
    platformPublicKeyPem: string;
    platformPublicKeyId: string;
    notifyUrl: string;
    refundNotifyUrl: string;
  };
}

/** What only the sandbox holds: the other side's secrets (WeChat Pay's private key signs its notifications). */
export interface SandboxCredentials {
  mp: { appId: string; secret: string; token: string; aesKey: string };
  mini: { appId: string; secret: string };
  pay: {
    mchId: string;
    serialNo: string;
    merchantPrivateKeyPem: string;
    merchantPublicKeyPem: string;
    apiV3Key: string;
    platformPrivateKeyPem: string;
    platformPublicKeyPem: string;
    platformPublicKeyId: string;
  };
}

const alnum = (n: number) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(n), (b) => chars[b % chars.length]).join('');
};

function rsaPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Fresh sandbox credentials: random secrets and two RSA-2048 key pairs (merchant, WeChat Pay platform). */
export function generateSandboxCredentials(): SandboxCredentials {
  const merchant = rsaPair();
  const platform = rsaPair();
  return {
    mp: { appId: `wxsandboxmp${alnum(7).toLowerCase()}`, secret: alnum(32), token: alnum(24), aesKey: alnum(43) },
    mini: { appId: `wxsandboxmini${alnum(5).toLowerCase()}`, secret: alnum(32) },
    pay: {
      mchId: `19${String(randomBytes(4).readUInt32BE() % 1e8).padStart(8, '0')}`,
      serialNo: randomBytes(20).toString('hex').toUpperCase(),
      merchantPrivateKeyPem: merchant.privateKeyPem,
      merchantPublicKeyPem: merchant.publicKeyPem,
      apiV3Key: alnum(32),
      platformPrivateKeyPem: platform.privateKeyPem,
      platformPublicKeyPem: platform.publicKeyPem,
      platformPublicKeyId: `PUB_KEY_ID_${randomBytes(16).toString('hex').toUpperCase()}`,
    },
  };
}

/** The sandbox credentials kept under `dataDir/sandbox/`, generated the first time (file mode 0600). */
export function loadOrCreateSandboxCredentials(dataDir: string): SandboxCredentials {
  const file = path.join(dataDir, 'sandbox', 'credentials.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as SandboxCredentials;
  const creds = generateSandboxCredentials();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return creds;
}

/**
 * The key of the seniors' ID-number hash: MULIN_ID_HASH_KEY, or in sandbox mode one generated the first time into
 * `dataDir/sandbox/id-hash-key` (file mode 0600, never committed) and kept, so that duplicates stay findable.
 */
export function idHashKeyFor(config: Pick<Config, 'idHashKey' | 'sandbox' | 'dataDir'>): string {
  if (config.idHashKey) return config.idHashKey;
  if (!config.sandbox) throw new Error('MULIN_ID_HASH_KEY: required with real credentials');
  const file = path.join(config.dataDir, 'sandbox', 'id-hash-key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const key = alnum(48);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, key, { mode: 0o600 });
  return key;
}

/** Settings for Mulin's gateways when the sandbox at `sandboxBase` (e.g. `http://127.0.0.1:3000/sandbox`) stands in. */
export function sandboxSettings(creds: SandboxCredentials, sandboxBase: string, publicBaseUrl: string): WechatSettings {
  return {
    sandbox: true,
    apiBase: `${sandboxBase}/wxapi`,
    payApiBase: `${sandboxBase}/wxpay`,
    mp: { ...creds.mp },
    mini: { ...creds.mini },
    pay: {
      mchId: creds.pay.mchId,
      serialNo: creds.pay.serialNo,
      privateKeyPem: creds.pay.merchantPrivateKeyPem,
      merchantPublicKeyPem: creds.pay.merchantPublicKeyPem,
      apiV3Key: creds.pay.apiV3Key,
      platformPublicKeyPem: creds.pay.platformPublicKeyPem,
      platformPublicKeyId: creds.pay.platformPublicKeyId,
      notifyUrl: `${publicBaseUrl}/pay/notify`,
      refundNotifyUrl: `${publicBaseUrl}/pay/refund-notify`,
    },
  };
}

/** Settings from real credentials in the environment (key files are read here, once). */
export function realSettings(config: Config): WechatSettings {
  const w = config.wechat;
  const p = config.wxpay;
  const read = (file: string | undefined, name: string) => {
    if (!file) return '';
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      throw new Error(`${name}: cannot read ${file}`);
    }
  };
  return {
    sandbox: false,
    apiBase: w.apiBase,
    payApiBase: p.apiBase,
    mp: { appId: w.mpAppId ?? '', secret: w.mpSecret ?? '', token: w.mpToken ?? '', aesKey: w.mpAesKey },
    mini: { appId: w.miniAppId ?? '', secret: w.miniSecret ?? '' },
    pay: {
      mchId: p.mchId ?? '',
      serialNo: p.serialNo ?? '',
      privateKeyPem: read(p.privateKeyPath, 'WXPAY_PRIVATE_KEY_PATH'),
      apiV3Key: p.apiV3Key ?? '',
      platformPublicKeyPem: read(p.publicKeyPath, 'WXPAY_PUBLIC_KEY_PATH'),
      platformPublicKeyId: p.publicKeyId ?? '',
      notifyUrl: `${config.publicBaseUrl}/pay/notify`,
      refundNotifyUrl: `${config.publicBaseUrl}/pay/refund-notify`,
    },
  };
}
