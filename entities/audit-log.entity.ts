import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/** 操作日志: who did what to which record, when, and from where. Written by staff and admin actions. */
@Entity('audit_log')
@Index('idx_audit_entity', ['entityType', 'entityId'])
@Index('idx_audit_actor', ['actorAccountId', 'createdAt'])
@Index('idx_audit_scope_region', ['scopeRegionPath', 'createdAt'])
@Index('idx_audit_scope_centre', ['scopeCentreId', 'createdAt'])
export class AuditLog {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int', nullable: true })
  actorAccountId!: number | null;

  @TextColumn(32)
  actorRole!: string;

  @TextColumn(64)
  action!: string;

  @TextColumn(32)
  entityType!: string;

  @Column({ type: 'int' })
  entityId!: number;

  @Column({ type: 'simple-json' })
  detail!: Record<string, unknown>;

  @TextColumn(64, { default: '' })
  ip!: string;

  /** Whose log this entry belongs to: the centre and region of the record acted on (or of the actor, when the
   *  record has none). Staff read their centre's entries, administrators those inside their region. */
  @Column({ type: 'int', nullable: true })
  scopeCentreId!: number | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  scopeRegionPath!: string | null;

  @InstantColumn()
  createdAt!: Date;
}
