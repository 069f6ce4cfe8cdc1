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

  /** 现场收取: co-payments staff collected at the counter for those bookings (现场付). */
  @FenColumn()
  copayCounterFen!: number;

  /** 已退自付: refunds that succeeded for those bookings (fewer portions, duplicate payments), as of generation. */
  @FenColumn()
  copayRefundedFen!: number;

  /** 线下退回: refunds of those bookings that staff paid back outside WeChat Pay (an abnormal refund settled by hand). */
  @FenColumn()
  copayRefundedOfflineFen!: number;

  /**
   * Bookings of this line whose co-payment does not reconcile: what was collected for them (paid + counter −
   * refunded − paid back by hand) is not the co-payment due. Each is listed in settlement_discrepancy.
   */
  @Column({ type: 'int', default: 0 })
  unreconciledBookings!: number;

  /** 本月退款笔数 / 退款: refunds of any of the centre's bookings whose money went back during the month. */
  @Column({ type: 'int', default: 0 })
  refundCount!: number;

  @FenColumn()
  refundFen!: number;
}

/**
 * One booking behind a settlement line whose co-payment does not reconcile when the settlement was made: collected
 * (WeChat Pay paid + counter − refunded − refunded by hand) differs from the co-payment due. Stored with the
 * settlement, so the frozen file lists exactly the bookings its flags were about.
 */
@Entity('settlement_discrepancy')
@Index('idx_settlement_discrepancy_settlement', ['settlementId'])
export class SettlementDiscrepancy {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  settlementId!: number;

  @Column({ type: 'int' })
  centreId!: number;

  @TextColumn(255)
  centreRegionPath!: string;

  @Column({ type: 'int', nullable: true })
  policyId!: number | null;

  @Column({ type: 'int' })
  bookingId!: number;

  @TextColumn(12)
  bookingCode!: string;

  @TextColumn(10)
  serviceDate!: string;

  @FenColumn()
  copayDueFen!: number;

  @FenColumn()
  paidFen!: number;

  @FenColumn()
  counterFen!: number;

  @FenColumn()
  refundedFen!: number;

  @FenColumn()
  refundedOfflineFen!: number;

  /** Refunds decided and not yet back (pending, processing, failed) or stuck (abnormal, not yet settled by hand). */
  @FenColumn()
  refundingFen!: number;

  /** collected − due: negative is a shortfall, positive is money held that should go back. */
  @Column({ type: 'int', default: 0 })
  differenceFen!: number;
}
