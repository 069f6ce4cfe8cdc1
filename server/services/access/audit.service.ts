import type { Tx } from '../../db/database';
import type { Clock } from '../../lib/clock';
import type { AuditRepository, AuditScope } from '../../repositories/audit.repository';
import { hasRole, primaryRole, type Actor } from './actor';

/**
 * The record an entry is about. `scope` says whose log it belongs in (a centre, a region); without it the record's
 * own centre and region are looked up by its kind (AuditRepository), and failing that the actor's.
 */
export interface AuditTarget {
  type: string;
  id: number;
  scope?: AuditScope;
}

/** Writes 操作日志 rows inside the caller's transaction, so the log and the change land together or not at all. */
export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async record(em: Tx, actor: Actor, action: string, entity: AuditTarget, detail: Record<string, unknown> = {}): Promise<unknown> {
    // Where the record belongs; for a kind of record with no place of its own, where the actor works.
    const scope = entity.scope ?? (await this.repo.scopeOf(em, entity.type, entity.id)) ?? (await this.actorScope(em, actor));
    return this.repo.insert(em, {
      actorAccountId: actor.accountId,
      actorRole: primaryRole(actor),
      action,
      entityType: entity.type,
      entityId: entity.id,
      detail,
      ip: actor.ip.slice(0, 64),
      scope,
      createdAt: this.clock.now(),
    });
  }

  /**
   * Several entries by one actor in one statement, inside the caller's transaction (an import's thousands of rows).
   * They are placed where the actor works, looked up once, rather than one lookup per record.
   */
  async recordMany(
    em: Tx,
    actor: Actor,
    entries: ReadonlyArray<{ action: string; entity: { type: string; id: number }; detail: Record<string, unknown> }>,
  ): Promise<void> {
    const now = this.clock.now();
    const scope = await this.actorScope(em, actor);
    return this.repo.insertMany(
      em,
      entries.map((e) => ({
        actorAccountId: actor.accountId,
        actorRole: primaryRole(actor),
        action: e.action,
        entityType: e.entity.type,
        entityId: e.entity.id,
        detail: e.detail,
        ip: actor.ip.slice(0, 64),
        scopeCentreId: scope?.centreId ?? null,
        scopeRegionPath: scope?.regionPath ?? null,
        createdAt: now,
      })),
    );
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
  recordSystem(em: Tx, action: string, entity: AuditTarget, detail: Record<string, unknown> = {}): Promise<unknown> {
    return this.repo.insert(em, {
      actorAccountId: null,
      actorRole: 'system',
      action,
      entityType: entity.type,
      entityId: entity.id,
      detail,
      ip: '',
      scope: entity.scope,
      createdAt: this.clock.now(),
    });
  }

  /** Where an actor's own doings belong: a staff member's centre, an administrator's region, nobody's otherwise. */
  private async actorScope(em: Tx, actor: Actor): Promise<AuditScope> {
    if (hasRole(actor, 'staff') && actor.centreId !== null) {
      return (await this.repo.scopeOf(em, 'centre', actor.centreId)) ?? { centreId: actor.centreId, regionPath: null };
    }
    if (hasRole(actor, 'admin') && actor.regionPath !== null) return { centreId: null, regionPath: actor.regionPath };
    return { centreId: null, regionPath: null };
  }
}
