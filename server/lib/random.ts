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
