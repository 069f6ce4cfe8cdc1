import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import {
  Booking,
  CLAIMABLE_BOOKING_STATUSES,
  Centre,
  CounterPayment,
  Payment,
  Refund,
  Region,
  Settlement,
  SettlementDiscrepancy,
  SettlementLine,
  SubsidyPolicy,
  type RefundResolution,
  type RefundStatus,
} from '../../entities';
import type { Database } from '../db/database';

/** A (centre, policy) group of a month; policyId null = bookings no policy subsidised. */
export interface GroupKey {
  centreId: number;
  policyId: number | null;
}

export interface ServedGroup extends GroupKey {
  bookings: number;
  portions: number;
  priceFen: number;
  subsidyFen: number;
  copayFen: number;
}

/** A claimable booking with its money, for a settlement's lines and the bookings that do not reconcile. */
export interface ServedMoney extends GroupKey {
  bookingId: number;
  code: string;
  serviceDate: string;
  centreRegionPath: string;
  copayFen: number;
  paidFen: number;
  counterFen: number;
  refunds: Array<{ status: RefundStatus; resolution: RefundResolution | null; amountFen: number }>;
}

export interface MoneyGroup extends GroupKey {
  count: number;
  fen: number;
}

type Raw = Record<string, string | number | null>;
// MariaDB returns SUM and COUNT as strings (DECIMAL, BIGINT), SQLite as numbers.
const n = (v: string | number | null | undefined) => Number(v ?? 0);
const key = (r: Raw): GroupKey => ({ centreId: n(r.centreId), policyId: r.policyId === null || r.policyId === undefined ? null : n(r.policyId) });

/**
 * The questions a monthly settlement asks of bookings, payments and refunds, each answered by one GROUP BY over
 * (centre, policy) within a region, plus storing and reading the frozen result.
 */
export class SettlementRepository {
  constructor(private readonly db: Database) {}

  /** Claimable bookings (served, rated) with a service day in [first, last] at centres inside `regionPath`. */
  private claimable(qb: SelectQueryBuilder<ObjectLiteral>, first: string, last: string, regionPath: string): SelectQueryBuilder<ObjectLiteral> {
    return qb
      .innerJoin(Centre, 'c', 'c.id = b.centreId')
      .andWhere('b.status IN (:...claimable)', { claimable: CLAIMABLE_BOOKING_STATUSES })
      .andWhere('b.serviceDate >= :first AND b.serviceDate <= :last', { first, last })
      .andWhere('c.regionPath LIKE :path', { path: `${regionPath}%` })
      .groupBy('b.centreId')
      .addGroupBy('b.subsidyPolicyId');
  }

  /** How many claimable bookings and portions, and their price, subsidy and co-payment, per centre and policy. */
  async servedByCentreAndPolicy(first: string, last: string, regionPath: string): Promise<ServedGroup[]> {
    const qb = this.db.manager
      .createQueryBuilder(Booking, 'b')
      .select('b.centreId', 'centreId')
      .addSelect('b.subsidyPolicyId', 'policyId')
      .addSelect('COUNT(*)', 'bookings')
      .addSelect('SUM(b.quantity)', 'portions')
      .addSelect('SUM(b.priceFen)', 'priceFen')
      .addSelect('SUM(b.subsidyFen)', 'subsidyFen')
      .addSelect('SUM(b.copayFen)', 'copayFen');
    const rows: Raw[] = await this.claimable(qb, first, last, regionPath).getRawMany();
    return rows.map((r) => ({
      ...key(r),
      bookings: n(r.bookings),
      portions: n(r.portions),
      priceFen: n(r.priceFen),
      subsidyFen: n(r.subsidyFen),
      copayFen: n(r.copayFen),
    }));
  }

  /**
   * Every claimable booking of the month in the region with its money: WeChat Pay paid, collected at the counter,
   * and its refunds by how they ended (one grouped query each, joined here by booking id).
   */
  async moneyOfServed(first: string, last: string, regionPath: string): Promise<ServedMoney[]> {
    const scope = <T extends ObjectLiteral>(qb: SelectQueryBuilder<T>) =>
      qb
        .innerJoin(Centre, 'c', 'c.id = b.centreId')
        .andWhere('b.status IN (:...claimable)', { claimable: CLAIMABLE_BOOKING_STATUSES })
        .andWhere('b.serviceDate >= :first AND b.serviceDate <= :last', { first, last })
        .andWhere('c.regionPath LIKE :path', { path: `${regionPath}%` });
    const em = this.db.manager;
    const [bookings, paid, counter, refunds] = await Promise.all([
      // As entities, not raw rows: a service day comes back as the same 'YYYY-MM-DD' from either database.
      scope(em.createQueryBuilder(Booking, 'b').select(['b.id', 'b.code', 'b.serviceDate', 'b.centreId', 'b.subsidyPolicyId', 'b.copayFen'])).getMany(),
      scope(
        em
          .createQueryBuilder(Payment, 'p')
          .innerJoin(Booking, 'b', 'b.id = p.bookingId')
          .select('p.bookingId', 'bookingId')
          .addSelect('SUM(p.amountFen)', 'fen')
          .where("p.status = 'paid'"),
      )
        .groupBy('p.bookingId')
        .getRawMany<Raw>(),
      scope(
        em
          .createQueryBuilder(CounterPayment, 'k')
          .innerJoin(Booking, 'b', 'b.id = k.bookingId')
          .select('k.bookingId', 'bookingId')
          .addSelect('k.amountFen', 'fen'),
      ).getRawMany<Raw>(),
      scope(
        em
          .createQueryBuilder(Refund, 'r')
          .innerJoin(Booking, 'b', 'b.id = r.bookingId')
          .select('r.bookingId', 'bookingId')
          .addSelect('r.status', 'status')
          .addSelect('r.resolution', 'resolution')
          .addSelect('SUM(r.amountFen)', 'fen'),
      )
        .groupBy('r.bookingId')
        .addGroupBy('r.status')
        .addGroupBy('r.resolution')
        .getRawMany<Raw>(),
    ]);
    const paidOf = new Map(paid.map((r) => [n(r.bookingId), n(r.fen)]));
    const counterOf = new Map(counter.map((r) => [n(r.bookingId), n(r.fen)]));
    const refundsOf = new Map<number, ServedMoney['refunds']>();
    for (const r of refunds) {
      const list = refundsOf.get(n(r.bookingId)) ?? [];
      list.push({ status: r.status as RefundStatus, resolution: (r.resolution ?? null) as RefundResolution | null, amountFen: n(r.fen) });
      refundsOf.set(n(r.bookingId), list);
    }
    const regionPathOf = new Map((await this.centresByIds([...new Set(bookings.map((b) => b.centreId))])).map((c) => [c.id, c.regionPath]));
    return bookings.map((b) => ({
      centreId: b.centreId,
      policyId: b.subsidyPolicyId,
      bookingId: b.id,
      code: b.code,
      serviceDate: b.serviceDate,
      centreRegionPath: regionPathOf.get(b.centreId) ?? '',
      copayFen: b.copayFen,
      paidFen: paidOf.get(b.id) ?? 0,
      counterFen: counterOf.get(b.id) ?? 0,
      refunds: refundsOf.get(b.id) ?? [],
    }));
  }

  /**
   * Refunds whose money went back in [from, to) — WeChat Pay's success time — for any booking at a centre inside
   * `regionPath`, per the booking's centre and policy.
   */
  async refundsSucceededBetween(from: Date, to: Date, regionPath: string): Promise<MoneyGroup[]> {
    const rows: Raw[] = await this.db.manager
      .createQueryBuilder(Refund, 'r')
      .innerJoin(Booking, 'b', 'b.id = r.bookingId')
      .innerJoin(Centre, 'c', 'c.id = b.centreId')
      .select('b.centreId', 'centreId')
      .addSelect('b.subsidyPolicyId', 'policyId')
      .addSelect('COUNT(*)', 'count')
      .addSelect('SUM(r.amountFen)', 'fen')
      .where("r.status = 'success'")
      .andWhere('r.succeededAt >= :from AND r.succeededAt < :to', { from, to })
      .andWhere('c.regionPath LIKE :path', { path: `${regionPath}%` })
      .groupBy('b.centreId')
      .addGroupBy('b.subsidyPolicyId')
      .getRawMany();
    return this.money(rows);
  }

  private money(rows: Raw[]): MoneyGroup[] {
    return rows.map((r) => ({ ...key(r), count: n(r.count), fen: n(r.fen) }));
  }

  centresByIds(ids: number[]): Promise<Centre[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.db.manager.createQueryBuilder(Centre, 'c').where('c.id IN (:...ids)', { ids }).getMany();
  }

  policiesByIds(ids: number[]): Promise<SubsidyPolicy[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.db.manager.createQueryBuilder(SubsidyPolicy, 'p').where('p.id IN (:...ids)', { ids }).getMany();
  }

  /** Regions with no parent: the units a settlement is generated for. */
  topLevelRegions(): Promise<Region[]> {
    return this.db.manager.createQueryBuilder(Region, 'r').where('r.parentId IS NULL').orderBy('r.id', 'ASC').getMany();
  }

  regionById(id: number): Promise<Region | null> {
    return this.db.manager.findOneBy(Region, { id });
  }

  find(month: string, regionId: number, em: EntityManager = this.db.manager): Promise<Settlement | null> {
    return em.findOneBy(Settlement, { month, regionId });
  }

  /** With the row locked until the transaction ends (MariaDB; SQLite's writer queue already serialises). */
  lockedFind(em: EntityManager, month: string, regionId: number): Promise<Settlement | null> {
    const qb = em.createQueryBuilder(Settlement, 's').where('s.month = :month AND s.regionId = :regionId', { month, regionId });
    if (this.db.kind !== 'sqlite') qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  linesOf(settlementId: number): Promise<SettlementLine[]> {
    return this.db.manager.find(SettlementLine, { where: { settlementId }, order: { id: 'ASC' } });
  }

  insert(em: EntityManager, row: Omit<Settlement, 'id'>): Promise<Settlement> {
    return em.save(Settlement, em.create(Settlement, row));
  }

  update(em: EntityManager, id: number, patch: Partial<Settlement>): Promise<unknown> {
    return em.update(Settlement, { id }, patch);
  }

  discrepanciesOf(settlementId: number): Promise<SettlementDiscrepancy[]> {
    return this.db.manager.find(SettlementDiscrepancy, { where: { settlementId }, order: { centreId: 'ASC', serviceDate: 'ASC', bookingId: 'ASC' } });
  }

  /** The settlement's bookings that do not reconcile become exactly `rows` (inside the caller's transaction). */
  async replaceDiscrepancies(em: EntityManager, settlementId: number, rows: Array<Omit<SettlementDiscrepancy, 'id' | 'settlementId'>>): Promise<void> {
    await em.delete(SettlementDiscrepancy, { settlementId });
    for (let i = 0; i < rows.length; i += 500) {
      await em.insert(
        SettlementDiscrepancy,
        rows.slice(i, i + 500).map((r) => ({ ...r, settlementId })),
      );
    }
  }

  /** The settlement's lines become exactly `lines` (inside the caller's transaction). */
  async replaceLines(em: EntityManager, settlementId: number, lines: Array<Omit<SettlementLine, 'id' | 'settlementId'>>): Promise<void> {
    await em.delete(SettlementLine, { settlementId });
    if (lines.length === 0) return;
    await em.insert(
      SettlementLine,
      lines.map((l) => ({ ...l, settlementId })),
    );
  }
}
