/** orthogonal_ and truncNormal_. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { orthogonal_, truncNormal_ } from '../../src/nn/init-extra.js';
import { zeros } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/random.js';
import { assertClose } from '../helpers.js';

function eyeData(n: number, g = 1): number[] {
  return Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) === i % n ? g * g : 0));
}

test('orthogonal_ gives orthonormal rows or columns times the gain', () => {
  const tall = orthogonal_(zeros([5, 3]), 2, new Generator(1));
  assertClose(A.matmul(A.transpose(tall, 0, 1), tall), eyeData(3, 2), 1e-5);
  const wide = orthogonal_(zeros([2, 6]), 1, new Generator(2));
  assertClose(A.matmul(wide, A.transpose(wide, 0, 1)), eyeData(2), 1e-5);
  const conv = orthogonal_(zeros([3, 2, 2]), 1, new Generator(3));
  const m = A.reshape(conv, [3, 4]);
  assertClose(A.matmul(m, A.transpose(m, 0, 1)), eyeData(3), 1e-5);
  assert.throws(() => orthogonal_(zeros([4])), /only tensors with 2 or more dimensions/);
});

test('truncNormal_ stays inside [a, b]', () => {
  const t = truncNormal_(zeros([1000]), 0, 1, -0.5, 1, new Generator(4));
  assert.ok(Array.from(t.data).every((v) => v >= -0.5 && v <= 1));
  const mean = Array.from(t.data).reduce((x, y) => x + y, 0) / 1000;
  assert.ok(mean > 0.05 && mean < 0.4, `mean ${mean}`);
});
