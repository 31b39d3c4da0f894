/** Hardswish, Mish, Softsign, GLU, Threshold, Softmin, Unflatten: values, gradient checks, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as M from '../../src/nn/activation-more.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

test('values from the definitions', () => {
  assertClose(M.hardswish(tensor([-4, -1, 0, 2, 5])), [0, -1 / 3, 0, 10 / 6, 5], 1e-6);
  assertClose(M.softsign(tensor([-3, 1])), [-0.75, 0.5], 1e-6);
  assertClose(M.mish(tensor([1])), [Math.tanh(Math.log1p(Math.E))], 1e-6);
  assertClose(M.glu(tensor([[1, 2, 0, 100]])), [0.5, 2], 1e-5);
  assertClose(M.threshold(tensor([0.1, 0.9]), 0.5, -2), [-2, 0.9], 1e-6);
  assertClose(M.softmin(tensor([0, Math.log(3)])), [0.75, 0.25], 1e-6);
  assert.deepEqual(new M.Unflatten(1, [2, -1]).forward(rnd([3, 6])).shape, [3, 2, 3]);
});

test('gradient checks', () => {
  const x = rnd([2, 6], 1, -4, 4);
  checkGrad(M.hardswish, [x]);
  checkGrad(M.mish, [x]);
  checkGrad(M.softsign, [x]);
  checkGrad((a) => M.glu(a, 1), [x]);
  checkGrad((a) => M.threshold(a, 0.3, 2), [x]);
  checkGrad((a) => M.softmin(a, 0), [x]);
  checkGrad((a) => new M.Unflatten(1, [3, 2]).forward(a), [x]);
});

test('named errors', () => {
  assert.throws(() => M.glu(rnd([2, 5])), /glu: dim -1 of input \[2,5\] has odd size 5/);
  assert.throws(() => new M.Unflatten(1, [4, 2]).forward(rnd([2, 6])), /Unflatten: dim 1 of input \[2,6\] has size 6/);
  assert.throws(() => new M.Unflatten(1, [2, 3], { sizes: 1 } as never), /Unflatten: unknown option 'sizes'/);
  assert.throws(() => new M.GLU(0.5), /GLU: dim must be an integer/);
});
