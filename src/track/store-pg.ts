/**
 * The run store on PostgreSQL: the same tables and columns as the SQLite store (schema.ts), so
 * RunStore and Run run their queries unchanged through PgSqlDb (sql-db.ts).
 *
 * Differences from SQLite, and why:
 *   - REAL → DOUBLE PRECISION and BLOB → BYTEA; AUTOINCREMENT ids → BIGSERIAL.
 *   - runs has a BIGSERIAL `rowid` (SQLite's implicit row id, used to order runs started in the
 *     same millisecond).
 *   - instr(text, text) is defined (SQLite's substring position, PostgreSQL's strpos).
 *   - NaN is kept as NaN (DOUBLE PRECISION has it), where SQLite stores NULL; both read back NaN.
 *
 * Schema versions live in gradlab_schema (component 'runs'); see migrate().
 */
import { LOCK_KEYS, PgSqlDb, migrate, type SqlDb } from './sql-db.js';

export const PG_RUN_MIGRATIONS: readonly string[] = [
  `
CREATE TABLE IF NOT EXISTS runs (
  rowid BIGSERIAL UNIQUE,
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  study TEXT,
  config TEXT NOT NULL,
  seed DOUBLE PRECISION,
  started_at DOUBLE PRECISION NOT NULL,
  ended_at DOUBLE PRECISION,
  status TEXT NOT NULL,
  code_version TEXT NOT NULL,
  pid INTEGER NOT NULL,
  hostname TEXT NOT NULL,
  error TEXT
);
CREATE INDEX IF NOT EXISTS runs_started ON runs(started_at);
CREATE INDEX IF NOT EXISTS runs_study ON runs(study);
CREATE TABLE IF NOT EXISTS scalars (
  id BIGSERIAL PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  step BIGINT NOT NULL,
  value DOUBLE PRECISION,
  wall_time DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS scalars_run_tag ON scalars(run_id, tag, step);
CREATE TABLE IF NOT EXISTS histograms (
  id BIGSERIAL PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  step BIGINT NOT NULL,
  wall_time DOUBLE PRECISION NOT NULL,
  min DOUBLE PRECISION,
  max DOUBLE PRECISION,
  num BIGINT NOT NULL,
  nan_count BIGINT NOT NULL,
  sum DOUBLE PRECISION,
  sum_squares DOUBLE PRECISION,
  limits BYTEA NOT NULL,
  counts BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS histograms_run_tag ON histograms(run_id, tag, step);
CREATE TABLE IF NOT EXISTS media (
  id BIGSERIAL PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  tag TEXT NOT NULL,
  step BIGINT NOT NULL,
  wall_time DOUBLE PRECISION NOT NULL,
  data TEXT NOT NULL,
  blob BYTEA
);
CREATE INDEX IF NOT EXISTS media_run_kind_tag ON media(run_id, kind, tag, step);
CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT strpos($1, $2)';
`,
  // 2: the owning process's start time (a reused pid is not the run's process) and the index the
  // dashboard's incremental reads use, as in the SQLite schema.
  `
ALTER TABLE runs ADD COLUMN IF NOT EXISTS proc_start TEXT;
CREATE INDEX IF NOT EXISTS scalars_run_id ON scalars(run_id, id);
`,
];

/**
 * Open the run store's tables on a PostgreSQL database (creating or migrating them unless
 * readonly). Throws PgUnreachableError / PgMissingDatabaseError / SchemaNewerError naming the
 * URL without its password.
 */
export function openPgRunDb(url: string, opts: { readonly?: boolean } = {}): PgSqlDb {
  const db = new PgSqlDb(url, LOCK_KEYS.runs);
  try {
    migrate(db, 'runs', PG_RUN_MIGRATIONS, db.shown, opts);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

export type { SqlDb };
