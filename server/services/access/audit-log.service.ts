import type { AuditLog } from '../../../entities';
import type { AuditEntryView } from '../../contracts/api-types';
import { AppError } from '../../errors';
import { addDays, shanghaiInstant } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { AuditReadScope, AuditRepository } from '../../repositories/audit.repository';
import { AUDIT_ACTION_LABELS, AUDIT_ENTITY_LABELS, AUDIT_ROLE_LABELS } from '../../words/audit';
import { hasRole, type Actor } from './actor';

export interface AuditLogQuery {
  actorId?: number;
  actions?: string[];
  entityType?: string;
  entityId?: number;
  /** Shanghai days, both included. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export interface AuditLogServiceDeps {
  audit: AuditRepository;
  accounts: AccountRepository;
}

/** A region path with one segment ("/1/"): the top of a tree, a district. */
const TOP_LEVEL = /^\/\d+\/$/;

/**
 * Reading 操作日志: who did what to which record, when, from where. Staff read their centre's entries,
 * administrators those inside their region; entries that belong nowhere (a family member's failed link code)
 * only administrators of a top-level region.
 */
export class AuditLogService {
  constructor(private readonly deps: AuditLogServiceDeps) {}

  async list(actor: Actor, q: AuditLogQuery): Promise<{ items: AuditEntryView[]; total: number }> {
    const scope = this.scopeOf(actor);
    if (q.from && q.to && q.to < q.from) throw new AppError('DATE_RANGE_REVERSED');
    const { items, total } = await this.deps.audit.list({
      scope,
      actorAccountId: q.actorId,
      actions: q.actions,
      entityType: q.entityType,
      entityId: q.entityId,
      from: q.from ? shanghaiInstant(q.from) : undefined,
      to: q.to ? shanghaiInstant(addDays(q.to, 1)) : undefined,
      limit: q.limit,
      offset: q.offset,
    });
    const actorIds = [...new Set(items.map((e) => e.actorAccountId).filter((id): id is number => id !== null))];
    const actors = new Map((await this.deps.accounts.findByIds(actorIds)).map((a) => [a.id, a]));
    return {
      items: items.map((e) => this.view(e, e.actorAccountId === null ? undefined : actors.get(e.actorAccountId))),
      total,
    };
  }

  private scopeOf(actor: Actor): AuditReadScope {
    if (hasRole(actor, 'admin') && actor.regionPath !== null) return { regionPath: actor.regionPath, withUnscoped: TOP_LEVEL.test(actor.regionPath) };
    if (hasRole(actor, 'staff') && actor.centreId !== null) return { centreId: actor.centreId };
    throw new AppError('AUDIT_LOG_NOT_ALLOWED');
  }

  private view(e: AuditLog, actor: { id: number; displayName: string; username: string | null } | undefined): AuditEntryView {
    return {
      id: e.id,
      at: e.createdAt.toISOString(),
      actor: e.actorAccountId === null ? null : { id: e.actorAccountId, displayName: actor?.displayName ?? '', username: actor?.username ?? null },
      role: e.actorRole,
      roleLabel: AUDIT_ROLE_LABELS[e.actorRole] ?? e.actorRole,
      action: e.action,
      actionLabel: AUDIT_ACTION_LABELS[e.action] ?? e.action,
      entity: { type: e.entityType, typeLabel: AUDIT_ENTITY_LABELS[e.entityType] ?? e.entityType, id: e.entityId },
      detail: e.detail,
      ip: e.ip,
    };
  }
}
