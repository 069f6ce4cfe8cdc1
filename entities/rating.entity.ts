import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/** 评价 (满意度回访): one per served booking. */
@Entity('rating')
@Unique('uq_rating_booking', ['bookingId'])
export class Rating {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  bookingId!: number;

  @Column({ type: 'int' })
  seniorId!: number;

  @Column({ type: 'int' })
  centreId!: number;

  @Column({ type: 'int' })
  accountId!: number;

  @Column({ type: 'int' })
  score!: number;

  @TextColumn(500, { default: '' })
  comment!: string;

  @InstantColumn()
  createdAt!: Date;
}
