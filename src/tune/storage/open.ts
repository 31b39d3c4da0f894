/**
 * A study storage from its URL: a path or sqlite:///path (SQLite, embedded) or
 * postgresql://user@host:port/db (PostgreSQL, for workers on several machines).
 */
import { parseStorageUrl } from '../../track/storage-url.js';
import type { Storage } from '../types.js';
import { PgStorage } from './pg.js';
import { SqliteStorage } from './sqlite.js';

export function openStorageUrl(url: string): Storage {
  const t = parseStorageUrl(url);
  return t.kind === 'postgresql' ? new PgStorage(t.url) : new SqliteStorage(t.path);
}
