/**
 * `maximize` in SGD, Adam, AdamW, Adamax, RMSprop, Adagrad and Adadelta (the optimizers that
 * have it in PyTorch 1.13): 20 steps on the objective −mse against PyTorch's trajectories
 * (scripts/make_torch_fixtures_modules.py), and the parameters' gradients are left untouched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { Parameter } from '../../src/nn/module.js';
import { mseLoss } from '../../src/nn/functional.js';
import * as O from '../../src/optim/index.js';
import type { Hyper, Optimizer } from '../../src/optim/optimizer.js';
import { Arr, compare, loadFixture, toTensor } from '../nn/parity-helpers.js';

interface OptCase { name: string; kind: string; args: Record<string, number | boolean | number[]>; trajectory: number[][] }
interface OptFixture { torch: string; X: Arr; Y: Arr; W0: Arr; b0: Arr; cases: OptCase[] }

const ctors: Record<string, new (p: never, o: never) => unknown> = {
  SGD: O.SGD, Adam: O.Adam, AdamW: O.AdamW, Adamax: O.Adamax, RMSprop: O.RMSprop, Adagrad: O.Adagrad, Adadelta: O.Adadelta,
};

const fx = loadFixture<OptFixture>('modules-optim.json');

test(`PyTorch ${fx.torch} parity: maximize, 20 steps each`, async (t) => {
  const X = toTensor(fx.X);
  const Y = toTensor(fx.Y);
  for (const c of fx.cases) {
    await t.test(c.name, (tc) => {
      const W = new Parameter(toTensor(fx.W0));
      const b = new Parameter(toTensor(fx.b0));
      const o = new ctors[c.kind]([W, b] as never, c.args as never) as Optimizer<Hyper>;
      let worst = 0;
      c.trajectory.forEach((expected, step) => {
        o.zeroGrad();
        A.backward(A.neg(mseLoss(A.add(A.matmul(X, A.transpose(W, 0, 1)), b), Y)));
        const before = Float32Array.from((W.grad as Parameter).data);
        o.step();
        assert.deepEqual(Float32Array.from((W.grad as Parameter).data), before, `${c.name}: step() changed the gradient`);
        worst = Math.max(worst, compare(`${c.name} step ${step + 1}`, [...W.data, ...b.data], expected));
      });
      tc.diagnostic(`${c.kind}: max relative error ${worst.toExponential(2)} (float32)`);
    });
  }
});
