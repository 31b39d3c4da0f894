/** Max / average / adaptive pooling: values by hand, PyTorch's ceil-mode and padding rules, gradients. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d } from '../../src/nn/pooling.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, rnd } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

test('MaxPool1d picks window maxima; padding never wins', () => {
  const x = tensor([[[1, 5, 2, 4, 3, -1, -7]]]);
  assertClose(new MaxPool1d(2).forward(x), [5, 4, 3]);
  assertClose(new MaxPool1d(2, { ceilMode: true }).forward(x), [5, 4, 3, -7]);
  assertClose(new MaxPool1d(3, { stride: 2, padding: 1 }).forward(tensor([[[-3, -2, -5, -1]]])), [-2, -1]);
});

test('MaxPool2d sends the gradient of a tied window to its first maximum, as PyTorch', () => {
  const x = tensor([[[[3, 3], [1, 3]]]]);
  x.requiresGrad = true;
  new MaxPool2d(2).forward(x).sum().backward();
  assertClose(x.grad!, [1, 0, 0, 0]);
});

test('AvgPool1d counts padding as PyTorch (countIncludePad, ceil mode)', () => {
  const x = tensor([[[1, 2, 3, 4, 5]]]);
  assertClose(new AvgPool1d(2).forward(x), [1.5, 3.5]);
  assertClose(new AvgPool1d(2, { padding: 1 }).forward(x), [0.5, 2.5, 4.5]);
  assertClose(new AvgPool1d(2, { padding: 1, countIncludePad: false }).forward(x), [1, 2.5, 4.5]);
  assertClose(new AvgPool1d(2, { ceilMode: true }).forward(x), [1.5, 3.5, 5]);
});

test('adaptive average pooling uses PyTorch bins', () => {
  const x = tensor([[[1, 2, 3, 4, 5]]]);
  assertClose(new AdaptiveAvgPool1d(1).forward(x), [3]);
  assertClose(new AdaptiveAvgPool1d(3).forward(x), [1.5, 3, 4.5]);
  const y = new AdaptiveAvgPool2d(1).forward(tensor([[[[1, 2], [3, 6]]]]));
  assert.deepEqual(y.shape, [1, 1, 1, 1]);
  assertClose(y, [3]);
});

test('poolings pass the gradient check', () => {
  checkModuleGrad(new MaxPool1d(3, { stride: 2, padding: 1 }), [rnd([2, 2, 7], 1)]);
  checkModuleGrad(new MaxPool2d(2), [rnd([1, 2, 4, 5], 2)]);
  checkModuleGrad(new AvgPool1d(3, { stride: 2, padding: 1, ceilMode: true }), [rnd([2, 1, 8], 3)]);
  checkModuleGrad(new AvgPool2d([2, 3], { padding: [1, 1], countIncludePad: false }), [rnd([1, 2, 4, 5], 4)]);
  checkModuleGrad(new AdaptiveAvgPool1d(3), [rnd([2, 2, 7], 5)]);
  checkModuleGrad(new AdaptiveAvgPool2d([2, 3]), [rnd([1, 1, 5, 7], 6)]);
});

test('pooling errors name the shapes', () => {
  assert.throws(() => new MaxPool1d(2).forward(rnd([5])), /MaxPool1d: expected a 3-d input/);
  assert.throws(() => new MaxPool1d(2, { padding: 2 }).forward(rnd([1, 1, 5])), /padding 2 should be at most half/);
});
