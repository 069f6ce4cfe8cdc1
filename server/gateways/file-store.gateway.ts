import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Where uploaded files (visit photos) are kept. Mulin asks for a key on put and the bytes back on get; whether they
 * sit on a local disk or in an object store is this gateway's business alone. Keys are opaque to callers.
 */
export interface FileStore {
  /** Stores the bytes and answers the key to read them back by. */
  put(bytes: Buffer, contentType: string): Promise<string>;
  /** The bytes under `key`, or null when there are none (deleted, or a key that was never ours). */
  get(key: string): Promise<Buffer | null>;
  /** Deletes the file under `key`; a key with no file is no error (a purge rerun). */
  delete(key: string): Promise<void>;
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
/** Two hex characters of sharding, 32 of random name, and an extension: nothing a caller could steer out of `dir`. */
const KEY = /^([0-9a-f]{2})\/[0-9a-f]{32}\.(jpg|png|webp|bin)$/;

/** Local files under one directory (MULIN_FILES_DIR, by default MULIN_DATA_DIR/files), mode 0600, 256 subfolders. */
export class LocalFileStore implements FileStore {
  constructor(
    private readonly dir: string,
    /** A last line of defence: the service checks sizes first and says so in Chinese. */
    private readonly maxBytes = 5 * 1024 * 1024,
  ) {}

  async put(bytes: Buffer, contentType: string): Promise<string> {
    if (bytes.length > this.maxBytes) throw new Error(`file of ${bytes.length} bytes is over the store's ${this.maxBytes}`);
    const name = randomBytes(16).toString('hex');
    const key = `${name.slice(0, 2)}/${name}.${EXTENSIONS[contentType] ?? 'bin'}`;
    const file = this.fileOf(key)!;
    await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': a new file or nothing (a random name that already exists would be a bug, never overwritten).
    await fs.promises.writeFile(file, bytes, { mode: 0o600, flag: 'wx' });
    return key;
  }

  async get(key: string): Promise<Buffer | null> {
    const file = this.fileOf(key);
    if (!file) return null;
    try {
      return await fs.promises.readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.fileOf(key);
    if (file) await fs.promises.rm(file, { force: true });
  }

  private fileOf(key: string): string | null {
    return KEY.test(key) ? path.join(this.dir, ...key.split('/')) : null;
  }
}
