import fc from 'fast-check';
import { SENIOR_CATEGORIES, SERVICE_KINDS, type ServiceKind } from '../../entities';
import { priceBooking, type PolicyTerms, type PricingInput } from '../../server/services/booking/pricing';

const kindCategory = (k: ServiceKind) =>
  (['breakfast', 'lunch', 'dinner'].includes(k) ? 'meal' : k === 'bath' ? 'bath' : 'home_visit') as PolicyTerms['category'];

const policy = fc
  .record({
    id: fc.integer({ min: 1, max: 1000 }),
    kind: fc.constantFrom(...SERVICE_KINDS),
    restrictKind: fc.boolean(),
    minAge: fc.option(fc.integer({ min: 60, max: 95 }), { nil: null }),
    categories: fc.subarray([...SENIOR_CATEGORIES], { maxLength: 3 }),
    minAbilityLevel: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
    method: fc.constantFrom('fixed' as const, 'percent' as const),
    amountFen: fc.integer({ min: 0, max: 20_000 }),
    percent: fc.integer({ min: 0, max: 100 }),
    maxPerDay: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    monthlyCapFen: fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: null }),
    regionPath: fc.constantFrom('/1/', '/1/2/', '/1/3/'),
    active: fc.boolean(),
  })
  .map((p): PolicyTerms => ({
    id: p.id,
    name: `policy ${p.id}`,
    description: '',
    regionPath: p.regionPath,
    category: kindCategory(p.kind),
    serviceKinds: p.restrictKind ? [p.kind] : [],
    minAge: p.minAge,
    seniorCategories: p.categories,
    minAbilityLevel: p.minAbilityLevel,
    method: p.method,
    amountFen: p.amountFen,
    percent: p.percent,
    maxPerDay: p.maxPerDay,
    monthlyCapFen: p.monthlyCapFen,
    validFrom: '2026-01-01',
    validTo: null,
    active: p.active,
  }));

const input = fc
  .record({
    unitPriceFen: fc.integer({ min: 0, max: 20_000 }),
    quantity: fc.integer({ min: 1, max: 5 }),
    kind: fc.constantFrom(...SERVICE_KINDS),
    birthYear: fc.integer({ min: 1925, max: 1966 }),
    categories: fc.subarray([...SENIOR_CATEGORIES]),
    abilityLevel: fc.integer({ min: 0, max: 4 }),
    regionPath: fc.constantFrom('/1/2/4/', '/1/3/6/'),
    policies: fc.uniqueArray(policy, { selector: (p) => p.id, maxLength: 6 }),
    dayPortions: fc.integer({ min: 0, max: 4 }),
    monthFen: fc.integer({ min: 0, max: 60_000 }),
  })
  .map((i): PricingInput => ({
    unitPriceFen: i.unitPriceFen,
    quantity: i.quantity,
    kind: i.kind,
    category: kindCategory(i.kind),
    serviceDate: '2026-12-01',
    senior: { birthDate: `${i.birthYear}-06-15`, categories: i.categories, abilityLevel: i.abilityLevel, regionPath: i.regionPath },
    policies: i.policies,
    usage: { dayPortions: i.dayPortions, monthFen: i.monthFen },
  }));

describe('pricing properties (any policy set, any senior)', () => {
  test('price = subsidy + copay to the fen, 0 ≤ subsidy ≤ price, all integers', () => {
    fc.assert(
      fc.property(input, (i) => {
        const q = priceBooking(i);
        expect(q.priceFen).toBe(i.unitPriceFen * i.quantity);
        expect(q.subsidyFen + q.copayFen).toBe(q.priceFen);
        expect(q.subsidyFen).toBeGreaterThanOrEqual(0);
        expect(q.subsidyFen).toBeLessThanOrEqual(q.priceFen);
        expect(Number.isInteger(q.subsidyFen) && Number.isInteger(q.copayFen)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('caps are respected: per-day portions and the monthly amount of the policy applied', () => {
    fc.assert(
      fc.property(input, (i) => {
        const q = priceBooking(i);
        if (q.policy === null) return;
        const p = i.policies.find((x) => x.id === q.policy!.id)!;
        expect(q.subsidisedQuantity).toBeLessThanOrEqual(i.quantity);
        if (p.maxPerDay !== null) expect(i.usage.dayPortions + q.subsidisedQuantity).toBeLessThanOrEqual(Math.max(p.maxPerDay, i.usage.dayPortions));
        if (p.monthlyCapFen !== null) expect(i.usage.monthFen + q.subsidyFen).toBeLessThanOrEqual(Math.max(p.monthlyCapFen, i.usage.monthFen));
      }),
      { numRuns: 2000 },
    );
  });

  test('the most generous applicable policy wins: no eligible policy offers more', () => {
    fc.assert(
      fc.property(input, (i) => {
        const q = priceBooking(i);
        for (const v of q.considered) if (v.eligible) expect(Math.min(v.subsidyFen, q.priceFen)).toBeLessThanOrEqual(q.subsidyFen);
        if (q.policy) expect(q.considered.find((v) => v.policyId === q.policy!.id)!.eligible).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('an inactive, out-of-region or wrong-category policy never applies', () => {
    fc.assert(
      fc.property(input, (i) => {
        const q = priceBooking(i);
        if (q.policy === null) return;
        const p = i.policies.find((x) => x.id === q.policy!.id)!;
        expect(p.active).toBe(true);
        expect(i.senior.regionPath.startsWith(p.regionPath)).toBe(true);
        expect(p.category).toBe(i.category);
      }),
      { numRuns: 2000 },
    );
  });
});
