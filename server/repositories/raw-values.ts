/**
 * Values of hand-written aggregate queries, read the same on both drivers: mysql2 gives a DATE column as a Date at
 * UTC midnight (the pool's timezone is 'Z') and a SUM as a decimal string; better-sqlite3 gives text and numbers.
 */
export function dayValue(v: unknown): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
}

export function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}
