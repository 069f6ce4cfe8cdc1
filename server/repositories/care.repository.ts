import { In, type EntityManager } from 'typeorm';
import { Account, Booking, CareCheck, Senior, TimeBankEntry, Visit, VisitPhoto, VisitRule, Volunteer, VolunteerPairing, WechatInbound } from '../../entities';
import type { Database } from '../db/database';

/** Visit rules (探访计划规则): the few an administrator sets per region. */
export class VisitRuleRepository {
  constructor(private readonly db: Database) {}

  findById(id: number, em: EntityManager = this.db.manager): Promise<VisitRule | null> {
    return em.findOneBy(VisitRule, { id });
  }

  /** Every active rule (a handful per region): the plan and the silence alarm match seniors against them in memory. */
  active(): Promise<VisitRule[]> {
    return this.db.manager.find(VisitRule, { where: { active: true }, order: { id: 'ASC' } });
  }

  /** Rules covering `regionPath` (set above it) or set inside it, active or not, for the people working there. */
  async around(regionPath: string): Promise<VisitRule[]> {
    const rows = await this.db.manager.find(VisitRule, { order: { id: 'ASC' } });
    return rows.filter((r) => r.regionPath.startsWith(regionPath) || regionPath.startsWith(r.regionPath));
  }

  insert(em: EntityManager, row: Omit<VisitRule, 'id'>): Promise<VisitRule> {
    return em.save(VisitRule, em.create(VisitRule, row));
  }

  async updateVersioned(em: EntityManager, id: number, version: number, patch: Partial<VisitRule>): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(VisitRule)
      .set({ ...patch, version: version + 1 })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    return r.affected === 1;
  }
}

export interface VisitListFilter {
  centreId?: number;
  assignedAccountId?: number;
  seniorIds?: number[];
  /** due: open and due today or later; overdue: open and due before today; done; concerns: a worry still open. */
  list: 'due' | 'overdue' | 'done' | 'concerns' | 'open';
  today: string;
  limit: number;
}

/** Photos taken on visits (the rows; the bytes are in the FileStore). */
export class VisitPhotoRepository {
  constructor(private readonly db: Database) {}

  findById(id: number): Promise<VisitPhoto | null> {
    return this.db.manager.findOneBy(VisitPhoto, { id });
  }

  countOf(visitId: number): Promise<number> {
    return this.db.manager.countBy(VisitPhoto, { visitId });
  }

  insert(em: EntityManager, row: Omit<VisitPhoto, 'id'>): Promise<VisitPhoto> {
    return em.save(VisitPhoto, em.create(VisitPhoto, row));
  }

  /** The photo ids of each visit, oldest first. */
  async idsByVisit(visitIds: number[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    if (visitIds.length === 0) return out;
    const rows = await this.db.manager
      .createQueryBuilder(VisitPhoto, 'p')
      .select(['p.id', 'p.visitId'])
      .where('p.visitId IN (:...visitIds)', { visitIds })
      .orderBy('p.id', 'ASC')
      .getMany();
    for (const r of rows) out.set(r.visitId, [...(out.get(r.visitId) ?? []), r.id]);
    return out;
  }
}

/** Visits (探访): the plan's open ones, the lists people work from, recording one, escalating overdue ones. */
export class VisitRepository {
  constructor(private readonly db: Database) {}

  findById(id: number, em: EntityManager = this.db.manager): Promise<Visit | null> {
    return em.findOneBy(Visit, { id });
  }

  /** The open visit of each senior, and the latest visit and latest done visit of those without one (the plan's inputs). */
  async planState(seniorIds: number[]): Promise<{ open: Set<number>; lastDue: Map<number, string>; lastDone: Map<number, Date> }> {
    const open = new Set<number>();
    const lastDue = new Map<number, string>();
    const lastDone = new Map<number, Date>();
    if (seniorIds.length === 0) return { open, lastDue, lastDone };
    const rows = await this.db.manager
      .createQueryBuilder(Visit, 'v')
      .select(['v.seniorId', 'v.status', 'v.dueOn', 'v.doneAt'])
      .where('v.seniorId IN (:...seniorIds)', { seniorIds })
      .getMany();
    for (const v of rows) {
      if (v.status === 'due') open.add(v.seniorId);
      if ((lastDue.get(v.seniorId) ?? '') < v.dueOn) lastDue.set(v.seniorId, v.dueOn);
      if (v.doneAt && (lastDone.get(v.seniorId)?.getTime() ?? 0) < v.doneAt.getTime()) lastDone.set(v.seniorId, v.doneAt);
    }
    return { open, lastDue, lastDone };
  }

  /** Inserts a planned visit; false when the senior already has one due that day (a rerun, another instance). */
  async insertOnce(row: Omit<Visit, 'id'>): Promise<boolean> {
    try {
      await this.db.manager.insert(Visit, row);
      return true;
    } catch (err) {
      if (this.db.isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** How many open visits each of these accounts has (to give the next to the least busy). */
  async openCounts(accountIds: number[]): Promise<Map<number, number>> {
    const counts = new Map<number, number>(accountIds.map((id) => [id, 0]));
    if (accountIds.length === 0) return counts;
    const rows: Array<{ accountId: number; n: string | number }> = await this.db.manager
      .createQueryBuilder(Visit, 'v')
      .select('v.assignedAccountId', 'accountId')
      .addSelect('COUNT(*)', 'n')
      .where('v.status = :due AND v.assignedAccountId IN (:...accountIds)', { due: 'due', accountIds })
      .groupBy('v.assignedAccountId')
      .getRawMany();
    for (const r of rows) counts.set(Number(r.accountId), Number(r.n));
    return counts;
  }

  list(f: VisitListFilter): Promise<Visit[]> {
    const qb = this.db.manager.createQueryBuilder(Visit, 'v').where('1 = 1');
    if (f.centreId !== undefined) qb.andWhere('v.centreId = :centreId', { centreId: f.centreId });
    if (f.assignedAccountId !== undefined) qb.andWhere('v.assignedAccountId = :a', { a: f.assignedAccountId });
    if (f.seniorIds !== undefined) {
      if (f.seniorIds.length === 0) return Promise.resolve([]);
      qb.andWhere('v.seniorId IN (:...seniorIds)', { seniorIds: f.seniorIds });
    }
    if (f.list === 'due') qb.andWhere('v.status = :due AND v.dueOn >= :today', { due: 'due', today: f.today }).orderBy('v.dueOn', 'ASC');
    else if (f.list === 'overdue') qb.andWhere('v.status = :due AND v.dueOn < :today', { due: 'due', today: f.today }).orderBy('v.dueOn', 'ASC');
    else if (f.list === 'open') qb.andWhere('v.status = :due', { due: 'due' }).orderBy('v.dueOn', 'ASC');
    else if (f.list === 'done') qb.andWhere('v.status = :done', { done: 'done' }).orderBy('v.doneAt', 'DESC');
    else qb.andWhere('v.concernStatus = :open', { open: 'open' }).orderBy('v.doneAt', 'ASC');
    return qb.addOrderBy('v.id', 'ASC').take(f.limit).getMany();
  }

  /** Visits of a senior planned or done between two days (the bot's "this week", the family's page). */
  forSenior(seniorId: number, from: string, to: string, limit = 50): Promise<Visit[]> {
    return this.db.manager
      .createQueryBuilder(Visit, 'v')
      .where('v.seniorId = :seniorId AND v.dueOn >= :from AND v.dueOn <= :to AND v.status != :cancelled', { seniorId, from, to, cancelled: 'cancelled' })
      .orderBy('v.dueOn', 'DESC')
      .take(limit)
      .getMany();
  }

  /** Marks a due visit done with its form; false when it was no longer due at this version. */
  async complete(em: EntityManager, id: number, version: number, patch: Partial<Visit>): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Visit)
      .set({ ...patch, status: 'done', version: version + 1 })
      .where('id = :id AND version = :version AND status = :due', { id, version, due: 'due' })
      .execute();
    return r.affected === 1;
  }

  async resolveConcern(em: EntityManager, id: number, version: number, patch: Partial<Visit>): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(Visit)
      .set({ ...patch, concernStatus: 'resolved', version: version + 1 })
      .where('id = :id AND version = :version AND concernStatus = :open', { id, version, open: 'open' })
      .execute();
    return r.affected === 1;
  }

  /** Open visits due on or before `dueBy` still at escalation `level`, oldest first. */
  overdueAt(level: number, dueBy: string, limit: number): Promise<Visit[]> {
    return this.db.manager
      .createQueryBuilder(Visit, 'v')
      .where('v.status = :due AND v.escalationLevel = :level AND v.dueOn <= :dueBy', { due: 'due', level, dueBy })
      .orderBy('v.dueOn', 'ASC')
      .addOrderBy('v.id', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Moves an open visit from `level` to `level + 1`; only the caller that gets true tells anyone. */
  async claimLevel(id: number, level: number, now: Date): Promise<boolean> {
    const r = await this.db.manager
      .createQueryBuilder()
      .update(Visit)
      .set({ escalationLevel: level + 1, updatedAt: now })
      .where('id = :id AND escalationLevel = :level AND status = :due', { id, level, due: 'due' })
      .execute();
    return r.affected === 1;
  }

  /** The latest done visit of each senior. */
  async lastDoneAt(seniorIds: number[]): Promise<Map<number, Date>> {
    return latestPer(this.db.manager, Visit, 'doneAt', seniorIds, 'status = :done', { done: 'done' });
  }

  /** Visits planned (due in the period, not cancelled) and done, per community region path, for a report. */
  async monthFigures(from: string, to: string, scope: ReportScope): Promise<Array<{ regionPath: string; planned: number; done: number }>> {
    const q = this.db.manager
      .createQueryBuilder(Visit, 'v')
      .select('v.regionPath', 'regionPath')
      .addSelect('COUNT(*)', 'planned')
      .addSelect(`SUM(CASE WHEN v.status = 'done' THEN 1 ELSE 0 END)`, 'done')
      .where('v.dueOn >= :from AND v.dueOn <= :to AND v.status != :cancelled AND v.regionPath LIKE :path', {
        from,
        to,
        cancelled: 'cancelled',
        path: `${scope.regionPath}%`,
      });
    if (scope.centreId !== null) q.andWhere('v.centreId = :centreId', { centreId: scope.centreId });
    const rows: Array<{ regionPath: string; planned: string | number; done: string | number }> = await q.groupBy('v.regionPath').getRawMany();
    return rows.map((r) => ({ regionPath: r.regionPath, planned: Number(r.planned), done: Number(r.done) }));
  }

  /** Worries raised (visits done in the period with one) and how many of them are resolved, per community. */
  async concernFigures(from: Date, to: Date, scope: ReportScope): Promise<Array<{ regionPath: string; raised: number; resolved: number }>> {
    const q = this.db.manager
      .createQueryBuilder(Visit, 'v')
      .select('v.regionPath', 'regionPath')
      .addSelect('COUNT(*)', 'raised')
      .addSelect(`SUM(CASE WHEN v.concernStatus = 'resolved' THEN 1 ELSE 0 END)`, 'resolved')
      .where('v.doneAt >= :from AND v.doneAt < :to AND v.concernStatus != :none AND v.regionPath LIKE :path', {
        from,
        to,
        none: 'none',
        path: `${scope.regionPath}%`,
      });
    if (scope.centreId !== null) q.andWhere('v.centreId = :centreId', { centreId: scope.centreId });
    const rows: Array<{ regionPath: string; raised: string | number; resolved: string | number }> = await q.groupBy('v.regionPath').getRawMany();
    return rows.map((r) => ({ regionPath: r.regionPath, raised: Number(r.raised), resolved: Number(r.resolved) }));
  }
}

/** What a care report covers: the visits of seniors in a region, and (for a centre's staff) of one centre only. */
export interface ReportScope {
  regionPath: string;
  centreId: number | null;
}

/** The latest value of an instant column per senior, over one table. */
async function latestPer(
  em: EntityManager,
  target: typeof Visit | typeof Booking,
  column: string,
  seniorIds: number[],
  extra = '1 = 1',
  params: Record<string, unknown> = {},
): Promise<Map<number, Date>> {
  const out = new Map<number, Date>();
  if (seniorIds.length === 0) return out;
  const rows: Array<{ seniorId: number; at: Date | string | null }> = await em
    .createQueryBuilder(target, 't')
    .select('t.seniorId', 'seniorId')
    .addSelect(`MAX(t.${column})`, 'at')
    .where(`t.seniorId IN (:...seniorIds) AND ${extra}`, { seniorIds, ...params })
    .groupBy('t.seniorId')
    .getRawMany();
  for (const r of rows) if (r.at !== null) out.set(Number(r.seniorId), asInstant(r.at));
  return out;
}

/** A raw MAX(datetime): a Date from MariaDB, 'YYYY-MM-DD HH:MM:SS.mmm' (UTC) from SQLite. */
function asInstant(v: Date | string): Date {
  if (v instanceof Date) return v;
  return new Date(`${v.replace(' ', 'T')}${/Z|[+-]\d\d:\d\d$/.test(v) ? '' : 'Z'}`);
}

/** The signs of life the silence alarm looks for, per senior: bookings made or served, their own chat messages. */
export class SignsOfLifeRepository {
  constructor(private readonly db: Database) {}

  async latest(seniorIds: number[]): Promise<Map<number, Date>> {
    const em = this.db.manager;
    const [booked, served, chats] = await Promise.all([
      latestPer(em, Booking, 'createdAt', seniorIds),
      latestPer(em, Booking, 'servedAt', seniorIds, 't.servedAt IS NOT NULL'),
      this.latestChats(seniorIds),
    ]);
    const out = new Map<number, Date>();
    for (const m of [booked, served, chats]) for (const [id, at] of m) if ((out.get(id)?.getTime() ?? 0) < at.getTime()) out.set(id, at);
    return out;
  }

  /** The latest message each senior sent the public account themself (from their own account). */
  private async latestChats(seniorIds: number[]): Promise<Map<number, Date>> {
    const out = new Map<number, Date>();
    if (seniorIds.length === 0) return out;
    const rows: Array<{ seniorId: number; at: Date | string | null }> = await this.db.manager
      .createQueryBuilder(WechatInbound, 'i')
      .innerJoin(Account, 'a', 'a.id = i.accountId')
      .select('a.seniorId', 'seniorId')
      .addSelect('MAX(i.receivedAt)', 'at')
      .where('a.seniorId IN (:...seniorIds)', { seniorIds })
      .groupBy('a.seniorId')
      .getRawMany();
    for (const r of rows) if (r.at !== null) out.set(Number(r.seniorId), asInstant(r.at));
    return out;
  }

  /** Active seniors recorded as 独居, a page at a time by id. */
  livingAlone(afterId: number, limit: number): Promise<Senior[]> {
    return this.db.manager
      .createQueryBuilder(Senior, 's')
      .where('s.active = :yes AND s.id > :afterId AND s.categories LIKE :alone', { yes: true, afterId, alone: '%living_alone%' })
      .orderBy('s.id', 'ASC')
      .take(limit)
      .getMany();
  }

  /** Active seniors under any of these region paths, a page at a time by id (the plan's candidates). */
  activeUnder(paths: string[], afterId: number, limit: number): Promise<Senior[]> {
    if (paths.length === 0) return Promise.resolve([]);
    const qb = this.db.manager.createQueryBuilder(Senior, 's').where('s.active = :yes AND s.id > :afterId', { yes: true, afterId });
    qb.andWhere(`(${paths.map((_, i) => `s.regionPath LIKE :p${i}`).join(' OR ')})`, Object.fromEntries(paths.map((p, i) => [`p${i}`, `${p}%`])));
    return qb.orderBy('s.id', 'ASC').take(limit).getMany();
  }
}

/** 关爱 checks raised by the silence alarm. */
export class CareCheckRepository {
  constructor(private readonly db: Database) {}

  findById(id: number): Promise<CareCheck | null> {
    return this.db.manager.findOneBy(CareCheck, { id });
  }

  /** Seniors with a check still open (none is raised beside it). */
  async openFor(seniorIds: number[]): Promise<Set<number>> {
    if (seniorIds.length === 0) return new Set();
    const rows = await this.db.manager.find(CareCheck, { select: { seniorId: true }, where: { seniorId: In(seniorIds), status: 'open' } });
    return new Set(rows.map((r) => r.seniorId));
  }

  /** Raises a check once per silence: false when this senior's silence (the same key) already has one. */
  async insertOnce(row: Omit<CareCheck, 'id'>): Promise<CareCheck | null> {
    try {
      return await this.db.manager.save(CareCheck, this.db.manager.create(CareCheck, row));
    } catch (err) {
      if (this.db.isDuplicateKey(err)) return null;
      throw err;
    }
  }

  list(centreIds: number[] | null, regionPath: string | null, status: 'open' | 'closed', limit: number): Promise<CareCheck[]> {
    const qb = this.db.manager.createQueryBuilder(CareCheck, 'c').where('c.status = :status', { status });
    if (centreIds !== null) {
      if (centreIds.length === 0) return Promise.resolve([]);
      qb.andWhere('c.centreId IN (:...centreIds)', { centreIds });
    }
    if (regionPath !== null) qb.innerJoin(Senior, 's', 's.id = c.seniorId').andWhere('s.regionPath LIKE :path', { path: `${regionPath}%` });
    return qb
      .orderBy('c.id', status === 'open' ? 'ASC' : 'DESC')
      .take(limit)
      .getMany();
  }

  async close(em: EntityManager, id: number, version: number, patch: Partial<CareCheck>): Promise<boolean> {
    const r = await em
      .createQueryBuilder()
      .update(CareCheck)
      .set({ ...patch, status: 'closed', version: version + 1 })
      .where('id = :id AND version = :version AND status = :open', { id, version, open: 'open' })
      .execute();
    return r.affected === 1;
  }
}

/** Volunteers and their pairings with seniors. */
export class VolunteerRepository {
  constructor(private readonly db: Database) {}

  findById(id: number, em: EntityManager = this.db.manager): Promise<Volunteer | null> {
    return em.findOneBy(Volunteer, { id });
  }

  findByAccount(accountId: number): Promise<Volunteer | null> {
    return this.db.manager.findOneBy(Volunteer, { accountId, active: true });
  }

  findByIds(ids: number[]): Promise<Volunteer[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.db.manager.findBy(Volunteer, { id: In(ids) });
  }

  ofCentres(centreIds: number[]): Promise<Volunteer[]> {
    if (centreIds.length === 0) return Promise.resolve([]);
    return this.db.manager.find(Volunteer, { where: { centreId: In(centreIds) }, order: { id: 'ASC' } });
  }

  insert(em: EntityManager, row: Omit<Volunteer, 'id'>): Promise<Volunteer> {
    return em.save(Volunteer, em.create(Volunteer, row));
  }

  /** Locks the volunteer's row: one time-bank movement of theirs decided at a time. */
  async lock(em: EntityManager, id: number): Promise<void> {
    await em.query(`SELECT id FROM volunteer WHERE id = ?${this.db.forUpdate}`, [id]);
  }

  findPairing(em: EntityManager, volunteerId: number, seniorId: number): Promise<VolunteerPairing | null> {
    return em.findOneBy(VolunteerPairing, { volunteerId, seniorId });
  }

  savePairing(em: EntityManager, row: VolunteerPairing | Omit<VolunteerPairing, 'id'>): Promise<VolunteerPairing> {
    return em.save(VolunteerPairing, em.create(VolunteerPairing, row));
  }

  /** Live pairings of these seniors with active volunteers, oldest first. */
  async activePairingsOfSeniors(seniorIds: number[]): Promise<Array<{ pairing: VolunteerPairing; volunteer: Volunteer }>> {
    if (seniorIds.length === 0) return [];
    const pairings = await this.db.manager
      .createQueryBuilder(VolunteerPairing, 'p')
      .where('p.seniorId IN (:...seniorIds) AND p.endedAt IS NULL', { seniorIds })
      .orderBy('p.id', 'ASC')
      .getMany();
    const vols = new Map((await this.findByIds([...new Set(pairings.map((p) => p.volunteerId))])).map((v) => [v.id, v]));
    return pairings.flatMap((p) => {
      const v = vols.get(p.volunteerId);
      return v && v.active ? [{ pairing: p, volunteer: v }] : [];
    });
  }

  activePairingsOf(volunteerId: number): Promise<VolunteerPairing[]> {
    return this.db.manager
      .createQueryBuilder(VolunteerPairing, 'p')
      .where('p.volunteerId = :volunteerId AND p.endedAt IS NULL', { volunteerId })
      .orderBy('p.id', 'ASC')
      .getMany();
  }
}

/** The time bank's ledger. */
export class TimeBankRepository {
  constructor(private readonly db: Database) {}

  /** Adds an entry; with a `onceKey` already used (a visit credited before), adds nothing and answers false. */
  async insertOnce(em: EntityManager, row: Omit<TimeBankEntry, 'id'>): Promise<boolean> {
    if (row.onceKey !== null && (await em.findOneBy(TimeBankEntry, { onceKey: row.onceKey }))) return false;
    await em.insert(TimeBankEntry, row);
    return true;
  }

  /** Net minutes of a holder: credits and gifts in, less spends and gifts out. */
  async balance(em: EntityManager, holderKind: TimeBankEntry['holderKind'], holderId: number): Promise<number> {
    const rows: Array<{ kind: TimeBankEntry['kind']; m: string | number | null }> = await em
      .createQueryBuilder(TimeBankEntry, 't')
      .select('t.kind', 'kind')
      .addSelect('SUM(t.minutes)', 'm')
      .where('t.holderKind = :holderKind AND t.holderId = :holderId', { holderKind, holderId })
      .groupBy('t.kind')
      .getRawMany();
    let net = 0;
    for (const r of rows) net += (r.kind === 'credit' || r.kind === 'gift_in' ? 1 : -1) * Number(r.m ?? 0);
    return net;
  }

  history(holderKind: TimeBankEntry['holderKind'], holderId: number, from?: Date, to?: Date): Promise<TimeBankEntry[]> {
    const qb = this.db.manager.createQueryBuilder(TimeBankEntry, 't').where('t.holderKind = :holderKind AND t.holderId = :holderId', { holderKind, holderId });
    if (from) qb.andWhere('t.createdAt >= :from', { from });
    if (to) qb.andWhere('t.createdAt < :to', { to });
    return qb.orderBy('t.id', 'ASC').getMany();
  }

  /** Minutes credited to volunteers in a period, per the region path of the visit's senior. */
  async creditedMinutes(from: Date, to: Date, scope: ReportScope): Promise<Array<{ regionPath: string; minutes: number }>> {
    const q = this.db.manager
      .createQueryBuilder(TimeBankEntry, 't')
      .innerJoin(Visit, 'v', 'v.id = t.visitId')
      .select('v.regionPath', 'regionPath')
      .addSelect('SUM(t.minutes)', 'm')
      .where('t.kind = :credit AND t.createdAt >= :from AND t.createdAt < :to AND v.regionPath LIKE :path', {
        credit: 'credit',
        from,
        to,
        path: `${scope.regionPath}%`,
      });
    if (scope.centreId !== null) q.andWhere('v.centreId = :centreId', { centreId: scope.centreId });
    const rows: Array<{ regionPath: string; m: string | number }> = await q.groupBy('v.regionPath').getRawMany();
    return rows.map((r) => ({ regionPath: r.regionPath, minutes: Number(r.m) }));
  }
}
