import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { FenColumn, InstantColumn } from './columns';
import { SERVICE_CATEGORIES, type ServiceCategory } from './service-item.entity';

/**
 * The dashboards' daily roll-up: one centre's bookings of one service category on one service day, summed. Made by
 * the dashboard-rollup job for days that have ended (and made again for the last two weeks, which ratings and late
 * corrections still change); the dashboards read it for those days and count the bookings themselves for the rest.
 */
@Entity('centre_day_stat')
// Each figure's reads come from an index of its own columns: a year of a district is ~44,000 rows, of which a
// figure wants a third (meals) or four narrow columns (ratings).
@Index('idx_day_stat_meals', ['category', 'serviceDate', 'centreId', 'bookedPortions', 'servedPortions'])
@Index('idx_day_stat_ratings', ['serviceDate', 'centreId', 'ratings', 'ratingSum'])
export class CentreDayStat {
  @PrimaryColumn({ type: 'date' })
  serviceDate!: string;

  @PrimaryColumn({ type: 'int' })
  centreId!: number;

  @PrimaryColumn({ type: 'simple-enum', enum: SERVICE_CATEGORIES })
  category!: ServiceCategory;

  /** Portions in bookings that held a seat: pending, confirmed, served, rated, no-show. */
  @Column({ type: 'int', default: 0 })
  bookedPortions!: number;

  /** Portions served (served or rated): what counts for subsidy. */
  @Column({ type: 'int', default: 0 })
  servedPortions!: number;

  @Column({ type: 'int', default: 0 })
  noShowPortions!: number;

  /** Portions cancelled, rejected or expired unpaid. */
  @Column({ type: 'int', default: 0 })
  cancelledPortions!: number;

  /** Subsidy of the served portions (what the centre claims). */
  @FenColumn()
  servedSubsidyFen!: number;

  /** Subsidy of bookings still open (pending or confirmed): committed, not yet spent. */
  @FenColumn()
  openSubsidyFen!: number;

  /** Ratings of the day's bookings: how many, and their scores summed. */
  @Column({ type: 'int', default: 0 })
  ratings!: number;

  @Column({ type: 'int', default: 0 })
  ratingSum!: number;
}

/**
 * Distinct seniors served in a month, by category, for each scope a dashboard is asked for ('c:<centreId>' or
 * 'r:<regionPath>'): a distinct count cannot be added up from days or centres, so the job counts it per scope.
 */
@Entity('served_senior_month')
export class ServedSeniorMonth {
  /** YYYY-MM. */
  @PrimaryColumn({ type: 'varchar', length: 7 })
  month!: string;

  @PrimaryColumn({ type: 'varchar', length: 100 })
  scope!: string;

  /** A senior category, 'oldest_old' (高龄, 80+), 'disabled' (失能), or 'all'. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  bucket!: string;

  @Column({ type: 'int', default: 0 })
  seniors!: number;
}

export const ROLLUP_KINDS = ['day', 'month'] as const;
export type RollupKind = (typeof ROLLUP_KINDS)[number];

/** Which days (and months) the roll-up holds, and when each was last made: the dashboards count live the rest. */
@Entity('dashboard_rollup')
export class DashboardRollup {
  @PrimaryColumn({ type: 'simple-enum', enum: ROLLUP_KINDS })
  kind!: RollupKind;

  /** YYYY-MM-DD for a day, YYYY-MM for a month. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  period!: string;

  @InstantColumn()
  rolledAt!: Date;
}
