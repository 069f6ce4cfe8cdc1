import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { DayColumn, InstantColumn, TextColumn } from './columns';

export const SENIOR_CATEGORIES = ['hardship', 'minimum_living', 'low_income', 'living_alone', 'empty_nest', 'family_planning_special'] as const;
export type SeniorCategory = (typeof SENIOR_CATEGORIES)[number];

export const SENIOR_CATEGORY_LABELS: Record<SeniorCategory, string> = {
  hardship: '特困',
  minimum_living: '低保',
  low_income: '低收入',
  living_alone: '独居',
  empty_nest: '空巢',
  family_planning_special: '计生特殊家庭',
};

export interface EmergencyContact {
  name: string;
  relation: string;
  phone: string;
}

/**
 * 老人. The ID-card number is never stored whole: only its last four digits, which is what staff use to tell
 * two people of the same name apart.
 */
@Entity('senior')
@Index('idx_senior_region', ['regionPath'])
@Index('idx_senior_home_centre', ['homeCentreId'])
export class Senior {
  @PrimaryGeneratedColumn()
  id!: number;

  @TextColumn(32)
  name!: string;

  @Column({ type: 'simple-enum', enum: ['female', 'male'] })
  gender!: 'female' | 'male';

  @DayColumn()
  birthDate!: string;

  @Column({ type: 'varchar', length: 4, nullable: true })
  idCardLast4!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone!: string | null;

  @TextColumn(200)
  address!: string;

  /** The community (社区/村) the senior lives in, and its path for scope checks. */
  @Column({ type: 'int' })
  regionId!: number;

  @TextColumn(255)
  regionPath!: string;

  /** The centre they usually use: default for bookings, and the staff who look after them. */
  @Column({ type: 'int', nullable: true })
  homeCentreId!: number | null;

  @Column({ type: 'double', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double', nullable: true })
  longitude!: number | null;

  @Column({ type: 'simple-array' })
  categories!: SeniorCategory[];

  /** 能力评估 level, 0 = intact … 4 = fully disabled (GB/T 42195-2022). */
  @Column({ type: 'int', default: 0 })
  abilityLevel!: number;

  @TextColumn(200, { default: '' })
  dietNotes!: string;

  @Column({ type: 'simple-json' })
  emergencyContacts!: EmergencyContact[];

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
