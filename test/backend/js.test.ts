import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsBackend as be } from '../../src/backend/js/index.js';

test('binary broadcasts a row over a matrix, and a column', () => {
  const out = new Float32Array(6);
  be.binary('add', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], Float32Array.from([10, 20, 30]), [3], out, [2, 3]);
  assert.deepEqual([...out], [11, 22, 33, 14, 25, 36]);
  be.binary('mul', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], Float32Array.from([2, 3]), [2, 1], out, [2, 3]);
  assert.deepEqual([...out], [2, 4, 6, 12, 15, 18]);
});

test('reduce over middle and several axes', () => {
  const x = Float32Array.from({ length: 24 }, (_, i) => i);
  const o1 = new Float32Array(8);
  be.reduce('sum', x, [2, 3, 4], [1], o1);
  assert.deepEqual([...o1], [12, 15, 18, 21, 48, 51, 54, 57]);
  const o2 = new Float32Array(3);
  be.reduce('max', x, [2, 3, 4], [0, 2], o2);
  assert.deepEqual([...o2], [15, 19, 23]);
});

test('matmul in all four layouts agrees with the plain product', () => {
  // A = [[1,2,3],[4,5,6]] (2×3), B = [[1,0],[0,1],[1,1]] (3×2) → [[4,5],[10,11]]
  const A = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const At = Float32Array.from([1, 4, 2, 5, 3, 6]);
  const B = Float32Array.from([1, 0, 0, 1, 1, 1]);
  const Bt = Float32Array.from([1, 0, 1, 0, 1, 1]);
  for (const [a, b, ta, tb] of [[A, B, false, false], [At, B, true, false], [A, Bt, false, true], [At, Bt, true, true]] as const) {
    const out = new Float32Array(4);
    be.matmul(a, b, out, { batch: 1, m: 2, k: 3, n: 2, transA: ta, transB: tb, strideA: 6, strideB: 6 });
    assert.deepEqual([...out], [4, 5, 10, 11], `transA=${ta} transB=${tb}`);
  }
});

test('softmax and log-softmax are stable for large inputs', () => {
  const x = Float64Array.from([1000, 1001, 1002]);
  const p = new Float64Array(3);
  be.softmax(x, 1, 3, 1, false, p);
  const e = [Math.exp(-2), Math.exp(-1), 1];
  const s = e[0] + e[1] + e[2];
  e.forEach((v, i) => assert.ok(Math.abs(p[i] - v / s) < 1e-12));
  be.softmax(x, 1, 3, 1, true, p);
  assert.ok(Math.abs(p[2] + Math.log(s)) < 1e-12);
});

test('im2col / col2im for a 1-d window with padding', () => {
  // x: N=1, C=1, L=4; kernel 3, stride 1, padding 1 → out length 4
  const x = Float32Array.from([1, 2, 3, 4]);
  const spec = { inSize: [4], outSize: [4], kernel: [3], stride: [1], padding: [1], dilation: [1] };
  const cols = new Float32Array(12);
  be.im2col(x, 1, 1, spec, cols);
  assert.deepEqual([...cols], [0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 0]);
  const back = new Float32Array(4);
  be.col2im(cols, 1, 1, spec, back);
  assert.deepEqual([...back], [2, 6, 9, 8]);
});

test('adamStep matches the textbook update on the first step', () => {
  const p = Float64Array.from([1]);
  const g = Float64Array.from([0.5]);
  const m = new Float64Array(1);
  const v = new Float64Array(1);
  be.adamStep(p, g, m, v, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 }, null);
  // m̂ = g, v̂ = g² → step = lr · g / (|g| + eps) ≈ 0.1
  assert.ok(Math.abs(p[0] - (1 - 0.1 * 0.5 / (0.5 + 1e-8))) < 1e-12);
});

test('im2col batch-inner layout is the batch-outer one with the first two axes swapped', () => {
  const spec = { inSize: [4, 5], outSize: [3, 2], kernel: [2, 2], stride: [1, 2], padding: [0, 0], dilation: [1, 1] };
  const n = 3, c = 2, k = 4, l = 6;
  const x = Float32Array.from({ length: n * c * 20 }, (_, i) => i * 0.5 - 7);
  const outer = new Float32Array(n * c * k * l);
  const inner = new Float32Array(n * c * k * l);
  be.im2col(x, n, c, spec, outer);
  be.im2col(x, n, c, spec, inner, true);
  for (let b = 0; b < n; b++) for (let r = 0; r < c * k; r++) for (let j = 0; j < l; j++) {
    assert.equal(inner[(r * n + b) * l + j], outer[(b * c * k + r) * l + j]);
  }
  // The adjoints agree too: folding the same windows gives the same image.
  const a = new Float32Array(x.length);
  const b2 = new Float32Array(x.length);
  be.col2im(outer, n, c, spec, a);
  be.col2im(inner, n, c, spec, b2, true);
  assert.deepEqual(Array.from(b2), Array.from(a));
});

test('maxPool: padding never wins, the first maximum wins ties, NaN propagates; the adjoint routes to the winner', () => {
  const spec = { inSize: [5], outSize: [3], kernel: [3], stride: [2], padding: [1], dilation: [1] };
  const x = new Float32Array([-3, -1, -1, 2, NaN]);
  const out = new Float32Array(3);
  const arg = new Int32Array(3);
  be.maxPool(x, 1, 1, spec, out, arg);
  // windows: [pad, -3, -1] → -1 at 1; [-1, -1, 2] → 2 at 3; [2, NaN, pad] → NaN at 4
  assert.deepEqual(Array.from(arg), [1, 3, 4]);
  assert.equal(out[0], -1);
  assert.equal(out[1], 2);
  assert.ok(Number.isNaN(out[2]));
  const tie = new Float32Array([4, 4, 1]);
  const t = new Float32Array(1);
  const ta = new Int32Array(1);
  be.maxPool(tie, 1, 1, { inSize: [3], outSize: [1], kernel: [3], stride: [1], padding: [0], dilation: [1] }, t, ta);
  assert.equal(ta[0], 0);
  const gx = new Float32Array(5);
  be.maxPoolBackward(new Float32Array([1, 10, 100]), 1, 1, spec, arg, gx);
  assert.deepEqual(Array.from(gx), [0, 1, 0, 10, 100]);
});

test('avgPool scales each window sum; its adjoint spreads g·scale over the window', () => {
  const spec = { inSize: [2, 3], outSize: [1, 2], kernel: [2, 2], stride: [1, 1], padding: [0, 0], dilation: [1, 1] };
  const x = new Float32Array([1, 2, 3, 4, 5, 6]);
  const out = new Float32Array(2);
  be.avgPool(x, 1, 1, spec, new Float64Array([0.25, 0.5]), out);
  assert.deepEqual(Array.from(out), [(1 + 2 + 4 + 5) / 4, (2 + 3 + 5 + 6) / 2]);
  const gx = new Float32Array(6);
  be.avgPoolBackward(new Float32Array([4, 2]), 1, 1, spec, new Float64Array([0.25, 0.5]), gx);
  assert.deepEqual(Array.from(gx), [1, 2, 1, 1, 2, 1]);
});

test('convForward is the direct sum over windows; its gradients are the adjoints', () => {
  // x [1, 1, 3] * w [2, 1, 2], stride 1: y[o, j] = Σ_k w[o, k]·x[j + k]
  const spec = { inSize: [3], outSize: [2], kernel: [2], stride: [1], padding: [0], dilation: [1] };
  const x = new Float32Array([1, 2, 3]);
  const w = new Float32Array([1, -1, 2, 0.5]);
  const y = new Float32Array(4);
  be.convForward(x, 1, 1, spec, w, 2, y);
  assert.deepEqual(Array.from(y), [1 - 2, 2 - 3, 2 + 1, 4 + 1.5]);
  const g = new Float32Array([1, 2, 3, 4]); // [N=1, Cout=2, L=2]
  const gw = new Float32Array(4);
  be.convBackwardWeight(x, 1, 1, spec, g, 2, gw);
  // gw[o, k] = Σ_j g[o, j]·x[j + k]
  assert.deepEqual(Array.from(gw), [1 * 1 + 2 * 2, 1 * 2 + 2 * 3, 3 * 1 + 4 * 2, 3 * 2 + 4 * 3]);
  const gx = new Float32Array(3);
  be.convBackwardInput(w, g, 1, 1, spec, 2, gx);
  // gx[i] = Σ_o Σ_j g[o, j]·w[o, i − j]
  assert.deepEqual(Array.from(gx), [1 * 1 + 3 * 2, 1 * -1 + 2 * 1 + 3 * 0.5 + 4 * 2, 2 * -1 + 4 * 0.5]);
});

test('dropoutHash: triple32 matches the C reference, and the keep test has the right statistics', async () => {
  const { dropoutHash, triple32 } = await import('../../src/backend/js/nn.js');
  // Values from the C definition (uint32 arithmetic) of Wellons' triple32.
  assert.deepEqual([0, 1, 2, 3, 0xffffffff, 123456789].map(triple32), [0, 69681622, 4057983209, 3237000519, 310335631, 162129505]);
  assert.deepEqual([0, 1, 2, 3].map((i) => dropoutHash(i, 0x9e3779b9, 0x85ebca6b)), [580469140, 2660301766, 809099431, 1505939416]);
  const n = 200000;
  for (const keep of [0.9, 0.5, 0.1]) {
    const lim = keep * 2 ** 32;
    const a = Array.from({ length: n }, (_, i) => dropoutHash(i, 11, 22) < lim);
    const b = Array.from({ length: n }, (_, i) => dropoutHash(i, 12, 22) < lim);
    const frac = a.filter(Boolean).length / n;
    const sd = Math.sqrt((keep * (1 - keep)) / n);
    assert.ok(Math.abs(frac - keep) < 5 * sd, `keep ${keep}: kept ${frac}`);
    // Neighbours within a mask and the same entry under the next key are independent: P(both) ≈ keep².
    let nb = 0;
    let ab = 0;
    for (let i = 0; i < n; i++) {
      if (a[i] && a[(i + 1) % n]) nb++;
      if (a[i] && b[i]) ab++;
    }
    const sd2 = Math.sqrt((keep ** 2 * (1 - keep ** 2)) / n);
    assert.ok(Math.abs(nb / n - keep ** 2) < 6 * sd2, `keep ${keep}: neighbours both kept ${nb / n}`);
    assert.ok(Math.abs(ab / n - keep ** 2) < 6 * sd2, `keep ${keep}: kept under both keys ${ab / n}`);
  }
});

test('dropout kernel: kept entries scaled (the float32 scale rounded once), dropped ones times 0', async () => {
  const { dropoutHash } = await import('../../src/backend/js/nn.js');
  const x = Float32Array.from([1, -2, 3, Number.NaN, Infinity, 0.1, 5, 6, -7, 8, 9, 10]);
  const spec = { keep: 0.7, scale: 1 / 0.7, key0: 5, key1: 9 };
  const out = new Float32Array(x.length);
  be.dropout(x, spec, out);
  const out64 = new Float64Array(x.length);
  be.dropout(Float64Array.from(x), spec, out64);
  const s32 = Math.fround(1 / 0.7);
  let kept = 0;
  for (let i = 0; i < x.length; i++) {
    if (dropoutHash(i, 5, 9) < 0.7 * 2 ** 32) {
      kept++;
      assert.ok(Object.is(out[i], Math.fround(x[i] * s32)), `float32 entry ${i} kept: ${out[i]}`);
      assert.ok(Object.is(out64[i], x[i] * (1 / 0.7)), `float64 entry ${i} kept: ${out64[i]}`);
    } else {
      // x·0: −0 for negatives, NaN for NaN and ∞ (as PyTorch's x · mask).
      assert.ok(Object.is(out[i], x[i] * 0) && Object.is(out64[i], x[i] * 0), `entry ${i} dropped: ${out[i]}, ${out64[i]}`);
    }
  }
  assert.ok(kept > 0 && kept < x.length, `kept ${kept} of ${x.length}`);
  const y = x.slice();
  be.dropout(y, spec, y);
  assert.deepEqual(y, out, 'in place');
});
