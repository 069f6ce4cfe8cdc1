import { randomBytes, randomInt } from 'node:crypto';

// No 0/O, 1/I/L: booking codes are read aloud and typed at the counter as well as scanned.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function bookingCode(length = 10): string {
  let s = '';
  for (let i = 0; i < length; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

export function sixDigitCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function sessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A merchant order or refund number: prefix, the Shanghai day it was made (so people can read when), and 16
 * random digits. 2 + 8 + 16 = 26 characters, inside WeChat Pay's 6–32 (orders) and 1–64 (refunds), all [0-9A-Z].
 */
export function merchantNumber(prefix: 'MP' | 'MR', shanghaiDay: string): string {
  let digits = '';
  for (let i = 0; i < 16; i++) digits += String(randomInt(10));
  return `${prefix}${shanghaiDay.replace(/-/g, '')}${digits}`;
}

// Letters and digits that cannot be mistaken for each other when read off a screen or a slip of paper.
const PASSWORD_LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz';
const PASSWORD_DIGITS = '23456789';

/** A password handed out once (a new console account, a reset): 12 characters, letters and digits both present. */
export function oneTimePassword(length = 12): string {
  const all = PASSWORD_LETTERS + PASSWORD_DIGITS;
  for (;;) {
    let s = '';
    for (let i = 0; i < length; i++) s += all[randomInt(all.length)];
    if (/[A-Za-z]/.test(s) && /\d/.test(s)) return s;
  }
}
