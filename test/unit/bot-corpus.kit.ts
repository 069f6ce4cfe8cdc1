import type { DangerKind, Delivery, Intent, Meal, VisitKind } from '../../server/language/understand';

/**
 * What every corpus file shares: the moment the cases are read at, the days they name, and the shape of a case.
 *
 * Every case is read at NOW: Tuesday 2026-12-01, 08:30 in Shanghai.
 * A weekday named without 这/下 is the next such day with today included, so "星期二" said on a Tuesday morning
 * is today: someone who means next week says 下周二, and the bot reads the date back before booking anyway.
 */
export const NOW = new Date('2026-12-01T00:30:00.000Z');

export const TODAY = '2026-12-01'; // Tue
export const TOMORROW = '2026-12-02'; // Wed
export const AFTER = '2026-12-03'; // Thu, 后天
export const AFTER3 = '2026-12-04'; // Fri, 大后天
export const SAT = '2026-12-05';
export const SUN = '2026-12-06';
export const NEXT_MON = '2026-12-07';
export const NEXT_TUE = '2026-12-08';
export const NEXT_WED = '2026-12-09';

export interface Expected {
  date?: string;
  meal?: Meal;
  quantity?: number;
  delivery?: Delivery;
  /** Compared as a set. */
  diet?: string[];
  visitKind?: VisitKind;
  choice?: number;
  score?: number;
  code?: string;
  forWhom?: string;
  service?: 'meal' | 'bath' | 'visit';
  /** For emergencies: clear (act at once) or unsure (ask first). */
  sure?: boolean;
  danger?: DangerKind;
}

export interface Case {
  text: string;
  intent: Intent;
  /** Only the slots listed are checked; a slot listed as undefined must be absent. */
  slots: Expected;
  /** Another intent that is as right (a few messages are genuinely two-way; never an offer). */
  alt?: Intent;
}

export const c = (text: string, intent: Intent, slots: Expected = {}, alt?: Intent): Case => (alt ? { text, intent, slots, alt } : { text, intent, slots });
