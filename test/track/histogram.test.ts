/** Histogram summaries: counts, edges, degenerate inputs, NaN and infinities. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarizeHistogram } from '../../src/track/histogram.js';

test('equal-width buckets between min and max; every value counted once', () => {
  const h = summarizeHistogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 10], 5);
  assert.deepEqual(h.limits, [2, 4, 6, 8, 10]);
  assert.deepEqual(h.counts, [2, 2, 2, 2, 2]);
  assert.deepEqual([h.min, h.max, h.num, h.nanCount, h.sum, h.sumSquares], [0, 10, 10, 0, 46, 304]);
});

test('all-equal values make one bucket of width 1 around the value', () => {
  const h = summarizeHistogram(new Float32Array([3, 3, 3]));
  assert.deepEqual([h.limits, h.counts, h.min, h.max], [[3.5], [3], 3, 3]);
});

test('NaN is counted apart and poisons the sums; infinities go to the edge buckets', () => {
  const h = summarizeHistogram([NaN, -Infinity, 0, 1, Infinity, NaN], 2);
  assert.deepEqual([h.num, h.nanCount, h.min, h.max], [6, 2, -Infinity, Infinity]);
  assert.deepEqual(h.limits, [0.5, 1]);
  assert.deepEqual(h.counts, [2, 2]);
  assert.ok(Number.isNaN(h.sum) && Number.isNaN(h.sumSquares));
});

test('empty and all-NaN inputs have no buckets', () => {
  const e = summarizeHistogram([]);
  assert.deepEqual([e.num, e.limits, e.counts, e.sum], [0, [], [], 0]);
  const n = summarizeHistogram([NaN]);
  assert.deepEqual([n.num, n.nanCount, n.limits.length], [1, 1, 0]);
  assert.throws(() => summarizeHistogram([1], 0), /bucket count must be an integer ≥ 1, got 0/);
});
