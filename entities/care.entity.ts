import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { DayColumn, InstantColumn, TextColumn } from './columns';
import { SENIOR_CATEGORIES, type SeniorCategory } from './senior.entity';

/**
 * 探访计划规则: administrators say how often seniors of a category in their region are visited (独居 and 80 or older:
 * every 7 days; 空巢: every 14), and after how many days without any sign of life a 独居 senior raises a 关爱 check.
 * A senior matched by several rules gets the shortest interval and the shortest silence.
 */
@Entity('visit_rule')
@Index('idx_visit_rule_region', ['regionPath'])
export class VisitRule {
  @PrimaryGeneratedColumn()
  id!: number;

  /** The region the rule covers (and every region below it). */
  @Column({ type: 'int' })
  regionId!: number;

  @TextColumn(255)
  regionPath!: string;

  @Column({ type: 'simple-enum', enum: SENIOR_CATEGORIES })
  category!: SeniorCategory;

  /** Only seniors at least this old (0: any age). */
  @Column({ type: 'int', default: 0 })
  minAge!: number;

  /** A visit every this many days. */
  @Column({ type: 'int' })
  intervalDays!: number;

  /** No booking, chat, check-in or visit for this many days raises a 关爱 check (null: the rule sets no silence alarm). */
  @Column({ type: 'int', nullable: true })
  silenceDays!: number | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'int', default: 1 })
  version!: number;

  @Column({ type: 'int', nullable: true })
  createdByAccountId!: number | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}

export const VISIT_STATUSES = ['due', 'done', 'cancelled'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];
export const VISIT_ASSIGNEES = ['staff', 'volunteer', 'none'] as const;
export type VisitAssignee = (typeof VISIT_ASSIGNEES)[number];
export const VISIT_PROOFS = ['location', 'code'] as const;
export type VisitProof = (typeof VISIT_PROOFS)[number];
export const VISIT_HEALTH = ['good', 'fair', 'poor'] as const;
export const VISIT_MOOD = ['good', 'fair', 'low'] as const;
export const VISIT_HOME_SAFETY = ['safe', 'attention', 'danger'] as const;
export type VisitHealth = (typeof VISIT_HEALTH)[number];
export type VisitMood = (typeof VISIT_MOOD)[number];
export type VisitHomeSafety = (typeof VISIT_HOME_SAFETY)[number];
export const CONCERN_STATUSES = ['none', 'open', 'resolved'] as const;
export type ConcernStatus = (typeof CONCERN_STATUSES)[number];

/**
 * 探访: one planned visit to a senior, due on a day, assigned to a staff member of their centre or to their paired
 * volunteer; once done it holds the proof of presence and the short form. One per senior and due day: the plan job
 * can run any number of times.
 */
@Entity('visit')
@Unique('uq_visit_senior_due', ['seniorId', 'dueOn'])
@Index('idx_visit_centre_status', ['centreId', 'status', 'dueOn'])
@Index('idx_visit_assignee_status', ['assignedAccountId', 'status'])
@Index('idx_visit_status_due', ['status', 'dueOn'])
export class Visit {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  seniorId!: number;

  /** The senior's home centre when the visit was planned: whose staff visit and hear about it. */
  @Column({ type: 'int', nullable: true })
  centreId!: number | null;

  @TextColumn(255)
  regionPath!: string;

  @Column({ type: 'int', nullable: true })
  ruleId!: number | null;

  @DayColumn()
  dueOn!: string;

  @Column({ type: 'simple-enum', enum: VISIT_ASSIGNEES })
  assigneeKind!: VisitAssignee;

  @Column({ type: 'int', nullable: true })
  assignedAccountId!: number | null;

  @Column({ type: 'int', nullable: true })
  volunteerId!: number | null;

  @Column({ type: 'simple-enum', enum: VISIT_STATUSES })
  status!: VisitStatus;

  /** The six digits the senior's page shows: typed in by the visitor, it proves they are there. */
  @Column({ type: 'varchar', length: 6 })
  presenceCode!: string;

  @InstantColumn({ nullable: true })
  doneAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  visitedByAccountId!: number | null;

  @Column({ type: 'simple-enum', enum: VISIT_PROOFS, nullable: true })
  proof!: VisitProof | null;

  /** With proof by location: how far from the senior's home the visitor was, in metres. */
  @Column({ type: 'int', nullable: true })
  distanceM!: number | null;

  @Column({ type: 'simple-enum', enum: VISIT_HEALTH, nullable: true })
  health!: VisitHealth | null;

  @Column({ type: 'simple-enum', enum: VISIT_MOOD, nullable: true })
  mood!: VisitMood | null;

  @Column({ type: 'simple-enum', enum: VISIT_HOME_SAFETY, nullable: true })
  homeSafety!: VisitHomeSafety | null;

  @TextColumn(200, { default: '' })
  needs!: string;

  @TextColumn(500, { default: '' })
  note!: string;

  /** Something worrying seen: the centre is told at once, the family too where the senior agreed. */
  @Column({ type: 'simple-enum', enum: CONCERN_STATUSES, default: 'none' })
  concernStatus!: ConcernStatus;

  @TextColumn(200, { default: '' })
  concernNote!: string;

  @InstantColumn({ nullable: true })
  concernResolvedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  concernResolvedByAccountId!: number | null;

  @TextColumn(200, { default: '' })
  concernResolution!: string;

  /** 0: not escalated; 1: the centre told it is overdue; 2: the street administrators told. */
  @Column({ type: 'int', default: 0 })
  escalationLevel!: number;

  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}

/**
 * A photo taken on a visit (optional): the bytes live in the file store (FileStore, local files by default) under
 * `storeKey`; this row says whose visit it is and who may see it. A photo of a senior's home is personal data: the
 * personal-data purge deletes it, file and row, after MULIN_RETAIN_PHOTO_DAYS.
 */
@Entity('visit_photo')
@Index('idx_visit_photo_visit', ['visitId'])
@Index('idx_visit_photo_created', ['createdAt'])
export class VisitPhoto {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  visitId!: number;

  @Column({ type: 'int' })
  seniorId!: number;

  @Column({ type: 'varchar', length: 80 })
  storeKey!: string;

  @Column({ type: 'varchar', length: 32 })
  contentType!: string;

  @Column({ type: 'int' })
  bytes!: number;

  @Column({ type: 'int' })
  uploadedByAccountId!: number;

  @InstantColumn()
  createdAt!: Date;
}

/** 志愿者: a WeChat account registered by a centre's staff; visits the seniors paired with them. */
@Entity('volunteer')
@Index('idx_volunteer_centre', ['centreId'])
export class Volunteer {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('uq_volunteer_account', { unique: true })
  @Column({ type: 'int' })
  accountId!: number;

  @TextColumn(32)
  name!: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone!: string | null;

  @Column({ type: 'int' })
  centreId!: number;

  @TextColumn(255)
  regionPath!: string;

  /** False once staff end the registration: no new visits are assigned to them. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'int' })
  registeredByAccountId!: number;

  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}

export const CONSENT_BY = ['senior', 'family'] as const;
export type ConsentBy = (typeof CONSENT_BY)[number];

/** 结对扶老: a volunteer paired with a senior, with the senior's consent recorded (who gave it, and how). */
@Entity('volunteer_pairing')
@Unique('uq_volunteer_pairing', ['volunteerId', 'seniorId'])
@Index('idx_volunteer_pairing_senior', ['seniorId'])
export class VolunteerPairing {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  volunteerId!: number;

  @Column({ type: 'int' })
  seniorId!: number;

  @Column({ type: 'simple-enum', enum: CONSENT_BY })
  consentBy!: ConsentBy;

  @TextColumn(200, { default: '' })
  consentNote!: string;

  @InstantColumn()
  consentedAt!: Date;

  @Column({ type: 'int' })
  recordedByAccountId!: number;

  @InstantColumn({ nullable: true })
  endedAt!: Date | null;

  @InstantColumn()
  createdAt!: Date;
}

export const CARE_CHECK_STATUSES = ['open', 'closed'] as const;
export type CareCheckStatus = (typeof CARE_CHECK_STATUSES)[number];

/**
 * 关爱核查: a senior living alone not heard from for days (no booking, chat, check-in or visit). Raised once per
 * silence: `silenceKey` is the last sign of life it was raised for, so a rerun, or a silence that goes on after the
 * check was closed, raises nothing more until the senior is heard from and falls silent again.
 */
@Entity('care_check')
@Unique('uq_care_check_silence', ['seniorId', 'silenceKey'])
@Index('idx_care_check_centre_status', ['centreId', 'status'])
export class CareCheck {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  seniorId!: number;

  @Column({ type: 'int', nullable: true })
  centreId!: number | null;

  /** The last sign of life before the silence (null: none on record). */
  @InstantColumn({ nullable: true })
  lastSignAt!: Date | null;

  @TextColumn(32)
  silenceKey!: string;

  @Column({ type: 'int' })
  silenceDays!: number;

  @Column({ type: 'simple-enum', enum: CARE_CHECK_STATUSES })
  status!: CareCheckStatus;

  @InstantColumn({ nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  closedByAccountId!: number | null;

  @TextColumn(200, { default: '' })
  note!: string;

  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  createdAt!: Date;
}

export const TIME_BANK_HOLDERS = ['volunteer', 'senior'] as const;
export type TimeBankHolder = (typeof TIME_BANK_HOLDERS)[number];
export const TIME_BANK_KINDS = ['credit', 'spend', 'gift_out', 'gift_in'] as const;
export type TimeBankKind = (typeof TIME_BANK_KINDS)[number];

/**
 * 时间银行: one movement of a holder's hours, in minutes (always positive; the kind says which way). A credit for a
 * visit carries `onceKey` (`visit:<id>`), unique, so no visit is ever credited twice; a gift is two rows, out and in.
 */
@Entity('time_bank_entry')
@Index('idx_time_bank_holder', ['holderKind', 'holderId', 'id'])
export class TimeBankEntry {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'simple-enum', enum: TIME_BANK_HOLDERS })
  holderKind!: TimeBankHolder;

  @Column({ type: 'int' })
  holderId!: number;

  @Column({ type: 'simple-enum', enum: TIME_BANK_KINDS })
  kind!: TimeBankKind;

  @Column({ type: 'int' })
  minutes!: number;

  @Column({ type: 'int', nullable: true })
  visitId!: number | null;

  @Index('uq_time_bank_once', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  onceKey!: string | null;

  @TextColumn(200, { default: '' })
  note!: string;

  @Column({ type: 'int', nullable: true })
  recordedByAccountId!: number | null;

  @InstantColumn()
  createdAt!: Date;
}
