import type { Logger } from 'pino';
import type { Account, AlertOutcome, EmergencyAlert, Senior } from '../../../entities';
import type { Database } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { AlertView } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { MINUTE, shanghaiDateTime } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { EmergencyAlertRepository } from '../../repositories/emergency-alert.repository';
import type { FamilyLinkRepository } from '../../repositories/family-link.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import { ALERT_OUTCOME_LABELS, EMERGENCY_TEXTS } from '../../words/texts';
import type { TemplateIds } from '../../wechat-templates';
import { MINI_PAGES } from '../../wechat-templates';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import type { AccountNotifier, NoticeOutcome } from '../messaging/notifier.service';

export interface RaisedAlert {
  /** The alert being handled: this one, or the open one it joined. */
  alertId: number;
  /** Raised again within JOIN_WINDOW_MS of an open alert: recorded under it, nobody paged again. */
  joined: boolean;
  /** Who heard about it, as the senior reads it: family names and "工作人员". */
  notified: string[];
  centrePhone: string;
  outcomes: Array<{ accountId: number; role: 'family' | 'staff'; outcome: NoticeOutcome }>;
}

/**
 * A senior who raises help again within this long of their open (or acknowledged) alert is in the same emergency:
 * the probes left 326 open alerts, each paging family and staff. Measured from the latest raise, so a storm stays one.
 */
export const JOIN_WINDOW_MS = 10 * MINUTE;

/** An alert nobody has acknowledged for this long goes up one level. */
export const ESCALATE_AFTER_MS = 5 * MINUTE;
/** 1: the family and the centre's staff again; 2: the street centre's staff and the nearest administrators. */
export const LAST_ESCALATION_LEVEL = 2;

type EscalationRole = 'family' | 'staff' | 'street_staff' | 'admin';

export type { AlertView };

export interface EmergencyServiceDeps {
  db: Database;
  clock: Clock;
  seniors: SeniorRepository;
  centres: CentreRepository;
  accounts: AccountRepository;
  links: FamilyLinkRepository;
  notifier: AccountNotifier;
  templates: TemplateIds;
  access: AccessService;
  audit: AuditService;
  logger: Logger;
  alerts: EmergencyAlertRepository;
}

/**
 * 助急: a senior's call for help. The alert row is written first (so escalation can find it whatever happens
 * next), then every linked family member and the staff of the senior's centre are told at once, in parallel. The
 * same senior raising it again within minutes joins that alert instead of paging everyone again.
 */
export class EmergencyService {
  constructor(private readonly deps: EmergencyServiceDeps) {}

  async raise(input: { senior: Senior; raisedByAccountId: number; channel: EmergencyAlert['channel']; message: string }): Promise<RaisedAlert> {
    const { senior } = input;
    const now = this.deps.clock.now();
    const row: Omit<EmergencyAlert, 'id'> = {
      seniorId: senior.id,
      centreId: senior.homeCentreId,
      raisedByAccountId: input.raisedByAccountId,
      channel: input.channel,
      message: [...input.message].slice(0, 500).join(''),
      status: 'open',
      joinedAlertId: null,
      escalationLevel: 0,
      lastEscalatedAt: now,
      acknowledgedByAccountId: null,
      acknowledgedAt: null,
      resolvedAt: null,
      resolution: '',
      outcome: null,
      resolvedByAccountId: null,
      version: 1,
      createdAt: now,
    };
    // One senior's raises are decided one at a time (their row locked for a moment): the first is an alert and
    // pages everyone at once; the ones that follow within JOIN_WINDOW_MS are recorded under it and page nobody again.
    const { alert, joined } = await this.deps.db.transaction(async (em) => {
      await this.deps.seniors.lockMany(em, [senior.id]);
      const open = await this.deps.alerts.joinableFor(em, senior.id, new Date(now.getTime() - JOIN_WINDOW_MS));
      const saved = await this.deps.alerts.insert(em, open ? { ...row, status: 'joined', joinedAlertId: open.id } : row);
      return { alert: open ?? saved, joined: open ? saved : null };
    });

    const [kin, staff, centre] = await Promise.all([
      this.deps.links.familyOf(senior.id),
      senior.homeCentreId ? this.deps.accounts.staffOf(senior.homeCentreId) : Promise.resolve([] as Account[]),
      senior.homeCentreId ? this.deps.centres.load(senior.homeCentreId) : Promise.resolve(null),
    ]);
    const family = kin.filter((k) => k.account.id !== input.raisedByAccountId).map((k) => k.account);
    const staffToTell = staff.filter((a) => a.id !== input.raisedByAccountId);
    const relation = new Map(kin.map((k) => [k.account.id, k.relation]));
    const nameOf = (a: Account) => relation.get(a.id) || a.displayName;
    if (joined) {
      // Answered at once, like the first: the people it names were told by the alert this one joined.
      this.deps.logger.warn({ alertId: alert.id, joinedId: joined.id, seniorId: senior.id }, 'emergency raised again: joined the open alert');
      const told = family.map(nameOf);
      if (staffToTell.length > 0) told.push(EMERGENCY_TEXTS.centreStaff(centre?.name ?? null));
      return { alertId: alert.id, joined: true, notified: told, centrePhone: centre?.phone ?? '', outcomes: [] };
    }
    this.deps.logger.warn({ alertId: alert.id, seniorId: senior.id }, 'emergency raised');

    const notice = {
      templates: this.deps.templates.emergency,
      data: {
        thing1: EMERGENCY_TEXTS.raised(senior.name),
        thing2: input.message.trim() || EMERGENCY_TEXTS.defaultMessage,
        time3: shanghaiDateTime(now),
        phone_number4: senior.phone ?? centre?.phone ?? '',
      },
      page: MINI_PAGES.emergency(alert.id),
    };
    const sent = await Promise.all([
      ...family.map(async (a) => ({ account: a, role: 'family' as const, outcome: await this.deps.notifier.notify(a, notice) })),
      ...staffToTell.map(async (a) => ({ account: a, role: 'staff' as const, outcome: await this.deps.notifier.notify(a, notice) })),
    ]);
    const reached = sent.filter((s) => s.outcome === 'subscribe' || s.outcome === 'template');
    const notified = reached.filter((s) => s.role === 'family').map((s) => nameOf(s.account));
    if (reached.some((s) => s.role === 'staff')) notified.push(EMERGENCY_TEXTS.centreStaff(centre?.name ?? null));
    return {
      alertId: alert.id,
      joined: false,
      notified,
      centrePhone: centre?.phone ?? '',
      outcomes: sent.map((s) => ({ accountId: s.account.id, role: s.role, outcome: s.outcome })),
    };
  }

  /**
   * The mini-program's 助急 button: the senior for themself, or a linked family member for their parent. Anyone
   * else (staff, administrators) handles alerts rather than raising them here.
   */
  async raiseFromMiniProgram(actor: Actor, seniorId: number, message: string): Promise<RaisedAlert> {
    const senior = await this.deps.seniors.findById(seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.assertCanSeeSenior(actor, senior);
    if (rel !== 'self' && rel !== 'family') throw new AppError('ALERT_RAISER_NOT_ALLOWED');
    return this.raise({ senior, raisedByAccountId: actor.accountId, channel: 'miniprogram', message });
  }

  /**
   * The scheduled escalation (jobs/emergency-escalation.ts, every minute): an alert nobody has acknowledged for
   * ESCALATE_AFTER_MS since it was raised or last escalated goes up one level. Each level is claimed with a
   * conditional UPDATE before anything is sent, so it goes out once whatever the reruns or instances: a crash
   * between the claim and the sending loses that level's messages rather than repeating them, and the next level
   * still follows five minutes later. Returns how many escalations were made.
   */
  async escalateUnacknowledged(batch = 100): Promise<number> {
    const now = this.deps.clock.now();
    const before = new Date(now.getTime() - ESCALATE_AFTER_MS);
    let escalated = 0;
    for (;;) {
      const due = await this.deps.alerts.dueForEscalation(before, LAST_ESCALATION_LEVEL, batch);
      // A claimed alert is no longer due (lastEscalatedAt moved) and an unclaimable one has moved on: the loop ends.
      for (const alert of due) if (await this.escalate(alert, now)) escalated++;
      if (due.length < batch) return escalated;
    }
  }

  private async escalate(alert: EmergencyAlert, now: Date): Promise<boolean> {
    const level = alert.escalationLevel + 1;
    if (!(await this.deps.alerts.claimLevel(alert.id, alert.escalationLevel, now))) return false;
    // Claimed: from here on nothing may throw out, or the other due alerts would wait for the next minute.
    try {
      const senior = await this.deps.seniors.findById(alert.seniorId);
      if (!senior) throw new Error(`senior ${alert.seniorId} of alert ${alert.id} not found`);
      const centre = alert.centreId !== null ? await this.deps.centres.load(alert.centreId) : null;
      const recipients = level === 1 ? await this.familyAndStaff(alert) : await this.aboveCentre(centre?.regionPath ?? senior.regionPath);
      const notice = {
        templates: this.deps.templates.emergency,
        data: {
          thing1: EMERGENCY_TEXTS.unanswered(senior.name, Math.round((now.getTime() - alert.createdAt.getTime()) / MINUTE)),
          thing2: alert.message.trim() || EMERGENCY_TEXTS.defaultMessage,
          time3: shanghaiDateTime(alert.createdAt),
          phone_number4: senior.phone ?? centre?.phone ?? '',
        },
        page: MINI_PAGES.emergency(alert.id),
      };
      const unique = [...new Map(recipients.filter((r) => r.account.id !== alert.raisedByAccountId).map((r) => [r.account.id, r])).values()];
      const sent = await Promise.all(
        unique.map(async (r) => ({ accountId: r.account.id, role: r.role, outcome: await this.deps.notifier.notify(r.account, notice) })),
      );
      await this.deps.audit.recordSystem(this.deps.db.manager, 'emergency.escalate', { type: 'emergency_alert', id: alert.id }, { level, recipients: sent });
      this.deps.logger.warn(
        { alertId: alert.id, level, reached: sent.filter((x) => x.outcome === 'subscribe' || x.outcome === 'template').length },
        'emergency escalated',
      );
    } catch (err) {
      this.deps.logger.error({ err, alertId: alert.id, level }, 'emergency escalation could not be sent');
    }
    return true;
  }

  /** Level 1: the people told when the alert was raised, told again. */
  private async familyAndStaff(alert: EmergencyAlert): Promise<Array<{ account: Account; role: EscalationRole }>> {
    const [family, staff] = await Promise.all([
      this.deps.links.familyOf(alert.seniorId),
      alert.centreId !== null ? this.deps.accounts.staffOf(alert.centreId) : Promise.resolve([] as Account[]),
    ]);
    return [...family.map(({ account }) => ({ account, role: 'family' as const })), ...staff.map((account) => ({ account, role: 'staff' as const }))];
  }

  /** Level 2: the street centre over the senior's centre, and the administrators of the nearest region that has any. */
  private async aboveCentre(regionPath: string): Promise<Array<{ account: Account; role: EscalationRole }>> {
    const street = await this.deps.alerts.streetCentreOver(regionPath);
    const [streetStaff, admins] = await Promise.all([
      street ? this.deps.accounts.staffOf(street.id) : Promise.resolve([] as Account[]),
      this.deps.alerts.nearestAdmins(street?.regionPath ?? regionPath),
    ]);
    return [...streetStaff.map((account) => ({ account, role: 'street_staff' as const })), ...admins.map((account) => ({ account, role: 'admin' as const }))];
  }

  /** Open alerts a staff member or administrator looks after, oldest first; or the resolved ones, the latest closed first. */
  async open(actor: Actor, which: 'unresolved' | 'resolved' = 'unresolved'): Promise<AlertView[]> {
    this.deps.access.assertStaffOrAdmin(actor);
    const rows = which === 'resolved' ? await this.deps.alerts.resolved(200) : await this.deps.alerts.unresolved(500);
    const seniors = new Map((await this.deps.seniors.findByIds([...new Set(rows.map((r) => r.seniorId))])).map((s) => [s.id, s]));
    const views: AlertView[] = [];
    for (const r of rows) {
      const s = seniors.get(r.seniorId);
      if (!s) continue;
      const rel = await this.deps.access.relationTo(actor, s);
      if (rel !== 'staff' && rel !== 'admin') continue;
      views.push(alertView(r, s));
    }
    return views;
  }

  /** Someone has it in hand: escalation stops. Acknowledging twice is harmless. */
  async acknowledge(actor: Actor, id: number): Promise<AlertView> {
    this.deps.access.assertStaffOrAdmin(actor);
    const alert = await this.deps.alerts.findById(id);
    if (!alert) throw new AppError('ALERT_NOT_FOUND');
    const senior = await this.deps.seniors.findById(alert.seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.relationTo(actor, senior);
    if (rel !== 'staff' && rel !== 'admin') throw new AppError('FORBIDDEN');
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      if (await this.deps.alerts.acknowledge(em, id, actor.accountId, now))
        await this.deps.audit.record(em, actor, 'emergency.acknowledge', { type: 'emergency_alert', id }, {});
    });
    return alertView((await this.deps.alerts.findById(id))!, senior);
  }

  /**
   * 处理完毕: staff close an alert with how it ended and a short note. An open one counts as acknowledged by them at
   * the same moment (so escalation stops); the raises joined to it close with it; it leaves GET /emergencies.
   * `version`, when sent, must be the one read (VERSION_CONFLICT otherwise).
   */
  async resolve(actor: Actor, id: number, input: { outcome: AlertOutcome; note: string; version?: number }): Promise<AlertView> {
    this.deps.access.assertStaffOrAdmin(actor);
    const alert = await this.deps.alerts.findById(id);
    if (!alert) throw new AppError('ALERT_NOT_FOUND');
    const senior = await this.deps.seniors.findById(alert.seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.relationTo(actor, senior);
    if (rel !== 'staff' && rel !== 'admin') throw new AppError('ALERT_HANDLER_NOT_ALLOWED');
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      const fresh = await this.deps.alerts.findForUpdate(em, id);
      if (!fresh) throw new AppError('ALERT_NOT_FOUND');
      if (fresh.status === 'resolved') throw new AppError('ALERT_ALREADY_RESOLVED');
      if (fresh.status === 'joined') throw new AppError('ALERT_JOINED', undefined, { alertId: fresh.joinedAlertId });
      if (input.version !== undefined) assertVersion(fresh.version, input.version);
      if (!(await this.deps.alerts.resolve(em, fresh, { outcome: input.outcome, note: input.note, accountId: actor.accountId, now }))) {
        const again = await this.deps.alerts.findForUpdate(em, id);
        if (again?.status === 'resolved') throw new AppError('ALERT_ALREADY_RESOLVED');
        throw new AppError('VERSION_CONFLICT', undefined, { currentVersion: again?.version ?? null });
      }
      await this.deps.audit.record(
        em,
        actor,
        'emergency.resolve',
        { type: 'emergency_alert', id },
        { outcome: input.outcome, note: input.note, wasStatus: fresh.status },
      );
    });
    this.deps.logger.info({ alertId: id, outcome: input.outcome }, 'emergency resolved');
    return alertView((await this.deps.alerts.findById(id))!, senior);
  }
}

function alertView(a: EmergencyAlert, s: Senior): AlertView {
  return {
    id: a.id,
    senior: { id: s.id, name: s.name, phone: s.phone, address: s.address },
    centreId: a.centreId,
    channel: a.channel,
    message: a.message,
    status: a.status,
    escalationLevel: a.escalationLevel,
    createdAt: a.createdAt.toISOString(),
    acknowledgedAt: a.acknowledgedAt ? a.acknowledgedAt.toISOString() : null,
    acknowledgedByAccountId: a.acknowledgedByAccountId,
    outcome: a.outcome,
    outcomeLabel: a.outcome ? ALERT_OUTCOME_LABELS[a.outcome] : null,
    resolution: a.resolution,
    resolvedAt: a.resolvedAt ? a.resolvedAt.toISOString() : null,
    resolvedByAccountId: a.resolvedByAccountId,
    version: a.version,
  };
}
