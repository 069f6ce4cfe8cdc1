import type { Readable } from 'node:stream';
import { UploadTooLargeError } from './upload';

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/**
 * What the bytes are, by their magic numbers (never by what the sender says): JPEG (FF D8 FF), PNG (89 50 4E 47 0D
 * 0A 1A 0A) or WebP (RIFF….WEBP); null for anything else.
 */
export function imageTypeOf(bytes: Buffer): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** Reads a whole (small) body into memory, stopping with UploadTooLargeError past `maxBytes` (the rest is drained). */
export async function readLimited(source: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of source) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    bytes += b.length;
    if (bytes > maxBytes) {
      // Drain the rest, so that the client reads our answer instead of a reset connection.
      source.resume();
      throw new UploadTooLargeError(maxBytes);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}
