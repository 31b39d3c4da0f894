/**
 * SQLite storage: Optuna's RDB storage idea on one file, so that several worker processes on
 * one machine can optimize one study at once (for several machines, use PostgreSQL: pg.ts). By
 * default the file is the run store's (./runs/gradlab.db); the tables here are all prefixed
 * `tune_` (plus the shared gradlab_schema version table) and the run store's tables are never
 * read or written. The queries and semantics are SqlStorage's (sql.ts).
 *
 * Concurrency: WAL journal (readers never block the writer) and a busy timeout (a writer waits
 * for another's transaction instead of failing); claiming is one IMMEDIATE transaction.
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { migrate } from '../../track/sql-db.js';
import { NotADatabaseError } from '../../track/store.js';
import { SqlStorage, tuneMigrations, type SqlDialect } from './sql.js';

export const SQLITE_TUNE_MIGRATIONS = tuneMigrations('REAL', 'INTEGER PRIMARY KEY AUTOINCREMENT');

const SQLITE_DIALECT: SqlDialect = {
  nowMs: "((julianday('now') - 2440587.5) * 86400000.0)",
  rowLocks: false,
  isUniqueViolation: (e) => (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE',
};

function checkHeader(path: string): void {
  const st = statSync(path);
  if (st.isDirectory()) throw new NotADatabaseError(path, 'it is a directory');
  if (st.size === 0) return;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    if (buf.subarray(0, n).toString('latin1') !== 'SQLite format 3\0') {
      throw new NotADatabaseError(path, `its first bytes are ${JSON.stringify(buf.subarray(0, Math.min(n, 8)).toString('latin1'))}, not "SQLite format 3"`);
    }
  } finally {
    closeSync(fd);
  }
}

/** Accepts a plain path or Optuna's URL form sqlite:///path. */
export function sqlitePath(storage: string): string {
  return resolve(storage.startsWith('sqlite:///') ? storage.slice('sqlite:///'.length) : storage);
}

export interface SqliteStorageOptions {
  /** How long a writer waits for another process's transaction; default 30 s. */
  busyTimeoutMs?: number;
  /** Open without creating anything (for `tune show`). */
  readonly?: boolean;
}

export class SqliteStorage extends SqlStorage {
  constructor(path: string, opts: SqliteStorageOptions = {}) {
    const full = sqlitePath(path);
    const exists = existsSync(full);
    if (exists) checkHeader(full);
    else if (opts.readonly) throw new Error(`no study database at ${full}`);
    else mkdirSync(dirname(full), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(full, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (err.code === 'SQLITE_NOTADB' || err.code === 'SQLITE_CORRUPT') throw new NotADatabaseError(full, err.message ?? String(e));
      throw e;
    }
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 30000))}`);
      if (!opts.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
      }
      migrate(db, 'tune', SQLITE_TUNE_MIGRATIONS, full, { readonly: opts.readonly ?? false });
      if (opts.readonly) {
        const has = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'tune_studies'").get() as { n: number };
        if (has.n === 0) throw new Error(`${full} holds no studies yet (no tune_studies table)`);
      }
    } catch (e) {
      db.close();
      const err = e as { code?: string; message?: string };
      if (err.code === 'SQLITE_NOTADB' || err.code === 'SQLITE_CORRUPT') throw new NotADatabaseError(full, err.message ?? String(e));
      throw e;
    }
    super(db, full, SQLITE_DIALECT, full);
  }
}
