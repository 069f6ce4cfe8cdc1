import type { PasswordProblem } from '../../words/accounts';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 64;

/**
 * Passwords people pick first and attackers try first (the usual top of leaked-password lists, Chinese ones
 * included), compared case-insensitively. Not a full list: length and the letter-and-digit rule do most of the work.
 */
const COMMON = new Set([
  'password1',
  'password123',
  'passw0rd',
  'a1234567',
  'a12345678',
  'aa123456',
  'abc12345',
  'abc123456',
  'abcd1234',
  'qwer1234',
  'qwerty123',
  '1qaz2wsx',
  '1q2w3e4r',
  'q1w2e3r4',
  'zxcv1234',
  'asdf1234',
  '12345678a',
  '123456abc',
  '123456qwe',
  'woaini1314',
  'woaini520',
  'admin123',
  'admin1234',
  'admin888',
  'mulin123',
  'mulin1234',
]);

/**
 * What is wrong with a password someone chose for themselves, or null when it will do: 8–64 characters with both
 * letters and digits, not a well-known one, not the username in another dress.
 */
export function passwordProblem(password: string, username: string | null): PasswordProblem | null {
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) return 'short';
  if (chars.length > PASSWORD_MAX_LENGTH) return 'long';
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) return 'letterAndDigit';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'common';
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) return 'username';
  return null;
}
