import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { FenColumn, InstantColumn, TextColumn } from './columns';

export const PAYMENT_STATUSES = ['created', 'paid', 'closed', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * 支付: one WeChat Pay v3 order for a booking's co-payment. `created` until WeChat Pay says it was paid (`paid`) or
 * it is closed unpaid (`closed`); `failed` when WeChat Pay refused to open it. A payment whose notification did not
 * match it (amount, merchant, appid) or that landed on a booking no longer waiting for it is `flagged` for staff.
 */
@Entity('payment')
@Index('idx_payment_booking', ['bookingId'])
@Index('idx_payment_status_expires', ['status', 'expiresAt'])
export class Payment {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  bookingId!: number;

  @Index('uq_payment_out_trade_no', { unique: true })
  @TextColumn(32)
  outTradeNo!: string;

  @TextColumn(32)
  appid!: string;

  @TextColumn(32)
  mchid!: string;

  @Column({ type: 'int' })
  payerAccountId!: number;

  @TextColumn(64)
  payerOpenid!: string;

  @FenColumn()
  amountFen!: number;

  @Column({ type: 'simple-enum', enum: PAYMENT_STATUSES })
  status!: PaymentStatus;

  /** WeChat Pay's prepay_id once the order is open there; asking to pay again re-signs it. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  prepayId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  transactionId!: string | null;

  @InstantColumn()
  expiresAt!: Date;

  @InstantColumn({ nullable: true })
  paidAt!: Date | null;

  @InstantColumn({ nullable: true })
  closedAt!: Date | null;

  /** The last notification body as received (still encrypted), kept for disputes. */
  @Column({ type: 'text', nullable: true })
  rawNotification!: string | null;

  @Column({ type: 'boolean', default: false })
  flagged!: boolean;

  @TextColumn(200, { default: '' })
  flagReason!: string;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}

/** How staff took a co-payment at the counter. */
export const COUNTER_METHODS = ['cash', 'senior_card', 'scanned_code'] as const;
export type CounterMethod = (typeof COUNTER_METHODS)[number];

/**
 * 现场付: a co-payment staff collected at the counter when they checked the booking in (cash, the senior's card, a
 * payment code they scanned), recorded beside WeChat Pay's payments and counted apart from them. At most one per
 * booking: a booking is checked in once.
 */
@Entity('counter_payment')
@Index('idx_counter_payment_centre', ['centreId', 'collectedAt'])
export class CounterPayment {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('uq_counter_payment_booking', { unique: true })
  @Column({ type: 'int' })
  bookingId!: number;

  @Column({ type: 'int' })
  centreId!: number;

  /** What was collected; may be less than the co-payment due (the shortfall is shown to staff and in the settlement). */
  @FenColumn()
  amountFen!: number;

  @Column({ type: 'simple-enum', enum: COUNTER_METHODS })
  method!: CounterMethod;

  @Column({ type: 'int' })
  collectedByAccountId!: number;

  @InstantColumn()
  collectedAt!: Date;
}
