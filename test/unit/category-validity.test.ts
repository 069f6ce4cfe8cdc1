import { categoriesHeldOn } from '../../entities';
import { priceBooking, type PolicyTerms } from '../../server/services/booking/pricing';

const minimumLiving: PolicyTerms = {
  id: 1,
  name: '低保老人助餐补贴',
  description: '低保老人每餐补贴一半',
  regionPath: '/1/',
  category: 'meal',
  serviceKinds: [],
  minAge: null,
  seniorCategories: ['minimum_living'],
  minAbilityLevel: null,
  method: 'percent',
  amountFen: 0,
  percent: 50,
  maxPerDay: null,
  monthlyCapFen: null,
  validFrom: '2026-01-01',
  validTo: null,
  active: true,
};

const quote = (serviceDate: string, categoryRecords: Parameters<typeof categoriesHeldOn>[0]['categoryRecords']) =>
  priceBooking({
    unitPriceFen: 1500,
    quantity: 1,
    category: 'meal',
    kind: 'lunch',
    serviceDate,
    senior: { birthDate: '1960-05-06', categories: ['minimum_living', 'living_alone'], categoryRecords, abilityLevel: 0, regionPath: '/1/2/4/' },
    policies: [minimumLiving],
    usage: { dayPortions: 0, monthFen: 0 },
  });

describe('a category counts until its valid-until date', () => {
  const records = [
    { category: 'minimum_living' as const, evidence: '低保证', validUntil: '2026-12-02' },
    { category: 'living_alone' as const, evidence: '', validUntil: null },
  ];

  test('held on and before the date, not after; no date, or no record at all, never ends', () => {
    const s = { categories: ['minimum_living', 'living_alone'] as const, categoryRecords: records };
    expect(categoriesHeldOn({ ...s, categories: [...s.categories] }, '2026-12-02')).toEqual(['minimum_living', 'living_alone']);
    expect(categoriesHeldOn({ ...s, categories: [...s.categories] }, '2026-12-03')).toEqual(['living_alone']);
    expect(categoriesHeldOn({ categories: ['minimum_living'], categoryRecords: null }, '2099-01-01')).toEqual(['minimum_living']);
  });

  test('pricing: the 低保 subsidy on the last valid day, none the day after (and the reason says why)', () => {
    expect(quote('2026-12-02', records)).toMatchObject({ subsidyFen: 750, copayFen: 750, policy: { id: 1 } });
    const after = quote('2026-12-03', records);
    expect(after).toMatchObject({ subsidyFen: 0, copayFen: 1500, policy: null });
    expect(after.considered[0]).toMatchObject({ eligible: false, why: '不属于低保' });
    expect(quote('2030-01-01', null).subsidyFen).toBe(750);
  });
});
