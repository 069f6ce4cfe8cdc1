import fs from 'node:fs';
import { TextDecoder } from 'node:util';

/**
 * A streaming CSV reader (RFC 4180: quoted fields with doubled quotes, commas and line breaks inside quotes; CRLF,
 * LF or CR line ends). It holds one record at a time, whatever the file's size.
 *
 * The encoding is found from the first bytes: a UTF-8 byte-order mark or valid UTF-8 is read as UTF-8, anything
 * else as GB18030 (what Excel on a Chinese Windows saves "CSV" in, a superset of GBK). The delimiter is a comma,
 * or a tab when the first line has tabs and no comma (Excel's "text, tab separated").
 */
export interface CsvRecord {
  /** 1-based record number: the row Excel shows when it opens the file. */
  row: number;
  cells: string[];
}

export class CsvFormatError extends Error {
  constructor(
    readonly problem: 'unterminated_quote',
    readonly row: number,
  ) {
    super(`CSV: ${problem} in record ${row}`);
    this.name = 'CsvFormatError';
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Which decoder fits the first bytes. Decided once: the header line (Chinese) settles it. */
function decoderFor(first: Buffer): { decoder: TextDecoder; skip: number } {
  if (first.length >= 3 && UTF8_BOM.every((b, i) => first[i] === b)) return { decoder: new TextDecoder('utf-8'), skip: 3 };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(first, { stream: true });
    return { decoder: new TextDecoder('utf-8'), skip: 0 };
  } catch {
    return { decoder: new TextDecoder('gb18030'), skip: 0 };
  }
}

/** The records of a CSV byte stream, one by one. */
export async function* csvRecords(source: AsyncIterable<Buffer | string>): AsyncGenerator<CsvRecord> {
  let decoder: TextDecoder | null = null as TextDecoder | null;
  let delimiter: string | null = null;
  let cells: string[] = [];
  let field = '';
  let inQuotes = false;
  /** Inside quotes, a quote was just read: the next character says whether it closed the field or was doubled. */
  let quoteSeen = false;
  let afterCR = false;
  let row = 0;
  let pending = '';

  const endRecord = (): CsvRecord => {
    cells.push(field);
    field = '';
    const r = { row: ++row, cells };
    cells = [];
    return r;
  };

  /** Bytes held back until there are enough to tell UTF-8 from GB18030 (a lone lead byte proves nothing). */
  let probe: Buffer[] | null = [];
  let probed = 0;
  const PROBE_BYTES = 4096;

  const take = function* (text: string): Generator<CsvRecord> {
    if (delimiter === null) {
      // Wait for the first line end (or the end of the file) to choose the delimiter.
      pending += text;
      const eol = pending.search(/[\r\n]/);
      if (eol === -1) return;
      const first = pending.slice(0, eol);
      delimiter = first.includes('\t') && !first.includes(',') ? '\t' : ',';
      text = pending;
      pending = '';
    }
    if (row === 0 && cells.length === 0 && field === '' && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    yield* parse(text);
  };
  const decideEncoding = (): string => {
    const first = Buffer.concat(probe!);
    probe = null;
    const d = decoderFor(first);
    decoder = d.decoder;
    return decoder.decode(first.subarray(d.skip), { stream: true });
  };

  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      yield* take(chunk);
      continue;
    }
    if (probe !== null) {
      probe.push(chunk);
      probed += chunk.length;
      if (probed < PROBE_BYTES) continue;
      yield* take(decideEncoding());
    } else yield* take(decoder!.decode(chunk, { stream: true }));
  }
  if (probe !== null && probed > 0) yield* take(decideEncoding());
  if (decoder) {
    const rest = decoder.decode();
    if (rest) yield* take(rest);
  }
  if (delimiter === null && pending !== '') {
    delimiter = pending.includes('\t') && !pending.includes(',') ? '\t' : ',';
    yield* parse(pending.charCodeAt(0) === 0xfeff ? pending.slice(1) : pending);
  }
  if (inQuotes && !quoteSeen) throw new CsvFormatError('unterminated_quote', row + 1);
  if (field !== '' || cells.length > 0 || quoteSeen) yield endRecord();

  function* parse(text: string): Generator<CsvRecord> {
    const delim = delimiter!;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (afterCR) {
        afterCR = false;
        if (c === '\n') {
          start = i + 1;
          continue;
        }
      }
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (c === '"') {
            field += '"';
            start = i + 1;
            continue;
          }
          inQuotes = false; // the quote closed the field; c is read below as outside quotes
        } else {
          if (c === '"') {
            field += text.slice(start, i);
            quoteSeen = true;
            start = i + 1;
          }
          continue;
        }
      }
      if (c === delim) {
        field += text.slice(start, i);
        cells.push(field);
        field = '';
        start = i + 1;
      } else if (c === '\n' || c === '\r') {
        field += text.slice(start, i);
        start = i + 1;
        if (c === '\r') afterCR = true;
        yield endRecord();
      } else if (c === '"' && field === '' && start === i) {
        inQuotes = true;
        start = i + 1;
      }
    }
    if (!quoteSeen) field += text.slice(start);
  }
}

/** The records of a CSV file, read in 256 KB chunks. */
export function csvFileRecords(file: string): AsyncGenerator<CsvRecord> {
  return csvRecords(fs.createReadStream(file, { highWaterMark: 256 * 1024 }));
}
