import { categoriesHeldOn, type Senior, type VisitRule } from '../../../entities';
import { ageOn } from '../../lib/time';

/** With no rule saying otherwise, a senior living alone not heard from for this many days raises a 关爱 check. */
export const DEFAULT_SILENCE_DAYS = 7;

export interface CarePlan {
  /** The rule with the shortest interval (null: no rule covers the senior, no visits are planned). */
  ruleId: number | null;
  intervalDays: number | null;
  silenceDays: number;
}

/**
 * What the rules say for one senior on a day: every active rule set for their region (or above it) whose category
 * they hold that day and whose age they have reached counts; the shortest interval and the shortest silence win.
 */
export function planFor(
  rules: readonly VisitRule[],
  senior: Pick<Senior, 'regionPath' | 'birthDate' | 'categories' | 'categoryRecords'>,
  today: string,
): CarePlan {
  const held = new Set(categoriesHeldOn(senior, today));
  const age = ageOn(senior.birthDate, today);
  let best: VisitRule | null = null;
  let silence: number | null = null;
  for (const r of rules) {
    if (!r.active || !senior.regionPath.startsWith(r.regionPath) || !held.has(r.category) || age < r.minAge) continue;
    if (!best || r.intervalDays < best.intervalDays) best = r;
    if (r.silenceDays !== null && (silence === null || r.silenceDays < silence)) silence = r.silenceDays;
  }
  return { ruleId: best?.id ?? null, intervalDays: best?.intervalDays ?? null, silenceDays: silence ?? DEFAULT_SILENCE_DAYS };
}
