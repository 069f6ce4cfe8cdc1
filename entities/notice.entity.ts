import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';
import type { Role } from './account.entity';
import type { SeniorCategory } from './senior.entity';

export interface NoticeAudience {
  /** Region subtree the recipients live or work in. */
  regionId: number;
  roles: Role[];
  minAge?: number;
  categories?: SeniorCategory[];
}

export const NOTICE_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'cancelled'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** 通知: a policy notice an administrator broadcasts to an audience, now or on a schedule. */
@Entity('notice')
@Index('idx_notice_status_scheduled', ['status', 'scheduledAt'])
export class Notice {
  @PrimaryGeneratedColumn()
  id!: number;

  @TextColumn(100)
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  link!: string | null;

  @Column({ type: 'simple-json' })
  audience!: NoticeAudience;

  @Column({ type: 'simple-enum', enum: NOTICE_STATUSES })
  status!: NoticeStatus;

  @InstantColumn({ nullable: true })
  scheduledAt!: Date | null;

  @Column({ type: 'int' })
  createdByAccountId!: number;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  sentAt!: Date | null;
}

export const DELIVERY_CHANNELS = ['mp_template', 'mini_subscribe', 'inbox'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One recipient × channel of a notice. Unique, so re-running a fan-out creates nothing new. */
@Entity('notice_delivery')
@Unique('uq_notice_delivery', ['noticeId', 'accountId', 'channel'])
@Index('idx_notice_delivery_queue', ['noticeId', 'status', 'nextAttemptAt'])
@Index('idx_notice_delivery_account', ['accountId', 'channel'])
export class NoticeDelivery {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  noticeId!: number;

  @Column({ type: 'int' })
  accountId!: number;

  @Column({ type: 'simple-enum', enum: DELIVERY_CHANNELS })
  channel!: DeliveryChannel;

  @Column({ type: 'simple-enum', enum: DELIVERY_STATUSES })
  status!: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @InstantColumn()
  nextAttemptAt!: Date;

  @Column({ type: 'int', nullable: true })
  errcode!: number | null;

  @TextColumn(200, { default: '' })
  lastError!: string;

  @InstantColumn({ nullable: true })
  sentAt!: Date | null;

  @InstantColumn({ nullable: true })
  readAt!: Date | null;

  @InstantColumn()
  createdAt!: Date;
}
