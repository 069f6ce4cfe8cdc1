import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import Koa from 'koa';
import type { Clock } from '../../server/lib/clock';
import { wxapiSandboxRoutes } from '../../server/sandbox/wxapi.routes';
import { WxapiSandbox } from '../../server/sandbox/wxapi.sandbox';
import { generateSandboxCredentials, sandboxSettings, type SandboxCredentials, type WechatSettings } from '../../server/wechat-settings';

export interface WxapiSandboxServer {
  sandbox: WxapiSandbox;
  creds: SandboxCredentials;
  /** Mulin's settings pointing at this sandbox. */
  settings: WechatSettings;
  server: http.Server;
  close(): Promise<void>;
}

/** The WeChat API sandbox alone, mounted at `/sandbox/wxapi` as in Mulin, on an ephemeral port, with fresh credentials. */
export async function startWxapiSandbox(clock: Clock): Promise<WxapiSandboxServer> {
  const creds = generateSandboxCredentials();
  const sandbox = new WxapiSandbox({ creds, clock });
  const root = new Router({ prefix: '/sandbox' });
  const api = wxapiSandboxRoutes(sandbox);
  root.use('/wxapi', api.routes(), api.allowedMethods());
  const app = new Koa();
  app.use(root.routes()).use(root.allowedMethods());
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    sandbox,
    creds,
    settings: sandboxSettings(creds, `http://127.0.0.1:${port}/sandbox`, 'http://127.0.0.1:1'),
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
