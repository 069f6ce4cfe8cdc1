import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

/** An upload kept in a temporary file (mode 0600) until `dispose()`: read it as many times as needed, in constant memory. */
export interface SpooledUpload {
  path: string;
  bytes: number;
  /** The first bytes (up to 8), to tell a zip (xlsx) from text. */
  head: Buffer;
  dispose(): Promise<void>;
}

export class UploadTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`upload larger than ${maxBytes} bytes`);
    this.name = 'UploadTooLargeError';
  }
}

/** Streams `source` into a fresh temporary file, stopping with UploadTooLargeError past `maxBytes`. */
export async function spoolToTempFile(source: Readable, maxBytes: number, dir = os.tmpdir()): Promise<SpooledUpload> {
  const file = path.join(dir, `mulin-upload-${process.pid}-${randomBytes(8).toString('hex')}`);
  let bytes = 0;
  const heads: Buffer[] = [];
  let headBytes = 0;
  const dispose = () => fs.promises.rm(file, { force: true });
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(new UploadTooLargeError(maxBytes));
      if (headBytes < 8) {
        heads.push(chunk.subarray(0, 8 - headBytes));
        headBytes += Math.min(chunk.length, 8 - headBytes);
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, counter, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    await dispose();
    // Drain the rest of the request, so that the client reads our answer instead of a reset connection.
    if (err instanceof UploadTooLargeError) source.resume();
    throw err;
  }
  return { path: file, bytes, head: Buffer.concat(heads), dispose };
}

/**
 * Values written one JSON line each to a temporary file (mode 0600) and read back in order: a second pass over
 * something read once (an upload's rows) without keeping it in memory.
 */
export class JsonLinesSpool<T> {
  private readonly out: fs.WriteStream;
  /** The stream's first error (a full disk), thrown by the next write or close; after dispose(), only kept. */
  private failed: Error | null = null;

  constructor(readonly path: string) {
    this.out = fs.createWriteStream(path, { mode: 0o600 });
    this.out.on('error', (err) => (this.failed ??= err));
  }

  async write(value: T): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.out.write(`${JSON.stringify(value)}\n`)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.out.end(() => resolve()));
    if (this.failed) throw this.failed;
  }

  async *read(): AsyncGenerator<T> {
    const lines = readline.createInterface({ input: fs.createReadStream(this.path, { highWaterMark: 256 * 1024 }), crlfDelay: Infinity });
    for await (const line of lines) if (line !== '') yield JSON.parse(line) as T;
  }

  /** Stops writing (a write still on its way fails quietly) and deletes the file. */
  async dispose(): Promise<void> {
    this.out.destroy();
    await fs.promises.rm(this.path, { force: true });
  }
}
