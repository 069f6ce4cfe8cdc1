import type { Readable } from 'node:stream';
import type { CategoryRecord, Senior } from '../../../entities';
import type { Database, Tx } from '../../db/database';
import { AppError } from '../../errors';
import type { SeniorImportReport, SeniorImportRow } from '../../contracts/api-types';
import type { Clock } from '../../lib/clock';
import { CsvFormatError, csvFileRecords } from '../../lib/csv-reader';
import { type ReadCell, XLSX_CONTENT_TYPE, xlsxRows } from '../../lib/spreadsheet';
import { shanghaiDate } from '../../lib/time';
import { JsonLinesSpool, spoolToTempFile, UploadTooLargeError } from '../../lib/upload';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import type { SeniorPatch, SeniorRepository } from '../../repositories/senior.repository';
import { IMPORT_COLUMNS, IMPORT_TEXTS } from '../../words/people';
import type { AccessService } from '../access/access.service';
import { hasRole, type Actor } from '../access/actor';
import type { AuditService } from '../access/audit.service';
import {
  cellText,
  HEADER_SEARCH_ROWS,
  importPlaces,
  readHeader,
  readRow,
  REQUIRED_COLUMNS,
  type HeaderMap,
  type ImportedSenior,
  type ImportPlaces,
  type RowOutcome,
} from './senior-import-format';

export interface ImportLimits {
  /** Largest upload accepted, in bytes. */
  maxBytes: number;
  /** Most data rows in one file. */
  maxRows: number;
  /** Rows looked up and written together (one transaction each). */
  batchSize: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = { maxBytes: 20 * 1024 * 1024, maxRows: 100_000, batchSize: 500 };

export const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'text/tab-separated-values', 'application/vnd.ms-excel'];

export interface SeniorImportInput {
  /** The file, as the request body streams it. */
  body: Readable;
  contentType: string;
  contentLength: number | null;
  dryRun: boolean;
  /** For the audit log and the evidence of categories the list adds (optional). */
  fileName: string;
}

export interface SeniorImportServiceDeps {
  db: Database;
  clock: Clock;
  seniors: SeniorRepository;
  regions: RegionRepository;
  centres: CentreRepository;
  access: AccessService;
  audit: AuditService;
  idHash: (idNumber: string) => string;
  limits?: Partial<ImportLimits>;
  /** Where uploads wait while they are read (the system's temporary directory by default). */
  tempDir?: string;
}

type Format = 'xlsx' | 'csv';
type Mode = 'dry' | 'apply';

/** What one row does to the registry, decided against it a batch at a time. */
type Decision =
  | { report: SeniorImportRow; write?: undefined }
  | { report: SeniorImportRow; write: { kind: 'create'; row: Omit<Senior, 'id'> } }
  | { report: SeniorImportRow; write: { kind: 'update'; senior: Senior; patch: SeniorPatch } };

interface Run {
  actor: Actor;
  mode: Mode;
  fileName: string;
  places: ImportPlaces;
  header: HeaderMap;
  /** The first row of each ID number among the valid rows read so far. */
  seen: Map<string, number>;
  /** Seniors without an ID hash that a row of this file has already matched by name and birth date. */
  claimed: Set<number>;
  report: SeniorImportReport;
}

/**
 * The civil-affairs list (xlsx or csv) into the registry, in constant memory but for the report (one small entry
 * per row that is not unchanged) and the ID hashes seen (for duplicates within the file).
 *
 * The upload is streamed into a temporary file (size limit). A first pass reads it through with the streaming
 * readers, finds the header, checks the columns and the number of rows, and spools the rows as JSON lines: a file
 * that turns out unreadable half way stops here, before anything is written. A second pass reads the spool a batch
 * of `batchSize` rows at a time, checks each row, decides it against the registry (one look-up per batch) and,
 * unless it is a dry run, writes the batch in one transaction with an audit entry per senior. Rows in error are
 * skipped and reported; the others are created or updated. Everything compares with what is registered, so
 * importing the same file again changes nothing, and an import interrupted half way is finished by importing the
 * file again.
 */
export class SeniorImportService {
  private readonly limits: ImportLimits;

  constructor(private readonly deps: SeniorImportServiceDeps) {
    this.limits = { ...DEFAULT_IMPORT_LIMITS, ...deps.limits };
  }

  get maxBytes(): number {
    return this.limits.maxBytes;
  }

  async run(actor: Actor, input: SeniorImportInput): Promise<SeniorImportReport> {
    if (!hasRole(actor, 'admin') || !actor.regionPath) throw new AppError('SENIOR_IMPORT_NOT_ALLOWED');
    const declared = declaredFormat(input.contentType);
    if (declared === null) throw new AppError('IMPORT_FILE_TYPE');
    const tooLarge = () => new AppError('IMPORT_FILE_TOO_LARGE', IMPORT_TEXTS.tooLarge(this.limits.maxBytes), { maxBytes: this.limits.maxBytes });
    if (input.contentLength !== null && input.contentLength > this.limits.maxBytes) throw tooLarge();
    const upload = await spoolToTempFile(input.body, this.limits.maxBytes, this.deps.tempDir).catch((err: unknown) => {
      throw err instanceof UploadTooLargeError ? tooLarge() : err;
    });
    const rows = new JsonLinesSpool<[number, ReadCell[]]>(`${upload.path}.rows`);
    try {
      const format = sniff(upload.head, declared);
      // First the whole file is read through: a file that turns out unreadable or too long half way stops here,
      // before anything is written. Its rows go to a spool of JSON lines, which the second pass reads far faster
      // than it could parse an xlsx again.
      const header = await this.readThrough(format, upload.path, rows);
      const places = await this.places(actor);
      return await this.decideAll(actor, { format, header, rows, dryRun: input.dryRun, fileName: input.fileName, places });
    } finally {
      await Promise.all([rows.dispose(), upload.dispose()]);
    }
  }

  /** The communities, streets and active centres inside the administrator's region. */
  private async places(actor: Actor): Promise<ImportPlaces> {
    const [regions, centres] = await Promise.all([this.deps.regions.findUnder(actor.regionPath!), this.deps.centres.findActive()]);
    return importPlaces(
      regions,
      centres.filter((c) => this.deps.access.isAdminOver(actor, c.regionPath)),
    );
  }

  /** Reads the file through: finds the header, checks the columns and the number of rows, spools the data rows. */
  private async readThrough(format: Format, file: string, out: JsonLinesSpool<[number, ReadCell[]]>): Promise<HeaderMap> {
    let header: HeaderMap | null = null;
    let before = 0;
    let count = 0;
    for await (const r of rowsOf(format, file)) {
      if (header === null) {
        header = readHeader(r.row, r.cells);
        if (header === null && ++before >= HEADER_SEARCH_ROWS) throw new AppError('IMPORT_NO_HEADER', IMPORT_TEXTS.noHeader);
        if (header !== null) checkColumns(header);
        continue;
      }
      if (r.cells.every((c) => cellText(c) === '')) continue;
      if (++count > this.limits.maxRows)
        throw new AppError('IMPORT_TOO_MANY_ROWS', IMPORT_TEXTS.tooManyRows(this.limits.maxRows), { maxRows: this.limits.maxRows });
      await out.write([r.row, r.cells as ReadCell[]]);
    }
    await out.close();
    if (header === null) throw new AppError('IMPORT_NO_HEADER', IMPORT_TEXTS.noHeader);
    if (count === 0) throw new AppError('IMPORT_EMPTY', IMPORT_TEXTS.empty);
    return header;
  }

  /** Every row, a batch at a time: decided against the registry and, unless a dry run, written. */
  private async decideAll(
    actor: Actor,
    o: { format: Format; header: HeaderMap; rows: JsonLinesSpool<[number, ReadCell[]]>; dryRun: boolean; fileName: string; places: ImportPlaces },
  ): Promise<SeniorImportReport> {
    const { header } = o;
    const run: Run = {
      actor,
      mode: o.dryRun ? 'dry' : 'apply',
      fileName: o.fileName,
      places: o.places,
      header,
      seen: new Map(),
      claimed: new Set(),
      report: {
        dryRun: o.dryRun,
        format: o.format,
        headerRow: header.row,
        columns: (Object.keys(header.header) as Array<keyof typeof header.header>).map((f) => ({ header: header.header[f]!, field: f })),
        ignoredColumns: header.ignored,
        summary: { rows: 0, create: 0, update: 0, unchanged: 0, error: 0, duplicate: 0 },
        rows: [],
      },
    };
    const ctx = { header, places: o.places, today: shanghaiDate(this.deps.clock.now()), idHash: this.deps.idHash };
    let batch: Array<{ row: number; outcome: RowOutcome }> = [];
    for await (const [row, cells] of o.rows.read()) {
      run.report.summary.rows++;
      batch.push({ row, outcome: readRow(row, cells, ctx) });
      if (batch.length >= this.limits.batchSize) {
        await this.settle(run, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.settle(run, batch);
    return run.report;
  }

  /** Decides a batch against the registry and, when applying, writes it in one transaction. */
  private async settle(run: Run, batch: Array<{ row: number; outcome: RowOutcome }>): Promise<void> {
    const added: { seen: string[]; claimed: number[] } = { seen: [], claimed: [] };
    const decide = async () => {
      // A second try forgets what the first one noted about this batch's rows.
      for (const h of added.seen.splice(0)) run.seen.delete(h);
      for (const id of added.claimed.splice(0)) run.claimed.delete(id);
      const valid = batch.flatMap((b) => (b.outcome.ok ? [b.outcome.senior] : []));
      const existing = await this.deps.seniors.findByIdCardHashes(valid.map((v) => v.idHash));
      const byHash = new Map(existing.map((s) => [s.idCardHash!, s]));
      const unhashed = await this.deps.seniors.findUnhashedByNames(valid.filter((v) => !byHash.has(v.idHash)).map((v) => v.name));
      return batch.map((b) => this.decide(run, b.row, b.outcome, byHash, unhashed, added));
    };
    let decisions = await decide();
    if (run.mode === 'apply') {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.deps.db.transaction((em) => this.write(em, run, decisions));
          break;
        } catch (err) {
          // Someone registered one of these people meanwhile (another import, a form): decide the batch again.
          if (attempt >= 3 || !this.deps.db.isDuplicateKey(err)) throw err;
          decisions = await decide();
        }
      }
    }
    const s = run.report.summary;
    for (const d of decisions) {
      s[d.report.action]++;
      if (d.report.action !== 'unchanged') run.report.rows.push(d.report);
    }
  }

  private decide(
    run: Run,
    row: number,
    outcome: RowOutcome,
    byHash: Map<string, Senior>,
    unhashed: Senior[],
    added: { seen: string[]; claimed: number[] },
  ): Decision {
    if (!outcome.ok) return { report: { row, action: 'error', name: outcome.name, idCardLast4: outcome.idCardLast4, seniorId: null, errors: outcome.errors } };
    const v = outcome.senior;
    const base = { row, name: v.name, idCardLast4: v.id.last4 };
    const first = run.seen.get(v.idHash);
    if (first !== undefined)
      return { report: { ...base, action: 'duplicate', seniorId: null, duplicateOfRow: first, warnings: [IMPORT_TEXTS.duplicateInFile(first)] } };
    run.seen.set(v.idHash, row);
    added.seen.push(v.idHash);
    const error = (message: string, column = IMPORT_COLUMNS.idNumber[0], seniorId: number | null = null): Decision => ({
      report: { ...base, action: 'error', seniorId, errors: [{ column: run.header.header.idNumber ?? column, message }] },
    });

    let match = byHash.get(v.idHash);
    const warnings = [...v.warnings];
    if (!match) {
      // Registered before ID hashes were kept: the same name and birth date, and last four digits that agree.
      const same = unhashed.filter(
        (s) => s.name === v.name && s.birthDate === v.id.birthDate && !run.claimed.has(s.id) && this.deps.access.isAdminOver(run.actor, s.regionPath),
      );
      const agreeing = same.filter((s) => s.idCardLast4 === null || s.idCardLast4 === v.id.last4);
      if (agreeing.length === 1) {
        match = agreeing[0];
        run.claimed.add(match.id);
        added.claimed.push(match.id);
      } else for (const s of same) warnings.push(IMPORT_TEXTS.sameNameAndBirthDate(s.id));
    }
    if (match) {
      if (!this.deps.access.isAdminOver(run.actor, match.regionPath)) return error(IMPORT_TEXTS.outOfScope);
      if (!match.active) return error(IMPORT_TEXTS.inactive, undefined, match.id);
      const { patch, changes } = this.changes(match, v, run);
      const report: SeniorImportRow = { ...base, action: changes.length > 0 ? 'update' : 'unchanged', seniorId: match.id };
      if (changes.length > 0) report.changes = changes;
      if (warnings.length > 0) report.warnings = warnings;
      return changes.length > 0 ? { report, write: { kind: 'update', senior: match, patch } } : { report };
    }

    if (v.address === undefined) {
      return {
        report: {
          ...base,
          action: 'error',
          seniorId: null,
          errors: [{ column: run.header.header.address!, message: IMPORT_TEXTS.required(run.header.header.address!) }],
        },
      };
    }
    const centre = v.homeCentre ?? run.places.defaultCentre.get(v.community.id) ?? null;
    if (!centre) warnings.push(IMPORT_TEXTS.noHomeCentre);
    const now = this.deps.clock.now();
    const records: CategoryRecord[] = v.categories.map((c) => ({
      category: c,
      evidence: v.evidence ?? IMPORT_TEXTS.defaultEvidence(run.fileName),
      validUntil: v.validUntil ?? null,
    }));
    const created: Omit<Senior, 'id'> = {
      shareCareWithFamily: false,
      name: v.name,
      gender: v.id.gender,
      birthDate: v.id.birthDate,
      idCardLast4: v.id.last4,
      idCardHash: v.idHash,
      phone: v.phone ?? null,
      address: v.address,
      regionId: v.community.id,
      regionPath: v.community.path,
      homeCentreId: centre?.id ?? null,
      latitude: v.latitude ?? null,
      longitude: v.longitude ?? null,
      categories: [...v.categories],
      categoryRecords: records,
      abilityLevel: 0,
      abilityAssessedOn: null,
      nextAssessmentDue: null,
      dietNotes: v.dietNotes ?? '',
      emergencyContacts: v.contact ? [v.contact] : [],
      active: true,
      deactivationReason: null,
      deactivatedAt: null,
      deactivationNote: '',
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const report: SeniorImportRow = { ...base, action: 'create', seniorId: null };
    if (warnings.length > 0) report.warnings = warnings;
    return { report, write: { kind: 'create', row: created } };
  }

  /**
   * What a row changes in a registered senior. A cell left empty (or a column the file lacks) keeps what is
   * registered; categories listed are added or renewed, never removed (ending one is its valid-until date, or an
   * edit); an emergency contact is added when their phone is not among the senior's contacts yet.
   */
  private changes(s: Senior, v: ImportedSenior, run: Run): { patch: SeniorPatch; changes: string[] } {
    const patch: SeniorPatch = {};
    const changes: string[] = [];
    const put = <K extends keyof SeniorPatch>(field: string, key: K, value: SeniorPatch[K]) => {
      patch[key] = value;
      if (!changes.includes(field)) changes.push(field);
    };
    if (s.name !== v.name) put('name', 'name', v.name);
    if (s.idCardHash !== v.idHash) put('idNumber', 'idCardHash', v.idHash);
    if (s.idCardLast4 !== v.id.last4) put('idNumber', 'idCardLast4', v.id.last4);
    if (s.gender !== v.id.gender) put('gender', 'gender', v.id.gender);
    if (s.birthDate !== v.id.birthDate) put('birthDate', 'birthDate', v.id.birthDate);
    if (v.phone !== undefined && v.phone !== s.phone) put('phone', 'phone', v.phone);
    if (v.address !== undefined && v.address !== s.address) put('address', 'address', v.address);
    if (v.community.id !== s.regionId) {
      put('regionId', 'regionId', v.community.id);
      put('regionId', 'regionPath', v.community.path);
    }
    if (v.homeCentre !== undefined && v.homeCentre.id !== s.homeCentreId) put('homeCentreId', 'homeCentreId', v.homeCentre.id);
    if (v.dietNotes !== undefined && v.dietNotes !== s.dietNotes) put('dietNotes', 'dietNotes', v.dietNotes);
    if (v.latitude !== undefined && v.latitude !== s.latitude) put('latitude', 'latitude', v.latitude);
    if (v.longitude !== undefined && v.longitude !== s.longitude) put('longitude', 'longitude', v.longitude);

    const categories = [...s.categories];
    const records: CategoryRecord[] = categories.map((c) => ({
      ...(s.categoryRecords?.find((r) => r.category === c) ?? { category: c, evidence: '', validUntil: null }),
    }));
    let touched = false;
    for (const c of v.categories) {
      const r = records.find((x) => x.category === c);
      if (!r) {
        categories.push(c);
        records.push({ category: c, evidence: v.evidence ?? IMPORT_TEXTS.defaultEvidence(run.fileName), validUntil: v.validUntil ?? null });
        touched = true;
        continue;
      }
      if (v.evidence !== undefined && r.evidence !== v.evidence) {
        r.evidence = v.evidence;
        touched = true;
      }
      if (v.validUntil !== undefined && r.validUntil !== v.validUntil) {
        r.validUntil = v.validUntil;
        touched = true;
      }
    }
    if (touched) {
      put('categories', 'categories', categories);
      put('categories', 'categoryRecords', records);
    }
    if (v.contact && !s.emergencyContacts.some((c) => c.phone === v.contact!.phone))
      put('emergencyContacts', 'emergencyContacts', [...s.emergencyContacts, v.contact]);
    return { patch, changes };
  }

  /** A batch's creations and changes, with one audit entry per senior, in the caller's transaction. */
  private async write(em: Tx, run: Run, decisions: Decision[]): Promise<void> {
    const creates = decisions.filter((d): d is Extract<Decision, { write: { kind: 'create' } }> => d.write?.kind === 'create');
    const inserted = await this.deps.seniors.insertMany(
      em,
      creates.map((d) => d.write.row),
    );
    const idOf = new Map(inserted.map((r) => [r.idCardHash, r.id]));
    const audit: Array<{ action: string; entity: { type: string; id: number }; detail: Record<string, unknown> }> = [];
    for (const d of creates) {
      d.report.seniorId = idOf.get(d.write.row.idCardHash)!;
      audit.push({ action: 'senior.import.create', entity: { type: 'senior', id: d.report.seniorId }, detail: { row: d.report.row, file: run.fileName } });
    }
    const now = this.deps.clock.now();
    for (const d of decisions) {
      if (d.write?.kind !== 'update') continue;
      if (await this.deps.seniors.updateVersioned(em, d.write.senior.id, d.write.senior.version, { ...d.write.patch, updatedAt: now })) {
        audit.push({
          action: 'senior.import.update',
          entity: { type: 'senior', id: d.write.senior.id },
          detail: { row: d.report.row, file: run.fileName, changes: d.report.changes },
        });
      } else {
        // Edited by someone else between the look-up and now: their edit stands; this row is reported, not written.
        Object.assign(d.report, { action: 'error', changes: undefined, errors: [{ column: run.header.header.name!, message: IMPORT_TEXTS.conflict }] });
      }
    }
    if (audit.length > 0) await this.deps.audit.recordMany(em, run.actor, audit);
  }
}

/** The columns every list must have are there. */
function checkColumns(header: HeaderMap): void {
  const missing = REQUIRED_COLUMNS.filter((f) => header.index[f] === undefined);
  if (missing.length === 0) return;
  const names = missing.map((f) => IMPORT_COLUMNS[f][0]);
  throw new AppError('IMPORT_MISSING_COLUMNS', IMPORT_TEXTS.missingColumns(names), { missing: names, headerRow: header.row });
}

/** What the Content-Type says the file is; null for a type that is neither (a JSON body sent here by mistake). */
function declaredFormat(contentType: string): Format | 'either' | null {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === XLSX_CONTENT_TYPE) return 'xlsx';
  if (CSV_TYPES.includes(type)) return 'csv';
  if (type === 'application/octet-stream') return 'either';
  return null;
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];

/** What the first bytes show: a zip is xlsx; an OLE file is the old .xls; anything else is read as CSV. */
function sniff(head: Buffer, declared: Format | 'either'): Format {
  const starts = (magic: number[]) => head.length >= magic.length && magic.every((b, i) => head[i] === b);
  if (starts(OLE)) throw new AppError('IMPORT_FILE_UNREADABLE', IMPORT_TEXTS.oldExcel);
  if (starts(ZIP)) return 'xlsx';
  if (declared === 'xlsx') throw new AppError('IMPORT_FILE_UNREADABLE', IMPORT_TEXTS.unreadable('xlsx'));
  return 'csv';
}

/** The file's rows; a file that cannot be read becomes IMPORT_FILE_UNREADABLE, whichever row it fails at. */
async function* rowsOf(format: Format, file: string): AsyncGenerator<{ row: number; cells: readonly ReadCell[] }> {
  try {
    if (format === 'xlsx') yield* xlsxRows(file);
    else yield* csvFileRecords(file);
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof CsvFormatError) throw new AppError('IMPORT_FILE_UNREADABLE', IMPORT_TEXTS.csvQuote(err.row), { row: err.row });
    throw new AppError('IMPORT_FILE_UNREADABLE', IMPORT_TEXTS.unreadable(format));
  }
}
