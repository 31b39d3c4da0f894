import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIVATIONS, DEFAULT_LR, makeActivation, makeOptimizer, OPTIMIZERS, trainable } from '../../src/studies/choices.js';
import { Embedding, Linear, Module } from '../../src/nn/index.js';
import { Generator } from '../../src/tensor/random.js';
import { tensor } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';

class Net extends Module {
  emb = Embedding.fromPretrained(tensor([[0, 0], [1, 2], [3, 4]]), { freeze: true });
  fc = new Linear(2, 2, { generator: new Generator(1) });
  forward(x: Tensor): Tensor {
    return this.fc.forward(this.emb.forward(x));
  }
}

test('optimizers take only trainable parameters, at their default learning rates', () => {
  const net = new Net();
  assert.equal(trainable(net).length, 2);
  for (const name of OPTIMIZERS) {
    const opt = makeOptimizer(name, net);
    assert.equal(opt.lrs[0], DEFAULT_LR[name], name);
    assert.equal(opt.paramGroups[0].params.length, 2);
  }
  assert.equal(makeOptimizer('adam', net, 0.5).lrs[0], 0.5);
});

test('every activation is a fresh module with the expected value at 1 and -1', () => {
  const x = tensor([1, -1]);
  const expect: Record<string, [number, number]> = {
    relu: [1, 0], sigmoid: [1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(1))], tanh: [Math.tanh(1), -Math.tanh(1)],
    logsigmoid: [-Math.log1p(Math.exp(-1)), -Math.log1p(Math.exp(1))], prelu: [1, -0.25], celu: [1, Math.exp(-1) - 1],
    selu: [1.0507009873554805, 1.0507009873554805 * 1.6732632423543772 * (Math.exp(-1) - 1)],
  };
  for (const name of ACTIVATIONS) {
    const y = makeActivation(name).forward(x).data;
    assert.ok(Math.abs(y[0] - expect[name][0]) < 1e-5 && Math.abs(y[1] - expect[name][1]) < 1e-5, `${name}: ${Array.from(y)}`);
  }
  assert.notEqual(makeActivation('prelu'), makeActivation('prelu'));
});
