import { SENIOR_CATEGORIES, type Region, type SeniorCategory } from '../../../entities';
import type { PolicyPreview } from '../../contracts/dashboard-types';
import { addDays, isDateString, monthRange } from '../../lib/time';
import type { PolicyPreviewRepository, PreviewSenior, ServedLine } from '../../repositories/policy-preview.repository';
import { POLICY_TEXTS, seniorCategoryLabel } from '../../words/policies';
import { perPortionFen, seniorQualifies, type PolicyTerms } from '../booking/pricing';

/** The latest birth date of someone who is `minAge` on `day` (looser by a day around 29 February; pricing judges exactly). */
function bornBy(minAge: number | null, day: string): string | null {
  if (minAge === null) return null;
  const candidate = `${Number(day.slice(0, 4)) - minAge}${day.slice(4)}`;
  return isDateString(candidate) ? candidate : `${candidate.slice(0, 4)}-03-01`;
}

/** Seniors who would qualify on `asOf`, judged by the same rule a quote uses. */
export async function qualifyingSeniors(repo: PolicyPreviewRepository, terms: PolicyTerms, asOf: string): Promise<PreviewSenior[]> {
  const candidates = await repo.seniorsIn(terms.regionPath, bornBy(terms.minAge, asOf), terms.minAbilityLevel);
  return candidates.filter((s) => seniorQualifies(terms, s, asOf));
}

/** The last whole calendar month before `today`'s. */
export function lastMonth(today: string): { month: string; first: string; last: string } {
  const range = monthRange(addDays(monthRange(today).first, -1));
  return { month: range.first.slice(0, 7), ...range };
}

/**
 * What `terms` would have paid on last month's served bookings of the seniors who qualify: each line's portions at
 * the policy's rate, with the per-day portion limit (per senior, day and service kind) and the monthly cap (per
 * senior) applied in date order, as pricing applies them to bookings one after the other.
 */
export function simulateCost(terms: PolicyTerms, qualifying: ReadonlySet<number>, lines: readonly ServedLine[]) {
  const counted = lines
    .filter((l) => qualifying.has(l.seniorId) && (terms.serviceKinds.length === 0 || terms.serviceKinds.includes(l.kind)))
    .sort((a, b) => a.seniorId - b.seniorId || (a.serviceDate < b.serviceDate ? -1 : a.serviceDate > b.serviceDate ? 1 : 0));
  const dayPortions = new Map<string, number>();
  const monthFen = new Map<number, number>();
  let estimated = 0;
  let actual = 0;
  let portions = 0;
  for (const l of counted) {
    actual += l.subsidyFen;
    portions += l.quantity;
    const dayKey = `${l.seniorId}|${l.serviceDate}|${l.kind}`;
    const usedToday = dayPortions.get(dayKey) ?? 0;
    const n = terms.maxPerDay === null ? l.quantity : Math.max(0, Math.min(l.quantity, terms.maxPerDay - usedToday));
    let fen = perPortionFen(terms, l.unitPriceFen) * n;
    if (terms.monthlyCapFen !== null) fen = Math.min(fen, Math.max(0, terms.monthlyCapFen - (monthFen.get(l.seniorId) ?? 0)));
    if (fen > 0) {
      dayPortions.set(dayKey, usedToday + n);
      monthFen.set(l.seniorId, (monthFen.get(l.seniorId) ?? 0) + fen);
    }
    estimated += fen;
  }
  return { bookings: counted.length, portions, seniorsServed: new Set(counted.map((l) => l.seniorId)).size, estimatedFen: estimated, actualFen: actual };
}

/** Qualifying seniors counted by category and by the regions one level below the policy's. */
export function countQualifying(seniors: readonly PreviewSenior[], regionPath: string, regionId: number, children: readonly Region[], regionName: string) {
  const byCategory = [...SENIOR_CATEGORIES, 'none' as const].map((category) => ({
    category,
    label: seniorCategoryLabel(category),
    seniors: seniors.filter((s) => (category === 'none' ? s.categories.length === 0 : s.categories.includes(category as SeniorCategory))).length,
  }));
  const counts = new Map<string, number>();
  for (const s of seniors) {
    const rest = s.regionPath.slice(regionPath.length);
    const child = rest.length > 0 ? `${regionPath}${rest.split('/')[0]}/` : regionPath;
    counts.set(child, (counts.get(child) ?? 0) + 1);
  }
  const byRegion =
    children.length > 0
      ? children.map((r) => ({ regionId: r.id, name: r.name, seniors: counts.get(r.path) ?? 0 }))
      : [{ regionId, name: regionName, seniors: seniors.length }];
  return { seniors: seniors.length, byCategory, byRegion };
}

export function costAnswer(month: string, cost: ReturnType<typeof simulateCost>, currentVersionFen: number | null): PolicyPreview['cost'] {
  return {
    month,
    basis: POLICY_TEXTS.costBasis(month, cost.bookings, cost.portions, cost.seniorsServed),
    bookings: cost.bookings,
    portions: cost.portions,
    seniorsServed: cost.seniorsServed,
    estimatedMonthlyFen: cost.estimatedFen,
    actualFen: cost.actualFen,
    currentVersionFen,
  };
}
