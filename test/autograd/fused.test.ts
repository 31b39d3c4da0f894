/**
 * Fused ops (crossEntropyRows, layerNorm): values against the composite formulas they replace,
 * gradients against central differences in float64, and clear errors for bad input.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as g from '../../src/index.js';
import { Tensor } from '../../src/index.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

const ints = (v: number[]): Tensor => g.tensor(v, { dtype: 'int32' });

/** −w[t]·log softmax(x)[t] per row, 0 where ignored, written with composite ops. */
function ceComposite(x: Tensor, t: Tensor, w: Tensor | null, ignore: number): Tensor {
  const valid = g.ne(t, ignore);
  const safe = g.mul(t, valid);
  const picked = g.squeeze(g.gather(g.logSoftmax(x, 1), 1, g.unsqueeze(safe, 1)), 1);
  let wt: Tensor = g.cast(valid, x.dtype);
  if (w) wt = g.mul(wt, g.indexSelect(w, 0, safe));
  return g.neg(g.mul(picked, wt));
}

test('crossEntropyRows: values equal −w[t]·log softmax(x)[t], 0 for ignored rows', () => {
  const x = rnd([6, 5], 1, -3, 3);
  const t = ints([0, 4, -100, 2, 3, -100]);
  const w = rnd([5], 2, 0.2, 2);
  for (const weight of [null, w]) {
    const got = g.crossEntropyRows(x, t, { weight });
    assert.equal(got.dtype, 'float64');
    assert.deepEqual(got.shape, [6]);
    assertClose(got, ceComposite(x, t, weight, -100), 1e-12, 1e-12);
    assert.equal(got.data[2], 0);
  }
  // An ignore index inside [0, C) skips those rows.
  const t2 = ints([1, 1, 0, 2, 1, 4]);
  assertClose(g.crossEntropyRows(x, t2, { ignoreIndex: 1 }), ceComposite(x, t2, null, 1), 1e-12, 1e-12);
  // float32 logits on the default backend.
  const xf = g.cast(rnd([300, 10], 3, -4, 4), 'float32');
  const tf = ints(Array.from({ length: 300 }, (_, i) => (i * 7) % 10));
  assertClose(g.crossEntropyRows(xf, tf), ceComposite(xf, tf, null, -100), 1e-5, 1e-5);
});

test('crossEntropyRows passes the gradient check (weights, ignored rows, in-range ignore index)', () => {
  const t = ints([0, 3, -100, 2, 1]);
  checkGrad((x) => g.crossEntropyRows(x, t), [rnd([5, 4], 4, -2, 2)]);
  const w = rnd([4], 5, 0.2, 2);
  checkGrad((x) => g.crossEntropyRows(x, t, { weight: w }), [rnd([5, 4], 6, -2, 2)]);
  checkGrad((x) => g.crossEntropyRows(x, ints([0, 3, 1, 2, 1]), { weight: w, ignoreIndex: 1 }), [rnd([5, 4], 7, -2, 2)]);
  checkGrad((x) => g.crossEntropyRows(x, ints([0])), [rnd([1, 1], 8)]);
});

test('crossEntropyRows: gradient in float32 on the default backend equals the composite one', () => {
  const x0 = g.cast(rnd([257, 17], 9, -4, 4), 'float32');
  const t = ints(Array.from({ length: 257 }, (_, i) => (i % 11 === 0 ? -100 : (i * 5) % 17)));
  const w = g.cast(rnd([17], 10, 0.2, 2), 'float32');
  const proj = g.cast(rnd([257], 11), 'float32');
  const grads = [true, false].map((fused) => {
    const x = g.tensor(x0.data.slice(), { shape: x0.shape }).requiresGrad_(true);
    const l = fused ? g.crossEntropyRows(x, t, { weight: w }) : ceComposite(x, t, w, -100);
    g.sum(g.mul(l, proj)).backward();
    return x.grad as Tensor;
  });
  assertClose(grads[0], grads[1], 1e-6, 1e-5);
});

test('crossEntropyRows rejects bad shapes, dtypes and targets with clear errors', () => {
  const x = g.zeros([3, 4]);
  assert.throws(() => g.crossEntropyRows(g.zeros([3, 4, 2]), ints([0, 1, 2])), /crossEntropyRows: logits must be \[N, C\], got \[3,4,2\]/);
  assert.throws(() => g.crossEntropyRows(x, g.tensor([0, 1, 2])), /targets must be int32 class indices, got float32/);
  assert.throws(() => g.crossEntropyRows(x, ints([0, 1])), /logits \[3,4\] need targets of shape \[3\], got \[2\]/);
  assert.throws(() => g.crossEntropyRows(x, ints([0, 1, 2]), { weight: g.ones([3]) }), /class weights must have shape \[4\] for logits \[3,4\], got \[3\]/);
  assert.throws(() => g.crossEntropyRows(x, ints([0, 4, 2])), /target 4 is outside \[0, 4\) and is not the ignore index -100/);
  assert.throws(() => g.crossEntropyRows(x, ints([0, -1, 2])), /target -1 is outside \[0, 4\)/);
  assert.throws(() => g.crossEntropyRows(x, ints([0, 1, 2]), { ignoreIndex: 0.5 }), /ignoreIndex must be a 32-bit integer, got 0.5/);
  assert.deepEqual(g.crossEntropyRows(g.zeros([0, 4]), ints([])).shape, [0]);
});

/** (x − mean)/√(var + eps)·w + b over the trailing dims, with composite ops. */
function lnComposite(x: Tensor, k: number, w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const xc = g.sub(x, g.mean(x, dims, { keepDim: true }));
  let y = g.mul(xc, g.rsqrt(g.add(g.mean(g.square(xc), dims, { keepDim: true }), eps)));
  if (w) y = g.mul(y, w);
  if (b) y = g.add(y, b);
  return y;
}

test('layerNorm: values equal the composite formula, with and without weight and bias', () => {
  const x = rnd([2, 3, 4], 12, -2, 3);
  for (const ns of [[4], [3, 4]]) {
    const w = rnd(ns, 13, -2, 2);
    const b = rnd(ns, 14);
    for (const [wt, bt] of [[w, b], [w, null], [null, b], [null, null]] as const) {
      assertClose(g.layerNorm(x, ns, wt, bt, 1e-5), lnComposite(x, ns.length, wt, bt, 1e-5), 1e-12, 1e-10);
    }
  }
  const y = g.layerNorm(g.tensor([[1, 2, 3, 4]]), [4], null, null, 0);
  const s = Math.sqrt(1.25);
  assertClose(y, [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s]);
  // float32 on the default backend, transformer-sized rows.
  const xf = g.cast(rnd([64, 100], 15, -3, 3), 'float32');
  const wf = g.cast(rnd([100], 16), 'float32');
  const bf = g.cast(rnd([100], 17), 'float32');
  assertClose(g.layerNorm(xf, [100], wf, bf), lnComposite(xf, 1, wf, bf, 1e-5), 1e-5, 1e-5);
  // A float32 input with float64 parameters computes in float64, as the composite does.
  assert.equal(g.layerNorm(xf, [100], g.cast(wf, 'float64'), null).dtype, 'float64');
});

test('layerNorm passes the gradient check for input, weight and bias', () => {
  checkGrad((x, w, b) => g.layerNorm(x, [4], w, b), [rnd([2, 3, 4], 18, -2, 2), rnd([4], 19, -2, 2), rnd([4], 20)]);
  checkGrad((x, w, b) => g.layerNorm(x, [3, 4], w, b, 1e-3), [rnd([2, 3, 4], 21, -2, 2), rnd([3, 4], 22, -2, 2), rnd([3, 4], 23)]);
  checkGrad((x, w) => g.layerNorm(x, [5], w, null), [rnd([3, 5], 24, -2, 2), rnd([5], 25, -2, 2)]);
  checkGrad((x, b) => g.layerNorm(x, [5], null, b), [rnd([3, 5], 26, -2, 2), rnd([5], 27)]);
  checkGrad((x) => g.layerNorm(x, [6]), [rnd([4, 6], 28, -2, 2)]);
  checkGrad((x) => g.layerNorm(x, [1], null, null, 0.1), [rnd([3, 1], 29)]);
});

test('layerNorm: float32 gradients on the default backend equal the composite ones', () => {
  const x0 = g.cast(rnd([130, 100], 30, -3, 3), 'float32');
  const w0 = g.cast(rnd([100], 31, -2, 2), 'float32');
  const b0 = g.cast(rnd([100], 32), 'float32');
  const proj = g.cast(rnd([130, 100], 33), 'float32');
  const run = (fused: boolean): Tensor[] => {
    const [x, w, b] = [x0, w0, b0].map((t) => g.tensor(t.data.slice(), { shape: t.shape }).requiresGrad_(true));
    const y = fused ? g.layerNorm(x, [100], w, b) : lnComposite(x, 1, w, b, 1e-5);
    g.sum(g.mul(y, proj)).backward();
    return [x.grad as Tensor, w.grad as Tensor, b.grad as Tensor];
  };
  const [f, c] = [run(true), run(false)];
  assertClose(f[0], c[0], 1e-5, 1e-4, 'dx');
  assertClose(f[1], c[1], 1e-4, 1e-4, 'dweight');
  assertClose(f[2], c[2], 1e-4, 1e-4, 'dbias');
});

test('layerNorm rejects shapes that do not match with clear errors', () => {
  assert.throws(() => g.layerNorm(g.zeros([3, 2]), [2, 3]), /layerNorm: input \[3,2\] does not end with the normalized shape \[2,3\]/);
  assert.throws(() => g.layerNorm(g.zeros([3]), [2, 3]), /layerNorm: input \[3\] does not end with the normalized shape \[2,3\]/);
  assert.throws(() => g.layerNorm(g.zeros([3, 4]), [4], g.ones([3])), /layerNorm: weight has shape \[3\], expected the normalized shape \[4\]/);
  assert.throws(() => g.layerNorm(g.zeros([3, 4]), [4], null, g.ones([1, 4])), /layerNorm: bias has shape \[1,4\], expected the normalized shape \[4\]/);
  assert.throws(() => g.layerNorm(g.zeros([3, 4]), [4], null, null, -1), /layerNorm: eps must be ≥ 0, got -1/);
});
