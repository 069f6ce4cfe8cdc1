import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/**
 * 时段模板: how a centre's week repeats — lunch 11:00–12:30 for 80 on weekdays, baths on Tuesdays and Fridays,
 * a worker's home-visit windows. The slots-ahead job keeps the next days' slots made from these; a slot once made
 * is its own (changing a template changes only slots not made yet).
 */
@Entity('slot_template')
@Index('idx_slot_template_centre', ['centreId', 'active'])
export class SlotTemplate {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  centreId!: number;

  @Column({ type: 'int' })
  serviceItemId!: number;

  /** ISO weekdays it runs on, 1 = Monday … 7 = Sunday. */
  @Column({ type: 'simple-array' })
  weekdays!: string[];

  /** Shanghai wall-clock times, HH:MM. */
  @TextColumn(5)
  startTime!: string;

  @TextColumn(5)
  endTime!: string;

  @Column({ type: 'int' })
  capacity!: number;

  /** For home visits: whose window ('' otherwise), as on the slot. */
  @Column({ type: 'varchar', length: 64, default: '' })
  workerName!: string;

  /** Booking closes at this time, this many days before the service day (0: the same day). */
  @Column({ type: 'int', default: 0 })
  bookingCutoffDays!: number;

  @TextColumn(5)
  bookingCutoffTime!: string;

  @Column({ type: 'int', default: 0 })
  cancelCutoffDays!: number;

  @TextColumn(5)
  cancelCutoffTime!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'int', nullable: true })
  createdByAccountId!: number | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
