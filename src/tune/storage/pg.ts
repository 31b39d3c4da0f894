/**
 * PostgreSQL storage: the study storage for workers on several machines, through the `pg`
 * client (synchronously, see track/pg-sync.ts). Same tables, queries and semantics as SQLite
 * (sql.ts); IMMEDIATE transactions take an advisory lock, so claims queue as on SQLite.
 *
 *   new PgStorage('postgresql://user@host:5432/db')
 *
 * Opening creates or migrates the tune tables (component 'tune' in gradlab_schema). Errors name
 * the URL without its password: server unreachable (PgUnreachableError), database missing
 * (PgMissingDatabaseError), schema newer than this code (SchemaNewerError).
 */
import { LOCK_KEYS, PgSqlDb, migrate } from '../../track/sql-db.js';
import { SqlStorage, tuneMigrations, type SqlDialect } from './sql.js';

export const PG_TUNE_MIGRATIONS = tuneMigrations('DOUBLE PRECISION', 'SERIAL PRIMARY KEY');

const PG_DIALECT: SqlDialect = {
  nowMs: '(extract(epoch from clock_timestamp()) * 1000)',
  rowLocks: true,
  isUniqueViolation: (e) => (e as { code?: string }).code === '23505',
};

export class PgStorage extends SqlStorage {
  constructor(url: string, opts: { readonly?: boolean } = {}) {
    const db = new PgSqlDb(url, LOCK_KEYS.tune);
    try {
      migrate(db, 'tune', PG_TUNE_MIGRATIONS, db.shown, opts);
    } catch (e) {
      db.close();
      throw e;
    }
    super(db, db.shown, PG_DIALECT, url);
  }
}
