import {
  ACTIVE_BOOKING_STATUSES,
  Booking,
  Centre,
  CentreDayStat,
  CLAIMABLE_BOOKING_STATUSES,
  DashboardRollup,
  EmergencyAlert,
  Rating,
  Senior,
  ServedSeniorMonth,
  type RollupKind,
  type SeniorCategory,
  type ServiceCategory,
} from '../../entities';
import type { Database, Tx } from '../db/database';
import { EntityRows } from '../db/entity-rows';
import { addDays } from '../lib/time';
import { dayValue, num } from './raw-values';

/** A centre as the dashboards name it. */
export interface DashboardCentre {
  id: number;
  name: string;
  regionPath: string;
}

/** One centre's day of one category, summed (a CentreDayStat row, from the roll-up or counted live). */
export type DayStat = CentreDayStat;

/** A senior served at a centre in a period, with what the by-category counts need to know of them. */
export interface ServedSenior {
  centreId: number;
  seniorId: number;
  birthDate: string;
  categories: SeniorCategory[];
  abilityLevel: number;
}

export interface AlertTiming {
  createdAt: Date;
  acknowledgedAt: Date | null;
}

/**
 * Narrows the day sums: one service category; `part` 'sums' leaves the ratings out (zero), 'ratings' keeps only the
 * days with ratings and counts nothing else. Both by default (what the roll-up stores).
 */
export interface DayStatFilter {
  category?: ServiceCategory;
  part?: 'sums' | 'ratings';
  /** Only these sums read from the roll-up (the others read as 0), so that an index of them covers the read. */
  columns?: ReadonlyArray<(typeof STAT_COLUMNS)[number]>;
}

const STAT_COLUMNS = [
  'bookedPortions',
  'servedPortions',
  'noShowPortions',
  'cancelledPortions',
  'servedSubsidyFen',
  'openSubsidyFen',
  'ratings',
  'ratingSum',
] as const;
const ZERO = {
  bookedPortions: 0,
  servedPortions: 0,
  noShowPortions: 0,
  cancelledPortions: 0,
  servedSubsidyFen: 0,
  openSubsidyFen: 0,
  ratings: 0,
  ratingSum: 0,
};

const OPEN = ['pending_payment', 'pending_confirmation', 'confirmed'] as const;
const CANCELLED = ['cancelled', 'rejected', 'expired'] as const;

/** `status IN ('a', 'b')` with the statuses written into the SQL (they are our own constants, never input). */
const inList = (statuses: readonly string[]) => `status IN (${statuses.map((s) => `'${s}'`).join(', ')})`;

/**
 * The dashboards' questions: bookings summed per centre, day and category (from the daily roll-up, or counted live
 * through idx_booking_day_stats, which covers the query), distinct seniors served, alert timings, and the roll-up's
 * own upkeep.
 */
export class DashboardRepository {
  constructor(private readonly db: Database) {}

  /** Centres in a region (every one, active or not: closed centres keep their history), or one centre, by id. */
  async centres(scope: { regionPath: string } | { centreId: number }): Promise<DashboardCentre[]> {
    const rows = this.db.rows(Centre);
    const pick = rows.picker(['id', 'name', 'regionPath']);
    const [where, param] = 'centreId' in scope ? ['id = ?', scope.centreId] : [`${rows.q('regionPath')} LIKE ?`, `${scope.regionPath}%`];
    const raw: Array<Record<string, unknown>> = await this.db.manager.query(`SELECT ${pick.columns} FROM ${rows.table} WHERE ${where} ORDER BY id`, [param]);
    return raw.map(pick.read);
  }

  /** The days (or months) between two periods that the roll-up holds, with when each was made. */
  async rolled(kind: RollupKind, from: string, to: string): Promise<Map<string, Date>> {
    const rows = await this.db.rows(DashboardRollup).find(this.db.manager, `WHERE kind = ? AND period BETWEEN ? AND ?`, [kind, from, to]);
    return new Map(rows.map((r) => [r.period, r.rolledAt]));
  }

  /**
   * Roll-up rows of the centres (all when null) between two days, of one category if given, only those with ratings
   * if asked. Read as plain numbers (a year of a district is tens of thousands of rows: no entity hydration, and the
   * day as text rather than a driver's Date).
   */
  async rolledDayStats(from: string, to: string, centreIds: number[] | null, only: DayStatFilter = {}): Promise<DayStat[]> {
    if (centreIds !== null && centreIds.length === 0) return [];
    const rows = this.db.rows(CentreDayStat);
    const where = [`${rows.q('serviceDate')} BETWEEN ? AND ?`];
    const params: unknown[] = [from, to];
    if (centreIds !== null) {
      where.push(`centreId IN (${EntityRows.marks(centreIds.length)})`);
      params.push(...centreIds);
    }
    if (only.category !== undefined) {
      where.push('category = ?');
      params.push(only.category);
    }
    if (only.part === 'ratings') where.push('ratings > 0');
    const raw: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT CAST(${rows.q('serviceDate')} AS CHAR) AS d, centreId AS c, category AS k, ${(only.columns ?? STAT_COLUMNS).join(', ')} FROM ${rows.table} WHERE ${where.join(' AND ')}`,
      params,
    );
    return raw.map((r) => ({
      serviceDate: String(r.d),
      centreId: num(r.c),
      category: r.k as ServiceCategory,
      bookedPortions: num(r.bookedPortions),
      servedPortions: num(r.servedPortions),
      noShowPortions: num(r.noShowPortions),
      cancelledPortions: num(r.cancelledPortions),
      servedSubsidyFen: num(r.servedSubsidyFen),
      openSubsidyFen: num(r.openSubsidyFen),
      ratings: num(r.ratings),
      ratingSum: num(r.ratingSum),
    }));
  }

  /**
   * Ratings in the roll-up summed per centre and bucket (the bucket's first day: the day itself, its week's Monday,
   * or its month's first), all categories together: a year by month is a few hundred rows, not tens of thousands.
   */
  async rolledRatings(
    from: string,
    to: string,
    centreIds: number[],
    interval: 'day' | 'week' | 'month',
  ): Promise<Array<{ bucket: string; centreId: number; ratings: number; ratingSum: number }>> {
    if (centreIds.length === 0) return [];
    const d = this.db.rows(CentreDayStat).q('serviceDate');
    const bucket =
      interval === 'day'
        ? `CAST(${d} AS CHAR)`
        : interval === 'month'
          ? `SUBSTR(CAST(${d} AS CHAR), 1, 7)`
          : this.db.kind === 'sqlite'
            ? `date(${d}, '-' || ((CAST(strftime('%w', ${d}) AS INTEGER) + 6) % 7) || ' days')`
            : `CAST(DATE_SUB(${d}, INTERVAL WEEKDAY(${d}) DAY) AS CHAR)`;
    const raw: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT ${bucket} AS b, centreId AS c, SUM(ratings) AS n, SUM(ratingSum) AS total FROM ${this.db.rows(CentreDayStat).table}
       WHERE ${d} BETWEEN ? AND ? AND centreId IN (${EntityRows.marks(centreIds.length)}) AND ratings > 0 GROUP BY ${bucket}, centreId`,
      [from, to, ...centreIds],
    );
    return raw.map((r) => ({
      bucket: interval === 'month' ? `${String(r.b)}-01` : String(r.b),
      centreId: num(r.c),
      ratings: num(r.n),
      ratingSum: num(r.total),
    }));
  }

  /** The same sums counted from the bookings (and their ratings) themselves. */
  async liveDayStats(from: string, to: string, centreIds: number[] | null, only: DayStatFilter = {}, em: Tx = this.db.manager): Promise<DayStat[]> {
    if (centreIds !== null && centreIds.length === 0) return [];
    const [b, r] = [this.db.rows(Booking), this.db.rows(Rating)];
    const where = ['b.serviceDate BETWEEN ? AND ?'];
    if (centreIds !== null) where.push(`b.centreId IN (${EntityRows.marks(centreIds.length)})`);
    const params: unknown[] = [from, to, ...(centreIds ?? [])];
    if (only.category !== undefined) {
      where.push('b.category = ?');
      params.push(only.category);
    }
    const sum = (statuses: readonly string[], what: string) => `SUM(CASE WHEN b.${inList(statuses)} THEN b.${what} ELSE 0 END)`;
    const none = Promise.resolve([] as Array<Record<string, unknown>>);
    const [sums, ratings]: [Array<Record<string, unknown>>, Array<Record<string, unknown>>] = await Promise.all([
      only.part === 'ratings'
        ? none
        : em.query(
            `SELECT b.serviceDate AS d, b.centreId AS c, b.category AS k,
               ${sum(ACTIVE_BOOKING_STATUSES, 'quantity')} AS booked, ${sum(CLAIMABLE_BOOKING_STATUSES, 'quantity')} AS served,
               ${sum(['no_show'], 'quantity')} AS noShow, ${sum(CANCELLED, 'quantity')} AS cancelled,
               ${sum(CLAIMABLE_BOOKING_STATUSES, 'subsidyFen')} AS servedFen, ${sum(OPEN, 'subsidyFen')} AS openFen
             FROM ${b.table} b WHERE ${where.join(' AND ')} GROUP BY b.serviceDate, b.centreId, b.category`,
            params,
          ),
      only.part === 'sums'
        ? none
        : em.query(
            `SELECT b.serviceDate AS d, b.centreId AS c, b.category AS k, COUNT(*) AS n, SUM(r.score) AS total
             FROM ${b.table} b JOIN ${r.table} r ON r.bookingId = b.id WHERE ${where.join(' AND ')} AND b.${inList(CLAIMABLE_BOOKING_STATUSES)}
             GROUP BY b.serviceDate, b.centreId, b.category`,
            params,
          ),
    ]);
    const stats = new Map<string, DayStat>();
    const keyOf = (x: Record<string, unknown>) => `${dayValue(x.d)}|${num(x.c)}|${String(x.k)}`;
    for (const x of sums) {
      stats.set(keyOf(x), {
        serviceDate: dayValue(x.d),
        centreId: num(x.c),
        category: x.k as ServiceCategory,
        bookedPortions: num(x.booked),
        servedPortions: num(x.served),
        noShowPortions: num(x.noShow),
        cancelledPortions: num(x.cancelled),
        servedSubsidyFen: num(x.servedFen),
        openSubsidyFen: num(x.openFen),
        ratings: 0,
        ratingSum: 0,
      });
    }
    for (const x of ratings) {
      const s = stats.get(keyOf(x));
      if (s) Object.assign(s, { ratings: num(x.n), ratingSum: num(x.total) });
      else if (only.part === 'ratings')
        stats.set(keyOf(x), {
          ...ZERO,
          serviceDate: dayValue(x.d),
          centreId: num(x.c),
          category: x.k as ServiceCategory,
          ratings: num(x.n),
          ratingSum: num(x.total),
        });
    }
    return [...stats.values()];
  }

  /** Makes the roll-up of every day from `from` to `to` afresh and marks the days rolled, in one transaction. */
  async rollDays(from: string, to: string, now: Date): Promise<number> {
    return this.db.transaction(async (em) => {
      const stats = await this.liveDayStats(from, to, null, {}, em);
      const rows = this.db.rows(CentreDayStat);
      await em.query(`DELETE FROM ${rows.table} WHERE ${rows.q('serviceDate')} BETWEEN ? AND ?`, [from, to]);
      for (let i = 0; i < stats.length; i += 500) await rows.insertMany(em, stats.slice(i, i + 500));
      const marks = this.db.rows(DashboardRollup);
      await em.query(`DELETE FROM ${marks.table} WHERE kind = 'day' AND period BETWEEN ? AND ?`, [from, to]);
      const days: DashboardRollup[] = [];
      for (let d = from; d <= to; d = addDays(d, 1)) days.push({ kind: 'day', period: d, rolledAt: now });
      for (let i = 0; i < days.length; i += 500) await marks.insertMany(em, days.slice(i, i + 500));
      return stats.length;
    });
  }

  /** The first service day any booking has (where a roll-up of history starts), or null. */
  async firstServiceDay(): Promise<string | null> {
    const [row]: Array<{ d: unknown }> = await this.db.manager.query(`SELECT MIN(serviceDate) AS d FROM ${this.db.rows(Booking).table}`);
    return row?.d === null || row?.d === undefined ? null : dayValue(row.d);
  }

  /** Distinct (centre, senior) pairs served between two days at the centres (all when null), with the seniors' categories. */
  async servedSeniors(from: string, to: string, centreIds: number[] | null): Promise<ServedSenior[]> {
    if (centreIds !== null && centreIds.length === 0) return [];
    const [b, s] = [this.db.rows(Booking), this.db.rows(Senior)];
    const pick = s.picker(['birthDate', 'categories', 'abilityLevel']);
    const where = ['b.serviceDate BETWEEN ? AND ?', `b.${inList(CLAIMABLE_BOOKING_STATUSES)}`];
    if (centreIds !== null) where.push(`b.centreId IN (${EntityRows.marks(centreIds.length)})`);
    const raw: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT x.centreId AS centreId, x.seniorId AS seniorId, s.birthDate AS birthDate, s.categories AS categories, s.abilityLevel AS abilityLevel
       FROM (SELECT DISTINCT b.centreId, b.seniorId FROM ${b.table} b WHERE ${where.join(' AND ')}) x JOIN ${s.table} s ON s.id = x.seniorId`,
      [from, to, ...(centreIds ?? [])],
    );
    return raw.map((r) => {
      const p = pick.read(r);
      return {
        centreId: num(r.centreId),
        seniorId: num(r.seniorId),
        birthDate: dayValue(p.birthDate),
        categories: p.categories ?? [],
        abilityLevel: p.abilityLevel,
      };
    });
  }

  /** The stored counts of a month for one scope. */
  seniorMonths(months: string[], scope: string): Promise<ServedSeniorMonth[]> {
    if (months.length === 0) return Promise.resolve([]);
    return this.db
      .rows(ServedSeniorMonth)
      .find(this.db.manager, `WHERE scope = ? AND ${this.db.rows(ServedSeniorMonth).q('month')} IN (${EntityRows.marks(months.length)})`, [scope, ...months]);
  }

  /** Replaces a month's counts for every scope and marks the month rolled. */
  async replaceSeniorMonth(month: string, rows: ServedSeniorMonth[], now: Date): Promise<void> {
    await this.db.transaction(async (em) => {
      const t = this.db.rows(ServedSeniorMonth);
      await em.query(`DELETE FROM ${t.table} WHERE ${t.q('month')} = ?`, [month]);
      for (let i = 0; i < rows.length; i += 500) await t.insertMany(em, rows.slice(i, i + 500));
      const marks = this.db.rows(DashboardRollup);
      await em.query(`DELETE FROM ${marks.table} WHERE kind = 'month' AND period = ?`, [month]);
      await marks.insertMany(em, [{ kind: 'month', period: month, rolledAt: now }]);
    });
  }

  /** When alerts raised between two instants were raised and acknowledged, at the centres (or of seniors living in the region). */
  async alertTimings(from: Date, to: Date, scope: { centreId: number } | { regionPath: string }): Promise<AlertTiming[]> {
    const [a, s] = [this.db.rows(EmergencyAlert), this.db.rows(Senior)];
    const created = this.db.ds.getMetadata(EmergencyAlert).findColumnWithPropertyName('createdAt')!;
    const params: unknown[] = [this.db.ds.driver.preparePersistentValue(from, created), this.db.ds.driver.preparePersistentValue(to, created)];
    let sql = `SELECT a.createdAt AS createdAt, a.acknowledgedAt AS acknowledgedAt FROM ${a.table} a`;
    if ('centreId' in scope) {
      sql += ' WHERE a.createdAt >= ? AND a.createdAt < ? AND a.centreId = ?';
      params.push(scope.centreId);
    } else {
      sql += ` JOIN ${s.table} s ON s.id = a.seniorId WHERE a.createdAt >= ? AND a.createdAt < ? AND s.${s.q('regionPath')} LIKE ?`;
      params.push(`${scope.regionPath}%`);
    }
    const raw: Array<Record<string, unknown>> = await this.db.manager.query(sql, params);
    const read = (v: unknown) => (v === null || v === undefined ? null : (this.db.ds.driver.prepareHydratedValue(v, created) as Date));
    return raw.map((r) => ({ createdAt: read(r.createdAt)!, acknowledgedAt: read(r.acknowledgedAt) }));
  }
}
