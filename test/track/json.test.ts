/** JSON with non-finite numbers: NaN and ±Infinity survive a round trip; ordinary values are untouched. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJson, encodeJson } from '../../src/track/json.js';

test('NaN and infinities round-trip, nested in arrays and objects', () => {
  const v = { a: [1, NaN, -Infinity], b: { c: Infinity, d: 'NaN', e: null } };
  const text = encodeJson(v);
  assert.equal(text, '{"a":[1,{"$num":"NaN"},{"$num":"-Infinity"}],"b":{"c":{"$num":"Infinity"},"d":"NaN","e":null}}');
  const back = decodeJson<typeof v>(text);
  assert.ok(Number.isNaN(back.a[1]));
  assert.deepEqual([back.a[0], back.a[2], back.b.c, back.b.d, back.b.e], [1, -Infinity, Infinity, 'NaN', null]);
});
