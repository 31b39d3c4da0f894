/** Upsample / interpolate: hand-computed values, gradient checks, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Upsample, interpolate } from '../../src/nn/upsample.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

test('values', () => {
  const x = tensor([[[0, 10]]]);
  assertClose(interpolate(x, { scaleFactor: 2 }), [0, 0, 10, 10]);
  assertClose(interpolate(x, { size: 4, mode: 'linear' }), [0, 2.5, 7.5, 10], 1e-5);
  assertClose(interpolate(x, { size: 3, mode: 'linear', alignCorners: true }), [0, 5, 10], 1e-5);
  assertClose(interpolate(tensor([[[[0, 1], [2, 3]]]]), { size: [3, 3], mode: 'bilinear', alignCorners: true }), [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3], 1e-5);
  assertClose(interpolate(tensor([[[1, 3, 5, 7]]]), { size: 2, mode: 'area' }), [2, 6], 1e-6);
  // Bicubic reproduces a linear ramp exactly away from the clamped edges (the cubic weights sum to 1 and are exact on lines).
  const ramp = tensor([[[[0, 1, 2, 3, 4, 5]]]]);
  assertClose(interpolate(ramp, { size: [1, 11], mode: 'bicubic', alignCorners: true }).narrow(3, 2, 7), [1, 1.5, 2, 2.5, 3, 3.5, 4], 1e-5);
});

test('gradient checks', () => {
  checkGrad((x) => interpolate(x, { size: [4, 5], mode: 'bilinear' }), [rnd([1, 2, 3, 2], 1)]);
  checkGrad((x) => interpolate(x, { scaleFactor: 1.7, mode: 'linear', alignCorners: true }), [rnd([2, 1, 4], 2)]);
  checkGrad((x) => interpolate(x, { size: [2, 5] }), [rnd([1, 1, 3, 3], 3)]);
  checkGrad((x) => interpolate(x, { size: [4, 2], mode: 'bicubic' }), [rnd([1, 2, 3, 3], 4)]);
  checkGrad((x) => interpolate(x, { scaleFactor: 1.5, mode: 'nearest-exact' }), [rnd([1, 1, 3, 2], 5)]);
});

test('named errors', () => {
  assert.throws(() => new Upsample({ scaleFactor: 2, mode: 'trilinear' as never }), /Upsample: option 'mode' must be one of 'nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'area', got 'trilinear'/);
  assert.throws(() => new Upsample({ scale_factor: 2 } as never), /Upsample: unknown option 'scale_factor' \(did you mean 'scaleFactor'\?\)/);
  assert.throws(() => interpolate(rnd([1, 1, 4]), { size: 3, mode: 'bilinear' }), /mode 'bilinear' needs a 4-d input/);
  assert.throws(() => interpolate(rnd([1, 1, 4]), { size: 3, alignCorners: true }), /alignCorners only applies to the linear modes/);
  assert.throws(() => new Upsample({}), /give exactly one of size and scaleFactor/);
});
