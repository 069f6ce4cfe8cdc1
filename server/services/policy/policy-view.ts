import type { Region, SubsidyPolicy } from '../../../entities';
import type { PolicyStatus, PolicyView } from '../../contracts/dashboard-types';

/** Where a policy version stands on `today`. */
export function policyStatus(p: SubsidyPolicy, today: string): PolicyStatus {
  if (p.supersededById !== null) return 'superseded';
  if (p.retiredAt !== null) return 'retired';
  if (p.validFrom > today) return 'scheduled';
  if (p.validTo !== null && p.validTo < today) return 'ended';
  return 'current';
}

export function policyView(p: SubsidyPolicy, today: string, regions: ReadonlyMap<number, Region>): PolicyView {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    regionId: p.regionId,
    regionName: regions.get(p.regionId)?.name ?? '',
    category: p.category,
    serviceKinds: [...p.serviceKinds],
    minAge: p.minAge,
    seniorCategories: [...p.seniorCategories],
    minAbilityLevel: p.minAbilityLevel,
    method: p.method,
    amountFen: p.amountFen,
    percent: p.percent,
    maxPerDay: p.maxPerDay,
    monthlyCapFen: p.monthlyCapFen,
    validFrom: p.validFrom,
    validTo: p.validTo,
    status: policyStatus(p, today),
    revision: p.revision,
    previousVersionId: p.previousVersionId,
    supersededById: p.supersededById,
    retiredAt: p.retiredAt?.toISOString() ?? null,
    version: p.version,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt?.toISOString() ?? null,
  };
}
