import { SERVICE_CATEGORIES } from '../../../entities';
import type {
  DashboardScope,
  EmergencyDashboard,
  Interval,
  MealsDashboard,
  RatingsDashboard,
  SeniorsDashboard,
  SubsidyDashboard,
} from '../../contracts/dashboard-types';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { addDays, monthRange, shanghaiDate, shanghaiInstant } from '../../lib/time';
import type { BudgetRepository } from '../../repositories/budget.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { DashboardRepository, DayStat } from '../../repositories/dashboard.repository';
import type { PolicyPreviewRepository } from '../../repositories/policy-preview.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import { ERROR_MESSAGES } from '../../words/errors';
import { SENIOR_BUCKET_LABELS } from '../../words/dashboard';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import { resolveScope, type Scope } from './dashboard-scope';
import { bucketCounts, bucketOf, bucketsBetween, checkRange, coverage, dayStats, daysBetween, percentile, rate, SENIOR_BUCKETS } from './figures';

export interface DashboardServiceDeps {
  clock: Clock;
  dashboards: DashboardRepository;
  budgets: BudgetRepository;
  regions: RegionRepository;
  centres: CentreRepository;
  /** For the regions one level below a scope (the subsidy figure's breakdown). */
  previews: Pick<PolicyPreviewRepository, 'childRegions'>;
  access: AccessService;
}

export interface ScopeAsk {
  regionId?: number;
  centreId?: number;
}

export interface RangeAsk extends ScopeAsk {
  from?: string;
  to?: string;
}

/** Most months one seniors-by-category answer covers. */
const MAX_MONTHS = 24;

const scopeView = (s: Scope): DashboardScope => ({ kind: s.kind, id: s.id, name: s.name });

/**
 * The administrators' and centre managers' figures, each for the actor's scope (resolveScope) and shaped for
 * charts: dates ascending, one series per centre. Day sums come from the daily roll-up where it has them and from
 * the bookings for the rest (figures.ts dayStats); distinct seniors per month from the job's counts where made.
 */
export class DashboardService {
  constructor(private readonly deps: DashboardServiceDeps) {}

  private scope(actor: Actor, ask: ScopeAsk): Promise<Scope> {
    return resolveScope({ dashboards: this.deps.dashboards, regions: this.deps.regions, centres: this.deps.centres, access: this.deps.access }, actor, ask);
  }

  private today(): string {
    return shanghaiDate(this.deps.clock.now());
  }

  /** Meal portions booked and served per centre per day, and the served rate of the days that have ended. */
  async meals(actor: Actor, q: RangeAsk): Promise<MealsDashboard> {
    const today = this.today();
    const to = q.to ?? today;
    const from = q.from ?? addDays(to, -29);
    checkRange(from, to);
    // Which days the roll-up holds is asked while the scope is worked out: two round trips at once.
    const [scope, covered] = await Promise.all([this.scope(actor, q), coverage(this.deps.dashboards, from, to)]);
    const { stats, rolledUpThrough } = await dayStats(
      this.deps.dashboards,
      from,
      to,
      scope.centres.map((c) => c.id),
      { category: 'meal', part: 'sums', columns: ['bookedPortions', 'servedPortions'] },
      covered,
    );
    const dates = daysBetween(from, to);
    const index = new Map(dates.map((d, i) => [d, i]));
    const series = new Map<number, { booked: number[]; served: number[] }>();
    for (const s of stats) {
      if (s.category !== 'meal') continue;
      let row = series.get(s.centreId);
      if (!row) series.set(s.centreId, (row = { booked: dates.map(() => 0), served: dates.map(() => 0) }));
      const i = index.get(s.serviceDate)!;
      row.booked[i] += s.bookedPortions;
      row.served[i] += s.servedPortions;
    }
    const ended = (i: number) => dates[i] < today;
    const rates = (booked: number[], served: number[]) => booked.map((b, i) => (ended(i) ? rate(served[i], b) : null));
    const shown = scope.kind === 'centre' ? scope.centres : scope.centres.filter((c) => series.has(c.id));
    const centres = shown.map((c) => {
      const row = series.get(c.id) ?? { booked: dates.map(() => 0), served: dates.map(() => 0) };
      return { centreId: c.id, name: c.name, booked: row.booked, served: row.served, servedRate: rates(row.booked, row.served) };
    });
    const booked = dates.map((_, i) => centres.reduce((n, c) => n + c.booked[i], 0));
    const served = dates.map((_, i) => centres.reduce((n, c) => n + c.served[i], 0));
    const endedBooked = booked.reduce((n, b, i) => n + (ended(i) ? b : 0), 0);
    const endedServed = served.reduce((n, x, i) => n + (ended(i) ? x : 0), 0);
    return {
      scope: scopeView(scope),
      from,
      to,
      dates,
      centres,
      total: { booked, served, servedRate: rates(booked, served) },
      summary: { booked: booked.reduce((a, b) => a + b, 0), served: served.reduce((a, b) => a + b, 0), servedRate: rate(endedServed, endedBooked) },
      rolledUpThrough,
      asOf: this.deps.clock.now().toISOString(),
    };
  }

  /** The month's subsidy spent (served) and committed (still open), against the scope region's budget. */
  async subsidy(actor: Actor, q: ScopeAsk & { month?: string }): Promise<SubsidyDashboard> {
    const today = this.today();
    const month = q.month ?? today.slice(0, 7);
    const { first, last } = monthRange(`${month}-01`);
    const [scope, covered] = await Promise.all([this.scope(actor, q), coverage(this.deps.dashboards, first, last)]);
    const ids = scope.centres.map((c) => c.id);
    const { stats } = await dayStats(this.deps.dashboards, first, last, ids, { part: 'sums', columns: ['servedSubsidyFen', 'openSubsidyFen'] }, covered);
    const sum = (rows: DayStat[], f: (s: DayStat) => number) => rows.reduce((n, s) => n + f(s), 0);
    const spentFen = sum(stats, (s) => s.servedSubsidyFen);
    const committedFen = sum(stats, (s) => s.openSubsidyFen);

    const dates = daysBetween(first, last < today ? last : today < first ? addDays(first, -1) : today);
    const perDay = new Map<string, number>();
    for (const s of stats) perDay.set(s.serviceDate, (perDay.get(s.serviceDate) ?? 0) + s.servedSubsidyFen);
    let running = 0;
    const cumulativeSpentFen = dates.map((d) => (running += perDay.get(d) ?? 0));

    let budget: SubsidyDashboard['budget'] = null;
    let byRegion: SubsidyDashboard['byRegion'] = [];
    if (scope.kind === 'region') {
      const children = await this.deps.previews.childRegions(scope.regionPath);
      const budgets = new Map((await this.deps.budgets.forRegions([scope.id, ...children.map((c) => c.id)], month)).map((b) => [b.regionId, b]));
      const own = budgets.get(scope.id);
      if (own) budget = { id: own.id, regionId: own.regionId, amountFen: own.amountFen, version: own.version };
      byRegion = children.map((r) => {
        const inside = new Set(scope.centres.filter((c) => c.regionPath.startsWith(r.path)).map((c) => c.id));
        const rows = stats.filter((s) => inside.has(s.centreId));
        return {
          regionId: r.id,
          name: r.name,
          budgetFen: budgets.get(r.id)?.amountFen ?? null,
          spentFen: sum(rows, (s) => s.servedSubsidyFen),
          committedFen: sum(rows, (s) => s.openSubsidyFen),
        };
      });
    }
    return {
      scope: scopeView(scope),
      month,
      budget,
      spentFen,
      committedFen,
      remainingFen: budget ? budget.amountFen - spentFen : null,
      usedRate: budget ? rate(spentFen, budget.amountFen) : null,
      dates,
      cumulativeSpentFen,
      byCategory: SERVICE_CATEGORIES.map((category) => {
        const rows = stats.filter((s) => s.category === category);
        return { category, spentFen: sum(rows, (s) => s.servedSubsidyFen), committedFen: sum(rows, (s) => s.openSubsidyFen) };
      }),
      byRegion,
      byCentre: scope.centres.map((c) => {
        const rows = stats.filter((s) => s.centreId === c.id);
        return { centreId: c.id, name: c.name, spentFen: sum(rows, (s) => s.servedSubsidyFen), committedFen: sum(rows, (s) => s.openSubsidyFen) };
      }),
      asOf: this.deps.clock.now().toISOString(),
    };
  }

  /** Distinct seniors served each month, by category (高龄 by birth date on the month's last day, or today). */
  async seniors(actor: Actor, q: ScopeAsk & { from?: string; to?: string }): Promise<SeniorsDashboard> {
    const scope = await this.scope(actor, q);
    const today = this.today();
    const to = q.to ?? today.slice(0, 7);
    const from = q.from ?? to;
    const months: string[] = [];
    for (let m = from; m <= to; m = addDays(monthRange(`${m}-01`).last, 1).slice(0, 7)) {
      months.push(m);
      if (months.length > MAX_MONTHS)
        throw new AppError('DATE_RANGE_TOO_LONG', ERROR_MESSAGES.DATE_RANGE_TOO_LONG(MAX_MONTHS * 31), { fields: { to: 'range too long' } });
    }
    if (to < from) throw new AppError('DATE_RANGE_REVERSED', undefined, { fields: { to: 'before from' } });
    const rolled = await this.deps.dashboards.rolled('month', from, to);
    const stored = await this.deps.dashboards.seniorMonths(
      months.filter((m) => rolled.has(m)),
      scope.key,
    );
    const now = this.deps.clock.now();
    const ids = scope.centres.map((c) => c.id);
    const perMonth = await Promise.all(
      months.map(async (m) => {
        const at = rolled.get(m);
        if (at) return { counts: new Map(stored.filter((r) => r.month === m).map((r) => [r.bucket, r.seniors])), countedAt: at };
        const { first, last } = monthRange(`${m}-01`);
        if (first > today) return { counts: new Map<string, number>(), countedAt: now };
        const served = new Map((await this.deps.dashboards.servedSeniors(first, last, ids)).map((s) => [s.seniorId, s]));
        return { counts: bucketCounts(served.values(), last < today ? last : today), countedAt: now };
      }),
    );
    return {
      scope: scopeView(scope),
      months,
      total: perMonth.map((p) => p.counts.get('all') ?? 0),
      buckets: SENIOR_BUCKETS.map((bucket) => ({ bucket, label: SENIOR_BUCKET_LABELS[bucket], seniors: perMonth.map((p) => p.counts.get(bucket) ?? 0) })),
      countedAt: perMonth.map((p) => p.countedAt.toISOString()),
    };
  }

  /** Ratings of served bookings by service day, per centre: how many and their average, per interval. */
  async ratings(actor: Actor, q: RangeAsk & { interval?: Interval }): Promise<RatingsDashboard> {
    const interval = q.interval ?? 'week';
    const { from, to } = this.defaultRange(q, interval);
    const [scope, { rolled, ranges }] = await Promise.all([this.scope(actor, q), coverage(this.deps.dashboards, from, to)]);
    const ids = scope.centres.map((c) => c.id);
    // Ended days from the roll-up, summed per bucket by the database; the rest counted live.
    const [stored, ...live] = await Promise.all([
      rolled ? this.deps.dashboards.rolledRatings(from, to, ids, interval) : Promise.resolve([]),
      ...ranges.map(([a, b]) => this.deps.dashboards.liveDayStats(a, b, ids, { part: 'ratings' })),
    ]);
    const rows = [
      ...stored,
      ...live.flat().map((s) => ({ bucket: bucketOf(s.serviceDate, interval), centreId: s.centreId, ratings: s.ratings, ratingSum: s.ratingSum })),
    ];
    const buckets = bucketsBetween(from, to, interval);
    const index = new Map(buckets.map((b, i) => [b, i]));
    const perCentre = new Map<number, { count: number[]; sum: number[] }>();
    for (const s of rows) {
      const i = index.get(s.bucket);
      if (s.ratings === 0 || i === undefined) continue;
      let row = perCentre.get(s.centreId);
      if (!row) perCentre.set(s.centreId, (row = { count: buckets.map(() => 0), sum: buckets.map(() => 0) }));
      row.count[i] += s.ratings;
      row.sum[i] += s.ratingSum;
    }
    const average = (sum: number, count: number) => (count > 0 ? Math.round((sum / count) * 100) / 100 : null);
    const shown = scope.kind === 'centre' ? scope.centres : scope.centres.filter((c) => perCentre.has(c.id));
    const centres = shown.map((c) => {
      const row = perCentre.get(c.id) ?? { count: buckets.map(() => 0), sum: buckets.map(() => 0) };
      return { centreId: c.id, name: c.name, count: row.count, average: row.count.map((n, i) => average(row.sum[i], n)) };
    });
    const count = buckets.map((_, i) => [...perCentre.values()].reduce((n, r) => n + r.count[i], 0));
    const sums = buckets.map((_, i) => [...perCentre.values()].reduce((n, r) => n + r.sum[i], 0));
    return {
      scope: scopeView(scope),
      interval,
      buckets,
      centres,
      total: { count, average: count.map((n, i) => average(sums[i], n)) },
      asOf: this.deps.clock.now().toISOString(),
    };
  }

  /** 助急 alerts raised, acknowledged, and the seconds from raising to acknowledging (median, 90th percentile). */
  async emergencies(actor: Actor, q: RangeAsk & { interval?: Interval }): Promise<EmergencyDashboard> {
    const interval = q.interval ?? 'week';
    const { from, to } = this.defaultRange(q, interval);
    const scope = await this.scope(actor, q);
    const timings = await this.deps.dashboards.alertTimings(
      shanghaiInstant(from),
      shanghaiInstant(addDays(to, 1)),
      scope.kind === 'centre' ? { centreId: scope.id } : { regionPath: scope.regionPath },
    );
    const buckets = bucketsBetween(from, to, interval);
    const index = new Map(buckets.map((b, i) => [b, i]));
    const raised = buckets.map(() => 0);
    const waits: number[][] = buckets.map(() => []);
    for (const t of timings) {
      const i = index.get(bucketOf(shanghaiDate(t.createdAt), interval))!;
      raised[i]++;
      if (t.acknowledgedAt) waits[i].push(Math.round((t.acknowledgedAt.getTime() - t.createdAt.getTime()) / 1000));
    }
    for (const w of waits) w.sort((a, b) => a - b);
    const all = waits.flat().sort((a, b) => a - b);
    return {
      scope: scopeView(scope),
      interval,
      buckets,
      raised,
      acknowledged: waits.map((w) => w.length),
      medianSeconds: waits.map((w) => percentile(w, 50)),
      p90Seconds: waits.map((w) => percentile(w, 90)),
      summary: {
        raised: timings.length,
        acknowledged: all.length,
        unacknowledged: timings.length - all.length,
        medianSeconds: percentile(all, 50),
        p90Seconds: percentile(all, 90),
        maxSeconds: all.length > 0 ? all[all.length - 1] : null,
      },
      asOf: this.deps.clock.now().toISOString(),
    };
  }

  /** Up to today by default, from twelve buckets back (30 days by day). */
  private defaultRange(q: RangeAsk, interval: Interval): { from: string; to: string } {
    const to = q.to ?? this.today();
    const from =
      q.from ??
      (interval === 'day'
        ? addDays(to, -29)
        : interval === 'week'
          ? addDays(bucketOf(to, 'week'), -7 * 11)
          : `${addDays(bucketOf(to, 'month'), -330).slice(0, 7)}-01`);
    checkRange(from, to);
    return { from, to };
  }
}
