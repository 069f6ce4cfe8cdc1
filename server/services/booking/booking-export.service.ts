import type { BookingView } from '../../contracts/api-types';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { type Cell, type TableColumn, toXlsx, XLSX_CONTENT_TYPE } from '../../lib/spreadsheet';
import { shanghaiDateTime } from '../../lib/time';
import { BOOKING_CHANNEL_LABELS, BOOKING_EXPORT_HEADERS as H, BOOKING_EXPORT_TEXTS as W } from '../../words/booking-export';
import { ERROR_MESSAGES } from '../../words/errors';
import { BOOKING_STATUS_LABELS } from '../../words/texts';
import type { Actor } from '../access/actor';
import type { BookingQuery, BookingReaderService } from './booking-reader.service';

/** Most rows one export holds: beyond it the caller narrows the filters (EXPORT_TOO_LARGE says how many matched). */
export const MAX_EXPORT_ROWS = 10_000;
/** Rows read per query while exporting. */
const PAGE = 1_000;

export interface BookingExportFile {
  fileName: string;
  /** An ASCII name for clients that do not read RFC 5987's filename*. */
  asciiFileName: string;
  contentType: string;
  body: Buffer;
}

export interface BookingExportServiceDeps {
  clock: Clock;
  reader: BookingReaderService;
  /** MAX_EXPORT_ROWS unless told otherwise. */
  maxRows?: number;
}

const COLUMNS: readonly TableColumn[] = [
  { header: H.code, kind: 'text', width: 14 },
  { header: H.serviceDate, kind: 'text', width: 12 },
  { header: H.time, kind: 'text', width: 12 },
  { header: H.centre, kind: 'text', width: 30 },
  { header: H.item, kind: 'text', width: 12 },
  { header: H.senior, kind: 'text', width: 10 },
  { header: H.quantity, kind: 'count', width: 6 },
  { header: H.deliveryMode, kind: 'text', width: 10 },
  { header: H.status, kind: 'text', width: 14 },
  { header: H.unitPrice, kind: 'fen', width: 10 },
  { header: H.price, kind: 'fen', width: 10 },
  { header: H.subsidy, kind: 'fen', width: 10 },
  { header: H.copay, kind: 'fen', width: 10 },
  { header: H.subsidyReason, kind: 'text', width: 36 },
  { header: H.channel, kind: 'text', width: 10 },
  { header: H.payAtCounter, kind: 'text', width: 8 },
  { header: H.createdAt, kind: 'text', width: 17 },
  { header: H.servedAt, kind: 'text', width: 17 },
  { header: H.note, kind: 'text', width: 20 },
  { header: H.closeReason, kind: 'text', width: 20 },
];

/**
 * 导出 Excel of the bookings list: exactly what `GET /bookings` answers the same reader for the same filters (its
 * scope checks, and its views — the senior's name and nothing more personal), every page of it, as one sheet with
 * Chinese headers and amounts in yuan as numbers Excel can sum. More than MAX_EXPORT_ROWS is refused.
 */
export class BookingExportService {
  constructor(private readonly deps: BookingExportServiceDeps) {}

  async xlsx(actor: Actor, q: Omit<BookingQuery, 'limit' | 'offset'>): Promise<BookingExportFile> {
    const max = this.deps.maxRows ?? MAX_EXPORT_ROWS;
    const first = await this.deps.reader.list(actor, { ...q, limit: PAGE, offset: 0 });
    if (first.total > max) throw new AppError('EXPORT_TOO_LARGE', ERROR_MESSAGES.EXPORT_TOO_LARGE(first.total, max), { total: first.total, max });
    const items = [...first.items];
    while (items.length < first.total) {
      const next = await this.deps.reader.list(actor, { ...q, limit: PAGE, offset: items.length });
      if (next.items.length === 0) break; // bookings gone meanwhile
      items.push(...next.items);
    }
    const now = this.deps.clock.now();
    const body = await toXlsx({
      sheet: W.sheet,
      columns: COLUMNS,
      rows: items.map(row),
      about: { sheet: W.about, rows: W.aboutRows(items.length, shanghaiDateTime(now), describe(q)) },
      createdAt: now,
    });
    const from = q.date ?? q.from;
    const to = q.date ?? q.to;
    const named = from !== undefined && to !== undefined;
    return {
      fileName: named ? W.fileName(from, to) : W.fileNameAll,
      asciiFileName: named ? W.asciiFileName(from, to) : W.asciiFileNameAll,
      contentType: XLSX_CONTENT_TYPE,
      body,
    };
  }
}

function row(b: BookingView): Cell[] {
  return [
    b.code,
    b.serviceDate,
    `${b.slot.start}-${b.slot.end}`,
    b.centre.name,
    b.serviceItem.name,
    b.senior.name,
    b.quantity,
    b.deliveryModeLabel,
    b.statusLabel,
    b.unitPriceFen,
    b.priceFen,
    b.subsidyFen,
    b.copayFen,
    b.subsidyReason,
    BOOKING_CHANNEL_LABELS[b.channel] ?? b.channel,
    b.payAtCounter ? W.yes : W.no,
    shanghaiDateTime(new Date(b.createdAt)),
    b.servedAt ? shanghaiDateTime(new Date(b.servedAt)) : '',
    b.note,
    b.closeReason,
  ];
}

function describe(q: Omit<BookingQuery, 'limit' | 'offset'>): string {
  const F = W.filterParts;
  const parts: string[] = [];
  if (q.date) parts.push(F.date(q.date));
  else if (q.from && q.to) parts.push(F.range(q.from, q.to));
  else if (q.from) parts.push(F.from(q.from));
  else if (q.to) parts.push(F.to(q.to));
  if (q.centreId !== undefined) parts.push(F.centre(q.centreId));
  if (q.seniorId !== undefined) parts.push(F.senior(q.seniorId));
  if (q.slotId !== undefined) parts.push(F.slot(q.slotId));
  if (q.statuses?.length) parts.push(F.statuses(q.statuses.map((s) => BOOKING_STATUS_LABELS[s])));
  return parts.join('；');
}
