import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { DatabaseKind } from '../config';
import { EntityRows } from './entity-rows';

/**
 * A unit of work on the database: the transaction a service opened with `db.transaction(…)`, which it hands to
 * the repositories so that their reads and writes happen inside it. Services name this, never typeorm.
 */
export type Tx = EntityManager;

/**
 * The DataSource plus the one thing the two databases disagree on: transactions.
 *
 * better-sqlite3 has a single connection, so two overlapping TypeORM transactions do not isolate each other:
 * the second becomes a savepoint inside the first, and a rollback of one can undo the other's writes (STACK.md).
 * On SQLite we therefore run write transactions one at a time through an in-process queue. The embedded
 * database serves one process, so a process-local queue is enough; MariaDB gets real concurrent transactions.
 */
export class Database {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly entityRows = new Map<EntityTarget<ObjectLiteral>, EntityRows<ObjectLiteral>>();

  constructor(
    readonly ds: DataSource,
    readonly kind: DatabaseKind,
  ) {}

  get manager(): Tx {
    return this.ds.manager;
  }

  /** Plain-SQL helpers for an entity's hot paths (see EntityRows). */
  rows<T extends ObjectLiteral>(target: EntityTarget<T>): EntityRows<T> {
    let rows = this.entityRows.get(target);
    if (!rows) this.entityRows.set(target, (rows = new EntityRows(this.ds, target)));
    return rows as unknown as EntityRows<T>;
  }

  transaction<T>(work: (em: Tx) => Promise<T>): Promise<T> {
    if (this.kind !== 'sqlite') return this.ds.transaction(work);
    return this.queued(work);
  }

  /**
   * A transaction that decides money. On MariaDB it runs READ COMMITTED: every read sees what is committed now, not
   * a REPEATABLE READ snapshot taken before the row lock it waited for, and locking reads take no gap locks (two
   * refunds of two bookings inserted at once cannot deadlock on an empty index range). The caller locks the
   * booking's row first (BookingRepository.lockedFind), which orders every decision about one booking.
   */
  decide<T>(work: (em: Tx) => Promise<T>): Promise<T> {
    if (this.kind !== 'sqlite') return this.ds.transaction('READ COMMITTED', work);
    return this.queued(work);
  }

  private queued<T>(work: (em: Tx) => Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.ds.transaction(work));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** `FOR UPDATE` where the database has row locks; SQLite's queue already serialises writers. */
  get forUpdate(): string {
    return this.kind === 'sqlite' ? '' : ' FOR UPDATE';
  }

  isDuplicateKey(err: unknown): boolean {
    const e = err as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } };
    const code = e.driverError?.code ?? e.code;
    return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  /** The database gave up on a transaction to break a lock cycle (or waited too long): running it again is safe. */
  isDeadlock(err: unknown): boolean {
    const e = err as { code?: string; driverError?: { code?: string } };
    const code = e.driverError?.code ?? e.code;
    return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || code === 'SQLITE_BUSY';
  }

  /**
   * Runs work that is safe to repeat again when the database broke a lock cycle with it (up to `attempts` in all): batched
   * multi-row writes (an INSERT IGNORE of many keys beside an UPDATE of others) can meet in InnoDB's gap locks.
   */
  async retryingDeadlocks<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        if (attempt >= attempts || !this.isDeadlock(err)) throw err;
      }
    }
  }

  async ping(): Promise<void> {
    await this.ds.query('SELECT 1');
  }
}
