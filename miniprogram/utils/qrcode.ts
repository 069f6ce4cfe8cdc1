/**
 * A booking's check-in code as QR modules, for the detail page to draw with plain views (no canvas) and the
 * centre's wx.scanCode to read. The encoding is qrcode-generator's, vendored (vendor/qrcode-generator/README.md).
 */
// The vendored file is CommonJS (`module.exports = qrcode`), which `import =` is TypeScript's way to take.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import qrcode = require('../vendor/qrcode-generator/qrcode');

// Byte mode as UTF-8, as the package's own qrcode_UTF8.js does: its default keeps only the low byte of each
// character. Nothing else in the mini-program uses the library.
qrcode.stringToBytes = qrcode.stringToBytesFuncs['UTF-8'];

export type QrMatrix = boolean[][];

/**
 * The modules of a QR code for `text` (true = dark), rows top to bottom, without the quiet zone: byte mode, error
 * correction level M, the smallest version that holds the text (a 10-character booking code fits version 1).
 */
export function qrMatrix(text: string): QrMatrix {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  try {
    qr.make();
  } catch (err) {
    // The library throws a string ("code length overflow. (…)") when nothing up to version 40 holds the text.
    throw new Error(`text too long for a QR code: ${String(err)}`);
  }
  const size = qr.getModuleCount();
  return Array.from({ length: size }, (_, row) => Array.from({ length: size }, (_, col) => qr.isDark(row, col)));
}
