/**
 * The /api/v1 answers of the week's menus, subsidy policies, budgets and the dashboards (the console reads these).
 * Pure declarations, like api-types.ts. Dashboard series are chart-ready: `dates` (or `buckets`, `months`)
 * ascending, and each series an array of the same length, one value per date.
 */
import type { Allergen, DietFlag, DishView, SeniorCategory, ServiceCategory, ServiceKind } from './api-types';

// ---- menus ----

export interface MenuMealView {
  kind: ServiceKind;
  kindLabel: string;
  /** The meal slots of that day and kind the menu is on (one per meal service of the centre). */
  slotIds: number[];
  dishes: DishView[];
  note: string;
}

export interface MenuDayView {
  date: string;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  meals: MenuMealView[];
}

/** GET /centres/:id/menus?week=: a centre's week, Monday first; `version` 0 until the week is first published. */
export interface WeekMenuView {
  centreId: number;
  week: string;
  weekEnd: string;
  version: number;
  updatedAt: string | null;
  days: MenuDayView[];
}

export interface WeekMenuSaved extends WeekMenuView {
  /**
   * Meals not written: copied ones with no slot this week (a day closed, a meal not served), and any for a day that
   * has already passed (those days keep the menu they were served with).
   */
  skipped: Array<{ date: string; kind: ServiceKind; reason: 'no_slot' | 'day_passed' }>;
}

export interface DishInput {
  name: string;
  flags?: DietFlag[];
  allergens?: Allergen[];
}

// ---- subsidy policies ----

export type SubsidyMethodName = 'fixed' | 'percent';
export type PolicyStatus = 'scheduled' | 'current' | 'ended' | 'superseded' | 'retired';

export interface PolicyView {
  id: number;
  name: string;
  description: string;
  regionId: number;
  regionName: string;
  category: ServiceCategory;
  serviceKinds: ServiceKind[];
  minAge: number | null;
  seniorCategories: SeniorCategory[];
  minAbilityLevel: number | null;
  method: SubsidyMethodName;
  amountFen: number;
  percent: number;
  maxPerDay: number | null;
  monthlyCapFen: number | null;
  validFrom: string;
  validTo: string | null;
  status: PolicyStatus;
  revision: number;
  previousVersionId: number | null;
  supersededById: number | null;
  retiredAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string | null;
}

export interface PolicyDetailView extends PolicyView {
  /** Every version of the policy, the first first (this one among them). */
  versions: PolicyView[];
}

/** POST /policies/preview: who would qualify, and what it would have cost last month. */
export interface PolicyPreview {
  /** The day qualification is judged on (the later of the start and today). */
  asOf: string;
  qualifying: {
    seniors: number;
    /** Qualifying seniors holding each category (one senior may count under several), and 'none' for those with none. */
    byCategory: Array<{ category: SeniorCategory | 'none'; label: string; seniors: number }>;
    /** By the regions one level below the policy's (a community policy: the community itself). */
    byRegion: Array<{ regionId: number; name: string; seniors: number }>;
  };
  cost: {
    /** The month the estimate is made from (the last whole month). */
    month: string;
    /** How the estimate is made, in words. */
    basis: string;
    bookings: number;
    portions: number;
    seniorsServed: number;
    /** What these terms would have paid on those bookings, caps applied. */
    estimatedMonthlyFen: number;
    /** What those bookings were actually subsidised (under the policies then in force). */
    actualFen: number;
    /** For a new version: the current version's figure on the same bookings. */
    currentVersionFen: number | null;
  };
}

// ---- budgets ----

export interface BudgetView {
  id: number;
  regionId: number;
  regionName: string;
  month: string;
  amountFen: number;
  note: string;
  version: number;
  updatedAt: string;
}

// ---- dashboards ----

export interface DashboardScope {
  kind: 'centre' | 'region';
  id: number;
  name: string;
}

/** GET /dashboard/meals: meal portions booked and served per centre per day. */
export interface MealsDashboard {
  scope: DashboardScope;
  from: string;
  to: string;
  dates: string[];
  centres: Array<{ centreId: number; name: string; booked: number[]; served: number[]; servedRate: Array<number | null> }>;
  total: { booked: number[]; served: number[]; servedRate: Array<number | null> };
  /** Served ÷ booked over the days in range that have ended (today and later are not over yet: null there). */
  summary: { booked: number; served: number; servedRate: number | null };
  /** The days read from the roll-up run up to here; later days are counted live. */
  rolledUpThrough: string | null;
  asOf: string;
}

/** GET /dashboard/subsidy: this month's subsidy against the budget. */
export interface SubsidyDashboard {
  scope: DashboardScope;
  month: string;
  budget: { id: number; regionId: number; amountFen: number; version: number } | null;
  /** Subsidy on served bookings (claimable). */
  spentFen: number;
  /** Subsidy on bookings still open (pending or confirmed) in the month. */
  committedFen: number;
  remainingFen: number | null;
  /** spent ÷ budget. */
  usedRate: number | null;
  dates: string[];
  cumulativeSpentFen: number[];
  byCategory: Array<{ category: ServiceCategory; spentFen: number; committedFen: number }>;
  byRegion: Array<{ regionId: number; name: string; budgetFen: number | null; spentFen: number; committedFen: number }>;
  byCentre: Array<{ centreId: number; name: string; spentFen: number; committedFen: number }>;
  asOf: string;
}

export type SeniorBucket = SeniorCategory | 'oldest_old' | 'disabled';

/** GET /dashboard/seniors: distinct seniors served per month, by category. */
export interface SeniorsDashboard {
  scope: DashboardScope;
  months: string[];
  total: number[];
  buckets: Array<{ bucket: SeniorBucket; label: string; seniors: number[] }>;
  /** When each month's figures were counted (the roll-up job's run, or now when counted live). */
  countedAt: string[];
}

export type Interval = 'day' | 'week' | 'month';

/** GET /dashboard/ratings: how served bookings were rated, by the service day. */
export interface RatingsDashboard {
  scope: DashboardScope;
  interval: Interval;
  /** Each bucket's first day. */
  buckets: string[];
  centres: Array<{ centreId: number; name: string; count: number[]; average: Array<number | null> }>;
  total: { count: number[]; average: Array<number | null> };
  asOf: string;
}

/** GET /dashboard/emergencies: 助急 alerts and how long they waited for someone to acknowledge them. */
export interface EmergencyDashboard {
  scope: DashboardScope;
  interval: Interval;
  buckets: string[];
  raised: number[];
  acknowledged: number[];
  medianSeconds: Array<number | null>;
  p90Seconds: Array<number | null>;
  summary: { raised: number; acknowledged: number; unacknowledged: number; medianSeconds: number | null; p90Seconds: number | null; maxSeconds: number | null };
  asOf: string;
}
