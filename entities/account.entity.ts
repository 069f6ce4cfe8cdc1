import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export const ROLES = ['senior', 'family', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * 账号: one WeChat person (public-account openid, mini-program openid, unionid) or one console user
 * (username + password hash). A person may hold several roles, e.g. a staff member who is also someone's daughter.
 */
@Entity('account')
export class Account {
  @PrimaryGeneratedColumn()
  id!: number;

  @TextColumn(64)
  displayName!: string;

  @Column({ type: 'simple-array' })
  roles!: Role[];

  @Index('uq_account_mp_openid', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  mpOpenid!: string | null;

  @Index('uq_account_mini_openid', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  miniOpenid!: string | null;

  @Index('idx_account_unionid')
  @Column({ type: 'varchar', length: 64, nullable: true })
  unionid!: string | null;

  @Index('uq_account_username', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  username!: string | null;

  /** scrypt$N$r$p$salt$hash (base64url parts). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone!: string | null;

  /** For a senior's own account: who they are. */
  @Index('uq_account_senior', { unique: true })
  @Column({ type: 'int', nullable: true })
  seniorId!: number | null;

  /** For staff: the centre they work at. */
  @Column({ type: 'int', nullable: true })
  centreId!: number | null;

  /** For administrators: the region they administer (and its path, for subtree checks). */
  @Column({ type: 'int', nullable: true })
  regionId!: number | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  regionPath!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Set when the password is one an administrator handed out (a new account, a reset): until the holder picks
   *  their own, a console session may do nothing but change it. */
  @Column({ type: 'boolean', default: false })
  mustChangePassword!: boolean;

  /** Optimistic concurrency for administrators' edits (disable, reset, move): bumped by every change. */
  @Column({ type: 'int', default: 1 })
  version!: number;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
