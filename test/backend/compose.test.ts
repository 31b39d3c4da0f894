/**
 * The fused group composed from primitives (compose.ts) against the js fused kernels: a backend
 * that brings only the primitives (here the js ones) runs every layer, loss and optimizer step
 * with the same results up to rounding. Also: backend() completes such a backend.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FloatData, Primitives, WindowSpec } from '../../src/backend/backend.js';
import { FUSED_KERNELS } from '../../src/backend/backend.js';
import { composeFused } from '../../src/backend/compose.js';
import { complete, ownFusedKernels } from '../../src/backend/index.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { close, randF32 } from './wasm/util.js';

/** The js backend cut down to its primitives: what a new backend must start with. */
const prims: Primitives & { name: string } = Object.fromEntries(
  Object.entries(jsBackend).filter(([k]) => !(FUSED_KERNELS as readonly string[]).includes(k)),
) as unknown as Primitives & { name: string };
const c = composeFused(prims);
const ref = jsBackend;
const TOL = [1e-5, 1e-4] as const;

test('a primitives-only backend is completed with every fused kernel', () => {
  const k = complete({ ...prims, name: 'prims-only' });
  for (const name of FUSED_KERNELS) assert.equal(typeof k[name], 'function', name);
  assert.deepEqual(ownFusedKernels({ ...prims, name: 'p' }), []);
  assert.equal(ownFusedKernels(jsBackend).length, FUSED_KERNELS.length);
});

test('softmax / log-softmax over a middle axis', () => {
  for (const [outer, n, inner] of [[3, 17, 1], [2, 5, 3], [1, 1, 1], [0, 4, 2]]) {
    const x = randF32(outer * n * inner, 1, -5, 5);
    if (x.length) x[0] = -Infinity;
    for (const log of [false, true]) {
      const want = new Float32Array(x.length);
      const got = new Float32Array(x.length);
      ref.softmax(x, outer, n, inner, log, want);
      c.softmax(x, outer, n, inner, log, got);
      close(got, want, `softmax ${outer}x${n}x${inner} log=${log}`, ...TOL);
    }
  }
});

test('cross-entropy forward and backward with weights and ignored rows', () => {
  const rows = 7;
  const classes = 5;
  const x = randF32(rows * classes, 2, -3, 3);
  const t = Int32Array.from([0, 4, -100, 2, 1, 3, -100]);
  for (const w of [null, randF32(classes, 3, 0.5, 2)]) {
    const [l1, p1, l2, p2] = [new Float32Array(rows), new Float32Array(rows * classes), new Float32Array(rows), new Float32Array(rows * classes)];
    ref.crossEntropy(x, t, w, rows, classes, -100, l1, p1);
    c.crossEntropy(x, t, w, rows, classes, -100, l2, p2);
    close(l2, l1, 'loss', ...TOL);
    close(p2, p1, 'probs', ...TOL);
    const gl = randF32(rows, 4);
    const [d1, d2] = [new Float32Array(rows * classes), new Float32Array(rows * classes)];
    ref.crossEntropyBackward(p1, t, w, gl, rows, classes, -100, d1);
    c.crossEntropyBackward(p1, t, w, gl, rows, classes, -100, d2);
    close(d2, d1, 'dLogits', ...TOL);
  }
});

test('layer norm forward and backward, with and without affine parameters', () => {
  for (const [rows, n] of [[5, 17], [1, 1], [3, 64]]) {
    const x = randF32(rows * n, 5, -2, 2);
    for (const affine of [false, true]) {
      const w = affine ? randF32(n, 6) : null;
      const b = affine ? randF32(n, 7) : null;
      const o = () => [new Float32Array(rows * n), new Float32Array(rows), new Float32Array(rows)] as const;
      const [y1, m1, r1] = o();
      const [y2, m2, r2] = o();
      ref.layerNorm(x, rows, n, w, b, 1e-5, y1, m1, r1);
      c.layerNorm(x, rows, n, w, b, 1e-5, y2, m2, r2);
      close(y2, y1, 'y', ...TOL);
      close(r2, r1, 'rstd', ...TOL);
      const g = randF32(rows * n, 8);
      const d = () => [new Float32Array(rows * n), affine ? new Float32Array(n) : null, affine ? new Float32Array(n) : null] as const;
      const [dx1, dw1, db1] = d();
      const [dx2, dw2, db2] = d();
      ref.layerNormBackward(g, x, rows, n, w, m1, r1, dx1, dw1, db1);
      c.layerNormBackward(g, x, rows, n, w, m1, r1, dx2, dw2, db2);
      close(dx2, dx1, 'dx', 1e-4, 1e-3);
      if (dw1 && dw2 && db1 && db2) { close(dw2, dw1, 'dw', ...TOL); close(db2, db1, 'db', ...TOL); }
    }
  }
});

const spec2: WindowSpec = { inSize: [5, 6], outSize: [3, 3], kernel: [3, 2], stride: [2, 2], padding: [1, 1], dilation: [1, 1] };
const spec1: WindowSpec = { inSize: [9], outSize: [4], kernel: [3], stride: [2], padding: [1], dilation: [1] };

test('convolution forward and both backward kernels, 1-d and 2-d', () => {
  for (const spec of [spec2, spec1]) {
    const n = 2, ch = 3, cout = 4;
    const P = spec.inSize.reduce((a, b) => a * b, 1);
    const L = spec.outSize.reduce((a, b) => a * b, 1);
    const K = spec.kernel.reduce((a, b) => a * b, 1);
    const x = randF32(n * ch * P, 9);
    const w = randF32(cout * ch * K, 10);
    const g = randF32(n * cout * L, 11);
    const pairs: [FloatData, FloatData][] = [[new Float32Array(n * cout * L), new Float32Array(n * cout * L)]];
    ref.convForward(x, n, ch, spec, w, cout, pairs[0][0]);
    c.convForward(x, n, ch, spec, w, cout, pairs[0][1]);
    pairs.push([new Float32Array(w.length), new Float32Array(w.length)]);
    ref.convBackwardWeight(x, n, ch, spec, g, cout, pairs[1][0]);
    c.convBackwardWeight(x, n, ch, spec, g, cout, pairs[1][1]);
    pairs.push([new Float32Array(x.length), new Float32Array(x.length)]);
    ref.convBackwardInput(w, g, n, ch, spec, cout, pairs[2][0]);
    c.convBackwardInput(w, g, n, ch, spec, cout, pairs[2][1]);
    pairs.forEach(([a, b], i) => close(b, a, `conv ${i}`, ...TOL));
  }
});

test('max and average pooling forward and backward (padding never wins)', () => {
  for (const spec of [spec2, spec1]) {
    const n = 2, ch = 3;
    const P = spec.inSize.reduce((a, b) => a * b, 1);
    const L = spec.outSize.reduce((a, b) => a * b, 1);
    const x = randF32(n * ch * P, 12, -3, -1); // all negative: a zero from padding would win if it could
    const [o1, o2] = [new Float32Array(n * ch * L), new Float32Array(n * ch * L)];
    const [a1, a2] = [new Int32Array(n * ch * L), new Int32Array(n * ch * L)];
    ref.maxPool(x, n, ch, spec, o1, a1);
    c.maxPool(x, n, ch, spec, o2, a2);
    close(o2, o1, 'maxPool', 0, 0);
    assert.deepEqual([...a2], [...a1]);
    const g = randF32(n * ch * L, 13);
    const [gx1, gx2] = [new Float32Array(x.length), new Float32Array(x.length)];
    ref.maxPoolBackward(g, n, ch, spec, a1, gx1);
    c.maxPoolBackward(g, n, ch, spec, a1, gx2);
    close(gx2, gx1, 'maxPoolBackward', ...TOL);
    const scale = Float64Array.from({ length: L }, (_, i) => 1 / (i + 2));
    ref.avgPool(x, n, ch, spec, scale, o1);
    c.avgPool(x, n, ch, spec, scale, o2);
    close(o2, o1, 'avgPool', ...TOL);
    gx1.fill(0); gx2.fill(0);
    ref.avgPoolBackward(g, n, ch, spec, scale, gx1);
    c.avgPoolBackward(g, n, ch, spec, scale, gx2);
    close(gx2, gx1, 'avgPoolBackward', ...TOL);
  }
});

test('LSTM and GRU cells forward and backward', () => {
  const B = 3, H = 5;
  const gates = randF32(B * 4 * H, 14, -2, 2);
  const cPrev = randF32(B * H, 15);
  const f = (k: number) => new Float32Array(k);
  const [c1, h1, act1, c2, h2, act2] = [f(B * H), f(B * H), f(B * 5 * H), f(B * H), f(B * H), f(B * 5 * H)];
  ref.lstmCell(gates, cPrev, B, H, c1, h1, act1);
  c.lstmCell(gates, cPrev, B, H, c2, h2, act2);
  close(c2, c1, 'c', ...TOL); close(h2, h1, 'h', ...TOL); close(act2, act1, 'act', ...TOL);
  const dh = randF32(B * H, 16);
  const dc = randF32(B * H, 17);
  for (const [a, b] of [[dh, dc], [dh, null], [null, dc]] as const) {
    const [g1, g2, p1, p2] = [f(B * 4 * H), f(B * 4 * H), f(B * H), f(B * H)];
    ref.lstmCellBackward(act1, cPrev, a, b, B, H, g1, p1);
    c.lstmCellBackward(act1, cPrev, a, b, B, H, g2, p2);
    close(g2, g1, 'dGates', ...TOL); close(p2, p1, 'dCprev', ...TOL);
  }
  const xp = randF32(B * 3 * H, 18);
  const hp = randF32(B * 3 * H, 19);
  const [gh1, ga1, gh2, ga2] = [f(B * H), f(B * 3 * H), f(B * H), f(B * 3 * H)];
  ref.gruCell(xp, hp, cPrev, B, H, gh1, ga1);
  c.gruCell(xp, hp, cPrev, B, H, gh2, ga2);
  close(gh2, gh1, 'gru h', ...TOL); close(ga2, ga1, 'gru act', ...TOL);
  const [x1, x2, y1, y2, z1, z2] = [f(B * 3 * H), f(B * 3 * H), f(B * 3 * H), f(B * 3 * H), f(B * H), f(B * H)];
  ref.gruCellBackward(ga1, hp, cPrev, dh, B, H, x1, y1, z1);
  c.gruCellBackward(ga1, hp, cPrev, dh, B, H, x2, y2, z2);
  close(x2, x1, 'dXp', ...TOL); close(y2, y1, 'dHp', ...TOL); close(z2, z1, 'dHprev', ...TOL);
});

test('dropout mask and the SGD / Adam steps', () => {
  const x = randF32(1000, 20);
  const spec = { keep: 0.7, scale: 1 / 0.7, key0: 123456789, key1: 987654321 };
  const [d1, d2] = [new Float32Array(1000), new Float32Array(1000)];
  ref.dropout(x, spec, d1);
  c.dropout(x, spec, d2);
  close(d2, d1, 'dropout', 0, 0);
  for (const momentum of [0, 0.9]) {
    for (const nesterov of [false, true]) {
      const mk = () => ({ param: randF32(33, 21), grad: randF32(33, 22), momentumBuf: momentum ? randF32(33, 23) : null });
      const [a, b] = [mk(), mk()];
      const o = { lr: 0.1, momentum, dampening: 0.1, weightDecay: 0.01, nesterov: nesterov && momentum > 0, firstStep: false };
      ref.sgdSteps([a], o);
      c.sgdSteps([b], o);
      close(b.param, a.param, 'sgd param', ...TOL);
    }
  }
  for (const decoupled of [false, true]) {
    for (const amsgrad of [false, true]) {
      const mk = () => ({ param: randF32(33, 24), grad: randF32(33, 25), expAvg: randF32(33, 26), expAvgSq: randF32(33, 27, 0, 1), maxExpAvgSq: amsgrad ? randF32(33, 28, 0, 1) : null });
      const [a, b] = [mk(), mk()];
      const o = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled, step: 3 };
      ref.adamSteps([a], o);
      c.adamSteps([b], o);
      close(b.param, a.param, 'adam param', ...TOL);
      close(b.expAvgSq, a.expAvgSq, 'adam v', ...TOL);
    }
  }
});
