import { In, type EntityManager } from 'typeorm';
import { Account, Booking, Centre, Reminder, Slot, type ReminderKind } from '../../entities';
import type { Database } from '../db/database';

export interface PlannedReminder {
  bookingId: number;
  accountId: number;
  kind: ReminderKind;
  dueAt: Date;
}

/** The questions reminders ask of the database. Due rows are always found through idx_reminder_due (status, dueAt). */
export class ReminderRepository {
  constructor(private readonly db: Database) {}

  /** Adds the rows not planned yet: the unique (bookingId, accountId, kind) makes planning twice a no-op. */
  async plan(em: EntityManager, rows: PlannedReminder[], now: Date): Promise<void> {
    if (rows.length === 0) return;
    await em
      .createQueryBuilder()
      .insert()
      .into(Reminder)
      .values(
        rows.map((r) => ({ ...r, status: 'pending' as const, attempts: 0, lastError: '', sentAt: null, claimToken: null, claimedAt: null, createdAt: now })),
      )
      .orIgnore()
      .execute();
  }

  /**
   * A booking left the state these reminders were for: they are not sent. A row already claimed counts too, as long
   * as its sender has not started sending (attempts = 0); one being sent right now is left to finish and say so.
   */
  async cancelForBooking(em: EntityManager, bookingId: number, kinds: readonly ReminderKind[]): Promise<number> {
    const r = await em
      .createQueryBuilder()
      .update(Reminder)
      .set({ status: 'cancelled', claimToken: null })
      .where('bookingId = :bookingId AND kind IN (:...kinds)', { bookingId, kinds })
      .andWhere("(status = 'pending' OR (status = 'sending' AND attempts = 0))")
      .execute();
    return r.affected ?? 0;
  }

  /** Ids of pending reminders due at `now`, earliest first: a range scan of idx_reminder_due, whatever the history. */
  async findDue(now: Date, limit: number, em: EntityManager = this.db.manager): Promise<number[]> {
    const rows = await this.dueQuery(em, now, limit).getRawMany<{ id: number }>();
    return rows.map((r) => Number(r.id));
  }

  /** The SQL of `findDue`, for EXPLAIN in the benchmark. */
  dueSql(now: Date, limit: number): [string, unknown[]] {
    return this.dueQuery(this.db.manager, now, limit).getQueryAndParameters();
  }

  private dueQuery(em: EntityManager, now: Date, limit: number) {
    return em
      .createQueryBuilder(Reminder, 'r')
      .select('r.id', 'id')
      .where("r.status = 'pending' AND r.dueAt <= :now", { now })
      .orderBy('r.dueAt', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(limit);
  }

  /**
   * Claims up to `limit` due reminders for one sender: pending → sending with its token. On MariaDB the candidates
   * are locked with SKIP LOCKED, so concurrent instances take different rows instead of queueing on the same
   * ones; on both databases the flip is conditional on `pending`, so a row is only ever claimed once.
   */
  async claimDue(now: Date, limit: number, token: string): Promise<Reminder[]> {
    const ids = await this.db.transaction(async (em) => {
      const qb = this.dueQuery(em, now, limit);
      if (this.db.kind !== 'sqlite') qb.setLock('pessimistic_write').setOnLocked('skip_locked');
      const candidates = (await qb.getRawMany<{ id: number }>()).map((r) => Number(r.id));
      if (candidates.length === 0) return [];
      await em
        .createQueryBuilder()
        .update(Reminder)
        .set({ status: 'sending', claimToken: token, claimedAt: now })
        .where("id IN (:...ids) AND status = 'pending'", { ids: candidates })
        .execute();
      return candidates;
    });
    if (ids.length === 0) return [];
    return this.db.manager.find(Reminder, { where: { id: In(ids), claimToken: token, status: 'sending' }, order: { dueAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Claims older than `before` whose sender went away (a crash, a kill). Those that never began sending
   * (attempts = 0) are certainly unsent and go back to pending; those that began may or may not have reached
   * WeChat, and are marked failed rather than risk a second copy (reminders are at-most-once).
   */
  async settleStaleClaims(before: Date): Promise<{ requeued: number; failed: number }> {
    return this.db.transaction(async (em) => {
      const stale = "status = 'sending' AND claimedAt < :before";
      const requeued = await em
        .createQueryBuilder()
        .update(Reminder)
        .set({ status: 'pending', claimToken: null, claimedAt: null })
        .where(`${stale} AND attempts = 0`, { before })
        .execute();
      const failed = await em
        .createQueryBuilder()
        .update(Reminder)
        .set({ status: 'failed', claimToken: null, lastError: 'interrupted while sending; not resent' })
        .where(`${stale} AND attempts > 0`, { before })
        .execute();
      return { requeued: requeued.affected ?? 0, failed: failed.affected ?? 0 };
    });
  }

  /** The last step before WeChat is called: still ours, still sending (not cancelled meanwhile). */
  async beginSend(id: number, token: string): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const r = await em
        .createQueryBuilder()
        .update(Reminder)
        .set({ attempts: () => 'attempts + 1' })
        .where("id = :id AND claimToken = :token AND status = 'sending'", { id, token })
        .execute();
      return r.affected === 1;
    });
  }

  /** Records what became of a claimed reminder; only the claim's owner can. */
  async settle(id: number, token: string, patch: { status: 'sent' | 'failed' | 'cancelled'; sentAt?: Date; lastError?: string }): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const r = await em
        .createQueryBuilder()
        .update(Reminder)
        .set({ ...patch, ...(patch.lastError !== undefined ? { lastError: patch.lastError.slice(0, 200) } : {}) })
        .where("id = :id AND claimToken = :token AND status = 'sending'", { id, token })
        .execute();
      return r.affected === 1;
    });
  }

  /** A booking's status as committed now (the send-time re-check; a plain read, so it never waits on a lock). */
  async bookingStatus(bookingId: number): Promise<Booking['status'] | null> {
    const row = await this.db.manager
      .createQueryBuilder(Booking, 'b')
      .select('b.status', 'status')
      .where('b.id = :bookingId', { bookingId })
      .getRawOne<{ status: Booking['status'] }>();
    return row?.status ?? null;
  }

  /** The senior's own account, if they have one (their family come from FamilyLinkRepository.familyOf). */
  seniorAccount(em: EntityManager, seniorId: number): Promise<Account | null> {
    return em.findOneBy(Account, { seniorId, active: true });
  }

  /** A booking's slot, read through the moving transaction's connection (its start decides the reminders' times). */
  slotOf(em: EntityManager, slotId: number): Promise<Slot> {
    return em.findOneByOrFail(Slot, { id: slotId });
  }

  findForBooking(bookingId: number): Promise<Reminder[]> {
    return this.db.manager.find(Reminder, { where: { bookingId }, order: { id: 'ASC' } });
  }

  /** What a batch of reminders is about, in four queries whatever the batch size. */
  async contextOf(
    bookingIds: number[],
    accountIds: number[],
  ): Promise<{ bookings: Map<number, Booking>; slots: Map<number, Slot>; centres: Map<number, Centre>; accounts: Map<number, Account> }> {
    const em = this.db.manager;
    const bookings = bookingIds.length ? await em.findBy(Booking, { id: In(bookingIds) }) : [];
    const [slots, centres, accounts] = await Promise.all([
      bookings.length ? em.findBy(Slot, { id: In([...new Set(bookings.map((b) => b.slotId))]) }) : [],
      bookings.length ? em.findBy(Centre, { id: In([...new Set(bookings.map((b) => b.centreId))]) }) : [],
      accountIds.length ? em.findBy(Account, { id: In(accountIds) }) : [],
    ]);
    const byId = <T extends { id: number }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
    return { bookings: byId(bookings), slots: byId(slots), centres: byId(centres), accounts: byId(accounts) };
  }
}
