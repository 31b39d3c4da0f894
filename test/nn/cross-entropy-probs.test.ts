/** Cross-entropy with probability targets: one-hot probabilities equal class targets; smoothing; gradient checks; errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { crossEntropy } from '../../src/nn/functional.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

test('one-hot probabilities give the class-index loss, smoothing included', () => {
  const x = rnd([4, 3], 1);
  const y = tensor([2, 0, 1, 2], { dtype: 'int32' });
  const onehot = A.cast(A.eq(A.unsqueeze(y, 1), tensor([0, 1, 2], { dtype: 'int32' })), 'float64');
  assertClose(crossEntropy(x, onehot), crossEntropy(x, y), 1e-12);
  assertClose(crossEntropy(x, onehot, { labelSmoothing: 0.3, reduction: 'sum' }), crossEntropy(x, y, { labelSmoothing: 0.3, reduction: 'sum' }), 1e-12);
});

test('gradient checks', () => {
  const t = A.softmax(rnd([2, 3, 4], 2), 1);
  checkGrad((x) => crossEntropy(x, t, { labelSmoothing: 0.1, weight: rnd([3], 3, 0.5, 1.5) }), [rnd([2, 3, 4], 4)]);
  checkGrad((x, tt) => crossEntropy(x, tt, { reduction: 'none' }), [rnd([3, 4], 5), rnd([3, 4], 6, 0, 1)]);
});

test('named errors', () => {
  assert.throws(() => crossEntropy(rnd([2, 3]), rnd([2, 4])), /probability targets must have the shape of the input \[2,3\], got \[2,4\]/);
  assert.throws(() => crossEntropy(rnd([2, 3]), rnd([2, 3]), { ignoreIndex: 1 }), /ignoreIndex \(1\) applies to class-index targets/);
});
