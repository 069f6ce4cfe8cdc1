import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/**
 * How many times a secret (a password, a family-link or binding code) has been tried and failed for one subject —
 * an account's username, an address, a WeChat user — and until when the next try must wait. Kept in the database so
 * that every instance counts the same tries; changed only by compare-and-set on `version`, so tries sent at once
 * are counted one by one (AttemptLimiter).
 */
@Entity('attempt_limit')
@Index('idx_attempt_limit_updated', ['updatedAt'])
export class AttemptLimit {
  /** `<policy>:<subject>`, e.g. `login_account:admin`, `code_ip:10.0.0.7`. */
  @PrimaryColumn({ type: 'varchar', length: 191 })
  subject!: string;

  @TextColumn(32)
  policy!: string;

  /** Tries counted since windowStartedAt (each try counts until it is known to have succeeded). */
  @Column({ type: 'int', default: 0 })
  failures!: number;

  @InstantColumn()
  windowStartedAt!: Date;

  /** No try is checked before this instant: a growing delay, or the temporary lock. */
  @InstantColumn({ nullable: true })
  blockedUntil!: Date | null;

  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  updatedAt!: Date;
}
