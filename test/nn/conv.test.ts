/** Conv1d / Conv2d: output shapes, a hand-computed value, gradient checks and input errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conv1d, Conv2d } from '../../src/nn/conv.js';
import { tensor } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/random.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

test('Conv1d computes a cross-correlation with bias', () => {
  const c = new Conv1d(1, 1, 2);
  c.weight.data.set([1, -1]);
  (c.bias as { data: Float32Array }).data.set([0.5]);
  const y = c.forward(tensor([[[1, 3, 6, 10]]]));
  assert.deepEqual(y.shape, [1, 1, 3]);
  assertClose(y, [-1.5, -2.5, -3.5]);
});

test('Conv1d output length follows stride, padding and dilation', () => {
  const c = new Conv1d(2, 3, 3, { stride: 2, padding: 1, dilation: 2, generator: new Generator(1) });
  assert.deepEqual(c.forward(rnd([4, 2, 11])).shape, [4, 3, 5]);
  const same = new Conv1d(2, 3, 5, { padding: 'same' });
  assert.deepEqual(same.forward(rnd([1, 2, 7])).shape, [1, 3, 7]);
  assert.deepEqual(same.forward(rnd([2, 7])).shape, [3, 7]);
});

test('Conv1d and Conv2d pass the gradient check (inputs and parameters)', () => {
  checkModuleGrad(new Conv1d(2, 3, 3, { stride: 2, padding: 1, generator: new Generator(2) }), [rnd([2, 2, 7], 3)]);
  checkModuleGrad(new Conv2d(2, 2, [2, 3], { padding: [1, 0], dilation: [1, 2], generator: new Generator(4) }), [rnd([1, 2, 4, 6], 5)]);
});

test('conv errors name the rank and the channel count', () => {
  const c = new Conv1d(3, 4, 2);
  assert.throws(() => c.forward(rnd([2, 3, 5, 5])), /Conv1d: expected a 3-d input \[N, C, L\].*got \[2,3,5,5\]/);
  assert.throws(() => c.forward(rnd([2, 2, 5])), /Conv1d: input \[2,2,5\] has 2 channels but the layer expects 3/);
  const c2 = new Conv2d(1, 1, 3);
  assert.throws(() => c2.forward(rnd([1, 1, 2, 2])), /too small/);
  assert.throws(() => new Conv1d(1, 1, 3, { groups: 2 }), /Conv1d: groups 2 must be a positive integer dividing inChannels 1 and outChannels 1/);
});

test('paddingMode, groups and asymmetric same padding pass the gradient check', async () => {
  const { toDouble } = await import('../../src/nn/module-utils.js');
  for (const paddingMode of ['reflect', 'replicate', 'circular'] as const) {
    const m = toDouble(new Conv2d(2, 4, [3, 2], { padding: 'same', paddingMode, groups: 2 }));
    checkGrad((x) => m.forward(x), [rnd([1, 2, 4, 3], 3)]);
  }
  const even = new Conv1d(2, 2, 4, { padding: 'same' });
  assert.deepEqual(even.paddingPairs, [[1, 2]]);
  assert.deepEqual(even.forward(rnd([1, 2, 6]).float()).shape, [1, 2, 6]);
  assert.throws(() => new Conv1d(2, 2, 3, { paddingMode: 'mirror' as never }), /Conv1d: option 'paddingMode' must be one of 'zeros', 'reflect', 'replicate', 'circular', got 'mirror'/);
});
