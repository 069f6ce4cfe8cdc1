import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { DayColumn, InstantColumn, TextColumn } from './columns';

/**
 * 停业 / 节假日例外: a day on which a centre (or some of its services) does not run — a holiday planned ahead, or
 * weather and kitchen trouble on the day. While it is active the weekly templates make no slots for it; when it is
 * made, the slots already there are closed and their bookings cancelled and refunded. Different hours that day are
 * one-off slots added by hand.
 */
@Entity('centre_closure')
@Index('idx_centre_closure_centre_date', ['centreId', 'date'])
export class CentreClosure {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  centreId!: number;

  /** The Shanghai day closed. */
  @DayColumn()
  date!: string;

  /** The service items closed; empty: every service of the centre. */
  @Column({ type: 'simple-array', default: '' })
  serviceItemIds!: string[];

  @TextColumn(100)
  reason!: string;

  /** False once lifted. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'int', nullable: true })
  createdByAccountId!: number | null;

  @InstantColumn()
  createdAt!: Date;

  @Column({ type: 'int', nullable: true })
  liftedByAccountId!: number | null;

  @InstantColumn({ nullable: true })
  liftedAt!: Date | null;
}
