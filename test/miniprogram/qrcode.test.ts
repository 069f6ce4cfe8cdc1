import { qrMatrix } from '../../miniprogram/utils/qrcode';
import { decodeMatrix as decode } from './qr-read';

// What utils/qrcode.ts draws (qrcode-generator underneath) is checked by an independent decoder (jsQR).
describe('the check-in QR code', () => {
  test('booking codes decode to themselves, at version 1 (21 × 21, few enough views for the page)', () => {
    for (const code of ['2HR44V2FJW', 'A1B2C3D4E5', 'ZZZZZZZZZZ', '0000000000']) {
      const m = qrMatrix(code);
      expect(m).toHaveLength(21);
      expect(m.every((row) => row.length === 21)).toBe(true);
      expect(decode(m)).toBe(code);
    }
  });

  test('longer text picks a larger version, with several blocks and the version field (v7+), and UTF-8', () => {
    const cases = ['https://mulin.example.cn/b/2HR44V2FJW', '睦邻 · 嘉新社区居家养老服务照料中心 · 午餐', 'x'.repeat(150), 'y'.repeat(210)];
    for (const text of cases) {
      const m = qrMatrix(text);
      expect(decode(m)).toBe(text);
    }
    expect(qrMatrix('x'.repeat(150)).length).toBeGreaterThanOrEqual(45); // version 7 or more
  });

  test('text no QR code holds is an Error, not a string thrown by the library', () => {
    expect(() => qrMatrix('x'.repeat(3000))).toThrow(/too long for a QR code/);
  });
});
