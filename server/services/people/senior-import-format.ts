import type { Centre, EmergencyContact, Region, SeniorCategory } from '../../../entities';
import { readIdNumber, type IdNumberFacts } from '../../lib/id-card';
import { normalizePhone } from '../../lib/phone';
import type { ReadCell } from '../../lib/spreadsheet';
import { isDateString } from '../../lib/time';
import { CATEGORY_ALIASES, ID_NUMBER_PROBLEMS, IMPORT_COLUMNS, IMPORT_TEXTS, SENIOR_FIELD_TEXTS, type ImportColumn } from '../../words/people';

/**
 * The civil-affairs list, row by row: which row is the header, which column is which (IMPORT_COLUMNS, tolerant of
 * the spellings seen in practice), and what one row says about a senior, or what is wrong with it. Pure: the
 * import service (senior-import.service.ts) reads the file and decides what each row does to the registry.
 */

/** Columns a list must have; the others are optional. */
export const REQUIRED_COLUMNS: readonly ImportColumn[] = ['name', 'idNumber', 'community', 'address'];

/** The header row is looked for among the first rows (lists often start with a title line or two). */
export const HEADER_SEARCH_ROWS = 10;

export interface HeaderMap {
  row: number;
  /** Column index (0-based) of each field found. */
  index: Partial<Record<ImportColumn, number>>;
  /** The file's own header text of each field found. */
  header: Partial<Record<ImportColumn, string>>;
  ignored: string[];
}

/** A header as compared: no spaces, no required-marks (*, （必填）), brackets made ASCII, lower case. */
export function headerKey(text: string): string {
  return text
    .replace(/[\s\u3000]/g, '')
    .replace(/[（(]必填[）)]|\*|＊/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .toLowerCase();
}

const HEADER_LOOKUP: Map<string, ImportColumn> = (() => {
  const m = new Map<string, ImportColumn>();
  for (const [field, names] of Object.entries(IMPORT_COLUMNS) as Array<[ImportColumn, readonly string[]]>) {
    m.set(headerKey(field), field);
    for (const n of names) m.set(headerKey(n), field);
  }
  return m;
})();

export function cellText(c: ReadCell | undefined): string {
  if (c === null || c === undefined) return '';
  return (typeof c === 'number' ? String(c) : c).replace(/[\u3000\u00a0]/g, ' ').trim();
}

/** The fields a row of header cells names, or null when it is not the header (no name and ID-number columns). */
export function readHeader(row: number, cells: readonly ReadCell[]): HeaderMap | null {
  const map: HeaderMap = { row, index: {}, header: {}, ignored: [] };
  cells.forEach((c, i) => {
    const text = cellText(c);
    if (text === '') return;
    const field = HEADER_LOOKUP.get(headerKey(text));
    if (field && map.index[field] === undefined) {
      map.index[field] = i;
      map.header[field] = text;
    } else map.ignored.push(text);
  });
  return map.index.name !== undefined && map.index.idNumber !== undefined ? map : null;
}

/** What the import knows of the places a row may name: the actor's communities, streets and centres. */
export interface ImportPlaces {
  communitiesByName: Map<string, Region[]>;
  streets: Region[];
  centresByName: Map<string, Centre[]>;
  /** The default home centre of a community (its one care centre, else its one point), when the list names none. */
  defaultCentre: Map<number, Centre | null>;
}

const squash = (s: string) => s.replace(/[\s\u3000]/g, '');

export function importPlaces(regions: readonly Region[], centres: readonly Centre[]): ImportPlaces {
  const communitiesByName = new Map<string, Region[]>();
  for (const r of regions) {
    if (r.level !== 'community') continue;
    const k = squash(r.name);
    communitiesByName.set(k, [...(communitiesByName.get(k) ?? []), r]);
  }
  const centresByName = new Map<string, Centre[]>();
  for (const c of centres) centresByName.set(squash(c.name), [...(centresByName.get(squash(c.name)) ?? []), c]);
  const defaultCentre = new Map<number, Centre | null>();
  for (const r of regions) {
    if (r.level !== 'community') continue;
    const here = centres.filter((c) => c.regionId === r.id && c.kind !== 'canteen');
    const care = here.filter((c) => c.kind === 'care_centre' || c.kind === 'rural_point');
    defaultCentre.set(r.id, care.length === 1 ? care[0] : here.length === 1 ? here[0] : null);
  }
  return { communitiesByName, streets: regions.filter((r) => r.level === 'street'), centresByName, defaultCentre };
}

/** What one valid row says. `undefined` for a column the file does not have or a cell left empty: keep what is there. */
export interface ImportedSenior {
  row: number;
  name: string;
  id: IdNumberFacts;
  idHash: string;
  phone: string | undefined;
  address: string | undefined;
  community: Region;
  homeCentre: Centre | undefined;
  categories: SeniorCategory[];
  evidence: string | undefined;
  validUntil: string | undefined;
  dietNotes: string | undefined;
  contact: EmergencyContact | undefined;
  latitude: number | undefined;
  longitude: number | undefined;
  warnings: string[];
}

export type RowOutcome =
  { ok: true; senior: ImportedSenior } | { ok: false; name: string; idCardLast4: string | null; errors: Array<{ column: string; message: string }> };

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** A day from what people and Excel put in a date cell: 1940-03-12, 1940/3/12, 1940.3.12, 1940年3月12日, 19400312, a date serial. */
export function parseDay(c: ReadCell | undefined): string | null {
  if (c === null || c === undefined) return null;
  if (typeof c === 'number') {
    if (Number.isInteger(c) && c >= 18000101 && c <= 99991231) return parseDay(String(c));
    if (c >= 1 && c < 2_958_466) return new Date(EXCEL_EPOCH_MS + Math.floor(c) * 86_400_000).toISOString().slice(0, 10);
    return null;
  }
  const t = c.trim();
  const m =
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return null;
  const day = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  return isDateString(day) ? day : null;
}

export function parseGender(text: string): 'female' | 'male' | null {
  const t = text.trim().toLowerCase();
  if (['女', '女性', 'f', 'female'].includes(t)) return 'female';
  if (['男', '男性', 'm', 'male'].includes(t)) return 'male';
  return null;
}

export function parseCategories(text: string): { categories: SeniorCategory[]; unknown: string[] } {
  const categories: SeniorCategory[] = [];
  const unknown: string[] = [];
  for (const token of text.split(/[,，、;；/|｜\s]+/)) {
    if (token === '' || token === '无' || token === '—' || token === '-') continue;
    const c = CATEGORY_ALIASES[token] ?? CATEGORY_ALIASES[token.toLowerCase()];
    if (c === undefined) unknown.push(token);
    else if (!categories.includes(c)) categories.push(c);
  }
  return { categories, unknown };
}

export interface RowContext {
  header: HeaderMap;
  places: ImportPlaces;
  today: string;
  idHash: (idNumber: string) => string;
}

/** Reads one data row. Every problem is reported at once, each under the file's own header for its column. */
export function readRow(row: number, cells: readonly ReadCell[], ctx: RowContext): RowOutcome {
  const { header, places } = ctx;
  const errors: Array<{ column: string; message: string }> = [];
  const col = (f: ImportColumn) => header.header[f] ?? IMPORT_COLUMNS[f][0];
  const raw = (f: ImportColumn): ReadCell | undefined => (header.index[f] === undefined ? undefined : cells[header.index[f]!]);
  const text = (f: ImportColumn) => cellText(raw(f));
  const fail = (f: ImportColumn, message: string) => errors.push({ column: col(f), message });
  const optional = (f: ImportColumn, max: number): string | undefined => {
    const t = text(f);
    if (t === '') return undefined;
    if ([...t].length > max) {
      fail(f, IMPORT_TEXTS.tooLong(max));
      return undefined;
    }
    return t;
  };

  const name = text('name').replace(/\s+/g, ' ');
  if (name === '') fail('name', IMPORT_TEXTS.required(col('name')));
  else if ([...name].length > 32) fail('name', IMPORT_TEXTS.tooLong(32));

  let id: IdNumberFacts | undefined;
  const idCell = raw('idNumber');
  if (typeof idCell === 'number') fail('idNumber', IMPORT_TEXTS.idNumberAsNumber);
  else if (text('idNumber') === '') fail('idNumber', IMPORT_TEXTS.required(col('idNumber')));
  else {
    const r = readIdNumber(text('idNumber'), ctx.today);
    if (r.ok) id = r.facts;
    else fail('idNumber', ID_NUMBER_PROBLEMS[r.problem]);
  }

  if (text('gender') !== '') {
    const g = parseGender(text('gender'));
    if (g === null) fail('gender', IMPORT_TEXTS.gender);
    else if (id && g !== id.gender) fail('gender', SENIOR_FIELD_TEXTS.genderMismatch(id.gender));
  }
  if (text('birthDate') !== '') {
    const d = parseDay(raw('birthDate')!);
    if (d === null) fail('birthDate', IMPORT_TEXTS.date);
    else if (id && d !== id.birthDate) fail('birthDate', SENIOR_FIELD_TEXTS.birthDateMismatch(id.birthDate));
  }

  let phone: string | undefined;
  if (text('phone') !== '') {
    const p = normalizePhone(text('phone'));
    if (p === null) fail('phone', IMPORT_TEXTS.phone);
    else phone = p;
  }

  const address = optional('address', 200);

  let community: Region | undefined;
  if (text('community') === '') fail('community', IMPORT_TEXTS.required(col('community')));
  else {
    const found = findCommunity(text('community'), text('street'), places);
    if (found.ok) community = found.region;
    else fail('community', found.message);
  }

  let homeCentre: Centre | undefined;
  if (text('homeCentre') !== '') {
    const found = places.centresByName.get(squash(text('homeCentre'))) ?? [];
    if (found.length !== 1) fail('homeCentre', IMPORT_TEXTS.unknownCentre(text('homeCentre')));
    else homeCentre = found[0];
  }

  const cats = parseCategories(text('categories'));
  for (const u of cats.unknown) fail('categories', IMPORT_TEXTS.unknownCategory(u));
  const evidence = optional('categoryEvidence', 100);
  let validUntil: string | undefined;
  if (text('categoryValidUntil') !== '') {
    const d = parseDay(raw('categoryValidUntil')!);
    if (d === null) fail('categoryValidUntil', IMPORT_TEXTS.date);
    else validUntil = d;
  }

  const dietNotes = optional('dietNotes', 200);

  let contact: EmergencyContact | undefined;
  const contactName = optional('contactName', 32);
  const contactRelation = optional('contactRelation', 16);
  if (text('contactPhone') !== '' || contactName !== undefined) {
    const p = normalizePhone(text('contactPhone'));
    if (contactName === undefined || text('contactPhone') === '')
      fail(contactName === undefined ? 'contactName' : 'contactPhone', IMPORT_TEXTS.contactIncomplete);
    else if (p === null) fail('contactPhone', IMPORT_TEXTS.phone);
    else contact = { name: contactName, relation: contactRelation ?? '', phone: p };
  }

  const coordinate = (f: 'latitude' | 'longitude', limit: number): number | undefined => {
    const t = text(f);
    if (t === '') return undefined;
    const n = Number(t);
    if (!Number.isFinite(n) || Math.abs(n) > limit) {
      fail(f, IMPORT_TEXTS.coordinate);
      return undefined;
    }
    return n;
  };
  const latitude = coordinate('latitude', 90);
  const longitude = coordinate('longitude', 180);

  if (errors.length > 0 || !id || !community) return { ok: false, name, idCardLast4: id?.last4 ?? null, errors };
  const warnings: string[] = [];
  return {
    ok: true,
    senior: {
      row,
      name,
      id,
      idHash: ctx.idHash(id.number),
      phone,
      address,
      community,
      homeCentre,
      categories: cats.categories,
      evidence,
      validUntil,
      dietNotes,
      contact,
      latitude,
      longitude,
      warnings,
    },
  };
}

function findCommunity(name: string, street: string, places: ImportPlaces): { ok: true; region: Region } | { ok: false; message: string } {
  let wanted = squash(name);
  let streets = places.streets;
  if (street !== '') {
    const s = squash(street);
    streets = streets.filter((r) => squash(r.name) === s || squash(r.name) === `${s}街道` || squash(r.name).replace(/街道$/, '') === s);
  } else {
    // "米市巷街道嘉新社区" in one cell.
    const prefix = streets.find((r) => wanted.startsWith(squash(r.name)) && wanted.length > squash(r.name).length);
    if (prefix) {
      streets = [prefix];
      wanted = wanted.slice(squash(prefix.name).length).replace(/^[/\\-]/, '');
    }
  }
  const candidates = places.communitiesByName.get(wanted) ?? places.communitiesByName.get(`${wanted}社区`) ?? places.communitiesByName.get(`${wanted}村`) ?? [];
  const inStreets = street !== '' || streets.length === 1 ? candidates.filter((c) => streets.some((s) => c.path.startsWith(s.path))) : candidates;
  if (inStreets.length === 1) return { ok: true, region: inStreets[0] };
  if (inStreets.length > 1) return { ok: false, message: IMPORT_TEXTS.ambiguousCommunity(name) };
  return { ok: false, message: IMPORT_TEXTS.unknownCommunity(name) };
}
