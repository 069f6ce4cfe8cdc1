// The /api/v1 answers of the care cycle (探访关爱, 结对扶老, 时间银行, 关爱核查): pure declarations, as api-types.ts.

export type VisitStatusName = 'due' | 'done' | 'cancelled';
export type VisitAssigneeKind = 'staff' | 'volunteer' | 'none';
export type VisitHealthName = 'good' | 'fair' | 'poor';
export type VisitMoodName = 'good' | 'fair' | 'low';
export type VisitHomeSafetyName = 'safe' | 'attention' | 'danger';
export type ConcernStatusName = 'none' | 'open' | 'resolved';
export type CareCategory = 'hardship' | 'minimum_living' | 'low_income' | 'disabled' | 'living_alone' | 'empty_nest' | 'very_old' | 'family_planning_special';

export interface VisitRuleView {
  id: number;
  regionId: number;
  regionPath: string;
  category: CareCategory;
  /** 独居 etc., as people read it. */
  categoryLabel: string;
  minAge: number;
  intervalDays: number;
  silenceDays: number | null;
  active: boolean;
  version: number;
}

export interface VisitView {
  id: number;
  senior: { id: number; name: string; address: string; phone: string | null };
  centreId: number | null;
  dueOn: string;
  /** Days past the due day (0 when not overdue, or done). */
  overdueDays: number;
  status: VisitStatusName;
  assignee: { kind: VisitAssigneeKind; accountId: number | null; name: string };
  doneAt: string | null;
  visitedBy: string | null;
  proof: 'location' | 'code' | null;
  distanceM: number | null;
  health: VisitHealthName | null;
  mood: VisitMoodName | null;
  homeSafety: VisitHomeSafetyName | null;
  needs: string;
  note: string;
  concernStatus: ConcernStatusName;
  concernNote: string;
  concernResolution: string;
  escalationLevel: number;
  /** Photos taken on the visit, oldest first: read each at GET /visits/:id/photos/:photoId. */
  photoIds: number[];
  version: number;
}

/** A photo added to a visit. */
export interface VisitPhotoView {
  id: number;
  visitId: number;
  contentType: string;
  bytes: number;
  createdAt: string;
}

/** What the senior's own page shows: the code a visitor types in to prove they came. */
export interface VisitCodeAnswer {
  code: string | null;
  visitId: number | null;
  dueOn: string | null;
}

export interface RecordedVisitAnswer {
  visit: VisitView;
  /** Who heard about a worry at once: 工作人员, family relations. */
  notified: string[];
  /** Minutes credited to the volunteer's time bank for this visit (0 for staff). */
  creditedMinutes: number;
}

export interface CareCheckView {
  id: number;
  senior: { id: number; name: string; address: string; phone: string | null };
  centreId: number | null;
  lastSignAt: string | null;
  silenceDays: number;
  status: 'open' | 'closed';
  note: string;
  createdAt: string;
  closedAt: string | null;
  version: number;
}

export interface VolunteerView {
  id: number;
  accountId: number;
  name: string;
  phone: string | null;
  centreId: number;
  active: boolean;
  seniors: Array<{ id: number; name: string; consentBy: 'senior' | 'family'; consentedAt: string }>;
  version: number;
}

/** A volunteer's own page: who they visit, what is due, their hours. */
export interface VolunteerHomeAnswer {
  volunteer: VolunteerView;
  visits: VisitView[];
  balanceMinutes: number;
}

export interface TimeBankEntryView {
  id: number;
  kind: 'credit' | 'spend' | 'gift_out' | 'gift_in';
  minutes: number;
  note: string;
  visitId: number | null;
  at: string;
}

export interface TimeBankAnswer {
  holder: { kind: 'volunteer' | 'senior'; id: number; name: string };
  balanceMinutes: number;
  entries: TimeBankEntryView[];
}

export interface TimeBankStatement {
  holder: { kind: 'volunteer' | 'senior'; id: number; name: string };
  year: number;
  openingMinutes: number;
  creditedMinutes: number;
  spentMinutes: number;
  giftedOutMinutes: number;
  giftedInMinutes: number;
  closingMinutes: number;
  entries: TimeBankEntryView[];
}

/** 探访关爱月报: one community's month (visits due in it, worries and volunteer hours of visits made in it). */
export interface CareReportRow {
  regionId: number | null;
  community: string;
  plannedVisits: number;
  doneVisits: number;
  concernsRaised: number;
  concernsResolved: number;
  volunteerMinutes: number;
}

export interface CareReport {
  month: string;
  /** A region (administrators: their region or one under it) or a centre (its staff: its own visits only). */
  scope: { kind: 'region' | 'centre'; id: number; name: string };
  rows: CareReportRow[];
  total: Omit<CareReportRow, 'regionId' | 'community'>;
}

/**
 * The family's view of a senior's care: visits in the last weeks and the next one, worries and what was done. Linked
 * family see `visits` only where the senior shares her visits with them; otherwise `visits` is empty, `recordsHidden`
 * is true and only `next` (the day and who comes) is told.
 */
export interface SeniorCareAnswer {
  visits: VisitView[];
  next: { dueOn: string; visitor: string } | null;
  /** The senior's choice (`PUT /seniors/:id/care-sharing`): her visit records and worries go to her linked family. */
  sharedWithFamily: boolean;
  /** True when the reader is family and the senior does not share: the records are left out of this answer. */
  recordsHidden: boolean;
}
