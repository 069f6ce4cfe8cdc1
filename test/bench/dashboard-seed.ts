/**
 * A year of one district's data for bench:dashboard, bulk-inserted straight into MariaDB (multi-row INSERTs, not
 * through the API): regions, centres, seniors, ~1,000,000 bookings over the 365 days up to NOW (and the next two
 * days' bookings), their ratings and a year of emergency alerts. Deterministic: the same rows every run.
 */
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { addDays, shanghaiInstant } from '../../server/lib/time';
import { sqlStamp } from './lib';

export const STREETS = 6;
export const COMMUNITIES_PER_STREET = 5;
export const SENIORS = 30_000;
export const CANTEENS = 4;
const INSERT_BATCH = 5_000;

const CATEGORY_POOL = [
  '',
  '',
  '',
  'living_alone',
  'empty_nest',
  'minimum_living',
  'hardship',
  'low_income',
  'empty_nest,low_income',
  'living_alone,minimum_living',
  'family_planning_special',
];

/** Lunch, dinner, a bath, a home visit: the shares of a year's bookings (out of 100). */
const KINDS = [
  { category: 'meal', kind: 'lunch', share: 65, priceFen: 1500, mode: 'dine_in' },
  { category: 'meal', kind: 'dinner', share: 25, priceFen: 1200, mode: 'pick_up' },
  { category: 'bath', kind: 'bath', share: 6, priceFen: 3000, mode: 'at_centre' },
  { category: 'home_visit', kind: 'cleaning', share: 4, priceFen: 5000, mode: 'at_home' },
] as const;

/** Out of 100, what became of a booking on a past day. */
const PAST_STATUSES = [
  ['served', 78],
  ['rated', 10],
  ['cancelled', 5],
  ['no_show', 3],
  ['expired', 2],
  ['rejected', 2],
] as const;
const TODAY_STATUSES = [
  ['confirmed', 50],
  ['served', 40],
  ['cancelled', 5],
  ['pending_payment', 5],
] as const;

export interface District {
  districtId: number;
  districtPath: string;
  streetPaths: string[];
  centreIds: number[];
  /** The centre with the most bookings' staff scope, and the street it is in. */
  sampleCentreId: number;
  sampleStreetPath: string;
  bookings: number;
}

/** A small deterministic generator (mulberry32), so every run seeds the same district. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickShare<T extends readonly [string, number]>(table: readonly T[], r: number): T[0] {
  let x = r * 100;
  for (const row of table) {
    if (x < row[1]) return row[0];
    x -= row[1];
  }
  return table[table.length - 1][0];
}

function pickKind(r: number): (typeof KINDS)[number] {
  let x = r * 100;
  for (const k of KINDS) {
    if (x < k.share) return k;
    x -= k.share;
  }
  return KINDS[0];
}

async function insertRows(pool: Pool, sql: string, rows: unknown[][]): Promise<number> {
  let first = 0;
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const [r] = await pool.query<ResultSetHeader>(sql, [rows.slice(i, i + INSERT_BATCH)]);
    if (i === 0) first = r.insertId;
  }
  return first;
}

/**
 * Seeds the district into an empty, migrated database: `bookingsPerYear` bookings spread evenly over the 365 days
 * that end on `today` (today's half served, half still confirmed), plus two days of bookings ahead.
 */
export async function seedDistrict(pool: Pool, today: string, bookingsPerYear: number, log: (s: string) => void = () => undefined): Promise<District> {
  const rand = generator(20261205);
  const now = shanghaiInstant(today, '12:00');
  const stamp = sqlStamp(now);

  // Regions: the district, its streets, their communities.
  const [d] = await pool.query<ResultSetHeader>('INSERT INTO region (name, level, parentId, path, createdAt) VALUES (?, ?, NULL, ?, ?)', [
    '压测区',
    'district',
    '',
    stamp,
  ]);
  const districtId = d.insertId;
  const districtPath = `/${districtId}/`;
  await pool.query('UPDATE region SET path = ? WHERE id = ?', [districtPath, districtId]);
  const streetPaths: string[] = [];
  const communities: Array<{ id: number; path: string; streetPath: string }> = [];
  for (let s = 0; s < STREETS; s++) {
    const [r] = await pool.query<ResultSetHeader>('INSERT INTO region (name, level, parentId, path, createdAt) VALUES (?, ?, ?, ?, ?)', [
      `压测街道${s + 1}`,
      'street',
      districtId,
      '',
      stamp,
    ]);
    const streetPath = `${districtPath}${r.insertId}/`;
    await pool.query('UPDATE region SET path = ? WHERE id = ?', [streetPath, r.insertId]);
    streetPaths.push(streetPath);
    for (let c = 0; c < COMMUNITIES_PER_STREET; c++) {
      const [rc] = await pool.query<ResultSetHeader>('INSERT INTO region (name, level, parentId, path, createdAt) VALUES (?, ?, ?, ?, ?)', [
        `压测社区${s + 1}-${c + 1}`,
        'community',
        r.insertId,
        '',
        stamp,
      ]);
      const path = `${streetPath}${rc.insertId}/`;
      await pool.query('UPDATE region SET path = ? WHERE id = ?', [path, rc.insertId]);
      communities.push({ id: rc.insertId, path, streetPath });
    }
  }

  // Centres: a care centre per community, a street centre per street, a few canteens.
  const centreSpecs: Array<{ name: string; kind: string; regionId: number; regionPath: string }> = [];
  for (const [k, c] of communities.entries()) centreSpecs.push({ name: `压测照料中心${k + 1}`, kind: 'care_centre', regionId: c.id, regionPath: c.path });
  for (const [k, p] of streetPaths.entries())
    centreSpecs.push({ name: `压测街道中心${k + 1}`, kind: 'street_centre', regionId: Number(p.split('/')[2]), regionPath: p });
  for (let k = 0; k < CANTEENS; k++) {
    const c = communities[(k * 7) % communities.length];
    centreSpecs.push({ name: `压测老年食堂${k + 1}`, kind: 'canteen', regionId: c.id, regionPath: c.path });
  }
  const firstCentre = await insertRows(
    pool,
    'INSERT INTO centre (name, kind, regionId, regionPath, parentId, address, latitude, longitude, opensAt, closesAt, phone, autoConfirm, active, createdAt) VALUES ?',
    centreSpecs.map((c) => [c.name, c.kind, c.regionId, c.regionPath, null, '压测地址', 30.29, 120.16, '07:00', '19:00', '0571-00000000', 1, 1, stamp]),
  );
  const centres = centreSpecs.map((c, k) => ({ ...c, id: firstCentre + k }));

  // Seniors, each living in a community and using a centre of it (or its street's, or a canteen).
  const seniorRows: unknown[][] = [];
  const seniorHome: number[] = [];
  for (let i = 0; i < SENIORS; i++) {
    const community = communities[i % communities.length];
    const r = rand();
    const home =
      r < 0.7
        ? centres[i % communities.length]
        : r < 0.9
          ? centres[communities.length + streetPaths.indexOf(community.streetPath)]
          : centres[centres.length - 1 - (i % CANTEENS)];
    seniorHome.push(home.id);
    const year = 1930 + Math.floor(rand() * 33);
    seniorRows.push([
      `压测老人${i}`,
      i % 2 ? 'male' : 'female',
      `${year}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      '0000',
      null,
      '压测地址',
      community.id,
      community.path,
      home.id,
      CATEGORY_POOL[Math.floor(rand() * CATEGORY_POOL.length)],
      Math.floor(rand() * 5),
      '',
      '[]',
      1,
      stamp,
      stamp,
    ]);
  }
  const firstSenior = await insertRows(
    pool,
    'INSERT INTO senior (name, gender, birthDate, idCardLast4, phone, address, regionId, regionPath, homeCentreId, categories, abilityLevel, dietNotes, emergencyContacts, active, createdAt, updatedAt) VALUES ?',
    seniorRows,
  );
  log(`seeded ${SENIORS.toLocaleString()} seniors, ${centres.length} centres`);

  // Bookings, a day at a time.
  const perDay = Math.round(bookingsPerYear / 365);
  const firstDay = addDays(today, -364);
  let total = 0;
  const bookingSql =
    'INSERT INTO booking (code, seniorId, slotId, serviceItemId, centreId, category, kind, serviceDate, bookedByAccountId, bookedBy, channel, quantity, unitPriceFen, priceFen, subsidyFen, copayFen, subsidisedQuantity, subsidyPolicyId, subsidyReason, status, deliveryMode, note, createdAt, updatedAt, servedAt, closeReason) VALUES ?';
  const ratingRows: unknown[][] = [];
  let pendingRatings: Array<{ index: number; seniorId: number; centreId: number; score: number; at: string }> = [];
  let rows: unknown[][] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    const [r] = await pool.query<ResultSetHeader>(bookingSql, [rows]);
    for (const p of pendingRatings) ratingRows.push([r.insertId + p.index, p.seniorId, p.centreId, 1, p.score, '', p.at]);
    rows = [];
    pendingRatings = [];
  };
  for (let dayNo = 0; dayNo < 367; dayNo++) {
    const date = addDays(firstDay, dayNo);
    const count = dayNo < 365 ? perDay : Math.round(perDay * (dayNo === 365 ? 0.7 : 0.3));
    const created = sqlStamp(shanghaiInstant(addDays(date, -1), '15:00'));
    const served = sqlStamp(shanghaiInstant(date, '11:40'));
    for (let k = 0; k < count; k++) {
      const s = Math.floor(rand() * SENIORS);
      const kind = pickKind(rand());
      const status = date < today ? pickShare(PAST_STATUSES, rand()) : date === today ? pickShare(TODAY_STATUSES, rand()) : 'confirmed';
      const quantity = kind.category === 'meal' && rand() < 0.1 ? 2 : 1;
      const price = kind.priceFen * quantity;
      const subsidy = Math.min(price, [0, 0, 300, 500, 800][Math.floor(rand() * 5)] * quantity);
      const isServed = status === 'served' || status === 'rated';
      const centreId = seniorHome[s];
      rows.push([
        (total + 1).toString(36).padStart(12, '0'),
        firstSenior + s,
        centreId * 1000 + (dayNo % 1000),
        centreId * 10 + KINDS.indexOf(kind),
        centreId,
        kind.category,
        kind.kind,
        date,
        1,
        'family',
        'miniprogram',
        quantity,
        kind.priceFen,
        price,
        subsidy,
        price - subsidy,
        subsidy > 0 ? quantity : 0,
        subsidy > 0 ? 1 : null,
        '',
        status,
        kind.mode,
        '',
        created,
        created,
        isServed ? served : null,
        '',
      ]);
      if (status === 'rated')
        pendingRatings.push({
          index: rows.length - 1,
          seniorId: firstSenior + s,
          centreId,
          score: 3 + Math.floor(rand() * 3),
          at: sqlStamp(shanghaiInstant(date, '15:00')),
        });
      total++;
      if (rows.length >= INSERT_BATCH) await flush();
    }
    if (dayNo % 61 === 60) log(`  bookings up to ${date}: ${total.toLocaleString()}`);
  }
  await flush();
  await insertRows(pool, 'INSERT INTO rating (bookingId, seniorId, centreId, accountId, score, comment, createdAt) VALUES ?', ratingRows);
  log(`seeded ${total.toLocaleString()} bookings, ${ratingRows.length.toLocaleString()} ratings`);

  // A year of emergency alerts: most acknowledged within minutes, a few never.
  const alertRows: unknown[][] = [];
  for (let i = 0; i < 3_000; i++) {
    const s = Math.floor(rand() * SENIORS);
    const at = new Date(now.getTime() - Math.floor(rand() * 365 * 86_400_000));
    const acked = rand() < 0.97;
    const ackAt = acked ? new Date(at.getTime() + Math.floor(20_000 + rand() * 900_000)) : null;
    alertRows.push([
      firstSenior + s,
      seniorHome[s],
      1,
      'mp_chat',
      '救命',
      acked ? 'resolved' : 'open',
      acked ? 0 : 2,
      sqlStamp(ackAt ?? at),
      acked ? 1 : null,
      ackAt ? sqlStamp(ackAt) : null,
      ackAt ? sqlStamp(ackAt) : null,
      '',
      sqlStamp(at),
    ]);
  }
  await insertRows(
    pool,
    'INSERT INTO emergency_alert (seniorId, centreId, raisedByAccountId, channel, message, status, escalationLevel, lastEscalatedAt, acknowledgedByAccountId, acknowledgedAt, resolvedAt, resolution, createdAt) VALUES ?',
    alertRows,
  );
  const counts = new Map<number, number>();
  for (const h of seniorHome) counts.set(h, (counts.get(h) ?? 0) + 1);
  const sample = centres.reduce((best, c) => ((counts.get(c.id) ?? 0) > (counts.get(best.id) ?? 0) ? c : best));
  return {
    districtId,
    districtPath,
    streetPaths,
    centreIds: centres.map((c) => c.id),
    sampleCentreId: sample.id,
    sampleStreetPath: streetPaths.find((p) => sample.regionPath.startsWith(p))!,
    bookings: total,
  };
}

/** The district an earlier run seeded into this database up to `today`, or null (then seed afresh). */
export async function seededDistrict(pool: Pool, today: string): Promise<District | null> {
  try {
    const [[d]] = await pool.query<RowDataPacket[]>("SELECT id, path FROM region WHERE name = '压测区' AND level = 'district'");
    const [[n]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM booking WHERE serviceDate = ?', [today]);
    if (!d || Number(n.n) === 0) return null;
    const [[total]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM booking');
    const [streets] = await pool.query<RowDataPacket[]>("SELECT path FROM region WHERE level = 'street' AND parentId = ? ORDER BY id", [d.id]);
    const [centres] = await pool.query<RowDataPacket[]>('SELECT id, regionPath FROM centre ORDER BY id');
    const [[busiest]] = await pool.query<RowDataPacket[]>(
      'SELECT homeCentreId AS id, COUNT(*) AS n FROM senior GROUP BY homeCentreId ORDER BY n DESC, id LIMIT 1',
    );
    const sample = centres.find((c) => c.id === busiest.id)!;
    const streetPaths = streets.map((r) => String(r.path));
    return {
      districtId: d.id,
      districtPath: d.path,
      streetPaths,
      centreIds: centres.map((c) => Number(c.id)),
      sampleCentreId: Number(sample.id),
      sampleStreetPath: streetPaths.find((p) => String(sample.regionPath).startsWith(p))!,
      bookings: Number(total.n),
    };
  } catch {
    return null;
  }
}
