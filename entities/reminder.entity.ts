import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export const REMINDER_KINDS = ['day_before', 'hour_before', 'payment_due', 'rating_request'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];
/**
 * pending → sending (claimed by one sender) → sent | failed; pending/sending → cancelled when the booking leaves the
 * state the reminder is for. `sending` is at-most-once: see ReminderService.sendDue.
 */
// 'sending' comes last so that adding it to MariaDB's enum is an in-place change, not a table rebuild.
export const REMINDER_STATUSES = ['pending', 'sent', 'cancelled', 'failed', 'sending'] as const;
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

  /** Which sender claimed it (a random token per claim), so that only that sender may settle it. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  claimToken!: string | null;

  /** When it was claimed: a claim left behind by a crashed instance is settled after a while (see sendDue). */
  @InstantColumn({ nullable: true })
  claimedAt!: Date | null;

  @InstantColumn()
  createdAt!: Date;
}
