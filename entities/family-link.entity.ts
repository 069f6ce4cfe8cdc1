import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/** 家属绑定: a family account may act for a senior while the link is not revoked. */
@Entity('family_link')
@Unique('uq_family_link_pair', ['seniorId', 'familyAccountId'])
@Index('idx_family_link_account', ['familyAccountId'])
export class FamilyLink {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  seniorId!: number;

  @Column({ type: 'int' })
  familyAccountId!: number;

  /** How the family member is related, in their words (女儿, 儿子, 侄女…). */
  @TextColumn(16, { default: '' })
  relation!: string;

  @Column({ type: 'simple-enum', enum: ['code', 'staff'] })
  createdVia!: 'code' | 'staff';

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  revokedByAccountId!: number | null;
}

/** A one-time 6-digit code a senior (or staff for them) hands to a family member; valid 24 h, single use. */
@Entity('family_link_code')
@Index('idx_family_link_code_code', ['code'])
@Index('idx_family_link_code_senior', ['seniorId'])
export class FamilyLinkCode {
  @PrimaryGeneratedColumn()
  id!: number;

  @TextColumn(6)
  code!: string;

  @Column({ type: 'int' })
  seniorId!: number;

  @Column({ type: 'int' })
  issuedByAccountId!: number;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  expiresAt!: Date;

  @InstantColumn({ nullable: true })
  usedAt!: Date | null;

  @Column({ type: 'int', nullable: true })
  usedByAccountId!: number | null;
}
