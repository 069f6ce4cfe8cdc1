import { qrMatrix } from '../../miniprogram/utils/qrcode';
import { decodeMatrix as decode } from './qr-read';

// The encoder's output is checked by an independent decoder (jsQR), not against itself.
describe('the check-in QR code', () => {
  test('booking codes decode to themselves, at version 1 (21 × 21)', () => {
    for (const code of ['2HR44V2FJW', 'A1B2C3D4E5', 'ZZZZZZZZZZ', '0000000000']) {
      const m = qrMatrix(code);
      expect(m).toHaveLength(21);
      expect(decode(m)).toBe(code);
    }
  });

  test('every mask pattern gives a readable code', () => {
    for (let mask = 0; mask < 8; mask++) expect([mask, decode(qrMatrix('2HR44V2FJW', mask))]).toEqual([mask, '2HR44V2FJW']);
  });

  test('longer text picks a larger version, with several blocks and the version field (v7+), and UTF-8', () => {
    const cases = ['https://mulin.example.cn/b/2HR44V2FJW', '睦邻 · 嘉新社区居家养老服务照料中心 · 午餐', 'x'.repeat(150), 'y'.repeat(210)];
    for (const text of cases) {
      const m = qrMatrix(text);
      expect(decode(m)).toBe(text);
    }
    expect(qrMatrix('x'.repeat(150)).length).toBeGreaterThanOrEqual(45); // version 7 or more
    expect(() => qrMatrix('x'.repeat(400))).toThrow();
  });
});
