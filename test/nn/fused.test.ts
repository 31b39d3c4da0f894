/**
 * crossEntropy on 2-d logits and LayerNorm run on the fused ops: every reduction, class weights
 * and ignored rows give what the composite path (logSoftmax + nllLoss, as PyTorch) gives, values
 * and gradients; F.layerNorm is the functional form of LayerNorm.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as g from '../../src/index.js';
import { Tensor } from '../../src/index.js';
import { F, LayerNorm } from '../../src/nn/index.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

const ints = (v: number[]): Tensor => g.tensor(v, { dtype: 'int32' });

function gradOf(f: (x: Tensor) => Tensor, x0: Tensor): [Tensor, Tensor] {
  const x = g.tensor(x0.data.slice(), { shape: x0.shape }).requiresGrad_(true);
  const y = f(x);
  const proj = y.dtype === 'float64' ? rnd([...y.shape], 77) : g.cast(rnd([...y.shape], 77), 'float32');
  g.sum(g.mul(y, proj)).backward();
  return [y, x.grad as Tensor];
}

test('crossEntropy on [N, C]: every reduction with weights and ignored rows equals logSoftmax + nllLoss', () => {
  const t = ints([0, 3, -100, 2, 1, 3, -100]);
  const w = rnd([4], 1, 0.2, 2);
  for (const dtype of ['float64', 'float32'] as const) {
    const x = dtype === 'float64' ? rnd([7, 4], 2, -3, 3) : g.cast(rnd([7, 4], 2, -3, 3), 'float32');
    const wt = dtype === 'float64' ? w : g.cast(w, 'float32');
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const weight of [undefined, wt]) {
        const o = { reduction, weight };
        const [fy, fg] = gradOf((z) => F.crossEntropy(z, t, o), x);
        const [cy, cg] = gradOf((z) => F.nllLoss(g.logSoftmax(z, 1), t, o), x);
        const what = `${dtype} ${reduction} weighted ${weight !== undefined}`;
        assert.equal(fy.dtype, cy.dtype, what);
        assert.deepEqual(fy.shape, cy.shape, what);
        const tol = dtype === 'float64' ? 1e-12 : 1e-6;
        assertClose(fy, cy, tol, tol, `${what} value`);
        assertClose(fg, cg, tol, tol, `${what} gradient`);
      }
    }
  }
  // The weighted mean divides by the targets' weights over the rows kept (PyTorch).
  const x = rnd([7, 4], 3);
  const per = Array.from(F.crossEntropy(x, t, { weight: w, reduction: 'none' }).data);
  const wsum = [0, 3, 2, 1, 3].reduce((a, c) => a + w.data[c], 0);
  assertClose(F.crossEntropy(x, t, { weight: w }), [per.reduce((a, b) => a + b, 0) / wsum], 1e-12, 1e-12);
  // Every row ignored: 0/0 as PyTorch.
  assert.ok(Number.isNaN(F.crossEntropy(x, ints(new Array(7).fill(-100))).item()));
});

test('crossEntropy on [N, C] passes the gradient check through the fused op', () => {
  const t = ints([1, 0, -100, 3]);
  const w = rnd([4], 4, 0.2, 2);
  checkGrad((x) => F.crossEntropy(x, t), [rnd([4, 4], 5)]);
  checkGrad((x) => F.crossEntropy(x, t, { weight: w }), [rnd([4, 4], 6)]);
  checkGrad((x) => F.crossEntropy(x, t, { weight: w, reduction: 'sum' }), [rnd([4, 4], 7)]);
  checkGrad((x) => F.crossEntropy(x, t, { reduction: 'none' }), [rnd([4, 4], 8)]);
});

test('crossEntropy keeps the composite path for trainable class weights, label smoothing and [N, C, d] logits', () => {
  const t = ints([1, 0, 2]);
  const w = rnd([3], 9, 0.5, 1.5).requiresGrad_(true);
  const x = rnd([3, 3], 10);
  const l = F.crossEntropy(x, t, { weight: w });
  assert.equal(l.gradFn?.op, 'div');
  l.backward();
  assert.ok(w.grad, 'the class weights get a gradient');
  assert.equal(F.crossEntropy(x.requiresGrad_(true), t, { reduction: 'none' }).gradFn?.op, 'crossEntropy');
  assert.throws(() => F.crossEntropy(x, t, { weight: g.ones([2]) }), /crossEntropy: weight must have shape \[3\] for input \[3,3\], got \[2\]/);
});

test('F.layerNorm and LayerNorm run the fused op', () => {
  const ln = new LayerNorm([2, 3]);
  ln.weight?.data.set([1, 2, 0.5, -1, 1.5, 0.7]);
  ln.bias?.data.set([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  const x = g.cast(rnd([4, 2, 3], 11, -2, 2), 'float32').requiresGrad_(true);
  const y = ln.forward(x);
  assert.equal(y.gradFn?.op, 'layerNorm');
  assertClose(y, F.layerNorm(x, [2, 3], ln.weight, ln.bias, 1e-5), 0, 0);
  assertClose(F.layerNorm(x, 3), g.layerNorm(x, [3]), 0, 0);
  const noAffine = new LayerNorm(3, { elementwiseAffine: false });
  assert.equal(noAffine.weight, null);
  assertClose(noAffine.forward(x), F.layerNorm(x, [3]), 0, 0);
});
