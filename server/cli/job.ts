import 'reflect-metadata';
import { JOBS, jobNamed } from '../../jobs';
import { configFromEnvironment } from '../bootstrap';
import { ConfigError, type Config } from '../config';
import { buildScheduling, buildServices } from '../container';
import { openDatabase } from '../db/open';
import { systemClock } from '../lib/clock';
import { MINUTE } from '../lib/time';
import { createLogger } from '../logger';
import { instanceName } from '../services/scheduler/instance';
import { idHashKeyFor, loadOrCreateSandboxCredentials, realSettings, sandboxSettings, type WechatSettings } from '../wechat-settings';

const USAGE = `usage: npm run job -- <name>\n\njobs:\n${JOBS.map((j) => `  ${j.name.padEnd(22)} ${j.description}`).join('\n')}`;

/**
 * In sandbox mode the built-in WeChat lives inside the running server (main.ts), so messages and WeChat Pay calls
 * from here go to it; without a server on PORT they fail, are logged, and the job records what it could do.
 */
async function wechatFor(config: Config): Promise<WechatSettings> {
  if (!config.sandbox) return realSettings(config);
  const self = `http://127.0.0.1:${config.port}`;
  const up = await fetch(`${self}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );
  if (!up) console.warn(`note: no Mulin server answers at ${self}; in sandbox mode its WeChat sandbox is unreachable, so sends will fail`);
  return sandboxSettings(loadOrCreateSandboxCredentials(config.dataDir), `${self}/sandbox`, self);
}

/** `npm run job -- <name>`: runs one scheduled job once, for the current minute, and prints what it did. */
async function run(): Promise<number> {
  const name = process.argv[2];
  const job = name ? jobNamed(name) : undefined;
  if (!job) {
    console.error(name ? `Unknown job "${name}".\n\n${USAGE}` : USAGE);
    return 2;
  }
  const config = configFromEnvironment();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const db = await openDatabase(config.database, logger);
  try {
    const services = buildServices({ config, db, clock: systemClock, logger, wechat: await wechatFor(config), idHashKey: idHashKeyFor(config) });
    const { runner } = buildScheduling(services, { instance: `cli:${instanceName()}`.slice(0, 64), jobs: [job] });
    const tick = new Date(Math.floor(systemClock.now().getTime() / MINUTE) * MINUTE);
    const r = await runner.run(job, tick, 'manual');
    const took = r.finishedAt.getTime() - r.startedAt.getTime();
    if (r.error !== null) {
      console.error(`${job.name} failed for ${tick.toISOString()} after ${took} ms (run #${r.runId ?? '?'}): ${r.error}`);
      return 1;
    }
    console.log(`${job.name} ran for ${tick.toISOString()} in ${took} ms (run #${r.runId}): ${r.processed} processed`);
    return 0;
  } finally {
    await db.ds.destroy();
  }
}

run().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : `npm run job failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
