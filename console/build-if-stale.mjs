// Builds the console (console/dist) before `npm start` when it is missing or older than its sources, so a fresh
// clone's `npm install && npm start` serves it and an ordinary start stays fast. Also used by the browser tests.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const built = path.join(here, 'dist', 'index.html');

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return fs.readdirSync(p).reduce((m, name) => Math.max(m, newest(path.join(p, name))), st.mtimeMs);
}

// The console also imports the server's shared declarations and words (server/contracts, server/words).
const sources = [
  ...['src', 'index.html', 'vite.config.mts', 'tsconfig.json'].map((f) => path.join(here, f)),
  ...['contracts', 'words'].map((f) => path.join(here, '..', 'server', f)),
];
const stale = !fs.existsSync(built) || newest(built) < Math.max(...sources.map(newest));
if (stale) {
  console.log('building the web console (console/dist)…');
  const vite = path.join(here, '..', 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', path.join(here, 'vite.config.mts'), '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd: path.join(here, '..'),
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
