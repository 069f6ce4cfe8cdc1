import type { EntityManager } from 'typeorm';
import { Notice, NoticeDelivery, type DeliveryChannel, type NoticeAudience, type NoticeStatus } from '../../entities';
import type { Database } from '../db/database';
import { EntityRows } from '../db/entity-rows';

/** The audience, resolved to SQL: whom a notice reaches, as of a Shanghai day (for ages). */
export interface AudienceQuery {
  audience: NoticeAudience;
  /** The audience region's path ("/1/4/"): recipients live (seniors) or work (staff) inside it. */
  regionPath: string;
  /** Born on or before this day is old enough (today minus minAge years), when minAge is set. */
  bornBy?: string;
}

/** A delivery claimed for sending, with where it goes. */
export interface ClaimedDelivery {
  id: number;
  accountId: number;
  channel: DeliveryChannel;
  attempts: number;
  mpOpenid: string | null;
  miniOpenid: string | null;
}

export interface DeliveryCounts {
  channel: DeliveryChannel;
  status: NoticeDelivery['status'];
  n: number;
}

const PUSH_CHANNELS: DeliveryChannel[] = ['mp_template', 'mini_subscribe'];

/**
 * Notices and their deliveries. The fan-out and the audience count are single INSERT … SELECT / SELECT statements
 * over the accounts, so 100,000 recipients never pass through the server's memory; sending claims small batches.
 */
export class NoticeRepository {
  constructor(private readonly db: Database) {}

  private get sqlite(): boolean {
    return this.db.kind === 'sqlite';
  }

  /** A Date as this database stores an instant column (raw SQL bypasses TypeORM's conversion). */
  private instant(d: Date): unknown {
    const column = this.db.ds.getMetadata(NoticeDelivery).findColumnWithPropertyName('createdAt')!;
    return this.db.ds.driver.preparePersistentValue(d, column);
  }

  /** `,a,b,` LIKE '%,x,%' — one value of a simple-array column. */
  private has(column: string): string {
    return this.sqlite ? `(',' || ${column} || ',') LIKE ?` : `CONCAT(',', ${column}, ',') LIKE ?`;
  }

  save(notice: Omit<Notice, 'id'> & { id?: number }, em: EntityManager = this.db.manager): Promise<Notice> {
    return em.save(Notice, em.create(Notice, notice));
  }

  findById(id: number): Promise<Notice | null> {
    return this.db.manager.findOneBy(Notice, { id });
  }

  /** Newest first; the caller keeps those inside the administrator's region. */
  recent(limit: number): Promise<Notice[]> {
    return this.db.manager.find(Notice, { order: { id: 'DESC' }, take: limit });
  }

  /** Notices whose time has come (through idx_notice_status_scheduled). */
  dueForFanOut(now: Date, limit = 20): Promise<Notice[]> {
    return this.db.manager
      .createQueryBuilder(Notice, 'n')
      .where('n.status = :status AND n.scheduledAt <= :now', { status: 'scheduled', now })
      .orderBy('n.scheduledAt', 'ASC')
      .take(limit)
      .getMany();
  }

  withStatus(status: NoticeStatus): Promise<Notice[]> {
    return this.db.manager.find(Notice, { where: { status }, order: { id: 'ASC' } });
  }

  /** Moves a notice on only from the state it was read in: of two instances (or a cancel) only one wins. */
  async transition(id: number, from: NoticeStatus[], to: NoticeStatus, sentAt?: Date): Promise<boolean> {
    const r = await this.db.manager
      .createQueryBuilder()
      .update(Notice)
      .set(sentAt ? { status: to, sentAt } : { status: to })
      .where('id = :id AND status IN (:...from)', { id, from })
      .execute();
    return r.affected === 1;
  }

  /** Every account the audience reaches, once: `SELECT a.id AS accountId, a.mpOpenid, a.miniOpenid …`. */
  private recipients(q: AudienceQuery): { sql: string; params: unknown[] } {
    const parts: string[] = [];
    const params: unknown[] = [];
    const seniorFilter = (alias: string): string => {
      const where = [`${alias}.active = 1`, `${alias}.regionPath LIKE ?`];
      params.push(`${q.regionPath}%`);
      if (q.bornBy) {
        where.push(`${alias}.birthDate <= ?`);
        params.push(q.bornBy);
      }
      const cats = q.audience.categories ?? [];
      if (cats.length > 0) {
        where.push(`(${cats.map(() => this.has(`${alias}.categories`)).join(' OR ')})`);
        params.push(...cats.map((c) => `%,${c},%`));
      }
      return where.join(' AND ');
    };
    const account = (role: string) => {
      params.push(`%,${role},%`);
      return `a.active = 1 AND ${this.has('a.roles')}`;
    };
    if (q.audience.roles.includes('senior')) {
      const who = account('senior');
      parts.push(
        `SELECT a.id AS accountId, a.mpOpenid AS mpOpenid, a.miniOpenid AS miniOpenid FROM account a JOIN senior s ON s.id = a.seniorId WHERE ${who} AND ${seniorFilter('s')}`,
      );
    }
    if (q.audience.roles.includes('family')) {
      const who = account('family');
      parts.push(
        `SELECT a.id AS accountId, a.mpOpenid AS mpOpenid, a.miniOpenid AS miniOpenid FROM account a WHERE ${who} AND EXISTS (` +
          `SELECT 1 FROM family_link l JOIN senior s ON s.id = l.seniorId WHERE l.familyAccountId = a.id AND l.revokedAt IS NULL AND ${seniorFilter('s')})`,
      );
    }
    if (q.audience.roles.includes('staff')) {
      const who = account('staff');
      params.push(`${q.regionPath}%`);
      parts.push(
        `SELECT a.id AS accountId, a.mpOpenid AS mpOpenid, a.miniOpenid AS miniOpenid FROM account a JOIN centre c ON c.id = a.centreId WHERE ${who} AND c.regionPath LIKE ?`,
      );
    }
    if (parts.length === 0) return { sql: 'SELECT 0 AS accountId, NULL AS mpOpenid, NULL AS miniOpenid WHERE 1 = 0', params: [] };
    // UNION (not UNION ALL): a staff member who is also someone's daughter is one recipient.
    return { sql: parts.join(' UNION '), params };
  }

  /** How many people the audience reaches, and how many of them WeChat can reach (preview before sending). */
  async countAudience(q: AudienceQuery): Promise<{ recipients: number; byWechat: number; inboxOnly: number }> {
    const { sql, params } = this.recipients(q);
    const [row]: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT COUNT(*) AS n, SUM(CASE WHEN r.mpOpenid IS NOT NULL OR r.miniOpenid IS NOT NULL THEN 1 ELSE 0 END) AS w FROM (${sql}) r`,
      params,
    );
    const recipients = Number(row?.n ?? 0);
    const byWechat = Number(row?.w ?? 0);
    return { recipients, byWechat, inboxOnly: recipients - byWechat };
  }

  /**
   * One delivery row per recipient and channel: the mini-program inbox (at once 'sent': it is there to read) and
   * one push — the public-account template where they follow it, else a mini-program subscribe message. The
   * unique key makes a rerun (another instance, a restart) create nothing new.
   */
  async fanOut(noticeId: number, q: AudienceQuery, now: Date): Promise<void> {
    const { sql, params } = this.recipients(q);
    const at = this.instant(now);
    const ignore = this.sqlite ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
    const cols = '(noticeId, accountId, channel, status, attempts, nextAttemptAt, errcode, lastError, sentAt, readAt, createdAt)';
    await this.db.retryingDeadlocks(() =>
      this.db.manager.query(`${ignore} INTO notice_delivery ${cols} SELECT ?, r.accountId, 'inbox', 'sent', 0, ?, NULL, '', ?, NULL, ? FROM (${sql}) r`, [
        noticeId,
        at,
        at,
        at,
        ...params,
      ]),
    );
    await this.db.retryingDeadlocks(() =>
      this.db.manager.query(
        `${ignore} INTO notice_delivery ${cols} SELECT ?, r.accountId, CASE WHEN r.mpOpenid IS NOT NULL THEN 'mp_template' ELSE 'mini_subscribe' END, ` +
          `'pending', 0, ?, NULL, '', NULL, NULL, ? FROM (${sql}) r WHERE r.mpOpenid IS NOT NULL OR r.miniOpenid IS NOT NULL`,
        [noticeId, at, at, ...params],
      ),
    );
  }

  /**
   * Claims up to `limit` pushes of a notice that are due: pending ones, and ones claimed before whose lease ran
   * out (the sender died). A claim leases the row until `leaseUntil` and counts an attempt. On MariaDB rows are
   * taken with FOR UPDATE SKIP LOCKED, so instances sending the same notice never take the same row; on SQLite
   * the one process's write queue already makes the claim exclusive.
   */
  async claim(noticeId: number, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
    const ids = await this.db.transaction(async (em) => {
      const found: Array<{ id: number }> = await em.query(
        `SELECT id FROM notice_delivery WHERE noticeId = ? AND status IN ('pending', 'sending') AND nextAttemptAt <= ? LIMIT ?${this.sqlite ? '' : ' FOR UPDATE SKIP LOCKED'}`,
        [noticeId, this.instant(now), limit],
      );
      const picked = found.map((r) => Number(r.id));
      if (picked.length > 0) {
        await em.query(
          `UPDATE notice_delivery SET status = 'sending', attempts = attempts + 1, nextAttemptAt = ? WHERE id IN (${EntityRows.marks(picked.length)})`,
          [this.instant(leaseUntil), ...picked],
        );
      }
      return picked;
    });
    if (ids.length === 0) return [];
    const rows: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT d.id, d.accountId, d.channel, d.attempts, a.mpOpenid, a.miniOpenid FROM notice_delivery d JOIN account a ON a.id = d.accountId WHERE d.id IN (${EntityRows.marks(ids.length)})`,
      ids,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      accountId: Number(r.accountId),
      channel: r.channel as DeliveryChannel,
      attempts: Number(r.attempts),
      mpOpenid: (r.mpOpenid as string | null) ?? null,
      miniOpenid: (r.miniOpenid as string | null) ?? null,
    }));
  }

  async markSent(ids: number[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.manager.query(
      `UPDATE notice_delivery SET status = 'sent', sentAt = ?, errcode = NULL, lastError = '' WHERE id IN (${EntityRows.marks(ids.length)}) AND status = 'sending'`,
      [this.instant(at), ...ids],
    );
  }

  async markFailed(ids: number[], errcode: number, error: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.manager.query(
      `UPDATE notice_delivery SET status = 'failed', errcode = ?, lastError = ? WHERE id IN (${EntityRows.marks(ids.length)}) AND status = 'sending'`,
      [errcode, error.slice(0, 200), ...ids],
    );
  }

  /** Back in the queue after a transient error, not before `at`. */
  async retryAt(ids: number[], at: Date, errcode: number, error: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.manager.query(
      `UPDATE notice_delivery SET status = 'pending', nextAttemptAt = ?, errcode = ?, lastError = ? WHERE id IN (${EntityRows.marks(ids.length)}) AND status = 'sending'`,
      [this.instant(at), errcode, error.slice(0, 200), ...ids],
    );
  }

  async counts(noticeId: number): Promise<DeliveryCounts[]> {
    const rows: Array<Record<string, unknown>> = await this.db.manager.query(
      'SELECT channel, status, COUNT(*) AS n FROM notice_delivery WHERE noticeId = ? GROUP BY channel, status',
      [noticeId],
    );
    return rows.map((r) => ({ channel: r.channel as DeliveryChannel, status: r.status as NoticeDelivery['status'], n: Number(r.n) }));
  }

  /** Pushes still waiting or in flight (0 means the notice is done). */
  async unfinished(noticeId: number): Promise<number> {
    const [row]: Array<Record<string, unknown>> = await this.db.manager.query(
      `SELECT COUNT(*) AS n FROM notice_delivery WHERE noticeId = ? AND status IN ('pending', 'sending') AND channel IN (${EntityRows.marks(PUSH_CHANNELS.length)})`,
      [noticeId, ...PUSH_CHANNELS],
    );
    return Number(row?.n ?? 0);
  }

  /** When the fan-out happened and when the last push went out (for the sending rate). */
  async span(noticeId: number): Promise<{ startedAt: Date | null; lastSentAt: Date | null }> {
    const [row]: Array<Record<string, unknown>> = await this.db.manager.query(
      "SELECT MIN(createdAt) AS s, MAX(CASE WHEN channel <> 'inbox' THEN sentAt END) AS l FROM notice_delivery WHERE noticeId = ?",
      [noticeId],
    );
    const column = this.db.ds.getMetadata(NoticeDelivery).findColumnWithPropertyName('createdAt')!;
    const read = (v: unknown) => (v === null || v === undefined ? null : (this.db.ds.driver.prepareHydratedValue(v, column) as Date));
    return { startedAt: read(row?.s), lastSentAt: read(row?.l) };
  }

  /** A person's notices in the mini-program, newest first, with whether they have read each. */
  async inboxOf(accountId: number, limit: number, offset: number): Promise<Array<{ notice: Notice; readAt: Date | null }>> {
    const deliveries = await this.db.manager
      .createQueryBuilder(NoticeDelivery, 'd')
      .where('d.accountId = :accountId AND d.channel = :channel', { accountId, channel: 'inbox' })
      .orderBy('d.id', 'DESC')
      .skip(offset)
      .take(limit)
      .getMany();
    if (deliveries.length === 0) return [];
    const notices = new Map(
      (
        await this.db.rows(Notice).findIn(
          this.db.manager,
          'id',
          deliveries.map((d) => d.noticeId),
        )
      ).map((n) => [n.id, n]),
    );
    return deliveries.map((d) => ({ notice: notices.get(d.noticeId)!, readAt: d.readAt })).filter((x) => x.notice && x.notice.status !== 'cancelled');
  }

  async inboxDelivery(accountId: number, noticeId: number): Promise<NoticeDelivery | null> {
    return this.db.manager.findOneBy(NoticeDelivery, { accountId, noticeId, channel: 'inbox' });
  }

  async markRead(deliveryId: number, at: Date): Promise<void> {
    await this.db.manager.createQueryBuilder().update(NoticeDelivery).set({ readAt: at }).where('id = :id AND readAt IS NULL', { id: deliveryId }).execute();
  }

  /** How many people have read a notice (read receipts for the administrator). */
  async readCount(noticeId: number): Promise<number> {
    return this.db.manager
      .createQueryBuilder(NoticeDelivery, 'd')
      .where("d.noticeId = :noticeId AND d.channel = 'inbox' AND d.readAt IS NOT NULL", { noticeId })
      .getCount();
  }
}
