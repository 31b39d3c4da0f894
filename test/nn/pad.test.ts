/** F.pad: every mode against hand-written values, gradient checks, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pad } from '../../src/nn/pad.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

const x = tensor([[[1, 2, 3]]]);

test('modes', () => {
  assertClose(pad(x, [2, 1], 'constant', 9), [9, 9, 1, 2, 3, 9]);
  assertClose(pad(x, [2, 2], 'reflect'), [3, 2, 1, 2, 3, 2, 1]);
  assertClose(pad(x, [2, 1], 'replicate'), [1, 1, 1, 2, 3, 3]);
  assertClose(pad(x, [2, 3], 'circular'), [2, 3, 1, 2, 3, 1, 2, 3]);
  assertClose(pad(x, [-1, 1]), [2, 3, 0]);
  assert.deepEqual(pad(rnd([2, 3, 4]), [1, 1, 2, 0]).shape, [2, 5, 6]);
});

test('gradient checks', () => {
  for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
    checkGrad((a) => pad(a, [2, 1, 1, 2], mode), [rnd([2, 3, 4], 1)]);
  }
});

test('named errors', () => {
  assert.throws(() => pad(x, [3, 0], 'reflect'), /pad: reflect padding \(3, 0\) must be less than the size 3 of dim 2/);
  assert.throws(() => pad(x, [1], 'constant'), /expected an even number of pad amounts/);
  assert.throws(() => pad(x, [1, 1], 'mirror' as never), /pad: unknown mode 'mirror'/);
  assert.throws(() => pad(x, [1, 1], 'replicate', 2), /fill value \(2\) only applies to mode 'constant'/);
});
