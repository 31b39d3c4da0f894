import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as g from '../../src/index.js';
import { SoftmaxRegression, deepNetwork } from '../../src/studies/mnist-linear.js';
import { assertClose } from '../helpers.js';

test('S1: the hand-written softmax-regression gradients equal autograd', () => {
  const reg = new SoftmaxRegression(6, 4);
  const gen = new g.Generator(3);
  reg.W.data.set(g.randn([4, 6], { generator: gen }).data);
  reg.b.data.set(g.randn([4], { generator: gen }).data);
  const x = g.randn([5, 6], { generator: gen });
  const y = g.tensor([0, 3, 1, 1, 2], { dtype: 'int32' });
  const hand = reg.lossAndGrads(x, y);
  const W = reg.W.clone().detach().requiresGrad_();
  const b = reg.b.clone().detach().requiresGrad_();
  const loss = g.nn.F.crossEntropy(g.linear(x, W, b), y);
  loss.backward();
  assertClose(hand.loss, loss.item(), 1e-6);
  assertClose(hand.dW, W.grad!, 1e-6);
  assertClose(hand.db, b.grad!, 1e-6);
});

test('S1: per-sample SGD steps lower the loss on a separable problem', () => {
  const reg = new SoftmaxRegression(2, 2);
  const x = g.tensor([[2, 0], [0, 2], [1.5, 0.2], [0.1, 1.8]]);
  const y = g.tensor([0, 1, 0, 1], { dtype: 'int32' });
  const before = reg.lossAndGrads(x, y).loss;
  for (let e = 0; e < 20; e++) for (let i = 0; i < 4; i++) reg.sgdStep(x.narrow(0, i, 1), y.narrow(0, i, 1), 0.1);
  const after = reg.lossAndGrads(x, y).loss;
  assertClose(before, Math.log(2), 1e-6);
  assert.ok(after < 0.2, `loss ${after}`);
});

test('S1: DeepNetwork has Glorot-initialised weights and zero biases', () => {
  const net = deepNetwork(784, [100, 50], 10, new g.Generator(1));
  const params = net.namedParameters();
  assert.deepEqual(params.map(([k, p]) => [k, p.shape]), [
    ['0.weight', [100, 784]], ['0.bias', [100]], ['2.weight', [50, 100]], ['2.bias', [50]], ['4.weight', [10, 50]], ['4.bias', [10]],
  ]);
  const w0 = params[0][1];
  const bound = Math.sqrt(6 / (784 + 100));
  assert.ok(w0.abs().max().item() <= bound && w0.abs().max().item() > 0.95 * bound);
  assert.equal(params[1][1].abs().sum().item(), 0);
});
