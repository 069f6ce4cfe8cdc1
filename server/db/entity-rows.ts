import type { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/** Column types both drivers already return as the JavaScript value the entity holds (int → number, text). */
const AS_IS = new Set(['int', 'integer', 'varchar', 'simple-enum']);

/** See EntityRows.picker. */
export interface Picker<T, K extends keyof T> {
  columns: string;
  read: (raw: Record<string, unknown>) => Pick<T, K>;
}

/**
 * Plain SQL for one entity's hot paths, with TypeORM's own column conversions.
 *
 * TypeORM's query builders are general (aliases, relations, named parameters) and it shows: in bench:booking,
 * building queries and turning rows into entities took more of the API's CPU than the database did. The few
 * lookups and inserts every booking request makes go through this instead: SQL written once per entity with
 * positional parameters, and values converted by the driver's own `preparePersistentValue` /
 * `prepareHydratedValue` (dates, booleans, simple-json, enums), so rows mean exactly what the entities say on
 * both MariaDB and SQLite. Only flat entities (no embedded columns, no relations), which is all of ours.
 */
export class EntityRows<T extends ObjectLiteral> {
  private readonly meta: EntityMetadata;
  private readonly columns: ColumnMetadata[];
  private readonly insertable: ColumnMetadata[];
  /** Per column: how a raw value becomes the property's value (identity where the driver already gives it). */
  private readonly readers: Array<{ column: string; property: string; read: (v: unknown) => unknown }>;
  private readonly proto: object;
  readonly table: string;
  /** `SELECT <every column> FROM <table>`; append a WHERE clause with `?` parameters. */
  readonly select: string;

  constructor(
    private readonly ds: DataSource,
    target: EntityTarget<T>,
  ) {
    this.meta = ds.getMetadata(target);
    this.columns = this.meta.columns.filter((c) => !c.isVirtual);
    if (this.columns.some((c) => c.embeddedMetadata)) throw new Error(`${this.meta.name}: embedded columns are not supported`);
    this.insertable = this.columns.filter((c) => !c.isGenerated);
    this.table = this.q(this.meta.tableName);
    this.proto = (this.meta.target as { prototype: object }).prototype;
    this.readers = this.columns.map((c) => ({
      column: c.databaseName,
      property: c.propertyName,
      read: AS_IS.has(c.type as string) && !c.transformer ? (v: unknown) => v : (v: unknown) => ds.driver.prepareHydratedValue(v, c),
    }));
    this.select = `SELECT ${this.columns.map((c) => this.q(c.databaseName)).join(', ')} FROM ${this.table}`;
  }

  /** Quotes an identifier for this database. */
  q(name: string): string {
    return this.ds.driver.escape(name);
  }

  /** `?, ?, ?` for n parameters. */
  static marks(n: number): string {
    return n > 0 ? `${'?, '.repeat(n - 1)}?` : '';
  }

  /** Runs `SELECT … FROM table <rest>` and returns entities. */
  async find(em: EntityManager, rest: string, params: unknown[]): Promise<T[]> {
    const raw: Array<Record<string, unknown>> = await em.query(`${this.select} ${rest}`, params);
    return raw.map((r) => this.hydrate(r));
  }

  /** Entities by a column's values (usually ids), in one `IN (…)` query. */
  findIn(em: EntityManager, column: string, values: readonly unknown[], rest = ''): Promise<T[]> {
    if (values.length === 0) return Promise.resolve([]);
    return this.find(em, `WHERE ${this.q(column)} IN (${EntityRows.marks(values.length)}) ${rest}`, [...values]);
  }

  /**
   * Every column of `alias` as `<prefix><column>`, for a SELECT that joins several entities' tables (read the
   * rows back with `hydrate(raw, prefix)`).
   */
  columnsAs(alias: string, prefix: string): string {
    return this.columns.map((c) => `${alias}.${this.q(c.databaseName)} AS ${this.q(prefix + c.databaseName)}`).join(', ');
  }

  /**
   * A raw row (column names as in the database, after `prefix` when the row was selected with `columnsAs`) as an
   * entity; columns missing from the row stay unset.
   */
  hydrate(raw: Record<string, unknown>, prefix = ''): T {
    const entity = Object.create(this.proto) as Record<string, unknown>;
    for (const r of this.readers) {
      const v = raw[prefix === '' ? r.column : prefix + r.column];
      if (v !== undefined) entity[r.property] = v === null ? null : r.read(v);
    }
    return entity as T;
  }

  /**
   * A narrow SELECT of some properties: `columns` to select, and `read` to convert each row's values, as `hydrate`
   * would, into a plain object, without looking at every column of the entity for each row.
   */
  picker<K extends keyof T & string>(properties: readonly K[]): Picker<T, K> {
    const readers = properties.map((p) => {
      const r = this.readers.find((x) => x.property === p);
      if (!r) throw new Error(`${this.meta.name}.${p} is not a column`);
      return r;
    });
    return {
      columns: readers.map((r) => this.q(r.column)).join(', '),
      read: (raw) => {
        const picked: Record<string, unknown> = {};
        for (const r of readers) {
          const v = raw[r.column];
          picked[r.property] = v === null || v === undefined ? null : r.read(v);
        }
        return picked as Pick<T, K>;
      },
    };
  }

  /**
   * Inserts rows in one multi-row INSERT. Every non-generated column must be present (null where nullable).
   * `ignore`: rows that collide with a unique key are left out (the row there is kept) instead of failing all.
   */
  async insertMany(em: EntityManager, rows: ReadonlyArray<Omit<T, 'id'>>, onDuplicate: 'fail' | 'ignore' = 'fail'): Promise<void> {
    if (rows.length === 0) return;
    const { sql, params } = this.insertValues(rows);
    await em.query(`INSERT ${onDuplicate === 'fail' ? '' : this.sqlite ? 'OR IGNORE ' : 'IGNORE '}INTO ${sql}`, params);
  }

  private get sqlite(): boolean {
    return this.ds.driver.options.type === 'better-sqlite3';
  }

  private column(property: string): ColumnMetadata {
    const c = this.columns.find((x) => x.propertyName === property);
    if (!c) throw new Error(`${this.meta.name}.${property} is not a column`);
    return c;
  }

  private insertValues(rows: ReadonlyArray<Omit<T, 'id'>>): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    for (const row of rows) {
      for (const c of this.insertable) {
        const v = (row as Record<string, unknown>)[c.propertyName];
        if (v === undefined) throw new Error(`${this.meta.name}.${c.propertyName} missing from insert`);
        params.push(this.ds.driver.preparePersistentValue(v, c));
      }
    }
    const cols = this.insertable.map((c) => this.q(c.databaseName)).join(', ');
    const tuple = `(${EntityRows.marks(this.insertable.length)})`;
    return { sql: `${this.table} (${cols}) VALUES ${rows.map(() => tuple).join(', ')}`, params };
  }

  /**
   * Inserts rows in one multi-row INSERT … RETURNING and gives back `returning` of each row inserted (MariaDB 10.5+
   * and SQLite 3.35+ both have it; both leave rows ignored for a unique key out). One round trip where reading back
   * generated ids would take a second one.
   */
  async insertReturning<K extends keyof T & string>(
    em: EntityManager,
    rows: ReadonlyArray<Omit<T, 'id'>>,
    returning: readonly K[],
    onDuplicate: 'fail' | 'ignore' = 'fail',
  ): Promise<Array<Pick<T, K>>> {
    if (rows.length === 0) return [];
    const { sql, params } = this.insertValues(rows);
    const back = this.picker(returning);
    const ignore = onDuplicate === 'fail' ? '' : this.sqlite ? 'OR IGNORE ' : 'IGNORE ';
    const raw: Array<Record<string, unknown>> = await em.query(`INSERT ${ignore}INTO ${sql} RETURNING ${back.columns}`, params);
    return raw.map(back.read);
  }

  /** Inserts the rows that do not collide with a unique key and returns `returning` of those inserted. */
  async insertIgnoring<K extends keyof T & string>(em: EntityManager, rows: ReadonlyArray<Omit<T, 'id'>>, returning: K): Promise<Array<T[K]>> {
    return (await this.insertReturning(em, rows, [returning], 'ignore')).map((r) => r[returning]);
  }

  /** Inserts rows, or where `key` already exists updates every other column (last row wins within a batch). */
  async upsertMany(em: EntityManager, rows: ReadonlyArray<Omit<T, 'id'>>, key: keyof T & string): Promise<void> {
    if (rows.length === 0) return;
    const { sql, params } = this.insertValues(rows);
    const k = this.column(key).databaseName;
    const others = this.insertable.filter((c) => c.databaseName !== k).map((c) => this.q(c.databaseName));
    const update = this.sqlite
      ? `ON CONFLICT(${this.q(k)}) DO UPDATE SET ${others.map((c) => `${c} = excluded.${c}`).join(', ')}`
      : `ON DUPLICATE KEY UPDATE ${others.map((c) => `${c} = VALUES(${c})`).join(', ')}`;
    await em.query(`INSERT INTO ${sql} ${update}`, params);
  }

  /** Sets `properties` on each row found by `key`, all in one UPDATE (one CASE per column). */
  async updateMany(em: EntityManager, key: keyof T & string, properties: ReadonlyArray<keyof T & string>, rows: ReadonlyArray<Partial<T>>): Promise<void> {
    if (rows.length === 0) return;
    const k = this.column(key);
    const params: unknown[] = [];
    const sets = properties.map((p) => {
      const c = this.column(p);
      const whens = rows.map((r) => {
        params.push(this.ds.driver.preparePersistentValue(r[key], k), this.ds.driver.preparePersistentValue(r[p] ?? null, c));
        return 'WHEN ? THEN ?';
      });
      return `${this.q(c.databaseName)} = CASE ${this.q(k.databaseName)} ${whens.join(' ')} END`;
    });
    for (const r of rows) params.push(this.ds.driver.preparePersistentValue(r[key], k));
    await em.query(`UPDATE ${this.table} SET ${sets.join(', ')} WHERE ${this.q(k.databaseName)} IN (${EntityRows.marks(rows.length)})`, params);
  }
}
