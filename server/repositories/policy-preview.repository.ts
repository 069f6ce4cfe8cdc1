import { Booking, Region, Senior, type SeniorCategory, type ServiceCategory, type ServiceKind } from '../../entities';
import type { Database } from '../db/database';
import { EntityRows } from '../db/entity-rows';
import { dayValue, num } from './raw-values';

/** What a policy preview needs to know of a senior. */
export interface PreviewSenior {
  id: number;
  birthDate: string;
  categories: SeniorCategory[];
  abilityLevel: number;
  regionPath: string;
}

/** One served booking of last month, as far as subsidy is concerned. */
export interface ServedLine {
  seniorId: number;
  serviceDate: string;
  kind: ServiceKind;
  quantity: number;
  unitPriceFen: number;
  subsidyFen: number;
}

/** The questions a subsidy policy's preview asks: who lives in the region, and what they were served last month. */
export class PolicyPreviewRepository {
  constructor(private readonly db: Database) {}

  /**
   * Active seniors living in the region who pass the conditions SQL can judge cheaply (born on or before
   * `bornBy`, ability level at least `minAbility`); categories are judged by the caller, as pricing judges them.
   */
  async seniorsIn(regionPath: string, bornBy: string | null, minAbility: number | null): Promise<PreviewSenior[]> {
    const rows = this.db.rows(Senior);
    const pick = rows.picker(['id', 'birthDate', 'categories', 'abilityLevel', 'regionPath']);
    const where = ['active = 1', `${rows.q('regionPath')} LIKE ?`];
    const params: unknown[] = [`${regionPath}%`];
    if (bornBy !== null) {
      where.push(`${rows.q('birthDate')} <= ?`);
      params.push(bornBy);
    }
    if (minAbility !== null) {
      where.push(`${rows.q('abilityLevel')} >= ?`);
      params.push(minAbility);
    }
    const raw: Array<Record<string, unknown>> = await this.db.manager.query(`SELECT ${pick.columns} FROM ${rows.table} WHERE ${where.join(' AND ')}`, params);
    return raw.map((r) => {
      const s = pick.read(r);
      return { ...s, birthDate: dayValue(s.birthDate), categories: s.categories ?? [] };
    });
  }

  /** The regions directly below a region (its streets, or its communities), by id. */
  async childRegions(path: string): Promise<Region[]> {
    const inside = await this.db.rows(Region).find(this.db.manager, `WHERE ${this.db.rows(Region).q('path')} LIKE ? ORDER BY id`, [`${path}%_/`]);
    const depth = path.split('/').length;
    return inside.filter((r) => r.path.split('/').length === depth + 1);
  }

  /**
   * Served (claimable) bookings of a category between two days, of these seniors. Read from idx_booking_day_stats
   * alone; a long list of seniors is filtered here rather than sent as an IN list.
   */
  async servedIn(seniorIds: ReadonlySet<number>, category: ServiceCategory, from: string, to: string): Promise<ServedLine[]> {
    if (seniorIds.size === 0) return [];
    const b = this.db.rows(Booking);
    const few = seniorIds.size <= 500 ? [...seniorIds] : null;
    const raw: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT b.seniorId AS seniorId, b.serviceDate AS serviceDate, b.kind AS kind, b.quantity AS quantity, b.unitPriceFen AS unitPriceFen, b.subsidyFen AS subsidyFen
       FROM ${b.table} b
       WHERE b.serviceDate BETWEEN ? AND ? AND b.status IN (${EntityRows.marks(2)}) AND b.category = ?${few ? ` AND b.seniorId IN (${EntityRows.marks(few.length)})` : ''}`,
      [from, to, 'served', 'rated', category, ...(few ?? [])],
    );
    const lines = raw.filter((r) => seniorIds.has(num(r.seniorId)));
    return lines.map((r) => ({
      seniorId: num(r.seniorId),
      serviceDate: dayValue(r.serviceDate),
      kind: r.kind as ServiceKind,
      quantity: num(r.quantity),
      unitPriceFen: num(r.unitPriceFen),
      subsidyFen: num(r.subsidyFen),
    }));
  }
}
