import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/** A login. Only the SHA-256 of the bearer token is stored, so a database leak does not leak sessions. */
@Entity('session')
export class Session {
  @PrimaryGeneratedColumn()
  id!: number;

  @Index('uq_session_token', { unique: true })
  @TextColumn(64)
  tokenHash!: string;

  @Index('idx_session_account')
  @Column({ type: 'int' })
  accountId!: number;

  @Column({ type: 'simple-enum', enum: ['miniprogram', 'console', 'mp_web'] })
  channel!: 'miniprogram' | 'console' | 'mp_web';

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  expiresAt!: Date;

  @InstantColumn({ nullable: true })
  revokedAt!: Date | null;
}
