/** Extra activations: values at known points, PReLU per channel, gradient checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { CELU, ELU, GELU, Hardtanh, LogSigmoid, PReLU, SELU, SiLU, Softplus, SELU_ALPHA, SELU_SCALE } from '../../src/nn/activation-extra.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

test('activation values', () => {
  const x = tensor([-2, 0.5, 30]);
  assertClose(new ELU(0.5).forward(x), [0.5 * Math.expm1(-2), 0.5, 30]);
  assertClose(new CELU(2).forward(x), [2 * Math.expm1(-1), 0.5, 30]);
  assertClose(new SELU().forward(x), [SELU_SCALE * SELU_ALPHA * Math.expm1(-2), SELU_SCALE * 0.5, SELU_SCALE * 30], 1e-5);
  assertClose(new GELU().forward(tensor([1, -1])), [0.8413447, -0.1586553], 1e-6);
  assertClose(new GELU('tanh').forward(tensor([1])), [0.8411920], 1e-6);
  assertClose(new Softplus(2, 20).forward(x), [Math.log1p(Math.exp(-4)) / 2, Math.log1p(Math.exp(1)) / 2, 30], 1e-6);
  assertClose(new LogSigmoid().forward(tensor([0])), [-Math.LN2]);
  assertClose(new SiLU().forward(tensor([1])), [1 / (1 + Math.exp(-1))]);
  assertClose(new Hardtanh().forward(x), [-1, 0.5, 1]);
});

test('PReLU learns one slope or one per channel, initialised at 0.25', () => {
  const p = new PReLU();
  assertClose(p.forward(tensor([-4, 2])), [-1, 2]);
  const pc = new PReLU(2);
  pc.weight.data.set([0.1, 0.5]);
  assertClose(pc.forward(tensor([[-1, -1], [2, -2]])), [-0.1, -0.5, 2, -1]);
  assert.throws(() => pc.forward(rnd([2, 3])), /prelu: 2 parameters need an input with 2 channels/);
  checkModuleGrad(new PReLU(3), [rnd([2, 3, 2], 1)]);
});

test('activations pass the gradient check, with no NaN from large inputs', () => {
  for (const m of [new ELU(), new CELU(0.7), new SELU(), new GELU('tanh'), new Softplus(1.5, 3), new LogSigmoid(), new SiLU()]) {
    checkGrad((x) => m.forward(x), [rnd([7], 2, -3, 3)]);
  }
  checkGrad((x) => new GELU().forward(x), [rnd([7], 3, -3, 3)], 1e-5);
  const big = tensor([200], { dtype: 'float64' }).requiresGrad_(true);
  A.backward(A.sum(new ELU().forward(big)));
  assertClose(big.grad as never, [1]);
});
