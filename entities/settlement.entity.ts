import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { FenColumn, InstantColumn, TextColumn } from './columns';

export const SETTLEMENT_TRIGGERS = ['job', 'admin'] as const;
export type SettlementTrigger = (typeof SETTLEMENT_TRIGGERS)[number];

/**
 * 月度补贴结算: what a top-level region claims for one Shanghai calendar month, frozen when generated so that the
 * file an administrator downloads is what was claimed, whatever happens to the bookings later. Only an explicit
 * regeneration replaces the lines (and bumps `version`). Lines live in their own table, not a JSON column: typed
 * integer columns mean the same on MariaDB and SQLite, and a street's slice is a plain filter on them.
 */
@Entity('settlement')
@Unique('uq_settlement_month_region', ['month', 'regionId'])
export class Settlement {
  @PrimaryGeneratedColumn()
  id!: number;

  /** 'YYYY-MM', a Shanghai calendar month. */
  @TextColumn(7)
  month!: string;

  @Column({ type: 'int' })
  regionId!: number;

  @TextColumn(255)
  regionPath!: string;

  /** The region's name when generated (the file's title and name). */
  @TextColumn(64)
  regionName!: string;

  @Column({ type: 'int', default: 1 })
  version!: number;

  @Column({ type: 'simple-enum', enum: SETTLEMENT_TRIGGERS })
  trigger!: SettlementTrigger;

  /** The administrator who generated this version; null for the monthly job. */
  @Column({ type: 'int', nullable: true })
  generatedByAccountId!: number | null;

  @InstantColumn()
  generatedAt!: Date;

  @InstantColumn()
  createdAt!: Date;
}

/**
 * One (centre, subsidy policy) of a settlement. Counts and sums are of the month's claimable bookings (served or
 * rated, by service day) except `refundCount`/`refundFen`, which are the refunds whose money went back in the month
 * (WeChat Pay's success time), whatever booking they were for. Names are copied so a renamed centre or policy
 * does not change a settlement already claimed.
 */
@Entity('settlement_line')
@Index('idx_settlement_line_settlement', ['settlementId'])
export class SettlementLine {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  settlementId!: number;

  @Column({ type: 'int' })
  centreId!: number;

  @TextColumn(100)
  centreName!: string;

  /** The centre's region path, so an administrator of a street sees only the lines of centres in that street. */
  @TextColumn(255)
  centreRegionPath!: string;

  /** The policy that gave the subsidy (booking.subsidyPolicyId); null for bookings without one. */
  @Column({ type: 'int', nullable: true })
  policyId!: number | null;

  @TextColumn(100)
  policyName!: string;

  /** 服务人次: claimable bookings, one per booking whatever its portions. */
  @Column({ type: 'int', default: 0 })
  servedBookings!: number;

  /** 服务份数: portions of those bookings. */
  @Column({ type: 'int', default: 0 })
  servedPortions!: number;

  @FenColumn()
  priceFen!: number;

  /** 补贴金额: what the centre claims from government. */
  @FenColumn()
  subsidyFen!: number;

  /** 应付自付: the co-payments those bookings owe (price − subsidy). */
  @FenColumn()
  copayDueFen!: number;

  /** 实付: WeChat Pay payments received for those bookings. */
  @FenColumn()
  copayPaidFen!: number;

  /** 已退自付: refunds that succeeded for those bookings (fewer portions, duplicate payments), as of generation. */
  @FenColumn()
  copayRefundedFen!: number;

  /** 本月退款笔数 / 退款: refunds of any of the centre's bookings whose money went back during the month. */
  @Column({ type: 'int', default: 0 })
  refundCount!: number;

  @FenColumn()
  refundFen!: number;
}
