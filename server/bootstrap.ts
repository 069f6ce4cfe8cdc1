import fs from 'node:fs';
import path from 'node:path';
import { applyDotEnv, loadConfig, type Config } from './config';

/** Reads `.env` (if present) under the real environment, and validates it: the one read of process.env. */
export function configFromEnvironment(): Config {
  const envFile = path.resolve('.env');
  if (fs.existsSync(envFile)) applyDotEnv(fs.readFileSync(envFile, 'utf8'), process.env);
  return loadConfig(process.env);
}
