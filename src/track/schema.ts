/**
 * The SQL tables of the run store and how a database is opened: WAL journal (readers never
 * block the writer, several processes can append at once), a generous busy timeout (a writer
 * waits for another's transaction instead of failing), foreign keys for cascading deletes.
 *
 * NOTE: SQLite stores NaN as NULL. Columns that hold logged numbers are nullable and NULL
 * reads back as NaN; nothing else in these tables is ever NULL where a number is expected.
 * Numeric arrays that must keep NaN (histogram buckets) are stored as float64 blobs.
 */
import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type Db = Database.Database;

export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  study TEXT,
  config TEXT NOT NULL,
  seed REAL,
  started_at REAL NOT NULL,
  ended_at REAL,
  status TEXT NOT NULL,
  code_version TEXT NOT NULL,
  pid INTEGER NOT NULL,
  hostname TEXT NOT NULL,
  error TEXT,
  proc_start TEXT
);
CREATE INDEX IF NOT EXISTS runs_started ON runs(started_at);
CREATE INDEX IF NOT EXISTS runs_study ON runs(study);
CREATE TABLE IF NOT EXISTS scalars (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  step INTEGER NOT NULL,
  value REAL,
  wall_time REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS scalars_run_tag ON scalars(run_id, tag, step);
CREATE INDEX IF NOT EXISTS scalars_run_id ON scalars(run_id, id);
CREATE TABLE IF NOT EXISTS histograms (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  step INTEGER NOT NULL,
  wall_time REAL NOT NULL,
  min REAL,
  max REAL,
  num INTEGER NOT NULL,
  nan_count INTEGER NOT NULL,
  sum REAL,
  sum_squares REAL,
  limits BLOB NOT NULL,
  counts BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS histograms_run_tag ON histograms(run_id, tag, step);
CREATE TABLE IF NOT EXISTS media (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  tag TEXT NOT NULL,
  step INTEGER NOT NULL,
  wall_time REAL NOT NULL,
  data TEXT NOT NULL,
  blob BLOB
);
CREATE INDEX IF NOT EXISTS media_run_kind_tag ON media(run_id, kind, tag, step);
`;

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Thrown when the file at the path exists but is not a SQLite database. */
export class NotADatabaseError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path} is not a SQLite database (${detail}); pass another --db path or move the file away`);
    this.name = 'NotADatabaseError';
  }
}

/** Thrown when SQLite cannot open or create the database file; the message says why, with the path. */
export class DatabaseOpenError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`cannot open the run database ${path}: ${detail}; pass another --db path (or set GRADLAB_DB)`);
    this.name = 'DatabaseOpenError';
  }
}

/** Thrown when the database is damaged (SQLite's integrity check fails, or a page reads as malformed). */
export class CorruptDatabaseError extends Error {
  constructor(readonly path: string, readonly problems: string[], detail?: string) {
    const shown = problems.slice(0, 3).map((p) => `  ${p}`).join('\n');
    super(
      `the run database ${path} is damaged${problems.length ? ` (${problems.length}${problems.length >= 100 ? '+' : ''} integrity error${problems.length === 1 ? '' : 's'}, first:\n${shown})` : detail ? ` (${detail})` : ''}` +
        `\ngradlab will not write into it: move it away or pass another --db; sqlite3 '${path}' '.recover' may save what it holds`,
    );
    this.name = 'CorruptDatabaseError';
  }
}

/** Why SQLite could not open `full`, as far as the file system tells. */
function whyCantOpen(full: string, readonly: boolean): string {
  const dir = dirname(full);
  if (!existsSync(dir)) return `its folder ${dir} does not exist`;
  if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
  if (existsSync(full)) {
    try {
      accessSync(full, readonly ? constants.R_OK : constants.R_OK | constants.W_OK);
    } catch {
      return readonly ? 'the file is not readable (permissions)' : 'the file is not writable (permissions); gradlab writes runs into it';
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return `the folder ${dir} is not writable (SQLite keeps ${full}-wal and -shm next to the database)`;
  }
  return 'SQLite could not open or create the file there (a read-only or special file system?)';
}

/** Create `dir` and its missing parents one by one (a recursive mkdir can loop on special file systems). */
function ensureDir(dir: string, forDb: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      throw new DatabaseOpenError(forDb, `cannot create its folder ${d} (${(e as { code?: string }).code ?? (e as Error).message})`);
    }
  }
}

/** The full paths of the run databases this process opened (named in errors that reach the CLI). */
export const openedDatabases = new Set<string>();

/**
 * A SQLite error that escaped from a query (it names no file) as an error that names the run
 * database(s) this process opened; null when `e` is not a SQLite error.
 */
export function namedDatabaseError(e: unknown): Error | null {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  const paths = [...openedDatabases];
  const where = paths.length === 1 ? paths[0]! : paths.length ? paths.join(' or ') : 'the run database';
  const msg = (e as Error).message;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new CorruptDatabaseError(where, [], msg);
  if (code.startsWith('SQLITE_READONLY')) return new DatabaseOpenError(where, `it is read-only (${msg})`);
  if (code.startsWith('SQLITE_FULL')) return new Error(`the disk holding the run database ${where} is full (${msg})`);
  return new Error(`run database ${where}: ${msg} (${code})`);
}

/** SQLite's quick integrity check (at most `max` problems); a damaged file may throw instead. */
export function integrityProblems(db: Db, max = 100): string[] {
  // NOTE: the column is named after the pragma call ('quick_check(100)'): take the row's only value.
  const rows = db.pragma(`quick_check(${Math.max(1, Math.floor(max))})`) as Record<string, string>[];
  return rows.flatMap((r) => String(Object.values(r)[0] ?? '').split('\n')).filter((x) => x !== '' && x !== 'ok' && !/^\*\*\* in database/.test(x)).slice(0, max);
}

function checkHeader(path: string): void {
  const st = statSync(path);
  if (st.isDirectory()) throw new NotADatabaseError(path, 'it is a directory');
  if (st.size === 0) return; // SQLite treats an empty file as a new database
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    const head = buf.subarray(0, n).toString('latin1');
    if (head !== SQLITE_MAGIC) {
      const shown = JSON.stringify(buf.subarray(0, Math.min(n, 8)).toString('latin1'));
      throw new NotADatabaseError(path, `its first bytes are ${shown}, not "SQLite format 3"`);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Columns and indexes added after version 1, added in place (idempotent, no version bump):
 * runs.proc_start, the owning process's start time, so a reused pid is not taken for the run's
 * process; scalars(run_id, id) for the cursor of a run with many scalars.
 */
function addMissingColumns(db: Db): void {
  // The newest record id of a run (the live views' cursor) by one index seek, not a scan of the run.
  db.exec('CREATE INDEX IF NOT EXISTS scalars_run_id ON scalars(run_id, id)');
  const cols = (db.pragma('table_info(runs)') as { name: string }[]).map((c) => c.name);
  if (cols.length && !cols.includes('proc_start')) {
    try {
      db.exec('ALTER TABLE runs ADD COLUMN proc_start TEXT');
    } catch (e) {
      if (!/duplicate column/.test(String((e as Error).message))) throw e; // another process added it first
    }
  }
}

export interface OpenDbOptions {
  readonly?: boolean;
  busyTimeoutMs?: number;
}

/** Open (creating when allowed) the database at `path` with the store's settings and tables. */
export function openDb(path: string, opts: OpenDbOptions = {}): Db {
  const full = resolve(path);
  const exists = existsSync(full);
  if (exists) checkHeader(full);
  else if (opts.readonly) throw new Error(`no run database at ${full} (nothing has been tracked there yet)`);
  else ensureDir(dirname(full), full);
  let db: Db;
  try {
    db = new Database(full, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 30000))}`);
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        db.close();
        throw new Error(`${full}: run database schema version ${version} is newer than this gradlab understands (${SCHEMA_VERSION})`);
      }
      if (version < SCHEMA_VERSION) {
        db.transaction(() => {
          db.exec(SCHEMA);
          db.pragma(`user_version = ${SCHEMA_VERSION}`);
        }).immediate();
      }
      addMissingColumns(db);
    } else {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    }
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === 'SQLITE_NOTADB') throw new NotADatabaseError(full, err.message ?? String(e));
    if (err.code?.startsWith('SQLITE_CORRUPT')) throw new CorruptDatabaseError(full, [], err.message);
    if (err.code?.startsWith('SQLITE_CANTOPEN')) throw new DatabaseOpenError(full, whyCantOpen(full, opts.readonly ?? false));
    if (err.code?.startsWith('SQLITE_READONLY')) throw new DatabaseOpenError(full, `it is read-only for this process (${whyCantOpen(full, false)})`);
    if (err.code?.startsWith('SQLITE_')) throw new Error(`run database ${full}: ${err.message} (${err.code})`);
    throw e;
  }
  openedDatabases.add(full);
  return db;
}
