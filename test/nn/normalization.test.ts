/** LayerNorm and BatchNorm: values, running statistics as PyTorch, train vs eval, gradients. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from '../../src/nn/normalization.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, rnd } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

test('LayerNorm normalises the trailing dims', () => {
  const y = new LayerNorm(4, { eps: 0 }).forward(tensor([[1, 2, 3, 4]]));
  const s = Math.sqrt(1.25);
  assertClose(y, [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s]);
  assert.throws(() => new LayerNorm([2, 3]).forward(rnd([3, 2])), /LayerNorm: input \[3,2\] does not end with the normalized shape \[2,3\]/);
});

test('BatchNorm1d updates running stats with momentum 0.1 and the unbiased variance', () => {
  const bn = new BatchNorm1d(1);
  const y = bn.forward(tensor([[1], [2], [3], [6]]));
  const sd = Math.sqrt(3.5 + 1e-5);
  assertClose(y, [-2 / sd, -1 / sd, 0, 3 / sd], 1e-5);
  assertClose(bn.runningMean, [0.3]);
  assertClose(bn.runningVar, [0.9 + 0.1 * (14 / 3)], 1e-6);
  assert.equal(bn.numBatchesTracked.data[0], 1);
  bn.eval();
  assertClose(bn.forward(tensor([[0.3]])), [0], 1e-6);
});

test('momentum null gives the cumulative average', () => {
  const bn = new BatchNorm1d(1, { momentum: null });
  bn.forward(tensor([[1], [3]]));
  bn.forward(tensor([[5], [7]]));
  assertClose(bn.runningMean, [4]);
  assertClose(bn.runningVar, [2]);
});

test('BatchNorm needs more than one value per channel in training', () => {
  assert.throws(() => new BatchNorm1d(3).forward(rnd([1, 3])), /expected more than 1 value per channel when training/);
  assert.throws(() => new BatchNorm2d(3).forward(rnd([2, 4, 2, 2])), /has 4 channels but the layer expects 3/);
});

test('normalisation layers pass the gradient check', () => {
  const ln = new LayerNorm([2, 3]);
  ln.weight?.data.set([1, 2, 0.5, -1, 1.5, 0.7]);
  checkModuleGrad(ln, [rnd([2, 2, 3], 1)]);
  checkModuleGrad(new BatchNorm1d(3), [rnd([4, 3], 2)]);
  checkModuleGrad(new BatchNorm1d(2), [rnd([2, 2, 3], 3)]);
  checkModuleGrad(new BatchNorm2d(2).eval(), [rnd([2, 2, 2, 2], 4)]);
});

test('model.eval() switches Dropout to identity and BatchNorm to running statistics, as PyTorch', async () => {
  const { Sequential } = await import('../../src/nn/container.js');
  const { Dropout } = await import('../../src/nn/dropout.js');
  const { Generator } = await import('../../src/tensor/random.js');
  const bn = new BatchNorm1d(2);
  const drop = new Dropout(0.5, { generator: new Generator(1) });
  const model = new Sequential(bn, drop);
  const x = tensor([[1, 10], [3, 20], [5, 60]]);
  const yTrain = model.forward(x);
  // Training: batch statistics, then entries zeroed or doubled.
  const z = [-1.2247, -0.9258, 0, -0.4629, 1.2247, 1.3887];
  yTrain.data.forEach((v, i) => assert.ok(Math.abs(v) < 1e-6 || Math.abs(v - 2 * z[i]) < 1e-3, `train output ${i}: ${v}`));
  assert.ok(Array.from(yTrain.data).some((v) => v === 0));
  const rm = Array.from(bn.runningMean.data);
  assertClose(rm, [0.3, 3]);
  model.eval();
  assert.equal(bn.training, false);
  assert.equal(drop.training, false);
  const yEval = model.forward(x);
  const rv = Array.from(bn.runningVar.data);
  const expected = [1, 10, 3, 20, 5, 60].map((v, i) => (v - rm[i % 2]) / Math.sqrt(rv[i % 2] + 1e-5));
  assertClose(yEval, expected, 1e-5);
  assertClose(bn.runningMean, rm);
  assertClose(model.forward(x), yEval);
  model.train();
  assert.equal(drop.training, true);
});
