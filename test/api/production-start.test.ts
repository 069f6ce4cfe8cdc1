import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/config';

// Issue 20: a production deployment that forgot its WeChat credentials fell into sandbox mode, where anyone signs in
// as demo staff without a password and /sandbox lists users and pay orders. In production Mulin now starts only with
// real credentials, or with MULIN_SANDBOX=1, which the banner and /healthz then state loudly.

const ROOT = path.resolve(__dirname, '../..');

interface Started {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `server/main.ts` as `npm start` does, in an empty directory (no .env) with only the variables given, and
 * calls `whileUp` once the banner is printed (or not, if it exits first); then stops it with SIGTERM.
 */
function startMulin(env: Record<string, string>, whileUp?: (out: string) => Promise<void>): Promise<Started & { checked: Promise<void> | null }> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mulin-start-'));
  const child = spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), path.join(ROOT, 'server/main.ts')], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
      MULIN_DATA_DIR: path.join(cwd, 'data'),
      MULIN_JOBS: 'none',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  let checked: Promise<void> | null = null;
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => {
    stdout += d;
    if (!checked && /is up on http/.test(stdout) && whileUp) {
      checked = whileUp(stdout).finally(() => child.kill('SIGTERM'));
      checked.catch(() => undefined);
    }
  });
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      fs.rmSync(cwd, { recursive: true, force: true });
      resolve({ code, stdout, stderr, checked });
    });
  });
}

describe('starting in production', () => {
  test('without WeChat credentials it refuses to start, naming the switch', async () => {
    const r = await startMulin({ NODE_ENV: 'production', PORT: String(await freePort()) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('NODE_ENV=production needs real WeChat credentials');
    expect(r.stderr).toContain('MULIN_SANDBOX=1');
    expect(r.stdout).not.toContain('is up on');
  }, 60_000);

  test('with MULIN_SANDBOX=1 it starts, and the banner and /healthz say loudly that this is the sandbox', async () => {
    const port = await freePort();
    let health: { status: number; body: Record<string, unknown> } | undefined;
    const r = await startMulin({ NODE_ENV: 'production', MULIN_SANDBOX: '1', PORT: String(port), LOG_LEVEL: 'silent' }, async () => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      health = { status: res.status, body: (await res.json()) as Record<string, unknown> };
    });
    await r.checked;
    expect(r.stdout).toContain('!!! SANDBOX MODE IN PRODUCTION (MULIN_SANDBOX=1)');
    expect(health).toEqual({
      status: 200,
      body: expect.objectContaining({ status: 'ok', sandbox: true, warning: expect.stringContaining('SANDBOX MODE IN PRODUCTION') }),
    });
    // Not filled with the demo district unless asked: no demo staff to sign in as.
    expect(r.stdout).not.toContain('demo-accounts.txt');
    expect(r.code).toBe(0);
  }, 60_000);
});

describe('the configuration behind it', () => {
  const creds = {
    WECHAT_MINI_APPID: 'wx1234',
    WECHAT_MINI_SECRET: 's',
    PUBLIC_BASE_URL: 'https://mulin.example.cn',
    MULIN_ID_HASH_KEY: 'a-test-secret-of-at-least-32-characters-0123',
  };

  test('the sandbox switch and real credentials together are refused; real credentials alone are production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', MULIN_SANDBOX: '1', ...creds })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'development', MULIN_SANDBOX: '1', ...creds })).toThrow(/MULIN_SANDBOX/);
    const real = loadConfig({ NODE_ENV: 'production', ...creds });
    expect(real).toMatchObject({ sandbox: false, sandboxWarning: null, seedDemo: false });
  });

  test('outside production the sandbox needs no switch and carries no warning; the demo is seeded', () => {
    expect(loadConfig({})).toMatchObject({ sandbox: true, sandboxWarning: null, seedDemo: true });
    expect(loadConfig({ NODE_ENV: 'production', MULIN_SANDBOX: '1' })).toMatchObject({ sandbox: true, seedDemo: false });
    expect(loadConfig({ NODE_ENV: 'production', MULIN_SANDBOX: '1', MULIN_SEED_DEMO: 'auto' }).seedDemo).toBe(true);
  });
});
