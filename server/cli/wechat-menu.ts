import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { configFromEnvironment } from '../bootstrap';
import { ConfigError, type Config } from '../config';
import { openDatabase } from '../db/open';
import { WechatApiError, WechatMessenger } from '../gateways/wechat-messenger.gateway';
import { publishMenu } from '../services/chat/mp-menu';
import { systemClock } from '../lib/clock';
import { WechatStateRepository } from '../repositories/wechat-state.repository';
import { loadOrCreateSandboxCredentials, realSettings, sandboxSettings, type WechatSettings } from '../wechat-settings';

const NO_SERVER = 'start the server first with npm start, or set WECHAT_MP_APPID/SECRET to publish to the real account';

class CliError extends Error {}

/**
 * Where to publish: the real public account, or, in sandbox mode, the sandbox inside the Mulin server running on
 * PORT (it lives in that process, so it must be up; main.ts derives the same settings).
 */
async function settingsFor(config: Config): Promise<{ settings: WechatSettings; where: string }> {
  if (!config.sandbox) {
    if (!config.wechat.mpAppId) throw new CliError('WECHAT_MP_APPID is not set: this deployment has no public account to publish a menu to');
    return { settings: realSettings(config), where: `the public account ${config.wechat.mpAppId}` };
  }
  const self = `http://127.0.0.1:${config.port}`;
  const health = await fetch(`${self}/healthz`, { signal: AbortSignal.timeout(3000) })
    .then((r) => r.json() as Promise<{ sandbox?: unknown }>)
    .catch(() => null);
  if (!health) throw new CliError(`Nothing answers at ${self}: ${NO_SERVER}.`);
  if (health.sandbox !== true) throw new CliError(`The server at ${self} is not in sandbox mode: set WECHAT_MP_APPID/SECRET here as there.`);
  // The server wrote these at its first start; without them it was started with another MULIN_DATA_DIR.
  if (!fs.existsSync(path.join(config.dataDir, 'sandbox', 'credentials.json'))) {
    throw new CliError(`No sandbox credentials under ${path.resolve(config.dataDir)}: run this with the server's MULIN_DATA_DIR.`);
  }
  const creds = loadOrCreateSandboxCredentials(config.dataDir);
  return { settings: sandboxSettings(creds, `${self}/sandbox`, self), where: `the sandbox at ${self}/sandbox/wxapi` };
}

/** `npm run wechat:menu`: publishes the public account's custom menu (server/services/chat/mp-menu.ts). */
async function run(): Promise<void> {
  const config = configFromEnvironment();
  const { settings, where } = await settingsFor(config);
  // The messenger keeps access tokens in the database, shared with the running servers.
  const db = await openDatabase(config.database);
  try {
    const messenger = new WechatMessenger({ settings, tokens: new WechatStateRepository(db), clock: systemClock });
    const lines = await publishMenu(messenger).catch((err: unknown) => {
      if (settings.sandbox && err instanceof WechatApiError && err.errcode === 40013) {
        throw new CliError(`Unknown appid ${settings.mp.appId} (40013) at ${where}: run this with the server's MULIN_DATA_DIR.`);
      }
      throw err;
    });
    console.log([`Menu published to ${where}:`, ...lines.map((l) => `  ${l}`)].join('\n'));
  } finally {
    await db.ds.destroy();
  }
}

run().catch((err) => {
  console.error(
    err instanceof ConfigError || err instanceof CliError ? err.message : `Publishing the menu failed: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
});
