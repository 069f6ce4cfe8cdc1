import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { DayColumn, InstantColumn, TextColumn } from './columns';
import { SERVICE_CATEGORIES, type ServiceCategory, type ServiceKind } from './service-item.entity';
import type { SeniorCategory } from './senior.entity';

export const SUBSIDY_METHODS = ['fixed', 'percent'] as const;
export type SubsidyMethod = (typeof SUBSIDY_METHODS)[number];

/**
 * 补贴政策: who qualifies for how much off which service, in which region, and how often.
 * A senior qualifies when every condition that is set holds: age ≥ minAge, at least one of the listed
 * categories, ability level ≥ minAbilityLevel. Among qualifying policies the most generous wins.
 */
@Entity('subsidy_policy')
@Index('idx_subsidy_policy_category', ['category', 'active'])
export class SubsidyPolicy {
  @PrimaryGeneratedColumn()
  id!: number;

  @TextColumn(100)
  name!: string;

  /** Applies to this region and everything below it. */
  @Column({ type: 'int' })
  regionId!: number;

  @TextColumn(255)
  regionPath!: string;

  @Column({ type: 'simple-enum', enum: SERVICE_CATEGORIES })
  category!: ServiceCategory;

  /** Limit to some kinds (e.g. lunch, dinner); empty = every kind of the category. */
  @Column({ type: 'simple-array' })
  serviceKinds!: ServiceKind[];

  @Column({ type: 'int', nullable: true })
  minAge!: number | null;

  /** Any one of these categories qualifies; empty = no category condition. */
  @Column({ type: 'simple-array' })
  seniorCategories!: SeniorCategory[];

  @Column({ type: 'int', nullable: true })
  minAbilityLevel!: number | null;

  @Column({ type: 'simple-enum', enum: SUBSIDY_METHODS })
  method!: SubsidyMethod;

  /** fixed: fen off each portion (never more than its price). */
  @Column({ type: 'int', default: 0 })
  amountFen!: number;

  /** percent: whole percent of each portion's price (100 = free), rounded down to the fen. */
  @Column({ type: 'int', default: 0 })
  percent!: number;

  /** Subsidised portions per senior per day and service kind, over all policies (null = no limit). */
  @Column({ type: 'int', nullable: true })
  maxPerDay!: number | null;

  /** Subsidy in fen per senior per calendar month for this category, over all policies (null = no cap). */
  @Column({ type: 'int', nullable: true })
  monthlyCapFen!: number | null;

  @DayColumn()
  validFrom!: string;

  @DayColumn({ nullable: true })
  validTo!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** The rule in words, as shown to a senior or family member when the quote explains itself. */
  @TextColumn(200, { default: '' })
  description!: string;

  /** Editing makes a new version: the one it replaced (null for the first), and its number (1, 2, …). */
  @Column({ type: 'int', nullable: true })
  previousVersionId!: number | null;

  @Column({ type: 'int', default: 1 })
  revision!: number;

  /** The version that replaced this one (which then ends the day before it starts); null while it is the latest. */
  @Column({ type: 'int', nullable: true })
  supersededById!: number | null;

  /** When an administrator retired it (its validTo is then the last day it applies). */
  @InstantColumn({ nullable: true })
  retiredAt!: Date | null;

  /** Optimistic concurrency: an edit or retirement names the version it read (CONVENTIONS: Writes). */
  @Column({ type: 'int', default: 1 })
  version!: number;

  @Column({ type: 'int', nullable: true })
  createdByAccountId!: number | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  updatedAt!: Date | null;
}
