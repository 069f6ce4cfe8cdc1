import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { FenColumn, InstantColumn, TextColumn } from './columns';

/** 补贴预算: what an administrator plans to spend on subsidies in one region in one calendar month. */
@Entity('subsidy_budget')
@Unique('uq_budget_region_month', ['regionId', 'month'])
export class SubsidyBudget {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  regionId!: number;

  @TextColumn(255)
  regionPath!: string;

  /** YYYY-MM. */
  @TextColumn(7)
  month!: string;

  @FenColumn()
  amountFen!: number;

  @TextColumn(200, { default: '' })
  note!: string;

  @Column({ type: 'int', default: 1 })
  version!: number;

  @Column({ type: 'int', nullable: true })
  createdByAccountId!: number | null;

  @Column({ type: 'int', nullable: true })
  updatedByAccountId!: number | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
