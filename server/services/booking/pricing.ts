import { categoriesHeldOn, type CategoryRecord, type SeniorCategory, type ServiceCategory, type ServiceKind, type SubsidyMethod } from '../../../entities';
import { ageOn, monthRange } from '../../lib/time';
import type { Held } from '../../repositories/booking.repository';
import { PRICING_TEXTS as T } from '../../words/pricing';

/** What pricing needs to know about a policy (a SubsidyPolicy row satisfies it). */
export interface PolicyTerms {
  id: number;
  name: string;
  description: string;
  regionPath: string;
  category: ServiceCategory;
  serviceKinds: ServiceKind[];
  minAge: number | null;
  seniorCategories: SeniorCategory[];
  minAbilityLevel: number | null;
  method: SubsidyMethod;
  amountFen: number;
  percent: number;
  maxPerDay: number | null;
  monthlyCapFen: number | null;
  validFrom: string;
  validTo: string | null;
  active: boolean;
}

export interface SeniorTerms {
  birthDate: string;
  categories: SeniorCategory[];
  /** Until when each category counts: a category past its valid-until date on the service day does not qualify. */
  categoryRecords?: readonly CategoryRecord[] | null;
  abilityLevel: number;
  regionPath: string;
}

/** Subsidy the senior already holds in active bookings, counted over all policies. */
export interface SubsidyUsage {
  /** Subsidised portions of this service kind on the service day. */
  dayPortions: number;
  /** Subsidy in fen for this service category in the service day's calendar month. */
  monthFen: number;
}

/**
 * Counts what a senior already holds against the caps of a booking for `slotId` on `date`: subsidised portions of
 * the same kind that day, subsidy of the category in that calendar month, and bookings of that very slot.
 */
export function usageFrom(
  held: readonly Held[],
  q: { seniorId: number; slotId: number; date: string; category: ServiceCategory; kind: ServiceKind },
): SubsidyUsage & { sameSlot: number } {
  const { first, last } = monthRange(q.date);
  const usage = { dayPortions: 0, monthFen: 0, sameSlot: 0 };
  for (const h of held) {
    if (h.seniorId !== q.seniorId || h.category !== q.category || h.serviceDate < first || h.serviceDate > last) continue;
    usage.monthFen += h.subsidyFen;
    if (h.serviceDate === q.date && h.kind === q.kind) usage.dayPortions += h.subsidisedQuantity;
    if (h.slotId === q.slotId) usage.sameSlot += 1;
  }
  return usage;
}

export interface PricingInput {
  unitPriceFen: number;
  quantity: number;
  category: ServiceCategory;
  kind: ServiceKind;
  serviceDate: string;
  senior: SeniorTerms;
  policies: readonly PolicyTerms[];
  usage: SubsidyUsage;
}

export interface PolicyVerdict {
  policyId: number;
  name: string;
  eligible: boolean;
  subsidyFen: number;
  /** Why it does or does not apply, in words a family member understands. */
  why: string;
}

export interface Quote {
  unitPriceFen: number;
  quantity: number;
  priceFen: number;
  subsidyFen: number;
  copayFen: number;
  subsidisedQuantity: number;
  policy: { id: number; name: string; description: string } | null;
  /** One sentence: which subsidy applied and why, or why none did. */
  reason: string;
  considered: PolicyVerdict[];
}

/** Why a senior does not qualify for a policy, or null when they do. */
function ineligibility(p: PolicyTerms, input: Pick<PricingInput, 'category' | 'kind' | 'serviceDate' | 'senior'>): string | null {
  const s = input.senior;
  if (!p.active) return T.policyInactive;
  if (p.category !== input.category) return T.otherCategory;
  if (p.serviceKinds.length > 0 && !p.serviceKinds.includes(input.kind)) return T.otherKind;
  if (input.serviceDate < p.validFrom || (p.validTo !== null && input.serviceDate > p.validTo)) return T.outsideDates;
  if (!s.regionPath.startsWith(p.regionPath)) return T.outsideRegion;
  if (p.minAge !== null && ageOn(s.birthDate, input.serviceDate) < p.minAge) return T.underAge(p.minAge);
  if (p.seniorCategories.length > 0 && !p.seniorCategories.some((c) => categoriesHeldOn(s, input.serviceDate).includes(c))) {
    return T.notInCategories(p.seniorCategories);
  }
  if (p.minAbilityLevel !== null && s.abilityLevel < p.minAbilityLevel) return T.abilityTooLow;
  return null;
}

/**
 * Whether a senior meets a policy's own conditions on a day (in force, region, age, categories, ability level), as
 * a quote judges them; caps are not looked at. What a policy preview counts.
 */
export function seniorQualifies(p: PolicyTerms, senior: SeniorTerms, day: string): boolean {
  return ineligibility(p, { category: p.category, kind: p.serviceKinds[0] ?? 'lunch', serviceDate: day, senior }) === null;
}

/** A policy's subsidy per portion at a price (fixed, or a percentage rounded down), never more than the price. */
export function perPortionFen(p: Pick<PolicyTerms, 'method' | 'amountFen' | 'percent'>, unitPriceFen: number): number {
  const raw = p.method === 'fixed' ? p.amountFen : Math.floor((unitPriceFen * p.percent) / 100);
  return Math.max(0, Math.min(unitPriceFen, raw));
}

function qualification(p: PolicyTerms, input: PricingInput): string {
  const parts: string[] = [];
  if (p.minAge !== null) parts.push(T.ofAge(p.minAge));
  const held = p.seniorCategories.filter((c) => categoriesHeldOn(input.senior, input.serviceDate).includes(c));
  if (held.length > 0) parts.push(T.inCategories(held));
  if (p.minAbilityLevel !== null) parts.push(T.abilityLevel(input.senior.abilityLevel));
  return parts.length > 0 ? parts.join('、') : T.qualifies;
}

function judge(p: PolicyTerms, input: PricingInput): PolicyVerdict & { portions: number } {
  const no = ineligibility(p, input);
  if (no !== null) return { policyId: p.id, name: p.name, eligible: false, subsidyFen: 0, portions: 0, why: no };
  const perPortion = perPortionFen(p, input.unitPriceFen);
  let portions = input.quantity;
  const limits: string[] = [];
  if (p.maxPerDay !== null) {
    const left = Math.max(0, p.maxPerDay - input.usage.dayPortions);
    if (left < portions) {
      portions = left;
      limits.push(left === 0 ? T.dayUsedUp(p.maxPerDay) : T.dayLeft(left));
    }
  }
  let subsidy = perPortion * portions;
  if (p.monthlyCapFen !== null) {
    const left = Math.max(0, p.monthlyCapFen - input.usage.monthFen);
    if (left < subsidy) {
      subsidy = left;
      limits.push(left === 0 ? T.monthUsedUp(p.monthlyCapFen) : T.monthLeft(left));
    }
  }
  const why = `${qualification(p, input)}，${p.description || p.name}${limits.length ? `；${limits.join('，')}` : ''}`;
  return { policyId: p.id, name: p.name, eligible: true, subsidyFen: subsidy, portions: subsidy > 0 ? portions : 0, why };
}

/**
 * Prices one booking. The most generous applicable policy wins (ties: the lower id, so the answer is stable);
 * per-day and per-month caps are counted from the senior's existing active bookings. The result always has
 * 0 ≤ subsidy ≤ price and price = subsidy + copay, to the fen.
 */
export function priceBooking(input: PricingInput): Quote {
  const priceFen = input.unitPriceFen * input.quantity;
  const verdicts = [...input.policies].sort((a, b) => a.id - b.id).map((p) => judge(p, input));
  let best: (PolicyVerdict & { portions: number }) | null = null;
  for (const v of verdicts) if (v.eligible && v.subsidyFen > (best?.subsidyFen ?? 0)) best = v;
  const considered = verdicts.map(({ portions: _p, ...v }) => v);

  if (best === null) {
    const capped = verdicts.find((v) => v.eligible);
    return {
      unitPriceFen: input.unitPriceFen,
      quantity: input.quantity,
      priceFen,
      subsidyFen: 0,
      copayFen: priceFen,
      subsidisedQuantity: 0,
      policy: null,
      reason: capped ? T.noSubsidyBecause(capped.why) : T.noPolicy,
      considered,
    };
  }
  const policy = input.policies.find((p) => p.id === best.policyId)!;
  const subsidyFen = Math.min(best.subsidyFen, priceFen);
  return {
    unitPriceFen: input.unitPriceFen,
    quantity: input.quantity,
    priceFen,
    subsidyFen,
    copayFen: priceFen - subsidyFen,
    subsidisedQuantity: best.portions,
    policy: { id: policy.id, name: policy.name, description: policy.description },
    reason: `${policy.name}：${best.why}`,
    considered,
  };
}

/**
 * The price of a booking whose quantity is lowered after it was made. Unsubsidised portions go first (a senior
 * who drops the second of two lunches keeps the subsidy on the first); below the subsidised portions the subsidy
 * shrinks in proportion, rounded down. The co-payment never rises, and price = subsidy + copay still holds.
 */
export function reducedPrice(
  b: { unitPriceFen: number; quantity: number; subsidyFen: number; subsidisedQuantity: number },
  quantity: number,
): { priceFen: number; subsidyFen: number; copayFen: number; subsidisedQuantity: number } {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > b.quantity) throw new RangeError(`cannot reduce ${b.quantity} to ${quantity}`);
  const priceFen = b.unitPriceFen * quantity;
  const subsidisedQuantity = Math.min(b.subsidisedQuantity, quantity);
  const kept = b.subsidisedQuantity === 0 ? 0 : Math.floor((b.subsidyFen * subsidisedQuantity) / b.subsidisedQuantity);
  const subsidyFen = Math.min(kept, priceFen);
  return { priceFen, subsidyFen, copayFen: priceFen - subsidyFen, subsidisedQuantity };
}
