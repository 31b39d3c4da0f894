/** maxPoolWithIndices: same values and gradient as maxPool, PyTorch's flat indices, gradient check. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

const spec = { inSize: [3, 4], outSize: [2, 2], kernel: [2, 2], stride: [1, 2], padding: [0, 0], dilation: [1, 1] };

test('values match maxPool and indices are flat positions in the plane', () => {
  const x = rnd([2, 1, 3, 4], 1);
  const r = A.maxPoolWithIndices(x, spec);
  assertClose(r.output, A.maxPool(x, spec));
  const plain = tensor([[[[1, 9, 2, 3], [4, 5, 8, 6], [7, 0, 1, 2]]]]);
  assert.deepEqual(Array.from(A.maxPoolWithIndices(plain, spec).indices.data), [1, 6, 8, 6]);
});

test('gradient check', () => {
  checkGrad((x) => A.maxPoolWithIndices(x, spec).output, [rnd([1, 2, 3, 4], 2)]);
});
