import { createHash } from 'node:crypto';
import { hashIdNumber, normalizeIdNumber, readIdNumber } from '../../server/lib/id-card';
import { normalizePhone } from '../../server/lib/phone';
import { idNumber } from '../helpers/id-numbers';

const TODAY = '2026-12-01';

describe('ID numbers (GB 11643-1999)', () => {
  test('the standard example reads: birth date, gender from the 17th digit, last four', () => {
    expect(readIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      facts: { number: '11010519491231002X', birthDate: '1949-12-31', gender: 'female', last4: '002X' },
    });
    expect(readIdNumber(idNumber('1940-03-12', 13), TODAY)).toMatchObject({ ok: true, facts: { gender: 'male', birthDate: '1940-03-12' } });
  });

  test('spaces, full-width digits and a small x are what people type', () => {
    expect(normalizeIdNumber(' １１０１０５ 19491231002x ')).toBe('11010519491231002X');
    expect(readIdNumber('110105 1949 1231 002x', TODAY).ok).toBe(true);
  });

  test('a wrong check character, length, character or birth date is refused, each for its own reason', () => {
    expect(readIdNumber('110105194912310021', TODAY)).toEqual({ ok: false, problem: 'checksum' });
    expect(readIdNumber('110105491231002', TODAY)).toEqual({ ok: false, problem: 'length' });
    expect(readIdNumber('1101051949123100AX', TODAY)).toEqual({ ok: false, problem: 'characters' });
    // 1949-13-31 does not exist; a birth after today is not a person yet.
    const bad = '110105194913310021';
    expect(readIdNumber(bad.slice(0, 17) + 'X', TODAY)).toEqual({ ok: false, problem: 'birth_date' });
    expect(readIdNumber(idNumber('2027-01-01', 1), TODAY)).toEqual({ ok: false, problem: 'birth_date' });
  });

  test('the keyed hash: the same number gives the same hash under one key, another under another key, and is no plain hash', () => {
    const n = idNumber('1940-03-12', 13);
    const a = hashIdNumber('key-one', n);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hashIdNumber('key-one', n.toLowerCase())).toBe(a);
    expect(hashIdNumber('key-two', n)).not.toBe(a);
    expect(a).not.toBe(createHash('sha256').update(n).digest('hex'));
  });

  test('phones: mobiles lose spaces, dashes and +86; landlines keep their area code; anything else is refused', () => {
    expect(normalizePhone('138 1234 5678')).toBe('13812345678');
    expect(normalizePhone('+86 138-1234-5678')).toBe('13812345678');
    expect(normalizePhone('0571-87654321')).toBe('0571-87654321');
    expect(normalizePhone('12345')).toBeNull();
    expect(normalizePhone('23812345678')).toBeNull();
  });
});
