import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/** `joined`: raised again by the same senior within minutes of an open alert, recorded under it (joinedAlertId). */
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'joined'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
/** How staff closed an alert (labels in server/words/texts.ts): came and handled it, took the senior to hospital, a false alarm, the family handled it. */
export const ALERT_OUTCOMES = ['on_site', 'hospital', 'false_alarm', 'family_handled'] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

/** 助急: raised by a senior (or for them); goes to family and centre at once, escalates when unacknowledged. */
@Entity('emergency_alert')
@Index('idx_alert_status_escalated', ['status', 'lastEscalatedAt'])
@Index('idx_alert_senior', ['seniorId'])
@Index('idx_alert_created', ['createdAt'])
export class EmergencyAlert {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  seniorId!: number;

  @Column({ type: 'int', nullable: true })
  centreId!: number | null;

  @Column({ type: 'int' })
  raisedByAccountId!: number;

  @Column({ type: 'simple-enum', enum: ['mp_chat', 'miniprogram', 'console', 'device'] })
  channel!: 'mp_chat' | 'miniprogram' | 'console' | 'device';

  /** What the senior said, as received. */
  @TextColumn(500, { default: '' })
  message!: string;

  @Column({ type: 'simple-enum', enum: ALERT_STATUSES })
  status!: AlertStatus;

  /** For a `joined` raise: the open alert it was added to, which is the one handled and escalated. */
  @Column({ type: 'int', nullable: true })
  joinedAlertId!: number | null;

  /** 0 = first notification; each escalation adds one. */
  @Column({ type: 'int', default: 0 })
  escalationLevel!: number;

  @InstantColumn()
  lastEscalatedAt!: Date;

  @Column({ type: 'int', nullable: true })
  acknowledgedByAccountId!: number | null;

  @InstantColumn({ nullable: true })
  acknowledgedAt!: Date | null;

  @InstantColumn({ nullable: true })
  resolvedAt!: Date | null;

  /** What staff wrote when closing it (required then). */
  @TextColumn(500, { default: '' })
  resolution!: string;

  /** How it was closed; null until resolved. A joined raise closed with its alert takes the same outcome. */
  @Column({ type: 'simple-enum', enum: ALERT_OUTCOMES, nullable: true })
  outcome!: AlertOutcome | null;

  @Column({ type: 'int', nullable: true })
  resolvedByAccountId!: number | null;

  /** Optimistic concurrency for staff's changes (acknowledge, resolve): bumped by each. */
  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  createdAt!: Date;
}
