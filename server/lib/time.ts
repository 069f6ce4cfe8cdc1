/**
 * Mulin stores instants in UTC and reasons about service days in Asia/Shanghai. China has kept UTC+8 with no
 * daylight saving since 1991, so a fixed offset is exact and far cheaper than Intl on hot paths.
 */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** The Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(instant: Date): string {
  const d = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The Shanghai wall-clock time (HH:mm) of an instant. */
export function shanghaiTime(instant: Date): string {
  const d = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "2026-11-25 11:00" in Shanghai, for people. */
export function shanghaiDateTime(instant: Date): string {
  return `${shanghaiDate(instant)} ${shanghaiTime(instant)}`;
}

export function isDateString(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** The instant at which a Shanghai wall-clock time happens on a Shanghai date. */
export function shanghaiInstant(date: string, time = '00:00'): Date {
  const dm = DATE_RE.exec(date);
  const tm = TIME_RE.exec(time);
  if (!dm || !tm) throw new RangeError(`not a Shanghai date/time: ${date} ${time}`);
  return new Date(Date.UTC(+dm[1], +dm[2] - 1, +dm[3], +tm[1], +tm[2]) - SHANGHAI_OFFSET_MS);
}

export function addDays(date: string, days: number): string {
  const dm = DATE_RE.exec(date);
  if (!dm) throw new RangeError(`not a date: ${date}`);
  const d = new Date(Date.UTC(+dm[1], +dm[2] - 1, +dm[3] + days));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const monthRanges = new Map<string, Readonly<{ first: string; last: string }>>();

/** First and last day (inclusive) of the month a date falls in (kept per month: every quote asks, twice). */
export function monthRange(date: string): Readonly<{ first: string; last: string }> {
  const month = date.slice(0, 7);
  let range = monthRanges.get(month);
  if (!range) {
    const first = `${month}-01`;
    range = Object.freeze({ first, last: addDays(addDays(first, 32).slice(0, 7) + '-01', -1) });
    if (monthRanges.size >= 1200) monthRanges.clear(); // a century of months: never in practice
    monthRanges.set(month, range);
  }
  return range;
}

/** Day of week of a date, 1 = Monday … 7 = Sunday (the Chinese week). */
export function isoWeekday(date: string): number {
  const dm = DATE_RE.exec(date)!;
  const wd = new Date(Date.UTC(+dm[1], +dm[2] - 1, +dm[3])).getUTCDay();
  return wd === 0 ? 7 : wd;
}

/** Whole years between a birth date and a day (both YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
