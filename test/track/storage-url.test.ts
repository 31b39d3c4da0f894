/** Storage URLs: which store a string names, passwords never shown, unknown schemes named. */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { isPostgresUrl, parseStorageUrl, redactUrl } from '../../src/track/storage-url.js';

test('paths and sqlite:/// are SQLite; postgresql:// and postgres:// are PostgreSQL', () => {
  assert.deepEqual(parseStorageUrl('runs/g.db'), { kind: 'sqlite', path: resolve('runs/g.db'), shown: resolve('runs/g.db') });
  assert.deepEqual(parseStorageUrl('sqlite:///tmp/x.db'), { kind: 'sqlite', path: resolve('tmp/x.db'), shown: resolve('tmp/x.db') });
  assert.deepEqual(parseStorageUrl('postgresql://u:pw@h:5433/db'), { kind: 'postgresql', url: 'postgresql://u:pw@h:5433/db', shown: 'postgresql://u:***@h:5433/db' });
  assert.ok(isPostgresUrl('postgres://u@h/db') && !isPostgresUrl('/tmp/postgres.db'));
});

test('redactUrl hides only the password; bad URLs are named without it', () => {
  assert.equal(redactUrl('postgresql://user:p%40ss@10.200.0.1:5432/g'), 'postgresql://user:***@10.200.0.1:5432/g');
  assert.equal(redactUrl('postgresql://user@h/g'), 'postgresql://user@h/g');
  assert.equal(redactUrl('/a/b:c@d'), '/a/b:c@d');
  assert.throws(() => parseStorageUrl('postgresql://u:secret@h:5432'), { message: 'storage: postgresql://u:***@h:5432 names no database (expected postgresql://user@host:port/db)' });
  assert.throws(() => parseStorageUrl('mysql://u:secret@h/db'), { message: "storage: unknown scheme 'mysql' in mysql://u:***@h/db; gradlab stores in SQLite (a path or sqlite:///path) or PostgreSQL (postgresql://user@host:port/db)" });
  assert.throws(() => parseStorageUrl(''), { message: 'storage: expected a path, sqlite:///path or postgresql://user@host:port/db, got ""' });
});
