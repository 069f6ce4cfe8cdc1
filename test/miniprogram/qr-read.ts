import jsQR from 'jsqr';
import type { QrMatrix } from '../../miniprogram/utils/qrcode';
import type { PageHandle } from './runtime';

/** The matrix as a picture (scale pixels per module, a 4-module quiet zone), the way a camera would see it. */
export function rasterize(m: QrMatrix, scale = 4): { data: Uint8ClampedArray; width: number; height: number } {
  const size = (m.length + 8) * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  m.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const p = (((y + 4) * scale + dy) * size + (x + 4) * scale + dx) * 4;
          data[p] = data[p + 1] = data[p + 2] = 0;
        }
      }
    }),
  );
  return { data, width: size, height: size };
}

/** Decodes a matrix with jsQR, an independent decoder. */
export function decodeMatrix(m: QrMatrix): string | undefined {
  const img = rasterize(m);
  return jsQR(img.data, img.width, img.height)?.data;
}

/**
 * Reads the QR code a page shows: the rendered cells, dark where the computed background is black (what the
 * camera sees), decoded with jsQR.
 */
export function readQrOnPage(page: PageHandle, selector = '#qr'): string | undefined {
  const rows = [...page.el(selector).children].map((row) => [...row.children].map((cell) => getComputedStyle(cell).backgroundColor === 'rgb(0, 0, 0)'));
  return decodeMatrix(rows);
}
