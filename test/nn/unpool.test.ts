/** MaxUnpool: puts pooled values back at their indices, gradient check, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MaxPool2d } from '../../src/nn/pooling.js';
import { MaxUnpool1d, MaxUnpool2d } from '../../src/nn/unpool.js';
import { tensor } from '../../src/tensor/creation.js';
import { checkGrad, rnd } from '../helpers.js';

test('unpooling keeps each window maximum in place and zeros the rest', () => {
  const x = tensor([[[[1, 5, 2, 0], [3, 4, 8, 6]]]]);
  const r = new MaxPool2d(2, { returnIndices: true }).run(x);
  const y = new MaxUnpool2d(2).forward(r.output, r.indices);
  assert.deepEqual(Array.from(y.data), [0, 5, 0, 0, 0, 0, 8, 0]);
  assert.deepEqual(new MaxUnpool1d(2).forward(tensor([[7, 9]]), tensor([[1, 2]], { dtype: 'int32' }), [5]).shape, [1, 5]);
});

test('gradient check', () => {
  const idx = tensor([[[0, 3], [5, 6]]], { dtype: 'int32' });
  checkGrad((v) => new MaxUnpool1d(2).forward(v, idx, [7]), [rnd([1, 2, 2], 1)]);
});

test('named errors', () => {
  assert.throws(() => new MaxUnpool1d(2).forward(tensor([[1, 2]]), tensor([[0, 9]], { dtype: 'int32' })), /index 9 at position 1 is outside \[0, 4\)/);
  assert.throws(() => new MaxUnpool2d(2, { strides: 2 } as never), /MaxUnpool2d: unknown option 'strides' \(did you mean 'stride'\?\)/);
  assert.throws(() => new MaxUnpool1d(2).forward(tensor([[1, 2]]), tensor([[0]], { dtype: 'int32' })), /indices \[1,1\] must have the shape of the input \[1,2\]/);
});
