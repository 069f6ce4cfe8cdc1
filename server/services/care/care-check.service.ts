import type { Logger } from 'pino';
import { categoriesHeldOn, type CareCheck, type Senior } from '../../../entities';
import type { CareCheckView } from '../../contracts/care-types';
import type { Database } from '../../db/database';
import { AppError, assertVersion } from '../../errors';
import type { Clock } from '../../lib/clock';
import { DAY, shanghaiDate, shanghaiDateTime } from '../../lib/time';
import type { AccountRepository } from '../../repositories/account.repository';
import type { CareCheckRepository, SignsOfLifeRepository, VisitRepository, VisitRuleRepository } from '../../repositories/care.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import { CARE_TEXTS } from '../../words/care';
import { MINI_PAGES, type TemplatePair } from '../../wechat-templates';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import type { AccountNotifier } from '../messaging/notifier.service';
import { planFor } from './rules';

export interface CareCheckDeps {
  db: Database;
  clock: Clock;
  rules: VisitRuleRepository;
  checks: CareCheckRepository;
  signs: SignsOfLifeRepository;
  visits: VisitRepository;
  seniors: SeniorRepository;
  centres: CentreRepository;
  accounts: AccountRepository;
  notifier: AccountNotifier;
  template: TemplatePair;
  access: AccessService;
  audit: AuditService;
  logger: Logger;
}

/**
 * The silence alarm: a senior living alone who has not booked, been booked for, been checked in, chatted with the
 * public account or been visited for X days (the visit rules' shortest silence for them, DEFAULT_SILENCE_DAYS without
 * one) raises a 关爱 check for their centre, which staff close with a note. One check per silence.
 */
export class CareCheckService {
  constructor(private readonly deps: CareCheckDeps) {}

  /** The silence-alarm job (jobs/silence-alarm.ts). Returns how many checks it raised. */
  async raiseSilent(batch = 500): Promise<number> {
    const now = this.deps.clock.now();
    const today = shanghaiDate(now);
    const rules = await this.deps.rules.active();
    let raised = 0;
    for (let afterId = 0; ;) {
      const page = await this.deps.signs.livingAlone(afterId, batch);
      if (page.length === 0) return raised;
      afterId = page[page.length - 1].id;
      const alone = page.filter((s) => categoriesHeldOn(s, today).includes('living_alone'));
      const ids = alone.map((s) => s.id);
      const [signs, visited, open] = await Promise.all([this.deps.signs.latest(ids), this.deps.visits.lastDoneAt(ids), this.deps.checks.openFor(ids)]);
      for (const s of alone) {
        if (open.has(s.id)) continue;
        const a = signs.get(s.id);
        const b = visited.get(s.id);
        const last = a && b ? (a > b ? a : b) : (a ?? b ?? null);
        const silenceDays = planFor(rules, s, today).silenceDays;
        const since = last ?? s.createdAt;
        if (now.getTime() - since.getTime() < silenceDays * DAY) continue;
        const check = await this.deps.checks.insertOnce({
          seniorId: s.id,
          centreId: s.homeCentreId,
          lastSignAt: last,
          silenceKey: last ? last.toISOString() : 'never',
          silenceDays,
          status: 'open',
          closedAt: null,
          closedByAccountId: null,
          note: '',
          version: 1,
          createdAt: now,
        });
        if (!check) continue;
        raised++;
        await this.tell(s, check, Math.floor((now.getTime() - since.getTime()) / DAY));
      }
      if (page.length < batch) return raised;
    }
  }

  private async tell(senior: Senior, check: CareCheck, days: number): Promise<void> {
    if (check.centreId === null) return;
    const staff = await this.deps.accounts.staffOf(check.centreId);
    const notice = {
      templates: this.deps.template,
      data: { thing1: senior.name, thing2: CARE_TEXTS.silent(days), time3: shanghaiDateTime(check.createdAt), thing4: CARE_TEXTS.silentAction },
      page: MINI_PAGES.visits(),
    };
    await Promise.all(staff.map((a) => this.deps.notifier.notify(a, notice)));
  }

  /** A centre's checks, open (oldest first) or closed (latest first): its staff, or administrators over it. */
  async list(actor: Actor, centreId: number, status: 'open' | 'closed'): Promise<CareCheckView[]> {
    const centre = await this.deps.centres.load(centreId);
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    this.deps.access.assertCanManageCentre(actor, centre);
    return this.views(await this.deps.checks.list([centreId], null, status, 500));
  }

  /** Someone went or called: closed with what they found. */
  async close(actor: Actor, id: number, input: { note: string; version: number }): Promise<CareCheckView> {
    const check = await this.deps.checks.findById(id);
    if (!check) throw new AppError('CARE_CHECK_NOT_FOUND');
    const senior = await this.deps.seniors.findById(check.seniorId);
    if (!senior) throw new AppError('SENIOR_NOT_FOUND');
    const rel = await this.deps.access.relationTo(actor, senior);
    const centre = check.centreId !== null ? await this.deps.centres.load(check.centreId) : null;
    const over = centre ? this.deps.access.isStaffOf(actor, centre.id) || this.deps.access.isAdminOver(actor, centre.regionPath) : rel === 'admin';
    if (!over) throw new AppError('FORBIDDEN');
    if (check.status !== 'open') throw new AppError('CARE_CHECK_CLOSED');
    assertVersion(check.version, input.version);
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (em) => {
      if (!(await this.deps.checks.close(em, id, input.version, { closedAt: now, closedByAccountId: actor.accountId, note: input.note })))
        throw new AppError('VERSION_CONFLICT');
      await this.deps.audit.record(
        em,
        actor,
        'care_check.close',
        { type: 'care_check', id, scope: { centreId: check.centreId, regionPath: senior.regionPath } },
        { note: input.note },
      );
    });
    return (await this.views([(await this.deps.checks.findById(id))!]))[0];
  }

  private async views(rows: CareCheck[]): Promise<CareCheckView[]> {
    const seniors = new Map((await this.deps.seniors.findByIds([...new Set(rows.map((r) => r.seniorId))])).map((s) => [s.id, s]));
    return rows.flatMap((c) => {
      const s = seniors.get(c.seniorId);
      if (!s) return [];
      return [
        {
          id: c.id,
          senior: { id: s.id, name: s.name, address: s.address, phone: s.phone },
          centreId: c.centreId,
          lastSignAt: c.lastSignAt ? c.lastSignAt.toISOString() : null,
          silenceDays: c.silenceDays,
          status: c.status,
          note: c.note,
          createdAt: c.createdAt.toISOString(),
          closedAt: c.closedAt ? c.closedAt.toISOString() : null,
          version: c.version,
        },
      ];
    });
  }
}
