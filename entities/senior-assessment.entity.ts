import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { DayColumn, InstantColumn, TextColumn } from './columns';

/** The grades of GB/T 42195-2022 (老年人能力评估规范): 0 能力完好 … 4 能力完全丧失. */
export const ABILITY_LEVELS = [0, 1, 2, 3, 4] as const;
export type AbilityLevel = (typeof ABILITY_LEVELS)[number];

/**
 * 能力评估: one assessment of a senior's abilities. The latest one (by day, then by id) sets the senior's
 * abilityLevel, which subsidy policies read (minAbilityLevel).
 */
@Entity('senior_assessment')
@Index('idx_assessment_senior', ['seniorId', 'assessedOn'])
export class SeniorAssessment {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  seniorId!: number;

  @DayColumn()
  assessedOn!: string;

  /** Who assessed: a person and/or an agency (评估员 / 评估机构). */
  @TextColumn(64)
  assessor!: string;

  @Column({ type: 'int' })
  level!: number;

  @DayColumn({ nullable: true })
  nextDue!: string | null;

  @TextColumn(500, { default: '' })
  note!: string;

  @Column({ type: 'int', nullable: true })
  recordedByAccountId!: number | null;

  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
