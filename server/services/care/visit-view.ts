import { SENIOR_CATEGORY_LABELS, type Senior, type Visit, type VisitRule } from '../../../entities';
import type { VisitRuleView, VisitView } from '../../contracts/care-types';
import { DAY, shanghaiInstant } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { VisitPhotoRepository, VolunteerRepository } from '../../repositories/care.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import { CARE_TEXTS } from '../../words/care';

export function ruleView(r: VisitRule): VisitRuleView {
  return {
    id: r.id,
    regionId: r.regionId,
    regionPath: r.regionPath,
    category: r.category,
    categoryLabel: SENIOR_CATEGORY_LABELS[r.category],
    minAge: r.minAge,
    intervalDays: r.intervalDays,
    silenceDays: r.silenceDays,
    active: r.active,
    version: r.version,
  };
}

export function overdueDays(dueOn: string, today: string): number {
  return Math.max(0, Math.round((shanghaiInstant(today).getTime() - shanghaiInstant(dueOn).getTime()) / DAY));
}

export interface VisitViewDeps {
  seniors: SeniorRepository;
  accounts: AccountRepository;
  volunteers: VolunteerRepository;
  photos: Pick<VisitPhotoRepository, 'idsByVisit'>;
}

/** Visits as people read them: the senior, who is to come (staff name, or 志愿者 name), and the form once done. */
export async function visitViews(deps: VisitViewDeps, visits: Visit[], today: string): Promise<VisitView[]> {
  const seniorIds = [...new Set(visits.map((v) => v.seniorId))];
  const accountIds = [...new Set(visits.flatMap((v) => [v.assignedAccountId, v.visitedByAccountId]).filter((x): x is number => x !== null))];
  const volunteerIds = [...new Set(visits.map((v) => v.volunteerId).filter((x): x is number => x !== null))];
  const [seniors, accounts, volunteers, photos] = await Promise.all([
    deps.seniors.findByIds(seniorIds),
    deps.accounts.findByIds(accountIds),
    deps.volunteers.findByIds(volunteerIds),
    deps.photos.idsByVisit(visits.filter((v) => v.status === 'done').map((v) => v.id)),
  ]);
  const s = new Map<number, Senior>(seniors.map((x) => [x.id, x]));
  const a = new Map(accounts.map((x) => [x.id, x.displayName]));
  const vol = new Map(volunteers.map((x) => [x.accountId, x.name]));
  const nameOf = (accountId: number | null): string => {
    if (accountId === null) return '';
    const v = vol.get(accountId);
    return v ? CARE_TEXTS.volunteerName(v) : (a.get(accountId) ?? CARE_TEXTS.staffName);
  };
  return visits.flatMap((v) => {
    const senior = s.get(v.seniorId);
    if (!senior) return [];
    return [
      {
        id: v.id,
        senior: { id: senior.id, name: senior.name, address: senior.address, phone: senior.phone },
        centreId: v.centreId,
        dueOn: v.dueOn,
        overdueDays: v.status === 'due' ? overdueDays(v.dueOn, today) : 0,
        status: v.status,
        assignee: { kind: v.assigneeKind, accountId: v.assignedAccountId, name: nameOf(v.assignedAccountId) },
        doneAt: v.doneAt ? v.doneAt.toISOString() : null,
        visitedBy: v.visitedByAccountId !== null ? nameOf(v.visitedByAccountId) : null,
        proof: v.proof,
        distanceM: v.distanceM,
        health: v.health,
        mood: v.mood,
        homeSafety: v.homeSafety,
        needs: v.needs,
        note: v.note,
        concernStatus: v.concernStatus,
        concernNote: v.concernNote,
        concernResolution: v.concernResolution,
        escalationLevel: v.escalationLevel,
        photoIds: photos.get(v.id) ?? [],
        version: v.version,
      },
    ];
  });
}
