/** scaleGrad: values unchanged, gradient scaled (broadcast), checked against finite differences of x·s. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { tensor } from '../../src/tensor/creation.js';
import { rnd } from '../helpers.js';

test('the value passes through, the gradient is multiplied', () => {
  const x = tensor([[1, 2], [3, 4]]).requiresGrad_(true);
  const y = A.scaleGrad(x, tensor([[0.5], [2]]));
  assert.deepEqual(Array.from(y.data), [1, 2, 3, 4]);
  A.backward(A.sum(A.mul(y, rnd([2, 2], 1).float())));
  const r = rnd([2, 2], 1).float().data;
  assert.deepEqual(Array.from(x.grad?.data ?? []), [r[0] * 0.5, r[1] * 0.5, r[2] * 2, r[3] * 2].map(Math.fround));
});
