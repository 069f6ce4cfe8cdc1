import { Workbook, type Worksheet } from 'exceljs';

/**
 * Tables as downloadable files: xlsx through exceljs (the only module that imports it) and CSV by hand. Money comes
 * in as integer fen and only becomes yuan here: in xlsx a number shown with two decimals (so Excel can still sum
 * it), in CSV the exact decimal string.
 */
export type CellKind = 'text' | 'count' | 'fen';

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
    style: c.kind === 'fen' ? { numFmt: '0.00' } : c.kind === 'count' ? { numFmt: '0' } : {},
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
