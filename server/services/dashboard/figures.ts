import { SENIOR_CATEGORIES, type SeniorCategory } from '../../../entities';
import type { Interval, SeniorBucket } from '../../contracts/dashboard-types';
import { AppError } from '../../errors';
import { addDays, ageOn, isoWeekday } from '../../lib/time';
import type { DashboardRepository, DayStat, DayStatFilter } from '../../repositories/dashboard.repository';
import { ERROR_MESSAGES } from '../../words/errors';

/** The longest range one dashboard answer covers. */
export const MAX_RANGE_DAYS = 366;

export function checkRange(from: string, to: string): void {
  if (to < from) throw new AppError('DATE_RANGE_REVERSED', undefined, { fields: { to: 'before from' } });
  if (to > addDays(from, MAX_RANGE_DAYS - 1)) {
    throw new AppError('DATE_RANGE_TOO_LONG', ERROR_MESSAGES.DATE_RANGE_TOO_LONG(MAX_RANGE_DAYS), { fields: { to: 'range too long' } });
  }
}

export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

/** The first day of the bucket a day falls in: itself, its week's Monday, or its month's first. */
export function bucketOf(day: string, interval: Interval): string {
  if (interval === 'day') return day;
  if (interval === 'week') return addDays(day, 1 - isoWeekday(day));
  return `${day.slice(0, 7)}-01`;
}

export function bucketsBetween(from: string, to: string, interval: Interval): string[] {
  return [...new Set(daysBetween(from, to).map((d) => bucketOf(d, interval)))];
}

/** A share to four places, or null when there is nothing to divide by. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

/** The p-th percentile (nearest rank) of sorted numbers, or null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The day sums of the centres from `from` to `to`: from the roll-up for the days it holds, counted from the bookings
 * for the rest (today and later, and any day the job has not reached), so an answer is never older than its data.
 */
export async function dayStats(
  repo: DashboardRepository,
  from: string,
  to: string,
  centreIds: number[],
  only: DayStatFilter = {},
  covered?: Coverage,
): Promise<{ stats: DayStat[]; rolledUpThrough: string | null }> {
  const { rolled, ranges, rolledUpThrough } = covered ?? (await coverage(repo, from, to));
  const [stored, ...live] = await Promise.all([
    rolled ? repo.rolledDayStats(from, to, centreIds, only) : Promise.resolve([]),
    ...ranges.map(([a, b]) => repo.liveDayStats(a, b, centreIds, only)),
  ]);
  return { stats: [...stored, ...live.flat()], rolledUpThrough };
}

export interface Coverage {
  rolled: boolean;
  ranges: Array<[string, string]>;
  rolledUpThrough: string | null;
}

/**
 * Which days between `from` and `to` the roll-up holds (the job marks a day in the transaction that writes its
 * rows, so a day's rows are there exactly when it is marked), and the ranges of the others, to count live.
 */
export async function coverage(repo: DashboardRepository, from: string, to: string): Promise<Coverage> {
  const marked = await repo.rolled('day', from, to);
  const missing = daysBetween(from, to).filter((d) => !marked.has(d));
  const ranges: Array<[string, string]> = [];
  for (const d of missing) {
    const last = ranges[ranges.length - 1];
    if (last && addDays(last[1], 1) === d) last[1] = d;
    else ranges.push([d, d]);
  }
  // Holes are rare (the job rolls every ended day). Many of them are counted in one query over their span, which
  // then also counts rolled days inside it: such a span is counted live whole and the roll-up is not read.
  if (ranges.length > 4) return { rolled: false, ranges: [[from, to]], rolledUpThrough: null };
  const days = [...marked.keys()].sort();
  return { rolled: marked.size > 0, ranges, rolledUpThrough: days.length > 0 ? days[days.length - 1] : null };
}

/**
 * The buckets seniors are counted in: each registry category, then 高龄 and 失能 (once each). The registry's recorded
 * 高龄 category (`very_old`) is counted in 高龄 with those whose birth date says so, not as a bucket of its own.
 */
export const SENIOR_BUCKETS: SeniorBucket[] = [...new Set<SeniorBucket>([...SENIOR_CATEGORIES.filter((c) => c !== 'very_old'), 'oldest_old', 'disabled'])];

/** 80 and over (高龄), by birth date on the day counted. */
export const OLDEST_OLD_AGE = 80;
/** 失能: an ability assessment of level 1 (轻度失能) or worse (GB/T 42195-2022, 0 = intact … 4 = fully disabled). */
export const DISABLED_LEVEL = 1;

/** How many of these seniors fall in each bucket (one senior in several), and 'all'. */
export function bucketCounts(
  seniors: Iterable<{ birthDate: string; categories: SeniorCategory[]; abilityLevel: number }>,
  ageDay: string,
): Map<string, number> {
  const counts = new Map<string, number>([['all', 0], ...SENIOR_BUCKETS.map((b) => [b, 0] as [string, number])]);
  const add = (b: string) => counts.set(b, counts.get(b)! + 1);
  for (const s of seniors) {
    add('all');
    const held = new Set<string>(s.categories);
    if (held.has('very_old') || ageOn(s.birthDate, ageDay) >= OLDEST_OLD_AGE) held.add('oldest_old');
    if (s.abilityLevel >= DISABLED_LEVEL) held.add('disabled');
    for (const b of held) if (counts.has(b)) add(b);
  }
  return counts;
}

/** "/1/4/9/" → ["/1/", "/1/4/", "/1/4/9/"]. */
export function pathsAbove(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}
