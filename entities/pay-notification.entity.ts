import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export const PAY_NOTIFICATION_OUTCOMES = [
  'paid',
  'already_paid',
  'late_refunded',
  'mismatch',
  'unknown_order',
  'refund_updated',
  'refund_already_final',
  'unknown_refund',
  'ignored',
] as const;
export type PayNotificationOutcome = (typeof PAY_NOTIFICATION_OUTCOMES)[number];

/**
 * A verified WeChat Pay notification, recorded once by its id in the transaction that acted on it: WeChat's
 * redeliveries (and concurrent duplicates) of the same id find it and change nothing. Kept as received (the body
 * still encrypted) for disputes; `flagged` ones need staff (an amount that does not match, an unknown order).
 */
@Entity('pay_notification')
@Index('idx_pay_notification_flagged', ['flagged', 'receivedAt'])
export class PayNotification {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('uq_pay_notification_id', { unique: true })
  @TextColumn(64)
  notificationId!: string;

  @TextColumn(32)
  eventType!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  outTradeNo!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  outRefundNo!: string | null;

  @Column({ type: 'simple-enum', enum: PAY_NOTIFICATION_OUTCOMES })
  outcome!: PayNotificationOutcome;

  @TextColumn(200, { default: '' })
  detail!: string;

  @Column({ type: 'boolean', default: false })
  flagged!: boolean;

  @Column({ type: 'text' })
  rawBody!: string;

  @InstantColumn()
  receivedAt!: Date;
}
