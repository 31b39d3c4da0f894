/** Creating tensors from bad shapes: named errors with the function, the shape and the bytes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, eye, linspace, ones, rand, randint, randn, zeros } from '../../src/tensor/creation.js';
import type { Shape } from '../../src/backend/backend.js';

test('a negative, fractional or NaN dimension is a named error with the shape', () => {
  assert.throws(() => zeros([-1]), /^RangeError: zeros: shape \[-1\] has dimension 0 = -1; every dimension must be an integer ≥ 0$/);
  assert.throws(() => zeros([NaN]), /zeros: shape \[NaN\] has dimension 0 = NaN/);
  assert.throws(() => ones([2, 2.5]), /ones: shape \[2, 2\.5\] has dimension 1 = 2\.5/);
  assert.throws(() => randn([3, -2]), /randn: shape \[3, -2\] has dimension 1 = -2/);
  assert.throws(() => rand([Infinity]), /rand: shape \[Infinity\]/);
  assert.throws(() => randint(0, 3, [-4]), /randint: shape \[-4\]/);
  assert.throws(() => eye(-3), /eye: shape \[-3, -3\]/);
  assert.throws(() => zeros(5 as unknown as Shape), /zeros: shape must be an array of integers, got 5/);
  assert.throws(() => linspace(0, 1, -2), /linspace: steps must be an integer ≥ 0, got -2/);
  assert.throws(() => arange(0, Infinity), /arange: start, end and step must be finite numbers/);
});

test('a shape too large to allocate names the element count and the bytes', () => {
  assert.throws(() => zeros([1e6, 1e6]), /^RangeError: zeros: shape \[1000000, 1000000\] needs 1\.000e12 float32 elements \(4\.00 TB\), more than can be allocated/);
  assert.throws(() => zeros([1e6, 1e6], { dtype: 'float64' }), /\(8\.00 TB\)/);
});

test('good shapes still work, empty ones included', () => {
  assert.deepEqual(zeros([0, 3]).shape, [0, 3]);
  assert.deepEqual(Array.from(ones([2]).data), [1, 1]);
  assert.deepEqual(zeros([]).shape, []);
  assert.deepEqual(Array.from(eye(2).data), [1, 0, 0, 1]);
});
