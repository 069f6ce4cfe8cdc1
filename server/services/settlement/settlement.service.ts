import type { Region, Settlement, SettlementLine, SettlementTrigger } from '../../../entities';
import type { Database } from '../../db/database';
import { AppError, ERRORS } from '../../errors';
import type { Clock } from '../../lib/clock';
import { toCsv, toXlsx, type Table, type TableColumn } from '../../lib/spreadsheet';
import { addDays, monthRange, shanghaiDate, shanghaiDateTime, shanghaiInstant } from '../../lib/time';
import type { GroupKey, SettlementRepository } from '../../repositories/settlement.repository';
import { SETTLEMENT_TEXTS } from '../../words/texts';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';

type LineFigures = Omit<SettlementLine, 'id' | 'settlementId'>;

/** The numbers of one line (or the totals), in fen; `copayCollectedFen` = paid − refunded. */
export interface SettlementFigures {
  servedBookings: number;
  servedPortions: number;
  priceFen: number;
  subsidyFen: number;
  copayDueFen: number;
  copayPaidFen: number;
  copayRefundedFen: number;
  copayCollectedFen: number;
  refundCount: number;
  refundFen: number;
}

export interface SettlementLineView extends SettlementFigures {
  centreId: number;
  centreName: string;
  policyId: number | null;
  policyName: string;
}

export interface SettlementView {
  id: number;
  month: string;
  region: { id: number; name: string };
  /** The part of the region the reader sees (a street administrator: their street). */
  scope: { regionPath: string; name: string };
  version: number;
  trigger: SettlementTrigger;
  generatedAt: string;
  generatedByAccountId: number | null;
  lines: SettlementLineView[];
  totals: SettlementFigures;
}

export interface SettlementFile {
  fileName: string;
  /** An ASCII name for clients that do not read RFC 5987's filename*. */
  asciiFileName: string;
  contentType: string;
  body: Buffer;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Every figure of a line, in the order the files show them. */
export const SETTLEMENT_FIGURES: ReadonlyArray<keyof SettlementFigures> = [
  'servedBookings',
  'servedPortions',
  'priceFen',
  'subsidyFen',
  'copayDueFen',
  'copayPaidFen',
  'copayRefundedFen',
  'copayCollectedFen',
  'refundCount',
  'refundFen',
];

export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The region a path belongs to at the top of the tree ("/1/4/9/" → 1): the unit settlements are made for. */
function topRegionId(regionPath: string): number {
  return Number(regionPath.split('/').filter(Boolean)[0]);
}

function lastRegionId(regionPath: string): number {
  const ids = regionPath.split('/').filter(Boolean);
  return Number(ids[ids.length - 1]);
}

/**
 * 月度补贴结算. For a Shanghai calendar month and a top-level region, per centre and per subsidy policy (the one that
 * gave each booking its subsidy, booking.subsidyPolicyId): the claimable bookings (served or rated, by service day),
 * their subsidy, their co-payments due, paid through WeChat Pay and refunded, and the refunds whose money went back
 * during the month. Generated once and frozen; only an explicit regeneration replaces it.
 */
export class SettlementService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly repo: SettlementRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The monthly job: last month's settlement (the month before `at`, in Shanghai) for every top-level region that
   * has none yet. Returns how many it created; a rerun creates none.
   */
  async generateLastMonth(at: Date): Promise<number> {
    const month = previousMonth(shanghaiDate(at).slice(0, 7));
    let created = 0;
    for (const region of await this.repo.topLevelRegions()) {
      if (await this.repo.find(month, region.id)) continue;
      if ((await this.store(month, region, null, false)).created) created++;
    }
    return created;
  }

  /**
   * An administrator of a whole top-level region generates a month's settlement, or with `regenerate` replaces the
   * frozen one with today's figures (recorded in the audit log). Without `regenerate` an existing one is returned
   * unchanged.
   */
  async generate(actor: Actor, month: string, regenerate: boolean): Promise<{ created: boolean; settlement: SettlementView }> {
    const region = await this.topRegionOf(actor);
    this.assertEnded(month);
    if (!region || !this.access.isAdminOver(actor, region.path)) throw new AppError('SETTLEMENT_GENERATE_NOT_ALLOWED');
    const { created, settlement } = await this.store(month, region, actor, regenerate);
    return { created, settlement: await this.viewOf(actor, settlement) };
  }

  /** The frozen settlement of a month as the administrator may see it: lines of centres inside their region. */
  async view(actor: Actor, month: string): Promise<SettlementView> {
    return this.viewOf(actor, await this.stored(actor, month));
  }

  /** The same as a file: xlsx or CSV with Chinese headers, money in yuan with two decimals. */
  async file(actor: Actor, month: string, format: 'xlsx' | 'csv'): Promise<SettlementFile> {
    const stored = await this.stored(actor, month);
    const v = await this.viewOf(actor, stored);
    const table = this.table(v, stored.generatedAt);
    const fileName = SETTLEMENT_TEXTS.fileName(v.scope.name, v.month, format);
    const asciiFileName = `settlement-${v.month}.${format}`;
    return format === 'xlsx'
      ? { fileName, asciiFileName, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: await toXlsx(table) }
      : { fileName, asciiFileName, contentType: 'text/csv; charset=utf-8', body: toCsv(table) };
  }

  /** The figures of a month for a region, computed now from bookings, payments and refunds (nothing stored). */
  async compute(month: string, regionPath: string): Promise<LineFigures[]> {
    const { first, last } = monthRange(`${month}-01`);
    const from = shanghaiInstant(first);
    const to = shanghaiInstant(addDays(last, 1));
    const [served, paid, refunded, refundsInMonth] = await Promise.all([
      this.repo.servedByCentreAndPolicy(first, last, regionPath),
      this.repo.paidForServed(first, last, regionPath),
      this.repo.refundedForServed(first, last, regionPath),
      this.repo.refundsSucceededBetween(from, to, regionPath),
    ]);
    const lines = new Map<string, { key: GroupKey; f: Omit<SettlementFigures, 'copayCollectedFen'> }>();
    const line = (k: GroupKey) => {
      const id = `${k.centreId}:${k.policyId ?? ''}`;
      let l = lines.get(id);
      if (!l) {
        const f = {
          servedBookings: 0,
          servedPortions: 0,
          priceFen: 0,
          subsidyFen: 0,
          copayDueFen: 0,
          copayPaidFen: 0,
          copayRefundedFen: 0,
          refundCount: 0,
          refundFen: 0,
        };
        lines.set(id, (l = { key: { centreId: k.centreId, policyId: k.policyId }, f }));
      }
      return l.f;
    };
    for (const s of served)
      Object.assign(line(s), {
        servedBookings: s.bookings,
        servedPortions: s.portions,
        priceFen: s.priceFen,
        subsidyFen: s.subsidyFen,
        copayDueFen: s.copayFen,
      });
    for (const p of paid) line(p).copayPaidFen = p.fen;
    for (const r of refunded) line(r).copayRefundedFen = r.fen;
    for (const r of refundsInMonth) Object.assign(line(r), { refundCount: r.count, refundFen: r.fen });

    const keys = [...lines.values()].map((l) => l.key);
    const [centres, policies] = await Promise.all([
      this.repo.centresByIds([...new Set(keys.map((k) => k.centreId))]),
      this.repo.policiesByIds([...new Set(keys.flatMap((k) => (k.policyId === null ? [] : [k.policyId])))]),
    ]);
    const centre = new Map(centres.map((c) => [c.id, c]));
    const policy = new Map(policies.map((p) => [p.id, p]));
    return [...lines.values()]
      .sort((a, b) => a.key.centreId - b.key.centreId || (a.key.policyId ?? Infinity) - (b.key.policyId ?? Infinity))
      .map(({ key, f }) => ({
        centreId: key.centreId,
        centreName: centre.get(key.centreId)?.name ?? String(key.centreId),
        centreRegionPath: centre.get(key.centreId)?.regionPath ?? '',
        policyId: key.policyId,
        policyName: key.policyId === null ? SETTLEMENT_TEXTS.noPolicy : (policy.get(key.policyId)?.name ?? String(key.policyId)),
        ...f,
      }));
  }

  /** Creates the month's settlement, or replaces its lines when `regenerate`; never both for one (month, region). */
  private async store(month: string, region: Region, actor: Actor | null, regenerate: boolean): Promise<{ created: boolean; settlement: Settlement }> {
    const lines = await this.compute(month, region.path);
    const now = this.clock.now();
    const trigger: SettlementTrigger = actor ? 'admin' : 'job';
    // Two generations of one month at once (a second instance, a double click) meet on the unique (month, region):
    // the loser gets a duplicate key, or on MariaDB a deadlock between the two gap locks, and simply tries again,
    // when its locked read waits for the winner and finds its settlement.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(async (em) => {
          const existing = await this.repo.lockedFind(em, month, region.id);
          if (existing && !regenerate) return { created: false, settlement: existing };
          const fields = { trigger, generatedByAccountId: actor?.accountId ?? null, generatedAt: now };
          let settlement: Settlement;
          if (existing) {
            settlement = { ...existing, ...fields, version: existing.version + 1 };
            await this.repo.update(em, existing.id, { ...fields, version: settlement.version });
          } else {
            settlement = await this.repo.insert(em, {
              month,
              regionId: region.id,
              regionPath: region.path,
              regionName: region.name,
              version: 1,
              createdAt: now,
              ...fields,
            });
          }
          await this.repo.replaceLines(em, settlement.id, lines);
          const detail = {
            month,
            regionId: region.id,
            version: settlement.version,
            lines: lines.length,
            subsidyFen: lines.reduce((sum, l) => sum + l.subsidyFen, 0),
          };
          const action = existing ? 'settlement.regenerate' : 'settlement.generate';
          if (actor) await this.audit.record(em, actor, action, { type: 'settlement', id: settlement.id }, detail);
          else await this.audit.recordSystem(em, action, { type: 'settlement', id: settlement.id }, detail);
          return { created: !existing, settlement };
        });
      } catch (err) {
        if (attempt >= 3 || !(this.db.isDuplicateKey(err) || this.db.isDeadlock(err))) throw err;
      }
    }
  }

  private async stored(actor: Actor, month: string): Promise<Settlement> {
    if (!hasRole(actor, 'admin') || actor.regionPath === null) throw new AppError('SETTLEMENT_VIEW_NOT_ALLOWED');
    this.assertEnded(month);
    const settlement = await this.repo.find(month, topRegionId(actor.regionPath));
    if (!settlement) throw new AppError('SETTLEMENT_NOT_FOUND');
    return settlement;
  }

  private async viewOf(actor: Actor, s: Settlement): Promise<SettlementView> {
    const scopePath = actor.regionPath ?? s.regionPath;
    const scopeRegion = scopePath === s.regionPath ? null : await this.repo.regionById(lastRegionId(scopePath));
    const lines = (await this.repo.linesOf(s.id))
      .filter((l) => l.centreRegionPath.startsWith(scopePath))
      .map((l): SettlementLineView => ({
        centreId: l.centreId,
        centreName: l.centreName,
        policyId: l.policyId,
        policyName: l.policyName,
        servedBookings: l.servedBookings,
        servedPortions: l.servedPortions,
        priceFen: l.priceFen,
        subsidyFen: l.subsidyFen,
        copayDueFen: l.copayDueFen,
        copayPaidFen: l.copayPaidFen,
        copayRefundedFen: l.copayRefundedFen,
        copayCollectedFen: l.copayPaidFen - l.copayRefundedFen,
        refundCount: l.refundCount,
        refundFen: l.refundFen,
      }));
    const totals = Object.fromEntries(SETTLEMENT_FIGURES.map((k) => [k, lines.reduce((sum, l) => sum + l[k], 0)])) as unknown as SettlementFigures;
    return {
      id: s.id,
      month: s.month,
      region: { id: s.regionId, name: s.regionName },
      scope: { regionPath: scopePath, name: scopeRegion?.name ?? s.regionName },
      version: s.version,
      trigger: s.trigger,
      generatedAt: s.generatedAt.toISOString(),
      generatedByAccountId: s.generatedByAccountId,
      lines,
      totals,
    };
  }

  private table(v: SettlementView, generatedAt: Date): Table {
    const h = SETTLEMENT_TEXTS.headers;
    const columns: TableColumn[] = [
      { header: h.centre, kind: 'text', width: 34 },
      { header: h.policy, kind: 'text', width: 30 },
      { header: h.servedBookings, kind: 'count' },
      { header: h.servedPortions, kind: 'count' },
      { header: h.price, kind: 'fen' },
      { header: h.subsidy, kind: 'fen' },
      { header: h.copayDue, kind: 'fen' },
      { header: h.copayPaid, kind: 'fen' },
      { header: h.copayRefunded, kind: 'fen' },
      { header: h.copayCollected, kind: 'fen' },
      { header: h.refundCount, kind: 'count' },
      { header: h.refund, kind: 'fen' },
    ];
    const figures = (f: SettlementFigures) => [
      f.servedBookings,
      f.servedPortions,
      f.priceFen,
      f.subsidyFen,
      f.copayDueFen,
      f.copayPaidFen,
      f.copayRefundedFen,
      f.copayCollectedFen,
      f.refundCount,
      f.refundFen,
    ];
    return {
      sheet: SETTLEMENT_TEXTS.sheet,
      columns,
      rows: v.lines.map((l) => [l.centreName, l.policyName, ...figures(l)]),
      totals: [SETTLEMENT_TEXTS.totals, '', ...figures(v.totals)],
      about: {
        sheet: SETTLEMENT_TEXTS.aboutSheet,
        rows: [
          [SETTLEMENT_TEXTS.title(v.scope.name, v.month), ''],
          [SETTLEMENT_TEXTS.month, v.month],
          [SETTLEMENT_TEXTS.scope, v.scope.name],
          [SETTLEMENT_TEXTS.generatedAt, shanghaiDateTime(generatedAt)],
          [SETTLEMENT_TEXTS.version, String(v.version)],
          ...SETTLEMENT_TEXTS.about,
        ],
      },
      createdAt: generatedAt,
    };
  }

  /** Only a month that has ended in Shanghai can be settled (or looked up). */
  private assertEnded(month: string): void {
    if (!MONTH_RE.test(month)) throw new AppError('VALIDATION_FAILED', undefined, { fields: { month: 'expected a month, YYYY-MM' } });
    const current = shanghaiDate(this.clock.now()).slice(0, 7);
    if (month > current) throw new AppError('MONTH_IN_FUTURE', undefined, { fields: { month: ERRORS.MONTH_IN_FUTURE.message } });
    if (month === current) throw new AppError('MONTH_NOT_ENDED', undefined, { fields: { month: ERRORS.MONTH_NOT_ENDED.message } });
  }

  private async topRegionOf(actor: Actor): Promise<Region | null> {
    if (!hasRole(actor, 'admin') || actor.regionPath === null) throw new AppError('SETTLEMENT_GENERATE_NOT_ALLOWED');
    return this.repo.regionById(topRegionId(actor.regionPath));
  }
}
