/** ConvTranspose: it is the adjoint of Conv (⟨conv(x), y⟩ = ⟨x, convT(y)⟩), gradient checks, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { ConvTranspose1d, ConvTranspose2d } from '../../src/nn/conv-transpose.js';
import { conv2d, convTranspose1d, convTranspose2d } from '../../src/nn/functional-more.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

test('transposed convolution is the adjoint of convolution', () => {
  const w = rnd([4, 3, 3, 2], 1); // conv: 3 → 4 channels; convT with the same weight: 4 → 3
  const x = rnd([2, 3, 7, 6], 2);
  const o = { stride: [2, 1], padding: [1, 0], dilation: [1, 2] };
  const y = conv2d(x, w, null, o);
  const r = rnd([...y.shape], 3);
  const lhs = A.sum(A.mul(y, r)).item();
  const back = convTranspose2d(r, w, null, { ...o, outputPadding: [0, 0] });
  const rhs = A.sum(A.mul(A.narrow(A.narrow(back, 2, 0, 7), 3, 0, 6), x)).item();
  assertClose(lhs, rhs, 1e-9);
});

test('output size and outputSize', () => {
  const m = new ConvTranspose1d(2, 3, 3, { stride: 2, padding: 1 });
  assert.deepEqual(m.forward(rnd([1, 2, 5]).float()).shape, [1, 3, 9]);
  assert.deepEqual(m.forward(rnd([1, 2, 5]).float(), [10]).shape, [1, 3, 10]);
  assert.throws(() => m.forward(rnd([1, 2, 5]).float(), [12]), /outputSize \[12\] is not reachable: dim 0 can be 9 to 10/);
});

test('gradient checks', () => {
  checkGrad((x, w, b) => convTranspose1d(x, w, b, { stride: 3, padding: 1, outputPadding: 2, groups: 2 }), [rnd([2, 4, 3], 4), rnd([4, 1, 3], 5), rnd([2], 6)]);
  checkGrad((x, w) => convTranspose2d(x, w, null, { stride: [1, 2], dilation: [2, 1], padding: [2, 0] }), [rnd([1, 2, 3, 3], 7), rnd([2, 2, 2, 3], 8)]);
});

test('named errors', () => {
  assert.throws(() => new ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 }), /outputPadding 2 must be smaller than either stride 2 or dilation 1/);
  assert.throws(() => new ConvTranspose2d(2, 2, 3, { paddingMode: 'reflect' } as never), /ConvTranspose2d: option 'paddingMode' must be one of 'zeros'/);
  assert.throws(() => new ConvTranspose1d(2, 2, 3, { output_padding: 1 } as never), /ConvTranspose1d: unknown option 'output_padding' \(did you mean 'outputPadding'\?\)/);
  assert.throws(() => new ConvTranspose1d(3, 2, 3, { groups: 2 }), /groups 2 must divide inChannels 3/);
});
