/** scatterAddNew: values, duplicates add, gradient check, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { tensor } from '../../src/tensor/creation.js';
import { checkGrad, rnd } from '../helpers.js';

const idx = tensor([[2, 0, 2]], { dtype: 'int32' });

test('values land at their indices and duplicates add', () => {
  assert.deepEqual(Array.from(A.scatterAddNew(tensor([[1, 2, 3]]), 1, idx, [1, 4]).data), [2, 0, 4, 0]);
});

test('gradient check', () => {
  checkGrad((x) => A.scatterAddNew(x, 1, idx, [1, 4]), [rnd([1, 3], 1)]);
});

test('named errors', () => {
  assert.throws(() => A.scatterAddNew(tensor([[1, 2, 3]]), 1, idx, [1, 2]), /index 2 at position 0 is outside \[0, 2\) along dim 1/);
  assert.throws(() => A.scatterAddNew(tensor([[1, 2]]), 1, idx, [1, 4]), /src \[1,2\] and index \[1,3\] must match/);
});
