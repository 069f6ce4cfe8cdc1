import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { DatabaseKind } from '../config';
import { EntityRows } from './entity-rows';
import { HealthProbe } from './health-probe';

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
export interface DatabaseOptions {
  /**
   * Fail loudly when a transaction's callback reaches outside it: `db.manager` used, or another `db.transaction`
   * opened, while one runs. Such a read or write takes a second pooled connection while the first holds its locks;
   * thirty of them waiting on one row lock took every connection and froze the whole API until MariaDB's lock wait
   * ran out (issue 20). The tests turn it on; production does not pay for the bookkeeping.
   */
  strictTransactions?: boolean;
}

/** Thrown (with strictTransactions) when code inside a transaction reaches the database outside it. */
export class OutsideTransactionError extends Error {
  constructor(what: string) {
    super(`${what} inside a running db.transaction callback: pass the callback's Tx (em) instead, or do it before or after the transaction`);
    this.name = 'OutsideTransactionError';
  }
}

export class Database {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly entityRows = new Map<EntityTarget<ObjectLiteral>, EntityRows<ObjectLiteral>>();
  /** With strictTransactions: the transaction the current async call chain runs inside, while it is open. */
  private readonly running: AsyncLocalStorage<{ open: boolean }> | null;
  private readonly probe: HealthProbe | null;

  constructor(
    readonly ds: DataSource,
    readonly kind: DatabaseKind,
    options: DatabaseOptions = {},
  ) {
    this.running = options.strictTransactions ? new AsyncLocalStorage() : null;
    const url = (ds.options as { url?: string }).url;
    this.probe = kind === 'mariadb' && url ? new HealthProbe(url) : null;
  }

  /** The manager outside any transaction (each query takes a pooled connection of its own). */
  get manager(): Tx {
    if (this.running?.getStore()?.open) throw new OutsideTransactionError('db.manager used');
    return this.ds.manager;
  }

  /** Plain-SQL helpers for an entity's hot paths (see EntityRows). */
  rows<T extends ObjectLiteral>(target: EntityTarget<T>): EntityRows<T> {
    let rows = this.entityRows.get(target);
    if (!rows) this.entityRows.set(target, (rows = new EntityRows(this.ds, target)));
    return rows as unknown as EntityRows<T>;
  }

  transaction<T>(work: (em: Tx) => Promise<T>): Promise<T> {
    return this.open(work);
  }

  /**
   * A transaction that decides money. On MariaDB it runs READ COMMITTED: every read sees what is committed now, not
   * a REPEATABLE READ snapshot taken before the row lock it waited for, and locking reads take no gap locks (two
   * refunds of two bookings inserted at once cannot deadlock on an empty index range). The caller locks the
   * booking's row first (BookingRepository.lockedFind), which orders every decision about one booking.
   */
  decide<T>(work: (em: Tx) => Promise<T>): Promise<T> {
    return this.open(work, 'READ COMMITTED');
  }

  private open<T>(work: (em: Tx) => Promise<T>, isolation?: 'READ COMMITTED'): Promise<T> {
    // A transaction inside a transaction takes a second connection while the first holds its locks (on SQLite it
    // would wait for itself in the queue below).
    if (this.running?.getStore()?.open) return Promise.reject(new OutsideTransactionError('db.transaction opened'));
    const guarded = this.guard(work);
    if (this.kind !== 'sqlite') return isolation ? this.ds.transaction(isolation, guarded) : this.ds.transaction(guarded);
    const run = this.tail.then(() => this.ds.transaction(guarded));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private guard<T>(work: (em: Tx) => Promise<T>): (em: Tx) => Promise<T> {
    const running = this.running;
    if (!running) return work;
    return (em) => {
      const marker = { open: true };
      // Work the callback started but did not await may outlive it: once it is over, that is no longer "inside".
      return running.run(marker, () => work(em)).finally(() => (marker.open = false));
    };
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

  /** Does the database answer? On MariaDB over a connection of its own, so a busy pool cannot make it look down. */
  async ping(): Promise<void> {
    if (this.probe) return this.probe.ping();
    await this.ds.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.probe?.close();
    await this.ds.destroy();
  }
}
