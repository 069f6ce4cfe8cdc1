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
/** Refunds that are, or may still become, money back to the payer. */
export const LIVE_REFUND_STATUSES: readonly RefundStatus[] = ['pending', 'processing', 'success', 'failed'];

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

  /** A closed or abnormal refund that staff have dealt with (retried as a new refund, or settled by hand). */
  @InstantColumn({ nullable: true })
  resolvedAt!: Date | null;

  @InstantColumn({ nullable: true })
  succeededAt!: Date | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
