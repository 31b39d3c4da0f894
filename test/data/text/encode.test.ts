/** Padding, truncation, masks, the cls token, tensors, and bucketing by length. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchTensors, bucketBatches, bucketedEncoded, encodeBatch } from '../../../src/data/text/encode.js';
import { Vocabulary } from '../../../src/data/text/vocab.js';

const v = new Vocabulary(['<pad>', '<unk>', '<cls>', 'a', 'b', 'c']);

test('pad to the longest, lengths and mask', () => {
  const b = encodeBatch(v, [['a', 'b', 'c'], ['c'], []]);
  assert.equal(b.maxLen, 3);
  assert.deepEqual([...b.ids], [3, 4, 5, 5, 0, 0, 0, 0, 0]);
  assert.deepEqual([...b.lengths], [3, 1, 0]);
  assert.deepEqual([...b.mask], [1, 1, 1, 1, 0, 0, 0, 0, 0]);
  const t = batchTensors(b);
  assert.deepEqual(t.ids.shape, [3, 3]);
  assert.equal(t.ids.dtype, 'int32');
});

test('truncate at either end, pad at the start, cls token in front, unknown words', () => {
  assert.deepEqual([...encodeBatch(v, [['a', 'b', 'c']], { maxLen: 2 }).ids], [3, 4]);
  assert.deepEqual([...encodeBatch(v, [['a', 'b', 'c']], { maxLen: 2, truncate: 'start' }).ids], [4, 5]);
  assert.deepEqual([...encodeBatch(v, [['a']], { maxLen: 3, pad: 'start' }).ids], [0, 0, 3]);
  const c = encodeBatch(v, [['a', 'zzz', 'c']], { maxLen: 3, clsToken: '<cls>' });
  assert.deepEqual([...c.ids], [2, 3, 1]);
  assert.deepEqual([...c.lengths], [3]);
  assert.throws(() => encodeBatch(v, [['a']], { clsToken: '<bos>' }), /cls token '<bos>' is not in the vocabulary/);
});

test('bucketing: every index once, batches sorted by length inside a pool, seeded', () => {
  const lengths = [5, 1, 9, 3, 7, 2, 8, 4, 6, 10];
  const bs = bucketBatches(lengths, { batchSize: 3, seed: 1, poolBatches: 100 });
  const seen = bs.flatMap((b) => [...b]).sort((a, b) => a - b);
  assert.deepEqual(seen, [...Array(10).keys()]);
  const spans = bs.map((b) => [...b].map((i) => lengths[i]));
  // One pool holding everything: batches are consecutive runs of the sorted lengths.
  const flat = spans.slice().sort((a, b) => a[0] - b[0]).flat();
  assert.deepEqual(flat, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(bucketBatches(lengths, { batchSize: 3, seed: 1 }), bucketBatches(lengths, { batchSize: 3, seed: 1 }));
});

test('bucketed encoding pads each batch only to its own longest text', () => {
  const texts = [['a'], ['a', 'b', 'c', 'a', 'b'], ['b'], ['c', 'c', 'c', 'c']];
  const out = [...bucketedEncoded(v, texts, { batchSize: 2, seed: 3, poolBatches: 10 })];
  const lens = out.map((b) => b.maxLen).sort();
  assert.deepEqual(lens, [1, 5]);
  for (const b of out) for (let k = 0; k < b.n; k++) assert.equal(b.lengths[k], texts[b.indices[k]].length);
});
