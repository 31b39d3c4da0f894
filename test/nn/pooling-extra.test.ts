/** Adaptive max pooling: bins, indices, gradient checks, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveMaxPool1d, AdaptiveMaxPool2d, adaptiveBins, adaptiveMaxPool } from '../../src/nn/pooling-extra.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

test('bins and values', () => {
  assert.deepEqual(adaptiveBins(5, 3), [[0, 2], [1, 4], [3, 5]]);
  const r = new AdaptiveMaxPool1d(3, { returnIndices: true }).run(tensor([[[1, 5, 2, 0, 3]]]));
  assertClose(r.output, [5, 5, 3]);
  assert.deepEqual(Array.from(r.indices.data), [1, 1, 4]);
  const r2 = new AdaptiveMaxPool2d(1, { returnIndices: true }).run(tensor([[[[1, 2], [7, 3]]]]));
  assert.deepEqual(Array.from(r2.indices.data), [2]);
});

test('gradient checks', () => {
  checkGrad((x) => adaptiveMaxPool(x, [3]).output, [rnd([2, 2, 7], 1)]);
  checkGrad((x) => adaptiveMaxPool(x, [2, 3]).output, [rnd([1, 2, 5, 4], 2)]);
});

test('named errors', () => {
  assert.throws(() => new AdaptiveMaxPool2d(2, { returnIndices: true }).forward(rnd([1, 1, 4, 4])), /returnIndices is set.*call run\(x\)/);
  assert.throws(() => new AdaptiveMaxPool1d(0), /AdaptiveMaxPool1d: outputSize must be ≥ 1/);
  assert.throws(() => new AdaptiveMaxPool1d(2, { return_indices: true } as never), /unknown option 'return_indices' \(did you mean 'returnIndices'\?\)/);
});
