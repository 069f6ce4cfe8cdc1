import { In, IsNull, type EntityManager } from 'typeorm';
import { Account, Centre, EmergencyAlert, type AlertOutcome } from '../../entities';
import type { Database } from '../db/database';

/** "/1/2/4/" → ["/1/2/4/", "/1/2/", "/1/"]: the region and every region above it. */
function enclosingPaths(regionPath: string): string[] {
  const ids = regionPath.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, ids.length - i).join('/')}/`);
}

/** Emergency alerts: raising one, the open ones, acknowledging, resolving; and the questions escalation asks (which alerts are due, who is above the centre that missed one). */
export class EmergencyAlertRepository {
  constructor(private readonly db: Database) {}

  insert(em: EntityManager, alert: Omit<EmergencyAlert, 'id'>): Promise<EmergencyAlert> {
    return em.save(EmergencyAlert, em.create(EmergencyAlert, alert));
  }

  /**
   * The alert a new raise by this senior joins: their latest alert raised (or joined) since `since`, followed to the
   * alert it joined, if that one is still open or acknowledged.
   */
  async joinableFor(em: EntityManager, seniorId: number, since: Date): Promise<EmergencyAlert | null> {
    const latest = await em
      .createQueryBuilder(EmergencyAlert, 'a')
      .where('a.seniorId = :seniorId AND a.createdAt > :since', { seniorId, since })
      .orderBy('a.id', 'DESC')
      .getOne();
    if (!latest) return null;
    const target = latest.joinedAlertId !== null ? await em.findOneBy(EmergencyAlert, { id: latest.joinedAlertId }) : latest;
    return target && (target.status === 'open' || target.status === 'acknowledged') ? target : null;
  }

  findById(id: number): Promise<EmergencyAlert | null> {
    return this.db.manager.findOneBy(EmergencyAlert, { id });
  }

  /** Alerts nobody has resolved yet (open or acknowledged), oldest first. */
  unresolved(limit: number): Promise<EmergencyAlert[]> {
    return this.db.manager.find(EmergencyAlert, { where: [{ status: 'open' }, { status: 'acknowledged' }], order: { id: 'ASC' }, take: limit });
  }

  /** Resolved alerts (not the raises joined to them), the latest closed first. */
  resolved(limit: number): Promise<EmergencyAlert[]> {
    return this.db.manager.find(EmergencyAlert, {
      where: { status: 'resolved', joinedAlertId: IsNull() },
      order: { resolvedAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  /** Open → acknowledged; false when it was no longer open (acknowledged already, or resolved). */
  async acknowledge(em: EntityManager, id: number, accountId: number, now: Date): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(EmergencyAlert)
      .set({ status: 'acknowledged', acknowledgedAt: now, acknowledgedByAccountId: accountId, version: () => 'version + 1' })
      .where('id = :id AND status = :open', { id, open: 'open' })
      .execute();
    return r.affected === 1;
  }

  findForUpdate(em: EntityManager, id: number): Promise<EmergencyAlert | null> {
    return em.findOneBy(EmergencyAlert, { id });
  }

  /**
   * Open or acknowledged → resolved, if the row is still as read (`alert.version`); an open one is acknowledged by
   * the same person at the same moment. The raises joined to it are closed with it. False when someone changed it
   * in between: the caller reads it again to say why.
   */
  async resolve(em: EntityManager, alert: EmergencyAlert, how: { outcome: AlertOutcome; note: string; accountId: number; now: Date }): Promise<boolean> {
    const closed = { status: 'resolved' as const, outcome: how.outcome, resolution: how.note, resolvedAt: how.now, resolvedByAccountId: how.accountId };
    const r = await em
      .createQueryBuilder()
      .update(EmergencyAlert)
      .set({
        ...closed,
        acknowledgedAt: alert.acknowledgedAt ?? how.now,
        acknowledgedByAccountId: alert.acknowledgedByAccountId ?? how.accountId,
        version: alert.version + 1,
      })
      .where('id = :id AND version = :version AND status IN (:...live)', { id: alert.id, version: alert.version, live: ['open', 'acknowledged'] })
      .execute();
    if (r.affected !== 1) return false;
    await em
      .createQueryBuilder()
      .update(EmergencyAlert)
      .set({ ...closed, version: () => 'version + 1' })
      .where('joinedAlertId = :id AND status = :joined', { id: alert.id, joined: 'joined' })
      .execute();
    return true;
  }

  /** Open (unacknowledged) alerts below `maxLevel` last escalated at or before `before`, oldest first. */
  dueForEscalation(before: Date, maxLevel: number, limit: number): Promise<EmergencyAlert[]> {
    return this.db.manager
      .createQueryBuilder(EmergencyAlert, 'a')
      .where('a.status = :open AND a.lastEscalatedAt <= :before AND a.escalationLevel < :maxLevel', { open: 'open', before, maxLevel })
      .orderBy('a.lastEscalatedAt', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .take(limit)
      .getMany();
  }

  /**
   * Moves an alert from `level` to `level + 1` if it is still open and still at `level`. Only the caller that
   * gets true sends that level's messages, so a rerun, a second instance or a late acknowledgement never
   * makes anyone hear the same escalation twice.
   */
  async claimLevel(alertId: number, level: number, now: Date): Promise<boolean> {
    const r = await this.db.manager
      .createQueryBuilder()
      .update(EmergencyAlert)
      .set({ escalationLevel: level + 1, lastEscalatedAt: now })
      .where('id = :alertId AND escalationLevel = :level AND status = :open', { alertId, level, open: 'open' })
      .execute();
    return r.affected === 1;
  }

  /** The street centre (街道综合养老服务中心) whose street contains this region, the nearest if several. */
  async streetCentreOver(regionPath: string): Promise<Centre | null> {
    const paths = enclosingPaths(regionPath);
    if (paths.length === 0) return null;
    const rows = await this.db.manager.find(Centre, { where: { kind: 'street_centre', active: true, regionPath: In(paths) }, order: { id: 'ASC' } });
    rows.sort((a, b) => b.regionPath.length - a.regionPath.length);
    return rows[0] ?? null;
  }

  /** Active administrators of the nearest region at or above this one that has any (the street's before the district's). */
  async nearestAdmins(regionPath: string): Promise<Account[]> {
    const paths = enclosingPaths(regionPath);
    if (paths.length === 0) return [];
    const admins = (await this.db.manager.find(Account, { where: { regionPath: In(paths), active: true }, order: { id: 'ASC' } })).filter((a) =>
      a.roles.includes('admin'),
    );
    const nearest = Math.max(0, ...admins.map((a) => a.regionPath!.length));
    return admins.filter((a) => a.regionPath!.length === nearest);
  }
}
