import type { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/** Column types both drivers already return as the JavaScript value the entity holds (int → number, text). */
const AS_IS = new Set(['int', 'integer', 'varchar', 'simple-enum']);

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
    return Array.from({ length: n }, () => '?').join(', ');
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

  /** A raw row (column names as in the database) as an entity; columns missing from the row stay unset. */
  hydrate(raw: Record<string, unknown>): T {
    const entity = Object.create(this.proto) as Record<string, unknown>;
    for (const r of this.readers) {
      const v = raw[r.column];
      if (v !== undefined) entity[r.property] = v === null ? null : r.read(v);
    }
    return entity as T;
  }

  /** Inserts rows in one multi-row INSERT. Every non-generated column must be present (null where nullable). */
  async insertMany(em: EntityManager, rows: ReadonlyArray<Omit<T, 'id'>>): Promise<void> {
    if (rows.length === 0) return;
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
    await em.query(`INSERT INTO ${this.table} (${cols}) VALUES ${rows.map(() => tuple).join(', ')}`, params);
  }
}
