import type { Tx } from '../../db/database';
import type { Clock } from '../../lib/clock';
import type { AuditRepository } from '../../repositories/audit.repository';
import { primaryRole, type Actor } from './actor';

/** Writes 操作日志 rows inside the caller's transaction, so the log and the change land together or not at all. */
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  record(em: Tx, actor: Actor, action: string, entity: { type: string; id: number }, detail: Record<string, unknown> = {}): Promise<unknown> {
    return this.repo.insert(em, {
      actorAccountId: actor.accountId,
      actorRole: primaryRole(actor),
      action,
      entityType: entity.type,
      entityId: entity.id,
      detail,
      ip: actor.ip.slice(0, 64),
      createdAt: this.clock.now(),
    });
  }

  /** Something done by someone not signed in (a wrong password for an account, say): recorded with their address. */
  recordAnonymous(em: Tx, ip: string, action: string, entity: { type: string; id: number }, detail: Record<string, unknown> = {}): Promise<unknown> {
    return this.repo.insert(em, {
      actorAccountId: null,
      actorRole: 'anonymous',
      action,
      entityType: entity.type,
      entityId: entity.id,
      detail,
      ip: ip.slice(0, 64),
      createdAt: this.clock.now(),
    });
  }

  /** An action no person took (a scheduled job escalating an alert): recorded under the role `system`. */
  recordSystem(em: Tx, action: string, entity: { type: string; id: number }, detail: Record<string, unknown> = {}): Promise<unknown> {
    return this.repo.insert(em, {
      actorAccountId: null,
      actorRole: 'system',
      action,
      entityType: entity.type,
      entityId: entity.id,
      detail,
      ip: '',
      createdAt: this.clock.now(),
    });
  }
}
