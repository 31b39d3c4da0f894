/** The added losses: values from their definitions, gradient checks, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from '../../src/nn/losses-more.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

test('values', () => {
  assertClose(L.marginRankingLoss(tensor([1, 0]), tensor([0, 1]), tensor([1, 1]), { margin: 0.5, reduction: 'none' }), [0, 1.5]);
  assertClose(L.softMarginLoss(tensor([0]), tensor([1])), Math.log(2), 1e-6);
  assertClose(L.cosineEmbeddingLoss(tensor([[1, 0], [1, 0]]), tensor([[1, 0], [1, 1]]), tensor([1, -1]), { reduction: 'none', margin: 0.5 }), [0, Math.SQRT1_2 - 0.5], 1e-6);
  assertClose(L.multilabelMarginLoss(tensor([0.1, 0.2, 0.4, 0.8]), tensor([3, 0, -1, 1], { dtype: 'int32' })), 0.85, 1e-6);
  const d = L.pairwiseDistance(tensor([[0, 0]]), tensor([[3, 4]]), 2, 0);
  assertClose(d, [5], 1e-6);
});

test('gradient checks', () => {
  const a = rnd([3, 4], 1);
  const b = rnd([3, 4], 2);
  const c = rnd([3, 4], 3);
  checkGrad((x, y) => L.cosineEmbeddingLoss(x, y, tensor([1, -1, -1], { dtype: 'float64' }), { margin: -0.5 }), [a, b]);
  checkGrad((x, y) => L.marginRankingLoss(x, y, rnd([3, 4], 9).sign(), { margin: 0.1 }), [a, b]);
  checkGrad((x, y, z) => L.tripletMarginLoss(x, y, z, { swap: true, margin: 3 }), [a, b, c]);
  checkGrad((x, y, z) => L.tripletMarginLoss(x, y, z, { p: 3, margin: 3 }), [a, b, c]);
  checkGrad((x) => L.softMarginLoss(x, rnd([3, 4], 8).sign()), [a]);
  checkGrad((x) => L.multilabelSoftMarginLoss(x, rnd([3, 4], 7, 0, 1), { weight: rnd([4], 6, 0.5, 1) }), [a]);
  checkGrad((x) => L.multilabelMarginLoss(x, tensor([[1, 2, -1, 0], [0, -1, 0, 0], [3, 2, 1, 0]], { dtype: 'int32' })), [a]);
});

test('named errors', () => {
  assert.throws(() => L.multilabelMarginLoss(rnd([1, 3]), tensor([[5, -1, 0]], { dtype: 'int32' })), /target 5 at \[0, 0\] is outside \[0, 3\)/);
  assert.throws(() => new L.TripletMarginLoss({ reduction: 'avg' } as never), /TripletMarginLoss: option 'reduction' must be one of 'mean', 'sum', 'none', got 'avg'/);
  assert.throws(() => new L.CosineEmbeddingLoss({ margn: 0.1 } as never), /CosineEmbeddingLoss: unknown option 'margn' \(did you mean 'margin'\?\)/);
  assert.throws(() => L.marginRankingLoss(rnd([2]), rnd([3]), rnd([2])), /marginRankingLoss: input1 \[2\] and input2 \[3\] must have the same shape/);
});
