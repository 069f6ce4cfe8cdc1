import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/**
 * What the bot offered a public-account user and is waiting for (a yes to a quote, a number from a list), so
 * that whichever server instance receives the next message can answer it. Expires 10 minutes after it was set.
 */
@Entity('bot_conversation')
export class BotConversation {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  openid!: string;

  /** The pending step as the bot wrote it (a small JSON object), or null when nothing is awaited. */
  @Column({ type: 'simple-json', nullable: true })
  pending!: Record<string, unknown> | null;

  @InstantColumn()
  expiresAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}

/**
 * 微信绑定码: what a centre prints or reads out so that a senior's own WeChat can be bound to them, as a QR code
 * (a scene value scanned in WeChat) and as six digits to send in the chat. Single use; the code lives 7 days, the
 * QR code 30 (WeChat's longest for a temporary code).
 */
@Entity('senior_bind_code')
@Index('idx_senior_bind_code_code', ['code'])
@Index('idx_senior_bind_code_senior', ['seniorId'])
export class SeniorBindCode {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  seniorId!: number;

  @TextColumn(6)
  code!: string;

  /** The QR code's scene value (`bind_…`), unique. */
  @Index('uq_senior_bind_code_scene', { unique: true })
  @TextColumn(64)
  scene!: string;

  @Column({ type: 'int' })
  issuedByAccountId!: number;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  codeExpiresAt!: Date;

  @InstantColumn()
  sceneExpiresAt!: Date;

  @InstantColumn({ nullable: true })
  usedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  usedByAccountId!: number | null;
}
