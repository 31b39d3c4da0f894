/**
 * The js fused recurrent kernels (lstmCell, gruCell and their backwards) against the same step
 * composed from separate autograd ops (split, σ, tanh, products, sums) in float64, forward
 * values and input gradients alike, on random inputs: odd sizes, B = 1, H = 1, an empty batch.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FloatData } from '../../src/backend/backend.js';
import { jsBackend as be } from '../../src/backend/js/index.js';
import * as A from '../../src/autograd/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers.js';
import { rng } from './wasm/util.js';

const SIZES: [number, number][] = [[1, 1], [1, 5], [3, 1], [2, 3], [5, 7], [4, 16], [3, 17], [0, 4]];

function rand(n: number, r: () => number, scale = 3): Float64Array {
  return Float64Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}
function leaf(data: Float64Array, shape: number[]): Tensor {
  return new Tensor(Float64Array.from(data), shape).requiresGrad_(true);
}
/** Σ t⊙w, so that backward() gives t the gradient w. */
function dot(t: Tensor, w: FloatData | null): Tensor {
  return w ? A.sum(A.mul(t, new Tensor(w, t.shape))) : A.mul(A.sum(t), 0);
}
const grad = (t: Tensor): number[] => (t.grad ? Array.from(t.grad.data) : new Array<number>(t.size).fill(0));

test('lstmCell / lstmCellBackward match the step composed from separate ops (float64)', () => {
  const r = rng(11);
  for (const [B, H] of SIZES) {
    for (const [useDh, useDc] of [[true, true], [true, false], [false, true]]) {
      const n = B * H;
      const gates = rand(4 * n, r);
      const cPrev = rand(n, r, 1.5);
      const dh = useDh ? rand(n, r, 1) : null;
      const dc = useDc ? rand(n, r, 1) : null;
      // Reference: the step as LSTM used to compute it, differentiated by the engine.
      const G = leaf(gates, [B, 4 * H]);
      const C = leaf(cPrev, [B, H]);
      const [gi, gf, gg, go] = A.split(G, H, 1);
      const cRef = A.add(A.mul(A.sigmoid(gf), C), A.mul(A.sigmoid(gi), A.tanh(gg)));
      const hRef = A.mul(A.sigmoid(go), A.tanh(cRef));
      if (n > 0) A.backward(A.add(dot(hRef, dh), dot(cRef, dc)));
      // Kernels.
      const c = new Float64Array(n);
      const h = new Float64Array(n);
      const act = new Float64Array(5 * n);
      be.lstmCell(gates, cPrev, B, H, c, h, act);
      const what = `B=${B} H=${H} dh=${useDh} dc=${useDc}`;
      assertClose(c, cRef.data, 1e-14, 1e-12, `c ${what}`);
      assertClose(h, hRef.data, 1e-14, 1e-12, `h ${what}`);
      const dGates = new Float64Array(4 * n).fill(NaN);
      const dCprev = new Float64Array(n).fill(NaN);
      be.lstmCellBackward(act, cPrev, dh, dc, B, H, dGates, dCprev);
      assertClose(dGates, grad(G), 1e-14, 1e-12, `dGates ${what}`);
      assertClose(dCprev, grad(C), 1e-14, 1e-12, `dCprev ${what}`);
      // dCprev may be skipped; dGates is the same.
      const dGates2 = new Float64Array(4 * n);
      be.lstmCellBackward(act, cPrev, dh, dc, B, H, dGates2, null);
      assert.deepEqual(Array.from(dGates2), Array.from(dGates), `dGates without dCprev ${what}`);
    }
  }
});

test('lstmCell saves i, f, g, o, tanh(c) per row and saturates cleanly', () => {
  // B=1, H=2: unit 0 moderate, unit 1 saturated (±40 pre-activations).
  const gates = Float32Array.from([0.5, 40, -1, -40, 2, 40, 0, 40]);
  const cPrev = Float32Array.from([0.25, 3]);
  const c = new Float32Array(2);
  const h = new Float32Array(2);
  const act = new Float32Array(10);
  be.lstmCell(gates, cPrev, 1, 2, c, h, act);
  const s = (x: number): number => 1 / (1 + Math.exp(-x));
  const c0 = s(-1) * 0.25 + s(0.5) * Math.tanh(2);
  assertClose(c, [c0, 1 * 0 + 1 * 1], 1e-7, 1e-6, 'c');
  assertClose(h, [s(0) * Math.tanh(c0), Math.tanh(1)], 1e-7, 1e-6, 'h');
  assertClose(act, [s(0.5), 1, s(-1), 0, Math.tanh(2), 1, s(0), 1, Math.tanh(c0), Math.tanh(1)], 1e-7, 1e-6, 'act');
  const dGates = new Float32Array(8);
  be.lstmCellBackward(act, cPrev, Float32Array.from([1, 1]), null, 1, 2, dGates, null);
  // Saturated gates pass (almost) no gradient.
  for (const k of [1, 3, 5, 7]) assert.ok(Math.abs(dGates[k]) < 1e-12, `saturated gate ${k}: ${dGates[k]}`);
});

test('gruCell / gruCellBackward match the step composed from separate ops (float64)', () => {
  const r = rng(12);
  for (const [B, H] of SIZES) {
    const n = B * H;
    const xp = rand(3 * n, r);
    const hp = rand(3 * n, r);
    const hPrev = rand(n, r, 1);
    const dh = rand(n, r, 1);
    const X = leaf(xp, [B, 3 * H]);
    const P = leaf(hp, [B, 3 * H]);
    const Hp = leaf(hPrev, [B, H]);
    const [xr, xz, xn] = A.split(X, H, 1);
    const [hr, hz, hn] = A.split(P, H, 1);
    const rg = A.sigmoid(A.add(xr, hr));
    const z = A.sigmoid(A.add(xz, hz));
    const nn = A.tanh(A.add(xn, A.mul(rg, hn)));
    const hRef = A.add(nn, A.mul(z, A.sub(Hp, nn)));
    if (n > 0) A.backward(dot(hRef, dh));
    const h = new Float64Array(n);
    const act = new Float64Array(3 * n);
    be.gruCell(xp, hp, hPrev, B, H, h, act);
    const what = `B=${B} H=${H}`;
    assertClose(h, hRef.data, 1e-14, 1e-12, `h ${what}`);
    const dXp = new Float64Array(3 * n).fill(NaN);
    const dHp = new Float64Array(3 * n).fill(NaN);
    const dHprev = new Float64Array(n).fill(NaN);
    be.gruCellBackward(act, hp, hPrev, dh, B, H, dXp, dHp, dHprev);
    assertClose(dXp, grad(X), 1e-14, 1e-12, `dXp ${what}`);
    assertClose(dHp, grad(P), 1e-14, 1e-12, `dHp ${what}`);
    assertClose(dHprev, grad(Hp), 1e-14, 1e-12, `dHprev ${what}`);
    const dXp2 = new Float64Array(3 * n);
    be.gruCellBackward(act, hp, hPrev, dh, B, H, dXp2, new Float64Array(3 * n), null);
    assert.deepEqual(Array.from(dXp2), Array.from(dXp), `dXp without dHprev ${what}`);
  }
});
