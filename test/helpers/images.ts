/** A real 1×1 PNG (a white pixel), as a phone's upload would be an image. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==', 'base64');

/** The first bytes of a JPEG (SOI and an APP0 marker) and some filler: enough for the type check. */
export function fakeJpeg(bytes: number): Buffer {
  const b = Buffer.alloc(bytes, 0x11);
  b.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return b;
}
