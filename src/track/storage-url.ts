/**
 * Storage URLs, shared by the run store and the tune study storage:
 *
 *   runs/gradlab.db, /abs/path.db, sqlite:///path   → SQLite (embedded; the default)
 *   postgresql://user[:password]@host[:port]/db      → PostgreSQL through the `pg` client
 *   postgres://…                                     (the same)
 *
 * Any other scheme (mysql://, http://, …) is an error naming it. Passwords never reach a
 * message: errors and listings show redactUrl(url), which replaces the password by '***'.
 */
import { resolve } from 'node:path';

export type StorageTarget =
  | { readonly kind: 'sqlite'; readonly path: string; readonly shown: string }
  | { readonly kind: 'postgresql'; readonly url: string; readonly shown: string };

export class StorageUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageUrlError';
  }
}

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** The URL with its password (if any) replaced by '***'; other text is returned as is. */
export function redactUrl(s: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return s;
  return s.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i, (_m, scheme: string, auth: string) => {
    const colon = auth.indexOf(':');
    return `${scheme}${colon < 0 ? auth : `${auth.slice(0, colon)}:***`}@`;
  });
}

/** Which store a string names. A plain path (no scheme) is SQLite. */
export function parseStorageUrl(s: string): StorageTarget {
  if (typeof s !== 'string' || s === '') throw new StorageUrlError(`storage: expected a path, sqlite:///path or postgresql://user@host:port/db, got ${JSON.stringify(s)}`);
  if (isPostgresUrl(s)) {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw new StorageUrlError(`storage: ${redactUrl(s)} is not a valid URL (expected postgresql://user@host:port/db)`);
    }
    const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (db === '' && !u.searchParams.has('dbname')) throw new StorageUrlError(`storage: ${redactUrl(s)} names no database (expected postgresql://user@host:port/db)`);
    return { kind: 'postgresql', url: s, shown: redactUrl(s) };
  }
  if (s.startsWith('sqlite:///')) {
    const path = resolve(s.slice('sqlite:///'.length));
    return { kind: 'sqlite', path, shown: path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s);
  if (scheme) throw new StorageUrlError(`storage: unknown scheme '${scheme[1]}' in ${redactUrl(s)}; gradlab stores in SQLite (a path or sqlite:///path) or PostgreSQL (postgresql://user@host:port/db)`);
  const path = resolve(s);
  return { kind: 'sqlite', path, shown: path };
}
