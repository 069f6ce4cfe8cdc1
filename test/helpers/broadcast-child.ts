/**
 * A broadcast sender in its own process, for the kill test (test/db/broadcast-kill.test.ts): Mulin's own services
 * on the test's MariaDB database, its WeChat gateway pointed at the test's sandbox, sending until nothing is left
 * — unless the test kills it first. Its clock stands still at MULIN_TEST_NOW, as the test's does.
 */
import 'reflect-metadata';
import pino from 'pino';
import { loadConfig } from '../../server/config';
import { buildServices } from '../../server/container';
import { openDatabase } from '../../server/db/open';
import { FakeClock } from '../../server/lib/clock';
import type { WechatSettings } from '../../server/wechat-settings';

async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: process.env.DATABASE_URL });
  const db = await openDatabase(config.database);
  const wechat = JSON.parse(process.env.MULIN_TEST_WECHAT ?? '') as WechatSettings;
  const services = buildServices({
    config,
    db,
    clock: new FakeClock(process.env.MULIN_TEST_NOW ?? ''),
    logger: pino({ level: 'silent' }),
    wechat,
    broadcast: { batchSize: 200, sleep: async () => undefined },
  });
  process.send?.('ready');
  for (;;) {
    const settled = await services.broadcasts.sendBatch();
    process.send?.({ settled });
    if (settled === 0) break;
  }
  await db.ds.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
