import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FenColumn, InstantColumn, TextColumn } from './columns';

/**
 * `pending`: decided and saved, not yet accepted by WeChat Pay (it is sent right after the deciding transaction
 * commits); `failed`: WeChat Pay refused it or could not be reached, kept for a retry with the same out_refund_no;
 * `processing` → `success` | `abnormal` (the money could not reach the payer: staff act in the merchant platform)
 * | `closed` (WeChat Pay gave up; a retry makes a new refund).
 */
export const REFUND_STATUSES = ['pending', 'processing', 'success', 'abnormal', 'closed', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];
/**
 * Refunds that are, or may still become, money back to the payer: never to be planned again. An abnormal refund
 * left WeChat Pay's hands towards the payer and stuck; it is settled outside WeChat Pay, never refunded twice.
 */
export const LIVE_REFUND_STATUSES: readonly RefundStatus[] = ['pending', 'processing', 'success', 'failed', 'abnormal'];

/**
 * How staff (or Mulin) dealt with a closed or abnormal refund: `retried` (a new refund replaces a closed one),
 * `covered` (a later refund already paid back that amount), `offline` (the money went back outside WeChat Pay:
 * cash, a bank transfer, the merchant platform; counted as refunded from then on).
 */
export const REFUND_RESOLUTIONS = ['retried', 'covered', 'offline'] as const;
export type RefundResolution = (typeof REFUND_RESOLUTIONS)[number];
/** How money went back outside WeChat Pay. */
export const OFFLINE_REFUND_METHODS = ['cash', 'bank_transfer', 'merchant_platform', 'other'] as const;
export type OfflineRefundMethod = (typeof OFFLINE_REFUND_METHODS)[number];

/** 退款 of (part of) a payment. */
@Entity('refund')
@Index('idx_refund_booking', ['bookingId'])
@Index('idx_refund_status', ['status', 'updatedAt'])
export class Refund {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  paymentId!: number;

  @Column({ type: 'int' })
  bookingId!: number;

  @Index('uq_refund_out_refund_no', { unique: true })
  @TextColumn(64)
  outRefundNo!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  refundId!: string | null;

  @FenColumn()
  amountFen!: number;

  @TextColumn(80, { default: '' })
  reason!: string;

  @Column({ type: 'simple-enum', enum: REFUND_STATUSES })
  status!: RefundStatus;

  @Column({ type: 'text', nullable: true })
  rawNotification!: string | null;

  /** Who asked for it (staff retrying, a family cancelling); null when Mulin decided by itself. */
  @Column({ type: 'int', nullable: true })
  requestedByAccountId!: number | null;

  /** Requests sent to WeChat Pay so far. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @TextColumn(200, { default: '' })
  lastError!: string;

  /** A closed or abnormal refund that has been dealt with (retried as a new refund, covered, or settled by hand). */
  @InstantColumn({ nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'simple-enum', enum: REFUND_RESOLUTIONS, nullable: true })
  resolution!: RefundResolution | null;

  /** Who resolved it; null when Mulin did (a later refund covered it). */
  @Column({ type: 'int', nullable: true })
  resolvedByAccountId!: number | null;

  /** `offline`: how the money went back, and the reference staff gave (a transfer number, a receipt). */
  @Column({ type: 'simple-enum', enum: OFFLINE_REFUND_METHODS, nullable: true })
  offlineMethod!: OfflineRefundMethod | null;

  @TextColumn(64, { default: '' })
  offlineReference!: string;

  @TextColumn(200, { default: '' })
  resolutionNote!: string;

  @InstantColumn({ nullable: true })
  succeededAt!: Date | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
