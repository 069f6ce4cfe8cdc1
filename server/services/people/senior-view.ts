import { categoriesHeldOn, SENIOR_CATEGORY_LABELS, type Senior } from '../../../entities';
import type { SeniorView } from '../../contracts/api-types';
import { maskPhone } from '../../lib/mask';
import { ageOn } from '../../lib/time';
import { ABILITY_LEVEL_LABELS } from '../../words/people';
import type { SeniorRelation } from '../access/access.service';

/**
 * A senior as someone related to them sees them, on `today` (Shanghai). The phone is whole for the senior, their
 * family and their centre's staff, who call them and deliver to them; administrators manage records and see it
 * masked. Only staff and administrators see the ID number's last four characters and the categories' evidence;
 * emergency contacts' phones are whole for staff and the senior, masked for everyone else.
 */
export function seniorView(s: Senior, rel: SeniorRelation, today: string): SeniorView {
  const age = ageOn(s.birthDate, today);
  const official = rel === 'staff' || rel === 'admin';
  const wholePhone = rel !== 'admin';
  const held = categoriesHeldOn(s, today);
  const records = s.categoryRecords ?? [];
  return {
    id: s.id,
    name: s.name,
    gender: s.gender,
    birthDate: s.birthDate,
    age,
    isVeryOld: age >= 80,
    phone: wholePhone ? s.phone : maskPhone(s.phone),
    phoneMasked: !wholePhone && s.phone !== null,
    idCardLast4: official ? s.idCardLast4 : null,
    address: s.address,
    regionId: s.regionId,
    homeCentreId: s.homeCentreId,
    categories: held,
    categoryLabels: held.map((c) => SENIOR_CATEGORY_LABELS[c]),
    categoryRecords: s.categories.map((c) => {
      const r = records.find((x) => x.category === c);
      return {
        category: c,
        label: SENIOR_CATEGORY_LABELS[c],
        evidence: official ? (r?.evidence ?? '') : '',
        validUntil: r?.validUntil ?? null,
        counts: held.includes(c),
      };
    }),
    abilityLevel: s.abilityLevel,
    abilityLevelLabel: ABILITY_LEVEL_LABELS[s.abilityLevel] ?? '',
    abilityAssessedOn: s.abilityAssessedOn ?? null,
    nextAssessmentDue: s.nextAssessmentDue ?? null,
    dietNotes: s.dietNotes,
    emergencyContacts: rel === 'staff' || rel === 'self' ? s.emergencyContacts : s.emergencyContacts.map((c) => ({ ...c, phone: maskPhone(c.phone) ?? '' })),
    latitude: s.latitude,
    longitude: s.longitude,
    active: s.active,
    deactivationReason: s.deactivationReason ?? null,
    deactivatedAt: s.deactivatedAt ? s.deactivatedAt.toISOString() : null,
    deactivationNote: official ? (s.deactivationNote ?? '') : '',
    version: s.version ?? 1,
  };
}
