/** The SQLite-dialect → PostgreSQL placeholder translation of PgSqlDb (its queries run for real in store-pg and tune pg tests). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translateSql } from '../../src/track/sql-db.js';

test('? becomes $1, $2, …; quoted text is left alone; LIMIT ? keeps SQLite\'s -1 = no limit', () => {
  assert.deepEqual(translateSql("SELECT * FROM t WHERE a = ? AND b = '?' AND c = ? LIMIT ?"), { text: "SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2 LIMIT NULLIF($3::bigint, -1)", names: null, count: 3 });
});

test('@name placeholders become one $k per name, reused', () => {
  assert.deepEqual(translateSql('SELECT x FROM a WHERE id = @id UNION ALL SELECT y FROM b WHERE id = @id AND k = @k'), { text: 'SELECT x FROM a WHERE id = $1 UNION ALL SELECT y FROM b WHERE id = $1 AND k = $2', names: ['id', 'k'], count: 2 });
  assert.throws(() => translateSql('SELECT ? + @a'), { message: 'SQL mixes ? and @name placeholders: SELECT ? + @a' });
});
