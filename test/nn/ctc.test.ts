/** CTC loss: a case by hand, impossible alignments, unbatched form, gradient check, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { CTCLoss, ctcLoss } from '../../src/nn/ctc.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

const i32 = (v: number[]): ReturnType<typeof tensor> => tensor(v, { dtype: 'int32' });

test('two frames, one label: the three alignments by hand', () => {
  // Alignments of "1" in 2 frames over {blank 0, 1}: (1,1), (0,1), (1,0).
  const p = [[0.3, 0.7], [0.6, 0.4]];
  const lp = A.log(tensor([p[0], p[1]]).reshape([2, 1, 2]));
  const expect = -Math.log(p[0][1] * p[1][1] + p[0][0] * p[1][1] + p[0][1] * p[1][0]);
  assertClose(ctcLoss(lp, i32([1]), [2], [1], { reduction: 'sum' }), expect, 1e-6);
  // Unbatched: [T, C] with 1-d targets.
  assertClose(ctcLoss(A.reshape(lp, [2, 2]), i32([1]), [2], [1], { reduction: 'sum' }), expect, 1e-6);
});

test('no alignment: +∞, or 0 with zeroInfinity', () => {
  const lp = A.logSoftmax(rnd([2, 1, 3], 1), 2);
  assert.equal(ctcLoss(lp, i32([1, 1]), [2], [2], { reduction: 'sum' }).item(), Infinity);
  const z = lp.detach().requiresGrad_(true);
  const l = ctcLoss(z, i32([1, 1]), [2], [2], { reduction: 'sum', zeroInfinity: true });
  assert.equal(l.item(), 0);
  A.backward(l);
  assert.ok(Array.from(z.grad?.data ?? []).every((g) => g === 0));
});

test('gradient check', () => {
  checkGrad((x) => ctcLoss(A.logSoftmax(x, 2), i32([1, 2, 2, 3, 0, 0]), [5, 4], [3, 1]), [rnd([5, 2, 4], 2)]);
  checkGrad((x) => ctcLoss(A.logSoftmax(x, 2), i32([2, 1]), [4], [2], { blank: 3, reduction: 'none' }), [rnd([4, 1, 4], 3)]);
});

test('named errors', () => {
  const lp = A.logSoftmax(rnd([3, 1, 3], 1), 2);
  assert.throws(() => ctcLoss(lp, i32([0]), [3], [1]), /target 0 of sample 0 at 0 must be a class in \[0, 3\) other than the blank 0/);
  assert.throws(() => ctcLoss(lp, i32([1]), [4], [1]), /inputLengths\[0\] = 4 exceeds the 3 frames/);
  assert.throws(() => new CTCLoss({ reduction: 'batchmean' } as never), /CTCLoss: option 'reduction' must be one of 'mean', 'sum', 'none', got 'batchmean'/);
  assert.throws(() => new CTCLoss({ zero_infinity: true } as never), /CTCLoss: unknown option 'zero_infinity' \(did you mean 'zeroInfinity'\?\)/);
});
