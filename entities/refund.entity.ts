import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FenColumn, InstantColumn, TextColumn } from './columns';

export const REFUND_STATUSES = ['processing', 'success', 'abnormal', 'closed', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

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

  @InstantColumn({ nullable: true })
  succeededAt!: Date | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
