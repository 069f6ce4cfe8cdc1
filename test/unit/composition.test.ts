import 'reflect-metadata';
import pino from 'pino';
import supertest from 'supertest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { buildServices } from '../../server/container';
import { openDatabase } from '../../server/db/open';
import { FakeClock } from '../../server/lib/clock';
import { realSettings } from '../../server/wechat-settings';

/** Real credentials for only part of WeChat: the server must still start and serve what is configured. */
test('a mini-program-only deployment (no public account, no WeChat Pay) starts: no /wechat, no pay gateway', async () => {
  const config = loadConfig({
    WECHAT_MINI_APPID: 'wx0123456789',
    WECHAT_MINI_SECRET: 'secret',
    PUBLIC_BASE_URL: 'https://mulin.example.org',
    MULIN_ID_HASH_KEY: 'a-test-key-of-at-least-32-characters-long',
    LOG_LEVEL: 'silent',
  });
  expect(config.sandbox).toBe(false);
  const db = await openDatabase({ kind: 'sqlite', file: ':memory:' });
  try {
    const services = buildServices({
      config,
      db,
      clock: new FakeClock('2026-12-01T00:30:00Z'),
      logger: pino({ level: 'silent' }),
      wechat: realSettings(config),
    });
    expect(services.pay).toBeNull();
    const http = supertest(createApp(services).callback());
    expect((await http.get('/healthz')).body).toMatchObject({ status: 'ok', sandbox: false });
    expect((await http.post('/wechat').send('<xml/>')).status).toBe(404);
    expect((await http.get('/sandbox/chat')).status).toBe(404);
  } finally {
    await db.ds.destroy();
  }
});
