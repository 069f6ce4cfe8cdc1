import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export const EMERGENCY_CHECK_STATUSES = ['waiting', 'not_needed', 'raised', 'raised_unanswered'] as const;
export type EmergencyCheckStatus = (typeof EMERGENCY_CHECK_STATUSES)[number];

/**
 * 是不是出事了？ — the bot was not sure a message was an emergency ("头有点晕") and asked. The senior answers (1: help
 * now; 2: nothing) or, if nobody answers by `dueAt`, the emergency-checks job raises the alert anyway. The row is
 * the shared state: every instance, and a restarted one, sees what is waiting; the status moves once (a
 * conditional UPDATE), so an answer and the job never both act.
 */
@Entity('emergency_check')
@Index('idx_emergency_check_due', ['status', 'dueAt'])
export class EmergencyCheck {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  seniorId!: number;

  /** Who was asked (the senior, or a family member writing about them). */
  @Column({ type: 'int' })
  accountId!: number;

  @TextColumn(64)
  openid!: string;

  /** What they said, as received. */
  @TextColumn(500, { default: '' })
  message!: string;

  @Column({ type: 'simple-enum', enum: EMERGENCY_CHECK_STATUSES })
  status!: EmergencyCheckStatus;

  @InstantColumn()
  askedAt!: Date;

  @InstantColumn()
  dueAt!: Date;

  @InstantColumn({ nullable: true })
  settledAt!: Date | null;

  /** The alert raised, when one was. */
  @Column({ type: 'int', nullable: true })
  alertId!: number | null;
}

export const HANDOVER_ENDINGS = ['senior', 'staff', 'quiet', 'bot'] as const;
export type HandoverEnding = (typeof HANDOVER_ENDINGS)[number];

/**
 * 找人工: a person at the senior's centre answers instead of the bot. Open while `endedAt` is null: what the senior
 * writes is forwarded to the centre's staff, and a staff member answers through the API (the first answer says
 * who has taken over). It ends when the senior says 好了, when staff hand back, when the senior asks the bot for
 * something it does itself (a booking is never swallowed), or after a quiet half hour — and the bot says it is back.
 */
@Entity('chat_handover')
@Index('idx_chat_handover_senior', ['seniorId', 'endedAt'])
export class ChatHandover {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  seniorId!: number;

  /** The WeChat user who asked for a person (and who gets the staff's answers). */
  @TextColumn(64)
  openid!: string;

  @Column({ type: 'int', nullable: true })
  centreId!: number | null;

  @InstantColumn()
  startedAt!: Date;

  /** The last message either way: a quiet half hour after it ends the hand-over. */
  @InstantColumn()
  lastAt!: Date;

  @Column({ type: 'int', nullable: true })
  takenByAccountId!: number | null;

  @TextColumn(32, { default: '' })
  takenByName!: string;

  @InstantColumn({ nullable: true })
  endedAt!: Date | null;

  @Column({ type: 'simple-enum', enum: HANDOVER_ENDINGS, nullable: true })
  endedBy!: HandoverEnding | null;
}
