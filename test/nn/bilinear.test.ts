/** Bilinear: value from the definition, gradient check, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bilinear, bilinear } from '../../src/nn/bilinear.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

test('x1ᵀ W x2 + b', () => {
  const w = tensor([[[1, 2], [3, 4]]]);
  assertClose(bilinear(tensor([[1, 1]]), tensor([[1, 2]]), w, tensor([0.5])), [1 + 4 + 3 + 8 + 0.5]);
});

test('gradient check', () => {
  checkGrad((a, b, w, c) => bilinear(a, b, w, c), [rnd([2, 3, 2], 1), rnd([2, 3, 4], 2), rnd([5, 2, 4], 3), rnd([5], 4)]);
});

test('named errors', () => {
  assert.throws(() => new Bilinear(2, 3, 4).forward(rnd([2, 3]), rnd([2, 3])), /bilinear: inputs \[2,3\] and \[2,3\] do not fit weight \[4,2,3\]/);
  assert.throws(() => new Bilinear(2, 3, 4, { biass: false } as never), /Bilinear: unknown option 'biass' \(did you mean 'bias'\?\)/);
});
