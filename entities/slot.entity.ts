import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DayColumn, InstantColumn } from './columns';

export const SLOT_STATUSES = ['open', 'closed'] as const;
export type SlotStatus = (typeof SLOT_STATUSES)[number];

/**
 * 时段: one service item on one date and time window, with a capacity. `booked` is the reserved count and is
 * only ever changed by one conditional UPDATE (`booked + n <= capacity`), which is what keeps it from being
 * oversold on both databases.
 */
@Entity('slot')
@Unique('uq_slot_item_start_worker', ['serviceItemId', 'startsAt', 'workerName'])
@Index('idx_slot_centre_date', ['centreId', 'date'])
export class Slot {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  serviceItemId!: number;

  @Column({ type: 'int' })
  centreId!: number;

  /** The Shanghai service day. */
  @DayColumn()
  date!: string;

  @InstantColumn()
  startsAt!: Date;

  @InstantColumn()
  endsAt!: Date;

  @Column({ type: 'int' })
  capacity!: number;

  @Column({ type: 'int', default: 0 })
  booked!: number;

  /** Last moment a booking can be made. */
  @InstantColumn()
  bookingCutoffAt!: Date;

  /** Last moment a senior or family member can cancel. */
  @InstantColumn()
  cancelCutoffAt!: Date;

  /** For home visits: which worker's window this is ('' for meals and baths, so the unique key covers them). */
  @Column({ type: 'varchar', length: 64, default: '' })
  workerName!: string;

  @Column({ type: 'simple-enum', enum: SLOT_STATUSES, default: 'open' })
  status!: SlotStatus;

  /** Why it was closed (weather, kitchen trouble), as seniors and families are told; '' while open. */
  @Column({ type: 'varchar', length: 100, default: '' })
  closeReason!: string;

  /** The day's closure (CentreClosure) that closed it, so lifting that closure reopens it; null otherwise. */
  @Column({ type: 'int', nullable: true })
  closureId!: number | null;

  /** Optimistic concurrency for staff edits (capacity, closing); bookings change `booked` only. */
  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  createdAt!: Date;
}
