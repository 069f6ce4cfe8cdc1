import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from './config';
import { configFromEnvironment } from './bootstrap';
import { createApp } from './app';
import { answerClientErrors } from './http/client-errors';
import { buildScheduling, buildServices, selectJobs } from './container';
import { JOBS } from '../jobs';
import { instanceName } from './services/scheduler/instance';
import { openDatabase } from './db/open';
import { seedDemo } from './db/seed/demo';
import { createSandbox, type Sandbox } from './sandbox';
import { chatUsers } from './sandbox/chat.sandbox';
import { systemClock } from './lib/clock';
import { createLogger } from './logger';
import { idHashKeyFor, loadOrCreateSandboxCredentials, realSettings, sandboxSettings, type WechatSettings } from './wechat-settings';
import { AccountRepository } from './repositories/account.repository';

function describeDatabase(config: Config): string {
  return config.database.kind === 'sqlite'
    ? `embedded SQLite ${path.resolve(config.database.file)}`
    : `MariaDB/MySQL ${config.database.url.replace(/\/\/([^:@/]+):[^@]*@/, '//$1:***@')}`;
}

async function main(): Promise<void> {
  const config = configFromEnvironment();
  const jobs = selectJobs(JOBS, config.jobs);
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config.database, logger);
  let wechat: WechatSettings;
  let sandbox: Sandbox | undefined;
  if (config.sandbox) {
    // No real credentials: the built-in WeChat answers on this same server, under /sandbox.
    const creds = loadOrCreateSandboxCredentials(config.dataDir);
    const self = `http://127.0.0.1:${config.port}`;
    wechat = sandboxSettings(creds, `${self}/sandbox`, self);
    sandbox = createSandbox({ creds, clock: systemClock, mulinBase: () => self, users: () => chatUsers(new AccountRepository(db)) });
  } else {
    wechat = realSettings(config);
  }
  const services = buildServices({ config, db, clock: systemClock, logger, wechat, sandbox, idHashKey: idHashKeyFor(config) });

  if (config.seedDemo) {
    const seeded = await seedDemo(db, systemClock);
    if (seeded.seeded) {
      const note = [
        '# Mulin demo console accounts (generated at first start; not in git)',
        `password for every account below: ${seeded.consolePassword}`,
        ...seeded.consoleUsernames!.map((u) => `  ${u}`),
        '',
      ].join('\n');
      fs.mkdirSync(config.dataDir, { recursive: true });
      fs.writeFileSync(path.join(config.dataDir, 'demo-accounts.txt'), note, { mode: 0o600 });
      logger.info('demo district seeded');
    }
  }

  // Every instance may run the scheduler: the database coordinator lets one of them take each tick.
  const { scheduler } = buildScheduling(services, { instance: instanceName(), jobs });
  scheduler.start();

  const app = createApp(services);
  const server = app.listen(config.port, () => {
    const port = (server.address() as import('node:net').AddressInfo).port;
    const base = `http://localhost:${port}`;
    const credentials = path.join(config.dataDir, 'demo-accounts.txt');
    const loud = config.sandboxWarning
      ? [
          '',
          '  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
          `  !!! ${config.sandboxWarning}`,
          '  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
          '',
        ]
      : [];
    console.log(
      [
        '',
        ...loud,
        `  Mulin 睦邻 is up on ${base}`,
        `  database   ${describeDatabase(config)}`,
        `  WeChat     ${config.sandbox ? 'sandbox mode (no real WeChat credentials configured)' : `real credentials, public URL ${config.publicBaseUrl}`}`,
        `  health     ${base}/healthz`,
        `  API        ${base}/api/v1  (e.g. ${base}/api/v1/auth/login with {"code":"demo:o_family_01"})`,
        config.sandbox ? `  chat       ${base}/sandbox/chat  (talk to the public account as a demo senior or family member)` : '',
        `  console    ${base}/console${fs.existsSync(credentials) ? `  (demo staff/admin usernames and password in ${path.resolve(credentials)})` : ''}`,
        `  jobs       ${scheduler.jobNames.length ? scheduler.jobNames.join(', ') : 'none (MULIN_JOBS=none)'}`,
        ...loud,
      ]
        .filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''))
        .join('\n'),
    );
    if (config.sandboxWarning) logger.warn(config.sandboxWarning);
  });
  answerClientErrors(server);

  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    // No new ticks from here; runs in progress finish (or the 10 s below ends them) before the database closes.
    const stopped = scheduler.stop();
    server.close(() => void stopped.then(() => db.close()).then(() => process.exit(0)));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error('Mulin failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
