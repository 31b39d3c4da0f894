/** Gradient clipping: joint norm, return value, non-finite norms, value clipping. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parameter } from '../../src/nn/module.js';
import { clipGradNorm, clipGradValue } from '../../src/optim/clip.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose } from '../helpers.js';

function withGrad(values: number[]): Parameter {
  const p = new Parameter(tensor(values.map(() => 0)));
  p.grad = tensor(values);
  return p;
}

test('clipGradNorm scales all gradients together and returns the norm before clipping', () => {
  const a = withGrad([3, 0]);
  const b = withGrad([4]);
  const total = clipGradNorm([a, b], 1);
  assertClose(total, 5);
  assertClose(a.grad as never, [0.6 / (1 + 2e-7), 0], 1e-6);
  assertClose(clipGradNorm([withGrad([-7, 2])], 10, Infinity), 7);
  const c = withGrad([1, 2]);
  clipGradNorm([c], 10);
  assertClose(c.grad as never, [1, 2]);
  assert.throws(() => clipGradNorm([withGrad([Infinity])], 1, 2, { errorIfNonfinite: true }), /total norm of order 2 of the gradients is Infinity/);
});

test('clipGradValue clamps each entry', () => {
  const p = withGrad([-3, 0.1, 2]);
  clipGradValue([p], 0.5);
  assertClose(p.grad as never, [-0.5, 0.1, 0.5]);
});
