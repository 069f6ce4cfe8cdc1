import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export const REMINDER_KINDS = ['day_before', 'hour_before', 'payment_due', 'rating_request'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];
export const REMINDER_STATUSES = ['pending', 'sent', 'cancelled', 'failed'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/**
 * 提醒: exactly one per (booking, recipient, kind). Due reminders are found through (status, dueAt), so the
 * cost of finding them does not grow with the number of past bookings.
 */
@Entity('reminder')
@Unique('uq_reminder', ['bookingId', 'accountId', 'kind'])
@Index('idx_reminder_due', ['status', 'dueAt'])
export class Reminder {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  bookingId!: number;

  @Column({ type: 'int' })
  accountId!: number;

  @Column({ type: 'simple-enum', enum: REMINDER_KINDS })
  kind!: ReminderKind;

  @Column({ type: 'simple-enum', enum: REMINDER_STATUSES })
  status!: ReminderStatus;

  @InstantColumn()
  dueAt!: Date;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @TextColumn(200, { default: '' })
  lastError!: string;

  @InstantColumn({ nullable: true })
  sentAt!: Date | null;

  @InstantColumn()
  createdAt!: Date;
}
