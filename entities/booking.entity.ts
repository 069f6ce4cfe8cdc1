import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DayColumn, FenColumn, InstantColumn, TextColumn } from './columns';
import { DELIVERY_MODES, SERVICE_CATEGORIES, SERVICE_KINDS, type DeliveryMode, type ServiceCategory, type ServiceKind } from './service-item.entity';

export const BOOKING_STATUSES = [
  'pending_payment',
  'pending_confirmation',
  'confirmed',
  'served',
  'rated',
  'expired',
  'cancelled',
  'rejected',
  'no_show',
] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Statuses that hold a seat and count against subsidy caps. */
export const ACTIVE_BOOKING_STATUSES: readonly BookingStatus[] = ['pending_payment', 'pending_confirmation', 'confirmed', 'served', 'rated', 'no_show'];
/** Statuses whose subsidy the centre may claim. */
export const CLAIMABLE_BOOKING_STATUSES: readonly BookingStatus[] = ['served', 'rated'];

export const BOOKED_BY = ['self', 'family', 'staff'] as const;
export type BookedBy = (typeof BOOKED_BY)[number];
/** `counter`: booked by staff at the centre's counter for a senior standing there (a walk-in). */
export const CHANNELS = ['mp_chat', 'miniprogram', 'console', 'phone', 'counter'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * 预约. Prices are fixed at booking time and always satisfy priceFen = subsidyFen + copayFen.
 * `code` is the check-in code (核销码) shown as a QR code and scanned at the counter.
 */
@Entity('booking')
@Unique('uq_booking_idempotency', ['bookedByAccountId', 'idempotencyKey'])
@Index('idx_booking_senior_date', ['seniorId', 'serviceDate'])
@Index('idx_booking_slot', ['slotId', 'status'])
@Index('idx_booking_centre_date', ['centreId', 'serviceDate'])
@Index('idx_booking_status_expires', ['status', 'paymentDueAt'])
// Covers the dashboards' counts of a day's bookings by centre and status, who was served, and a policy preview's
// month of served bookings: all read from the index alone.
@Index('idx_booking_day_stats', ['serviceDate', 'centreId', 'status', 'category', 'kind', 'quantity', 'unitPriceFen', 'subsidyFen', 'seniorId'])
export class Booking {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('uq_booking_code', { unique: true })
  @TextColumn(12)
  code!: string;

  @Column({ type: 'int' })
  seniorId!: number;

  @Column({ type: 'int' })
  slotId!: number;

  @Column({ type: 'int' })
  serviceItemId!: number;

  @Column({ type: 'int' })
  centreId!: number;

  @Column({ type: 'simple-enum', enum: SERVICE_CATEGORIES })
  category!: ServiceCategory;

  @Column({ type: 'simple-enum', enum: SERVICE_KINDS })
  kind!: ServiceKind;

  @DayColumn()
  serviceDate!: string;

  @Column({ type: 'int' })
  bookedByAccountId!: number;

  @Column({ type: 'simple-enum', enum: BOOKED_BY })
  bookedBy!: BookedBy;

  @Column({ type: 'simple-enum', enum: CHANNELS })
  channel!: Channel;

  @Column({ type: 'varchar', length: 64, nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the request that used the idempotency key, to refuse the same key for a different request. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  requestHash!: string | null;

  @Column({ type: 'int', default: 1 })
  quantity!: number;

  @FenColumn()
  unitPriceFen!: number;

  @FenColumn()
  priceFen!: number;

  @FenColumn()
  subsidyFen!: number;

  @FenColumn()
  copayFen!: number;

  /** How many of the portions were subsidised (for per-day limits). */
  @Column({ type: 'int', default: 0 })
  subsidisedQuantity!: number;

  @Column({ type: 'int', nullable: true })
  subsidyPolicyId!: number | null;

  @TextColumn(200, { default: '' })
  subsidyReason!: string;

  @Column({ type: 'simple-enum', enum: BOOKING_STATUSES })
  status!: BookingStatus;

  @Column({ type: 'simple-enum', enum: DELIVERY_MODES })
  deliveryMode!: DeliveryMode;

  @TextColumn(200, { default: '' })
  note!: string;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;

  /**
   * 现场付: the co-payment is to be collected at the counter when the booking is checked in (a centre with
   * `counterPayment`), not paid online. Paying online before the day is still possible and turns this off.
   */
  @Column({ type: 'boolean', default: false })
  payAtCounter!: boolean;

  /** While pending_payment: when the booking expires unpaid. */
  @InstantColumn({ nullable: true })
  paymentDueAt!: Date | null;

  @InstantColumn({ nullable: true })
  paidAt!: Date | null;

  @InstantColumn({ nullable: true })
  confirmedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  confirmedByAccountId!: number | null;

  @InstantColumn({ nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  closedByAccountId!: number | null;

  /** Why it was rejected or cancelled. */
  @TextColumn(200, { default: '' })
  closeReason!: string;

  @InstantColumn({ nullable: true })
  servedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  servedByAccountId!: number | null;
}
