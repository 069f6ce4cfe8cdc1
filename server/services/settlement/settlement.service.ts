import type { Region, Settlement, SettlementDiscrepancy, SettlementLine, SettlementTrigger } from '../../../entities';
import type { Database } from '../../db/database';
import { AppError, ERRORS } from '../../errors';
import type { Clock } from '../../lib/clock';
import { type Table, type TableColumn, toCsv, toXlsx, XLSX_CONTENT_TYPE } from '../../lib/spreadsheet';
import { addDays, monthRange, shanghaiDate, shanghaiDateTime, shanghaiInstant } from '../../lib/time';
import type { GroupKey, SettlementRepository } from '../../repositories/settlement.repository';
import { SETTLEMENT_TEXTS } from '../../words/texts';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import { positionOf } from '../payment/ledger';

type LineFigures = Omit<SettlementLine, 'id' | 'settlementId'>;
type Discrepancy = Omit<SettlementDiscrepancy, 'id' | 'settlementId'>;

/**
 * The numbers of one line (or the totals), in fen; `copayCollectedFen` = paid (WeChat Pay) + collected at the
 * counter − refunded − refunded by hand, which reconciles when it equals `copayDueFen` for every booking.
 */
export interface SettlementFigures {
  servedBookings: number;
  servedPortions: number;
  priceFen: number;
  subsidyFen: number;
  copayDueFen: number;
  copayPaidFen: number;
  copayCounterFen: number;
  copayRefundedFen: number;
  copayRefundedOfflineFen: number;
  copayCollectedFen: number;
  refundCount: number;
  refundFen: number;
  /** Bookings whose co-payment does not reconcile (listed in `unreconciled`). */
  unreconciledBookings: number;
}

/** A booking behind a line whose co-payment does not reconcile: what was due and what came in and went out. */
export interface DiscrepancyView {
  bookingId: number;
  bookingCode: string;
  serviceDate: string;
  copayDueFen: number;
  paidFen: number;
  counterFen: number;
  refundedFen: number;
  refundedOfflineFen: number;
  refundingFen: number;
  collectedFen: number;
  /** collected − due: negative is a shortfall, positive is money held that should go back. */
  differenceFen: number;
}

export interface SettlementLineView extends SettlementFigures {
  centreId: number;
  centreName: string;
  policyId: number | null;
  policyName: string;
  /** The line's money adds up: every booking's collected co-payment equals what it owed. */
  reconciled: boolean;
  unreconciled: DiscrepancyView[];
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
  'copayCounterFen',
  'copayRefundedFen',
  'copayRefundedOfflineFen',
  'copayCollectedFen',
  'refundCount',
  'refundFen',
  'unreconciledBookings',
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
      ? { fileName, asciiFileName, contentType: XLSX_CONTENT_TYPE, body: await toXlsx(table) }
      : { fileName, asciiFileName, contentType: 'text/csv; charset=utf-8', body: toCsv(table) };
  }

  /**
   * The figures of a month for a region, computed now from bookings, payments, counter payments and refunds
   * (nothing stored): the lines, and the bookings behind them whose co-payment does not reconcile.
   */
  async compute(month: string, regionPath: string): Promise<{ lines: LineFigures[]; discrepancies: Discrepancy[] }> {
    const { first, last } = monthRange(`${month}-01`);
    const from = shanghaiInstant(first);
    const to = shanghaiInstant(addDays(last, 1));
    const [served, money, refundsInMonth] = await Promise.all([
      this.repo.servedByCentreAndPolicy(first, last, regionPath),
      this.repo.moneyOfServed(first, last, regionPath),
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
          copayCounterFen: 0,
          copayRefundedFen: 0,
          copayRefundedOfflineFen: 0,
          refundCount: 0,
          refundFen: 0,
          unreconciledBookings: 0,
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
    const discrepancies: Discrepancy[] = [];
    for (const b of money) {
      // A served booking is kept and not waiting for the counter: all of its co-payment is due.
      const pos = positionOf({ status: 'served', copayFen: b.copayFen, payAtCounter: false }, [{ status: 'paid', amountFen: b.paidFen }], b.refunds, {
        amountFen: b.counterFen,
      });
      const f = line(b);
      f.copayPaidFen += pos.paidFen;
      f.copayCounterFen += pos.counterFen;
      f.copayRefundedFen += pos.refundedFen;
      f.copayRefundedOfflineFen += pos.offlineFen;
      const collectedFen = pos.paidFen + pos.counterFen - pos.refundedFen - pos.offlineFen;
      if (collectedFen === b.copayFen) continue;
      f.unreconciledBookings++;
      discrepancies.push({
        centreId: b.centreId,
        centreRegionPath: b.centreRegionPath,
        policyId: b.policyId,
        bookingId: b.bookingId,
        bookingCode: b.code,
        serviceDate: b.serviceDate,
        copayDueFen: b.copayFen,
        paidFen: pos.paidFen,
        counterFen: pos.counterFen,
        refundedFen: pos.refundedFen,
        refundedOfflineFen: pos.offlineFen,
        refundingFen: pos.refundingFen + pos.abnormalFen,
        differenceFen: collectedFen - b.copayFen,
      });
    }
    for (const r of refundsInMonth) Object.assign(line(r), { refundCount: r.count, refundFen: r.fen });

    const keys = [...lines.values()].map((l) => l.key);
    const [centres, policies] = await Promise.all([
      this.repo.centresByIds([...new Set(keys.map((k) => k.centreId))]),
      this.repo.policiesByIds([...new Set(keys.flatMap((k) => (k.policyId === null ? [] : [k.policyId])))]),
    ]);
    const centre = new Map(centres.map((c) => [c.id, c]));
    const policy = new Map(policies.map((p) => [p.id, p]));
    return {
      lines: [...lines.values()]
        .sort((a, b) => a.key.centreId - b.key.centreId || (a.key.policyId ?? Infinity) - (b.key.policyId ?? Infinity))
        .map(({ key, f }) => ({
          centreId: key.centreId,
          centreName: centre.get(key.centreId)?.name ?? String(key.centreId),
          centreRegionPath: centre.get(key.centreId)?.regionPath ?? '',
          policyId: key.policyId,
          policyName: key.policyId === null ? SETTLEMENT_TEXTS.noPolicy : (policy.get(key.policyId)?.name ?? String(key.policyId)),
          ...f,
        })),
      discrepancies,
    };
  }

  /** Creates the month's settlement, or replaces its lines when `regenerate`; never both for one (month, region). */
  private async store(month: string, region: Region, actor: Actor | null, regenerate: boolean): Promise<{ created: boolean; settlement: Settlement }> {
    const { lines, discrepancies } = await this.compute(month, region.path);
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
          await this.repo.replaceDiscrepancies(em, settlement.id, discrepancies);
          const detail = {
            month,
            regionId: region.id,
            version: settlement.version,
            lines: lines.length,
            subsidyFen: lines.reduce((sum, l) => sum + l.subsidyFen, 0),
            unreconciledBookings: discrepancies.length,
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
    const behind = new Map<string, DiscrepancyView[]>();
    for (const d of await this.repo.discrepanciesOf(s.id)) {
      const k = `${d.centreId}:${d.policyId ?? ''}`;
      const list = behind.get(k) ?? [];
      list.push({
        bookingId: d.bookingId,
        bookingCode: d.bookingCode,
        serviceDate: d.serviceDate,
        copayDueFen: d.copayDueFen,
        paidFen: d.paidFen,
        counterFen: d.counterFen,
        refundedFen: d.refundedFen,
        refundedOfflineFen: d.refundedOfflineFen,
        refundingFen: d.refundingFen,
        collectedFen: d.copayDueFen + d.differenceFen,
        differenceFen: d.differenceFen,
      });
      behind.set(k, list);
    }
    const lines = (await this.repo.linesOf(s.id))
      .filter((l) => l.centreRegionPath.startsWith(scopePath))
      .map((l): SettlementLineView => {
        const copayCollectedFen = l.copayPaidFen + l.copayCounterFen - l.copayRefundedFen - l.copayRefundedOfflineFen;
        return {
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
          copayCounterFen: l.copayCounterFen,
          copayRefundedFen: l.copayRefundedFen,
          copayRefundedOfflineFen: l.copayRefundedOfflineFen,
          copayCollectedFen,
          refundCount: l.refundCount,
          refundFen: l.refundFen,
          unreconciledBookings: l.unreconciledBookings,
          reconciled: l.unreconciledBookings === 0 && copayCollectedFen === l.copayDueFen,
          unreconciled: behind.get(`${l.centreId}:${l.policyId ?? ''}`) ?? [],
        };
      });
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
      { header: h.copayCounter, kind: 'fen' },
      { header: h.copayRefunded, kind: 'fen' },
      { header: h.copayRefundedOffline, kind: 'fen' },
      { header: h.copayCollected, kind: 'fen' },
      { header: h.refundCount, kind: 'count' },
      { header: h.refund, kind: 'fen' },
      { header: h.reconciled, kind: 'text', width: 22 },
    ];
    const figures = (f: SettlementFigures) => [
      f.servedBookings,
      f.servedPortions,
      f.priceFen,
      f.subsidyFen,
      f.copayDueFen,
      f.copayPaidFen,
      f.copayCounterFen,
      f.copayRefundedFen,
      f.copayRefundedOfflineFen,
      f.copayCollectedFen,
      f.refundCount,
      f.refundFen,
    ];
    const check = (ok: boolean, n: number) => (ok ? SETTLEMENT_TEXTS.reconciledYes : SETTLEMENT_TEXTS.reconciledNo(n));
    const totalsOk = v.lines.every((l) => l.reconciled);
    const d = SETTLEMENT_TEXTS.discrepancyHeaders;
    return {
      sheet: SETTLEMENT_TEXTS.sheet,
      columns,
      rows: v.lines.map((l) => [l.centreName, l.policyName, ...figures(l), check(l.reconciled, l.unreconciledBookings)]),
      highlight: v.lines.map((l) => !l.reconciled),
      totals: [SETTLEMENT_TEXTS.totals, '', ...figures(v.totals), check(totalsOk, v.totals.unreconciledBookings)],
      sheets: [
        {
          sheet: SETTLEMENT_TEXTS.discrepancySheet,
          columns: [
            { header: h.centre, kind: 'text', width: 34 },
            { header: h.policy, kind: 'text', width: 30 },
            { header: d.code, kind: 'text', width: 14 },
            { header: d.date, kind: 'text', width: 12 },
            { header: h.copayDue, kind: 'fen' },
            { header: h.copayPaid, kind: 'fen' },
            { header: h.copayCounter, kind: 'fen' },
            { header: h.copayRefunded, kind: 'fen' },
            { header: h.copayRefundedOffline, kind: 'fen' },
            { header: d.refunding, kind: 'fen' },
            { header: h.copayCollected, kind: 'fen' },
            { header: d.difference, kind: 'fen' },
          ],
          rows: v.lines.flatMap((l) =>
            l.unreconciled.map((x) => [
              l.centreName,
              l.policyName,
              x.bookingCode,
              x.serviceDate,
              x.copayDueFen,
              x.paidFen,
              x.counterFen,
              x.refundedFen,
              x.refundedOfflineFen,
              x.refundingFen,
              x.collectedFen,
              x.differenceFen,
            ]),
          ),
        },
      ],
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
