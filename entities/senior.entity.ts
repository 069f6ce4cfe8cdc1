import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { DayColumn, InstantColumn, TextColumn } from './columns';

export const SENIOR_CATEGORIES = [
  'hardship',
  'minimum_living',
  'low_income',
  'disabled',
  'living_alone',
  'empty_nest',
  'very_old',
  'family_planning_special',
] as const;
export type SeniorCategory = (typeof SENIOR_CATEGORIES)[number];

export const SENIOR_CATEGORY_LABELS: Record<SeniorCategory, string> = {
  hardship: '特困',
  minimum_living: '低保',
  low_income: '低收入',
  disabled: '失能',
  living_alone: '独居',
  empty_nest: '空巢',
  very_old: '高龄',
  family_planning_special: '计生特殊家庭',
};

/** One category a senior holds, with what proves it (a certificate number, the civil-affairs list) and until when. */
export interface CategoryRecord {
  category: SeniorCategory;
  evidence: string;
  /** The last day it counts (Shanghai), or null for no end. After it, the category no longer counts for subsidy. */
  validUntil: string | null;
}

/**
 * The categories a senior holds on `day`: each recorded one whose valid-until date has not passed. A category in
 * `categories` without a record (rows from before records existed) counts with no end.
 */
export function categoriesHeldOn(
  s: { categories: readonly SeniorCategory[]; categoryRecords?: readonly CategoryRecord[] | null },
  day: string,
): SeniorCategory[] {
  const records = s.categoryRecords ?? [];
  return s.categories.filter((c) => {
    const r = records.find((x) => x.category === c);
    return !r || r.validUntil === null || r.validUntil >= day;
  });
}

/** Why a senior's record was closed: 迁出 or 去世. */
export const DEACTIVATION_REASONS = ['moved_away', 'deceased'] as const;
export type DeactivationReason = (typeof DEACTIVATION_REASONS)[number];

export interface EmergencyContact {
  name: string;
  relation: string;
  phone: string;
}

/**
 * 老人. The ID-card number is never stored whole: only its last four digits, which is what staff use to tell
 * two people of the same name apart, and a keyed hash (HMAC-SHA256 with MULIN_ID_HASH_KEY) that finds the same
 * person registered twice without anyone being able to read the number back.
 */
@Entity('senior')
@Index('idx_senior_region', ['regionPath'])
@Index('idx_senior_home_centre', ['homeCentreId'])
@Index('uq_senior_id_card_hash', ['idCardHash'], { unique: true })
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

  /** HMAC-SHA256 (hex) of the whole 18-character ID number; one senior per number. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  idCardHash!: string | null;

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

  /** Every category recorded (the flat list other parts read); categoryRecords says until when each counts. */
  @Column({ type: 'simple-array' })
  categories!: SeniorCategory[];

  /** Evidence and valid-until date per category in `categories` (null on rows from before they were kept). */
  @Column({ type: 'simple-json', nullable: true })
  categoryRecords!: CategoryRecord[] | null;

  /** 能力评估 level, 0 = intact … 4 = fully disabled (GB/T 42195-2022), from the latest assessment. */
  @Column({ type: 'int', default: 0 })
  abilityLevel!: number;

  /** The day of the latest assessment, and when the next one is due. */
  @DayColumn({ nullable: true })
  abilityAssessedOn!: string | null;

  @DayColumn({ nullable: true })
  nextAssessmentDue!: string | null;

  @TextColumn(200, { default: '' })
  dietNotes!: string;

  @Column({ type: 'simple-json' })
  emergencyContacts!: EmergencyContact[];

  /** False once deactivated (moved away, deceased): no bookings, no subsidy; reactivation sets it back. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'simple-enum', enum: DEACTIVATION_REASONS, nullable: true })
  deactivationReason!: DeactivationReason | null;

  @InstantColumn({ nullable: true })
  deactivatedAt!: Date | null;

  @TextColumn(200, { default: '' })
  deactivationNote!: string;

  /** The senior agreed that worries seen on a visit (探访) are told to their linked family as well as the centre. */
  @Column({ type: 'boolean', default: false })
  shareCareWithFamily!: boolean;

  /** Optimistic concurrency: every edit sends the version it read and bumps it. */
  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
