import fs from 'node:fs';
import { stream, Workbook, type Worksheet } from 'exceljs';

/**
 * Tables as downloadable files: xlsx through exceljs (the only module that imports it) and CSV by hand. Money comes
 * in as integer fen and only becomes yuan here: in xlsx a number shown with two decimals (so Excel can still sum
 * it), in CSV the exact decimal string.
 */
/** `decimal`: a number shown with one decimal (hours: 1.5). */
/** What an .xlsx file is sent and received as. */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export type CellKind = 'text' | 'count' | 'fen' | 'decimal';

export interface TableColumn {
  header: string;
  kind: CellKind;
  width?: number;
}

export type Cell = string | number;

/** A sheet of rows under headers. */
export interface Sheet {
  sheet: string;
  columns: readonly TableColumn[];
  rows: ReadonlyArray<readonly Cell[]>;
}

export interface Table extends Sheet {
  /** Rows to draw attention to (filled light red in xlsx), by index into `rows`. */
  highlight?: readonly boolean[];
  /** Shown last, in bold. */
  totals?: readonly Cell[];
  /** Further sheets of rows (xlsx only; CSV carries the first sheet). */
  sheets?: readonly Sheet[];
  /** A second sheet of label/value pairs (title, when generated, what each column means). */
  about?: { sheet: string; rows: ReadonlyArray<readonly [string, string]> };
  /** The workbook's creation time (exceljs would otherwise take the machine's clock). */
  createdAt: Date;
}

/** Integer fen as yuan with two decimals, without passing through floating point. */
export function yuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function fenCell(kind: CellKind, v: Cell): Cell {
  return kind === 'fen' && typeof v === 'number' ? Number(yuan(v)) : v;
}

export async function toXlsx(t: Table): Promise<Buffer> {
  const wb = new Workbook();
  wb.creator = 'Mulin';
  wb.created = t.createdAt;
  wb.modified = t.createdAt;
  const ws = dataSheet(wb, t);
  t.rows.forEach((_, i) => {
    if (t.highlight?.[i]) ws.getRow(i + 2).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFD7D7' } };
  });
  if (t.totals) ws.addRow(t.totals.map((v, i) => fenCell(t.columns[i].kind, v))).font = { bold: true };
  for (const extra of t.sheets ?? []) dataSheet(wb, extra);
  if (t.about) aboutSheet(wb.addWorksheet(t.about.sheet), t.about.rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function dataSheet(wb: Workbook, t: Sheet): Worksheet {
  const ws = wb.addWorksheet(t.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = t.columns.map((c) => ({
    header: c.header,
    width: c.width ?? (c.kind === 'text' ? 28 : 14),
    style: c.kind === 'fen' ? { numFmt: '0.00' } : c.kind === 'count' ? { numFmt: '0' } : c.kind === 'decimal' ? { numFmt: '0.0' } : {},
  }));
  ws.getRow(1).font = { bold: true };
  for (const r of t.rows) ws.addRow(r.map((v, i) => fenCell(t.columns[i].kind, v)));
  return ws;
}

function aboutSheet(ws: Worksheet, rows: ReadonlyArray<readonly [string, string]>): void {
  ws.columns = [{ width: 20 }, { width: 90 }];
  for (const r of rows) ws.addRow([...r]);
}

/** Cells of every sheet, by sheet name, as plain values (read back what toXlsx wrote; tests use it). */
export async function readXlsx(buf: Buffer): Promise<Map<string, Cell[][]>> {
  const wb = new Workbook();
  await wb.xlsx.load(buf as unknown as Parameters<typeof wb.xlsx.load>[0]);
  const sheets = new Map<string, Cell[][]>();
  wb.eachSheet((ws) => {
    const rows: Cell[][] = [];
    ws.eachRow((row) => {
      const values = row.values as unknown[]; // 1-based: index 0 is always empty
      rows.push(values.slice(1).map((v) => (typeof v === 'number' || typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v))));
    });
    sheets.set(ws.name, rows);
  });
  return sheets;
}

/** A text cell that would start a formula in Excel (CSV injection) is kept as text with a leading apostrophe. */
function csvText(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvCell(kind: CellKind, v: Cell): string {
  if (typeof v === 'number') return kind === 'fen' ? yuan(v) : String(v);
  return csvText(v);
}

/** UTF-8 with a byte-order mark (without it Excel reads Chinese as GBK and shows mojibake), CRLF line ends. */
export function toCsv(t: Table): Buffer {
  const lines = [t.columns.map((c) => csvText(c.header)).join(',')];
  for (const r of [...t.rows, ...(t.totals ? [t.totals] : [])]) lines.push(r.map((v, i) => csvCell(t.columns[i].kind, v)).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** A block of rows under a heading of its own (a community on a delivery round). */
export interface PrintSection {
  heading?: string;
  rows: ReadonlyArray<readonly Cell[]>;
}

/** One sheet meant for paper: a title, the column headers (repeated on every printed page), sections of rows. */
export interface PrintSheet {
  sheet: string;
  title: string;
  /** A line under the title (when printed, how many, …). */
  subtitle?: string;
  columns: readonly TableColumn[];
  sections: readonly PrintSection[];
  /** Shown last, in bold. */
  totals?: readonly Cell[];
  landscape?: boolean;
}

const THIN = { style: 'thin' as const };
const BOX = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/**
 * A workbook to print and take into the kitchen or on the round: A4, fitted to the page width, the header row
 * repeated on each page, thin borders, long text wrapped. Read back with readXlsx like any other.
 */
export async function toPrintableXlsx(sheets: readonly PrintSheet[], createdAt: Date): Promise<Buffer> {
  const wb = new Workbook();
  wb.creator = 'Mulin';
  wb.created = createdAt;
  wb.modified = createdAt;
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.sheet, {
      pageSetup: {
        paperSize: 9, // A4
        orientation: s.landscape ? 'landscape' : 'portrait',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
      },
      headerFooter: { oddFooter: '&P / &N' },
    });
    ws.columns = s.columns.map((c) => ({ width: c.width ?? (c.kind === 'text' ? 20 : 10) }));
    ws.addRow([s.title]).font = { bold: true, size: 14 };
    if (s.subtitle) ws.addRow([s.subtitle]);
    const header = ws.addRow(s.columns.map((c) => c.header));
    header.font = { bold: true };
    header.eachCell((cell) => (cell.border = BOX));
    ws.pageSetup.printTitlesRow = `${header.number}:${header.number}`;
    ws.views = [{ state: 'frozen', ySplit: header.number }];
    const add = (cells: readonly Cell[]) => {
      const row = ws.addRow(cells.map((v, i) => fenCell(s.columns[i].kind, v)));
      row.eachCell({ includeEmpty: true }, (cell, col) => {
        cell.border = BOX;
        const column = s.columns[col - 1];
        if (column?.kind === 'text') cell.alignment = { wrapText: true, vertical: 'top' };
        if (column?.kind === 'fen') cell.numFmt = '0.00';
      });
      return row;
    };
    for (const section of s.sections) {
      if (section.heading) ws.addRow([section.heading]).font = { bold: true };
      for (const r of section.rows) add(r);
    }
    if (s.totals) add(s.totals).font = { bold: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A cell as a reader of an uploaded sheet gets it: text, a number, a day (`YYYY-MM-DD`, from a date cell) or nothing. */
export type ReadCell = string | number | null;

function readCell(v: unknown): ReadCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  // A date cell: exceljs gives the day at UTC midnight (Excel dates have no time zone).
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  const o = v as { richText?: Array<{ text: string }>; result?: unknown; text?: unknown; error?: unknown };
  if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
  if ('result' in o) return readCell(o.result);
  if ('text' in o) return readCell(o.text);
  return null;
}

/**
 * The rows of an xlsx file's first worksheet, streamed (exceljs's WorkbookReader: one row at a time, shared
 * strings cached), with the row numbers Excel shows. Cells are 0-based; empty rows are skipped by exceljs.
 */
export async function* xlsxRows(file: string): AsyncGenerator<{ row: number; cells: ReadCell[] }> {
  const input = fs.createReadStream(file);
  try {
    const reader = new stream.xlsx.WorkbookReader(input, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    });
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as unknown[]; // 1-based, sparse
        const cells: ReadCell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(readCell(values[i]));
        yield { row: row.number, cells };
      }
      return; // the first worksheet only
    }
  } finally {
    input.destroy();
  }
}

/** A cell written to a plain sheet: text, a number, a date (shown as a date in Excel) or nothing. */
export type SheetCell = string | number | Date | null;

/**
 * Writes rows to an xlsx file as they come (exceljs's streaming WorkbookWriter, shared strings like Excel's own
 * files): memory stays flat however many rows. Lists people fill in (the seniors' import template) and test files.
 */
export async function writeXlsxFile(file: string, sheet: string, rows: Iterable<readonly SheetCell[]>): Promise<void> {
  const wb = new stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet(sheet);
  for (const r of rows) ws.addRow(r.map((c) => c ?? undefined)).commit();
  ws.commit();
  await wb.commit();
}
