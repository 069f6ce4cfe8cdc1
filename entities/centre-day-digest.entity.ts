import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DayColumn, InstantColumn } from './columns';

/** One slot's line in a centre's day digest: how many to cook, deliver, bathe or visit. */
export interface DigestSlotLine {
  slotId: number;
  kind: string;
  /** "午餐 11:00–12:30" */
  label: string;
  /** Portions (meals) or people (baths, visits) booked and not cancelled. */
  booked: number;
  /** The same split by delivery mode (dine_in, pick_up, delivery, …). */
  byMode: Record<string, number>;
  /** Of those, bookings still waiting for the centre's confirmation (staff are warned: unconfirmed ones are refunded at day end). */
  unconfirmed?: number;
}

/**
 * The evening message that tells a centre's staff the next day's numbers per slot. The row is inserted before
 * anything is sent: its unique (centre, day) is what makes a second run of the day-end job send nothing.
 */
@Entity('centre_day_digest')
@Unique('uq_digest_centre_day', ['centreId', 'serviceDate'])
export class CentreDayDigest {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  centreId!: number;

  /** The Shanghai day the counts are for. */
  @DayColumn()
  serviceDate!: string;

  @Column({ type: 'simple-json' })
  lines!: DigestSlotLine[];

  /** Staff accounts the message reached (subscribe or template message). */
  @Column({ type: 'int', default: 0 })
  reached!: number;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  sentAt!: Date | null;
}
