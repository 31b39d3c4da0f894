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
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
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
  else mkdirSync(dirname(full), { recursive: true });
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
    if (err.code === 'SQLITE_NOTADB' || err.code === 'SQLITE_CORRUPT') {
      throw new NotADatabaseError(full, err.message ?? String(e));
    }
    throw e;
  }
  return db;
}
