import type { CareReport, CareReportRow } from '../../contracts/care-types';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { type Table, type TableColumn, toXlsx, XLSX_CONTENT_TYPE } from '../../lib/spreadsheet';
import { addDays, monthRange, shanghaiDateTime, shanghaiInstant } from '../../lib/time';
import type { ReportScope, TimeBankRepository, VisitRepository } from '../../repositories/care.repository';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import { CARE_REPORT_TEXTS as T } from '../../words/care';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';

export interface CareReportDeps {
  clock: Clock;
  visits: VisitRepository;
  ledger: TimeBankRepository;
  regions: RegionRepository;
  centres: CentreRepository;
  access: AccessService;
}

/** A report as a download: the Chinese file name, an ASCII fallback, and the bytes. */
export interface CareReportFile {
  fileName: string;
  asciiFileName: string;
  contentType: string;
  body: Buffer;
}

type Figures = Omit<CareReportRow, 'regionId' | 'community'>;

const ZERO: Figures = { plannedVisits: 0, doneVisits: 0, concernsRaised: 0, concernsResolved: 0, volunteerMinutes: 0 };

/**
 * 探访关爱月报: per community and month, the visits planned (due that month) against those made, the worries raised on
 * visits made that month and how many are resolved, and the hours volunteers were credited for them. Computed from the
 * visits and the time bank when asked (nothing stored). Administrators see their region or one under it; a centre's
 * staff see their own centre's visits (within a region they name, if it holds their centre).
 */
export class CareReportService {
  constructor(private readonly deps: CareReportDeps) {}

  async report(actor: Actor, month: string, regionId?: number): Promise<CareReport> {
    const { scope, name, kind, id } = await this.scopeOf(actor, regionId);
    const { first, last } = monthRange(`${month}-01`);
    const from = shanghaiInstant(first);
    const to = shanghaiInstant(addDays(last, 1));
    const [visits, concerns, minutes] = await Promise.all([
      this.deps.visits.monthFigures(first, last, scope),
      this.deps.visits.concernFigures(from, to, scope),
      this.deps.ledger.creditedMinutes(from, to, scope),
    ]);
    const byPath = new Map<string, Figures>();
    const at = (path: string) => {
      let f = byPath.get(path);
      if (!f) byPath.set(path, (f = { ...ZERO }));
      return f;
    };
    for (const v of visits) Object.assign(at(v.regionPath), { plannedVisits: v.planned, doneVisits: v.done });
    for (const c of concerns) Object.assign(at(c.regionPath), { concernsRaised: c.raised, concernsResolved: c.resolved });
    for (const m of minutes) at(m.regionPath).volunteerMinutes = m.minutes;
    const ids = [...byPath.keys()].map(lastId).filter((x): x is number => x !== null);
    const names = new Map((await this.deps.regions.findByIds(ids)).map((r) => [r.id, r.name]));
    const rows: CareReportRow[] = [...byPath.entries()]
      .map(([path, f]) => {
        const rid = lastId(path);
        return { regionId: rid, community: (rid !== null && names.get(rid)) || T.noCommunity, ...f };
      })
      .sort((a, b) => a.community.localeCompare(b.community, 'zh-Hans-CN') || (a.regionId ?? 0) - (b.regionId ?? 0));
    const total = rows.reduce<Figures>(
      (t, r) => ({
        plannedVisits: t.plannedVisits + r.plannedVisits,
        doneVisits: t.doneVisits + r.doneVisits,
        concernsRaised: t.concernsRaised + r.concernsRaised,
        concernsResolved: t.concernsResolved + r.concernsResolved,
        volunteerMinutes: t.volunteerMinutes + r.volunteerMinutes,
      }),
      { ...ZERO },
    );
    return { month, scope: { kind, id, name }, rows, total };
  }

  /** The same as an Excel workbook with Chinese headers, totals and a sheet saying what each column counts. */
  async file(actor: Actor, month: string, regionId?: number): Promise<CareReportFile> {
    const r = await this.report(actor, month, regionId);
    const now = this.deps.clock.now();
    const h = T.headers;
    const columns: TableColumn[] = [
      { header: h.community, kind: 'text', width: 24 },
      { header: h.planned, kind: 'count' },
      { header: h.done, kind: 'count' },
      { header: h.rate, kind: 'text', width: 10 },
      { header: h.concernsRaised, kind: 'count' },
      { header: h.concernsResolved, kind: 'count' },
      { header: h.volunteerHours, kind: 'decimal', width: 16 },
    ];
    const cells = (label: string, f: Figures) => [
      label,
      f.plannedVisits,
      f.doneVisits,
      T.percent(f.doneVisits, f.plannedVisits),
      f.concernsRaised,
      f.concernsResolved,
      hours(f.volunteerMinutes),
    ];
    const table: Table = {
      sheet: T.sheet,
      columns,
      rows: r.rows.map((row) => cells(row.community, row)),
      totals: cells(T.totals, r.total),
      about: {
        sheet: T.aboutSheet,
        rows: [[T.scope, T.title(r.scope.name, r.month)], [T.month, r.month], [T.generatedAt, shanghaiDateTime(now)], ...T.about],
      },
      createdAt: now,
    };
    return {
      fileName: T.fileName(r.scope.name, r.month),
      asciiFileName: `care-report-${r.month}.xlsx`,
      contentType: XLSX_CONTENT_TYPE,
      body: await toXlsx(table),
    };
  }

  private async scopeOf(actor: Actor, regionId?: number): Promise<{ scope: ReportScope; kind: 'region' | 'centre'; id: number; name: string }> {
    const region = regionId !== undefined ? await this.deps.regions.findById(regionId) : null;
    if (regionId !== undefined && !region) throw new AppError('REGION_NOT_FOUND');
    if (hasRole(actor, 'admin') && actor.regionPath !== null) {
      const over = region ?? (await this.deps.regions.findById(lastId(actor.regionPath) ?? 0));
      if (!over) throw new AppError('REGION_NOT_FOUND');
      if (!this.deps.access.isAdminOver(actor, over.path)) throw new AppError('DASHBOARD_SCOPE_NOT_ALLOWED');
      return { scope: { regionPath: over.path, centreId: null }, kind: 'region', id: over.id, name: over.name };
    }
    if (hasRole(actor, 'staff') && actor.centreId !== null) {
      const centre = await this.deps.centres.load(actor.centreId);
      if (!centre) throw new AppError('CENTRE_NOT_FOUND');
      if (region && !centre.regionPath.startsWith(region.path)) throw new AppError('DASHBOARD_SCOPE_NOT_ALLOWED');
      // Its visits are of seniors anywhere (a senior's home centre may serve a neighbouring community).
      return { scope: { regionPath: region?.path ?? '/', centreId: centre.id }, kind: 'centre', id: centre.id, name: centre.name };
    }
    throw new AppError('DASHBOARD_NOT_ALLOWED');
  }
}

/** "/1/4/9/" → 9. */
function lastId(path: string): number | null {
  const parts = path.split('/').filter(Boolean);
  const n = Number(parts[parts.length - 1]);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** Minutes as hours, to a tenth (90 → 1.5). */
function hours(minutes: number): number {
  return Math.round(minutes / 6) / 10;
}
