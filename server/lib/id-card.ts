import { createHmac } from 'node:crypto';
import { isDateString } from './time';

/**
 * The 18-character resident ID number (公民身份号码, GB 11643-1999): 6 digits of place, 8 of birth date, 3 of
 * sequence (odd for men, even for women) and a check character (ISO 7064 MOD 11-2, 0–9 or X).
 *
 * Mulin never stores the number: it checks it, takes the last four characters for people to read and a keyed hash
 * (HMAC-SHA256) to find one person registered twice. Without the key the hash cannot be tested against guesses
 * (the numbers are few enough that a plain hash could be reversed by trying them all).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type IdNumberProblem = 'length' | 'characters' | 'birth_date' | 'checksum';

export interface IdNumberFacts {
  /** The number as checked: upper-case X, no spaces. */
  number: string;
  birthDate: string;
  gender: 'female' | 'male';
  last4: string;
}

/** Spaces gone, full-width digits and X made ASCII, x made X (people type all of these). */
export function normalizeIdNumber(raw: string): string {
  return raw
    .replace(/[\s\u3000]/g, '')
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[xX\uFF38\uFF58]/g, 'X');
}

/** The check character the first 17 digits call for. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/** What the number says (birth date, gender, last four), or what is wrong with it. `today` bounds the birth date. */
export function readIdNumber(raw: string, today: string): { ok: true; facts: IdNumberFacts } | { ok: false; problem: IdNumberProblem } {
  const n = normalizeIdNumber(raw);
  if (n.length !== 18) return { ok: false, problem: 'length' };
  if (!/^\d{17}[\dX]$/.test(n)) return { ok: false, problem: 'characters' };
  const birthDate = `${n.slice(6, 10)}-${n.slice(10, 12)}-${n.slice(12, 14)}`;
  if (!isDateString(birthDate) || birthDate > today || birthDate < '1890-01-01') return { ok: false, problem: 'birth_date' };
  if (idCheckCharacter(n) !== n[17]) return { ok: false, problem: 'checksum' };
  return { ok: true, facts: { number: n, birthDate, gender: Number(n[16]) % 2 === 1 ? 'male' : 'female', last4: n.slice(14) } };
}

/** HMAC-SHA256 of the checked number under `key`, hex: equal numbers, equal hashes; nothing else to read. */
export function hashIdNumber(key: string, number: string): string {
  return createHmac('sha256', key).update(normalizeIdNumber(number), 'utf8').digest('hex');
}
