/**
 * One small synchronous SQL interface over both stores: the part of better-sqlite3's API that
 * the run store and the tune storage use (prepare → run/get/all, exec, transaction(fn).immediate(),
 * open, close). better-sqlite3's Database has it as is; PgSqlDb gives it over PostgreSQL.
 *
 * PgSqlDb translates the SQLite dialect the stores write, and nothing more:
 *   - `?` placeholders become $1, $2, …; `@name` placeholders become one $k per name;
 *   - `LIMIT ?` with SQLite's -1 ("no limit") becomes LIMIT NULLIF($k, -1) (PostgreSQL: NULL = all);
 *   - transaction(fn).immediate() is BEGIN, a transaction-scoped advisory lock (one key per
 *     store kind, so writers queue as on SQLite's IMMEDIATE transactions), fn, COMMIT — or
 *     ROLLBACK when fn throws; transaction(fn)() is the same without the advisory lock (for
 *     callers that lock the rows they change with SELECT … FOR UPDATE). A nested transaction is
 *     a SAVEPOINT.
 * Tables on PostgreSQL are made by their own DDL (store-pg.ts, tune/storage/pg.ts), with the
 * same table and column names, so the queries themselves are shared.
 *
 * Versioned migrations (migrate()): the table gradlab_schema(component, version) holds each
 * component's schema version; migrations run in order inside one locked transaction, and a
 * database whose version is newer than the code is refused with SchemaNewerError.
 */
import { SyncPg, type PgParam, type PgRow } from './pg-sync.js';

export interface SqlRunResult {
  changes: number;
}

export interface SqlStatement {
  run(...args: unknown[]): SqlRunResult;
  get(...args: unknown[]): unknown;
  all(...args: unknown[]): unknown[];
  /** Rows one at a time (better-sqlite3 streams them; PostgreSQL here reads them all first). */
  iterate(...args: unknown[]): IterableIterator<unknown>;
}

export interface SqlTransaction<T> {
  (): T;
  immediate(): T;
}

export interface SqlDb {
  prepare(sql: string): SqlStatement;
  exec(sql: string): unknown;
  transaction<T>(fn: () => T): SqlTransaction<T>;
  readonly open: boolean;
  close(): unknown;
}

export class SchemaNewerError extends Error {
  constructor(readonly where: string, readonly component: string, readonly found: number, readonly known: number) {
    super(`${where}: the ${component} schema is version ${found}, newer than this gradlab understands (${known}); upgrade gradlab on this machine to use this database`);
    this.name = 'SchemaNewerError';
  }
}

/** Advisory lock keys: one per store kind (any 64-bit integer works; these spell "gl" + kind). */
export const LOCK_KEYS = { runs: 0x676c0001, tune: 0x676c0002 } as const;

interface Translated {
  text: string;
  /** Positional: the i-th ? takes args[i]; named: the k-th $ takes obj[names[k]]. */
  names: string[] | null;
  count: number;
}

/** SQLite placeholders → PostgreSQL's, skipping quoted text. */
export function translateSql(sql: string): Translated {
  let out = '';
  let n = 0;
  const names: string[] = [];
  let named = false;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      n++;
      out += /LIMIT\s*$/i.test(out) ? `NULLIF($${n}::bigint, -1)` : `$${n}`;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))!;
      named = true;
      let k = names.indexOf(m[0]);
      if (k < 0) k = names.push(m[0]) - 1;
      out += `$${k + 1}`;
      i += m[0].length;
    } else {
      out += c;
    }
  }
  if (named && n > 0) throw new Error(`SQL mixes ? and @name placeholders: ${sql}`);
  return { text: out, names: named ? names : null, count: named ? names.length : n };
}

function toParam(v: unknown, sql: string): PgParam {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v instanceof Uint8Array) return v;
  if (typeof v === 'bigint') return Number(v);
  throw new TypeError(`cannot bind ${typeof v} ${JSON.stringify(v)} to a parameter of: ${sql}`);
}

class PgStatement implements SqlStatement {
  private readonly t: Translated;
  constructor(private readonly db: PgSqlDb, private readonly sql: string) {
    this.t = translateSql(sql);
  }

  private bind(args: unknown[]): PgParam[] {
    if (this.t.names) {
      const obj = args[0] as Record<string, unknown> | undefined;
      if (args.length !== 1 || typeof obj !== 'object' || obj === null) throw new TypeError(`named parameters need one object, got ${args.length} arguments for: ${this.sql}`);
      return this.t.names.map((k) => {
        if (!(k in obj)) throw new RangeError(`missing named parameter @${k} for: ${this.sql}`);
        return toParam(obj[k], this.sql);
      });
    }
    const flat = args.flatMap((a) => (Array.isArray(a) ? (a as unknown[]) : [a]));
    if (flat.length !== this.t.count) throw new RangeError(`${this.t.count} parameters expected, got ${flat.length} for: ${this.sql}`);
    return flat.map((a) => toParam(a, this.sql));
  }

  run(...args: unknown[]): SqlRunResult {
    return { changes: this.db.pg.query(this.t.text, this.bind(args)).rowCount };
  }

  get(...args: unknown[]): PgRow | undefined {
    return this.db.pg.query(this.t.text, this.bind(args)).rows[0];
  }

  all(...args: unknown[]): PgRow[] {
    return this.db.pg.query(this.t.text, this.bind(args)).rows;
  }

  iterate(...args: unknown[]): IterableIterator<PgRow> {
    return this.all(...args)[Symbol.iterator]();
  }
}

export class PgSqlDb implements SqlDb {
  readonly pg: SyncPg;
  private depth = 0;

  constructor(url: string, private readonly lockKey: number) {
    this.pg = new SyncPg(url);
  }

  get shown(): string {
    return this.pg.shown;
  }

  prepare(sql: string): SqlStatement {
    return new PgStatement(this, sql);
  }

  exec(sql: string): void {
    this.pg.query(sql);
  }

  transaction<T>(fn: () => T): SqlTransaction<T> {
    const run = (locked: boolean): T => {
      const nested = this.depth > 0;
      const sp = `gradlab_sp${this.depth}`;
      this.pg.query(nested ? `SAVEPOINT ${sp}` : 'BEGIN');
      this.depth++;
      try {
        if (!nested && locked) this.pg.query('SELECT pg_advisory_xact_lock($1)', [this.lockKey]);
        const r = fn();
        this.pg.query(nested ? `RELEASE SAVEPOINT ${sp}` : 'COMMIT');
        return r;
      } catch (e) {
        try {
          this.pg.query(nested ? `ROLLBACK TO SAVEPOINT ${sp}` : 'ROLLBACK');
        } catch {
          // the connection is gone: the server rolls back by itself
        }
        throw e;
      } finally {
        this.depth--;
      }
    };
    return Object.assign(() => run(false), { immediate: () => run(true) });
  }

  get open(): boolean {
    return this.pg.open;
  }

  close(): void {
    this.pg.close();
  }
}

/**
 * Bring `component`'s tables to the newest of `migrations` (migrations[i] takes version i to
 * i + 1). With readonly, only check: a missing or older schema is left as is.
 * Returns the version found before migrating.
 */
export function migrate(db: SqlDb, component: string, migrations: readonly string[], where: string, opts: { readonly?: boolean } = {}): number {
  const read = (): number => {
    const r = db.prepare('SELECT version FROM gradlab_schema WHERE component = ?').get(component) as { version: number } | undefined;
    return r ? Number(r.version) : 0;
  };
  const check = (v: number): number => {
    if (v > migrations.length) throw new SchemaNewerError(where, component, v, migrations.length);
    return v;
  };
  if (opts.readonly) {
    let has = false;
    try {
      db.prepare('SELECT count(*) AS n FROM gradlab_schema').get();
      has = true;
    } catch {
      has = false;
    }
    return has ? check(read()) : 0;
  }
  return db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS gradlab_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    const found = check(read());
    for (let v = found; v < migrations.length; v++) db.exec(migrations[v]!);
    if (found < migrations.length) {
      if (found === 0) db.prepare('INSERT INTO gradlab_schema (component, version) VALUES (?, ?)').run(component, migrations.length);
      else db.prepare('UPDATE gradlab_schema SET version = ? WHERE component = ?').run(migrations.length, component);
    }
    return found;
  }).immediate();
}
