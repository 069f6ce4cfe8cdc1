import { createConnection, type Connection } from 'mysql2/promise';

/** How long /healthz waits for the database before it says it is not answering. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * /healthz's own connection to MariaDB, outside the pool. When every pooled connection is busy (a burst, or a
 * transaction waiting on a lock), a ping through the pool would wait in line behind them and the load balancer
 * would take a working instance out; this one connection answers whether the database does. Opened on first use,
 * dropped after any failure and opened again on the next check.
 */
export class HealthProbe {
  private conn: Promise<Connection> | null = null;

  constructor(private readonly url: string) {}

  async ping(): Promise<void> {
    this.conn ??= createConnection({ uri: this.url, connectTimeout: PROBE_TIMEOUT_MS });
    const conn = this.conn;
    try {
      await (await conn).query({ sql: 'SELECT 1', timeout: PROBE_TIMEOUT_MS });
    } catch (err) {
      if (this.conn === conn) this.conn = null;
      void conn.then((c) => c.destroy()).catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = null;
    if (conn) await conn.then((c) => c.end()).catch(() => undefined);
  }
}
