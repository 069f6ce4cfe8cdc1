import type { ServedSeniorMonth } from '../../../entities';
import type { Clock } from '../../lib/clock';
import { addDays, monthRange, shanghaiDate } from '../../lib/time';
import type { DashboardRepository } from '../../repositories/dashboard.repository';
import { bucketCounts, daysBetween, pathsAbove } from './figures';

/** Ended days made again on every run: ratings and late corrections still change them. */
export const RECENT_DAYS = 14;
/** Older days never rolled up (a new installation, an import) made per run, a month at a time. */
export const BACKLOG_DAYS = 62;
/** Months never counted, counted per run (besides this month, and last month in the first half of this one). */
export const BACKLOG_MONTHS = 3;

export interface DashboardRollupDeps {
  clock: Clock;
  dashboards: DashboardRepository;
}

/**
 * Keeps the dashboards' roll-up (the dashboard-rollup job): the day sums of every ended day, made again for the
 * last RECENT_DAYS, and the distinct seniors served per month for every centre and region. Idempotent: a day or a
 * month is always made whole from the bookings, in one transaction, so a rerun changes nothing.
 */
export class DashboardRollupService {
  constructor(private readonly deps: DashboardRollupDeps) {}

  /** One run; returns the days and months made. `backlogDays` lets a caller catch up on history at once. */
  async run(opts: { backlogDays?: number; backlogMonths?: number } = {}): Promise<number> {
    const now = this.deps.clock.now();
    const today = shanghaiDate(now);
    const yesterday = addDays(today, -1);
    const first = await this.deps.dashboards.firstServiceDay();
    if (first === null || first > yesterday) return 0;
    let made = 0;

    // Days: the backlog (oldest first), then the recent window again.
    const recentFrom = addDays(today, -RECENT_DAYS) > first ? addDays(today, -RECENT_DAYS) : first;
    if (first < recentFrom) {
      const rolled = await this.deps.dashboards.rolled('day', first, addDays(recentFrom, -1));
      const missing = daysBetween(first, addDays(recentFrom, -1))
        .filter((d) => !rolled.has(d))
        .slice(0, opts.backlogDays ?? BACKLOG_DAYS);
      for (let i = 0; i < missing.length;) {
        let j = i;
        while (j + 1 < missing.length && j - i < 30 && addDays(missing[j], 1) === missing[j + 1]) j++;
        await this.deps.dashboards.rollDays(missing[i], missing[j], now);
        made += j - i + 1;
        i = j + 1;
      }
    }
    await this.deps.dashboards.rollDays(recentFrom, yesterday, now);
    made += daysBetween(recentFrom, yesterday).length;

    // Months: this one, last one early in this one, and a few never counted.
    const thisMonth = today.slice(0, 7);
    const lastMonth = addDays(`${thisMonth}-01`, -1).slice(0, 7);
    const months = [thisMonth];
    if (Number(today.slice(8, 10)) <= RECENT_DAYS) months.push(lastMonth);
    const rolledMonths = await this.deps.dashboards.rolled('month', first.slice(0, 7), lastMonth);
    const never: string[] = [];
    for (let m = first.slice(0, 7); m < thisMonth; m = addDays(monthRange(`${m}-01`).last, 1).slice(0, 7))
      if (!rolledMonths.has(m) && !months.includes(m)) never.push(m);
    months.push(...never.reverse().slice(0, opts.backlogMonths ?? BACKLOG_MONTHS));
    for (const m of months) await this.countMonth(m, today, now);
    return made + months.length;
  }

  /** Distinct seniors served in a month, by bucket, for every centre and every region above a centre. */
  private async countMonth(month: string, today: string, now: Date): Promise<void> {
    const { first, last } = monthRange(`${month}-01`);
    const [served, centres] = await Promise.all([
      this.deps.dashboards.servedSeniors(first, last < today ? last : today, null),
      this.deps.dashboards.centres({ regionPath: '/' }),
    ]);
    const pathOf = new Map(centres.map((c) => [c.id, c.regionPath]));
    const scopes = new Map<string, Map<number, (typeof served)[number]>>();
    for (const s of served) {
      const keys = [`c:${s.centreId}`, ...pathsAbove(pathOf.get(s.centreId) ?? '').map((p) => `r:${p}`)];
      for (const k of keys) {
        let seniors = scopes.get(k);
        if (!seniors) scopes.set(k, (seniors = new Map()));
        seniors.set(s.seniorId, s);
      }
    }
    const ageDay = last < today ? last : today;
    const rows: ServedSeniorMonth[] = [];
    for (const [scope, seniors] of scopes) {
      for (const [bucket, n] of bucketCounts(seniors.values(), ageDay)) if (n > 0) rows.push({ month, scope, bucket, seniors: n });
    }
    await this.deps.dashboards.replaceSeniorMonth(month, rows, now);
  }
}
