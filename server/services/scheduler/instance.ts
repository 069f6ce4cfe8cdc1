import { randomBytes } from 'node:crypto';
import os from 'node:os';

/** How this process appears in the run records and coordinator rows: host, pid, and a nonce for restarts. */
export function instanceName(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`.slice(0, 64);
}
