/** wasm softmax, im2col / col2im, convolution, pooling, dropout and fused optimizer steps against the js reference kernels. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdamStep, AdamTensors, Kernels, DropoutSpec, FloatData, SgdStep, SgdTensors, WindowSpec } from '../../../src/backend/backend.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import { AWKWARD, backends, close, randF32 } from './util.js';

test('softmax and log-softmax over rows and middle axes match js', () => {
  const shapes: [number, number, number][] = [[1, 1, 1], [300, 10, 1], [17, 63, 1], [5, 257, 1], [4, 3, 17], [2, 65, 9], [0, 5, 1], [33, 1, 1]];
  let seed = 1;
  for (const [outer, n, inner] of shapes) {
    const x = randF32(outer * n * inner, seed++, -20, 20);
    if (x.length > 8) { x[3] = -Infinity; x[7] = 80; }
    for (const log of [false, true]) {
      const want = new Float32Array(x.length);
      jsBackend.softmax(x, outer, n, inner, log, want);
      for (const { label, be } of backends) {
        const got = new Float32Array(x.length).fill(12345);
        be.softmax(x, outer, n, inner, log, got);
        close(got, want, `${label} softmax log=${log} [${outer},${n},${inner}]`, 1e-6, 2e-6);
      }
    }
  }
});

function spec2d(ih: number, iw: number, k: [number, number], s: [number, number], p: [number, number], d: [number, number]): WindowSpec {
  const out = (i: number, kk: number, ss: number, pp: number, dd: number): number => Math.floor((i + 2 * pp - dd * (kk - 1) - 1) / ss) + 1;
  return {
    inSize: [ih, iw], outSize: [out(ih, k[0], s[0], p[0], d[0]), out(iw, k[1], s[1], p[1], d[1])],
    kernel: k, stride: s, padding: p, dilation: d,
  };
}

test('im2col and col2im (1-d and 2-d, stride, padding, dilation) match js', () => {
  const specs: [number, number, WindowSpec][] = [
    [2, 3, spec2d(28, 28, [5, 5], [1, 1], [0, 0], [1, 1])],
    [3, 2, spec2d(9, 7, [3, 3], [2, 2], [1, 1], [1, 1])],
    [1, 4, spec2d(8, 8, [2, 2], [2, 2], [0, 0], [1, 1])],
    [2, 2, spec2d(11, 13, [3, 2], [1, 3], [2, 1], [2, 1])],
    [2, 3, { inSize: [17], outSize: [15], kernel: [3], stride: [1], padding: [0], dilation: [1] }],
    [3, 2, { inSize: [20], outSize: [10], kernel: [4], stride: [2], padding: [1], dilation: [1] }],
    [1, 1, { inSize: [5], outSize: [7], kernel: [3], stride: [1], padding: [2], dilation: [1] }],
  ];
  let seed = 1;
  for (const [n, c, spec] of specs) {
    const inLen = n * c * spec.inSize.reduce((a, b) => a * b, 1);
    const colLen = n * c * spec.kernel.reduce((a, b) => a * b, 1) * spec.outSize.reduce((a, b) => a * b, 1);
    const x = randF32(inLen, seed++);
    const want = new Float32Array(colLen);
    jsBackend.im2col(x, n, c, spec, want);
    const cols = randF32(colLen, seed++);
    const base = randF32(inLen, seed++);
    const wantBack = base.slice();
    jsBackend.col2im(cols, n, c, spec, wantBack);
    const wantInner = new Float32Array(colLen);
    jsBackend.im2col(x, n, c, spec, wantInner, true);
    const wantBackInner = base.slice();
    jsBackend.col2im(cols, n, c, spec, wantBackInner, true);
    for (const { label, be } of backends) {
      const got = new Float32Array(colLen).fill(12345);
      be.im2col(x, n, c, spec, got);
      close(got, want, `${label} im2col ${JSON.stringify(spec)}`, 0, 0);
      const back = base.slice();
      be.col2im(cols, n, c, spec, back);
      close(back, wantBack, `${label} col2im ${JSON.stringify(spec)}`, 1e-6, 1e-6);
      const gotInner = new Float32Array(colLen).fill(12345);
      be.im2col(x, n, c, spec, gotInner, true);
      close(gotInner, wantInner, `${label} im2col batch-inner ${JSON.stringify(spec)}`, 0, 0);
      const backInner = base.slice();
      be.col2im(cols, n, c, spec, backInner, true);
      close(backInner, wantBackInner, `${label} col2im batch-inner ${JSON.stringify(spec)}`, 1e-6, 1e-6);
    }
  }
});

test('convolution forward, weight and input gradients (one GEMM over the batch) match js', () => {
  const cases: [number, number, number, WindowSpec][] = [
    [64, 32, 64, spec2d(12, 12, [5, 5], [1, 1], [0, 0], [1, 1])],
    [3, 1, 5, spec2d(28, 28, [5, 5], [1, 1], [0, 0], [1, 1])],
    [2, 3, 17, spec2d(9, 7, [3, 3], [2, 2], [1, 1], [1, 1])],
    [1, 2, 1, spec2d(11, 13, [3, 2], [1, 3], [2, 1], [2, 1])],
    [0, 2, 3, spec2d(5, 5, [3, 3], [1, 1], [0, 0], [1, 1])],
    [5, 4, 6, { inSize: [65], outSize: [32], kernel: [3], stride: [2], padding: [1], dilation: [1] }],
    [2, 3, 63, { inSize: [17], outSize: [15], kernel: [3], stride: [1], padding: [0], dilation: [1] }],
  ];
  let seed = 300;
  for (const [n, c, cout, spec] of cases) {
    const k = spec.kernel.reduce((a, b) => a * b, 1);
    const inLen = n * c * spec.inSize.reduce((a, b) => a * b, 1);
    const outLen = n * cout * spec.outSize.reduce((a, b) => a * b, 1);
    const x = randF32(inLen, seed++);
    const w = randF32(cout * c * k, seed++);
    const g = randF32(outLen, seed++);
    const base = randF32(inLen, seed++);
    const want = new Float32Array(outLen);
    jsBackend.convForward(x, n, c, spec, w, cout, want);
    const wantW = new Float32Array(cout * c * k);
    jsBackend.convBackwardWeight(x, n, c, spec, g, cout, wantW);
    const wantX = base.slice();
    jsBackend.convBackwardInput(w, g, n, c, spec, cout, wantX);
    for (const { label, be } of backends) {
      const what = `${label} n=${n} c=${c} cout=${cout} ${JSON.stringify(spec)}`;
      const got = new Float32Array(outLen).fill(12345);
      be.convForward(x, n, c, spec, w, cout, got);
      close(got, want, `convForward ${what}`, 1e-4, 1e-4);
      const gw = new Float32Array(cout * c * k).fill(12345);
      be.convBackwardWeight(x, n, c, spec, g, cout, gw);
      close(gw, wantW, `convBackwardWeight ${what}`, 1e-3, 1e-4);
      const gx = base.slice();
      be.convBackwardInput(w, g, n, c, spec, cout, gx);
      close(gx, wantX, `convBackwardInput ${what}`, 1e-4, 1e-4);
    }
  }
});

test('max and average pooling, forward and adjoint, match js (1-d and 2-d, stride, padding, dilation)', () => {
  const specs: [number, number, WindowSpec][] = [
    [64, 32, spec2d(24, 24, [2, 2], [2, 2], [0, 0], [1, 1])],
    [3, 2, spec2d(9, 7, [3, 3], [2, 2], [1, 1], [1, 1])],
    [2, 3, spec2d(17, 13, [3, 2], [1, 3], [1, 1], [2, 1])],
    [1, 1, spec2d(1, 1, [1, 1], [1, 1], [0, 0], [1, 1])],
    [0, 3, spec2d(8, 8, [2, 2], [2, 2], [0, 0], [1, 1])],
    [2, 5, { inSize: [65], outSize: [32], kernel: [3], stride: [2], padding: [1], dilation: [1] }],
    [3, 2, { inSize: [257], outSize: [255], kernel: [3], stride: [1], padding: [0], dilation: [1] }],
  ];
  let seed = 100;
  for (const [n, c, spec] of specs) {
    const inLen = n * c * spec.inSize.reduce((a, b) => a * b, 1);
    const l = spec.outSize.reduce((a, b) => a * b, 1);
    const outLen = n * c * l;
    const x = randF32(inLen, seed++);
    if (inLen > 10) { x[5] = x[6]; x[9] = NaN; } // a tie and a NaN
    const g = randF32(outLen, seed++);
    const base = randF32(inLen, seed++);
    const scale = Float64Array.from({ length: l }, (_, i) => 1 / (1 + (i % 4)));
    const want = new Float32Array(outLen);
    const wantArg = new Int32Array(outLen);
    jsBackend.maxPool(x, n, c, spec, want, wantArg);
    const wantBack = base.slice();
    jsBackend.maxPoolBackward(g, n, c, spec, wantArg, wantBack);
    const wantAvg = new Float32Array(outLen);
    jsBackend.avgPool(x, n, c, spec, scale, wantAvg);
    const wantAvgBack = base.slice();
    jsBackend.avgPoolBackward(g, n, c, spec, scale, wantAvgBack);
    for (const { label, be } of backends) {
      const what = `${label} [${n},${c}] ${JSON.stringify(spec)}`;
      const got = new Float32Array(outLen).fill(12345);
      const arg = new Int32Array(outLen).fill(-7);
      be.maxPool(x, n, c, spec, got, arg);
      close(got, want, `maxPool ${what}`, 0, 0);
      close(arg, wantArg, `maxPool argmax ${what}`, 0, 0);
      const back = base.slice();
      be.maxPoolBackward(g, n, c, spec, wantArg, back);
      close(back, wantBack, `maxPoolBackward ${what}`, 0, 0);
      const avg = new Float32Array(outLen).fill(12345);
      be.avgPool(x, n, c, spec, scale, avg);
      close(avg, wantAvg, `avgPool ${what}`, 0, 0);
      const avgBack = base.slice();
      be.avgPoolBackward(g, n, c, spec, scale, avgBack);
      close(avgBack, wantAvgBack, `avgPoolBackward ${what}`, 1e-6, 1e-6);
    }
  }
});

test('sgdStep: plain, momentum (first and later steps), nesterov, weight decay match js', () => {
  const opts: SgdStep[] = [
    { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true },
    { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true },
    { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 1e-2, nesterov: false, firstStep: false },
    { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 1e-3, nesterov: true, firstStep: false },
  ];
  for (const n of [1, 3, 17, 65, 257, 40000]) {
    opts.forEach((o, i) => {
      const p = randF32(n, n + i);
      const g = randF32(n, n + i + 10);
      const buf = randF32(n, n + i + 20);
      const wp = p.slice();
      const wb = buf.slice();
      jsBackend.sgdStep(wp, g, o.momentum ? wb : null, o);
      for (const { label, be } of backends) {
        const gp = p.slice();
        const gb = buf.slice();
        be.sgdStep(gp, g, o.momentum ? gb : null, o);
        close(gp, wp, `${label} sgd p n=${n} opt ${i}`, 1e-6, 1e-6);
        close(gb, wb, `${label} sgd buf n=${n} opt ${i}`, 1e-6, 1e-6);
      }
    });
  }
});

test('adamStep: Adam, AdamW, L2, AMSGrad at several steps match js', () => {
  const opts: [AdamStep, boolean][] = [
    [{ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 }, false],
    [{ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, decoupled: true, step: 7 }, false],
    [{ lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 1e-3, decoupled: false, step: 100 }, false],
    [{ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 3 }, true],
  ];
  for (const n of [1, 3, 17, 65, 257, 78400]) {
    opts.forEach(([o, ams], i) => {
      const p = randF32(n, n + i);
      const g = randF32(n, n + i + 10);
      const m = randF32(n, n + i + 20, -0.1, 0.1);
      const v = randF32(n, n + i + 30, 0, 0.01);
      const vmax = randF32(n, n + i + 40, 0, 0.01);
      const w = [p.slice(), m.slice(), v.slice(), vmax.slice()];
      jsBackend.adamStep(w[0], g, w[1], w[2], o, ams ? w[3] : null);
      for (const { label, be } of backends) {
        const r = [p.slice(), m.slice(), v.slice(), vmax.slice()];
        be.adamStep(r[0], g, r[1], r[2], o, ams ? r[3] : null);
        ['param', 'expAvg', 'expAvgSq', 'maxExpAvgSq'].forEach((name, j) => close(r[j], w[j], `${label} adam ${name} n=${n} opt ${i}`, 1e-7, 1e-5));
      }
    });
  }
});

/** Segment-size lists for the multi-tensor steps: single tiny/empty tensors, mixes, a big one. */
const SEGMENTS: number[][] = [
  [0], [1], [3], [17], [0, 0], [1, 3, 17, 0], [65, 1, 3], [20000, 20000, 3, 9000], [257, 0, 17, 63, 1, 3, 65], [40000, 3, 1, 257], [5, 5, 5, 5, 5, 5, 5, 5],
  // Above 2·131,072 values: the step runs in chunks on 2 threads.
  [200000, 3, 70001],
];

/** A small arena: lists no longer fit in one job (several jobs, the 40000-float entries split between them). */
const smallArena = createWasmBackend({ threads: 2, arenaBytes: 300_000 }, 'wasm-small-arena');
/** An arena too small for one vector per array: every entry takes the js kernel. */
const noArena = createWasmBackend({ threads: 1, arenaBytes: 64 }, 'wasm-no-arena');
const listBackends: { label: string; be: Kernels }[] = [
  ...backends, { label: 'wasm/small arena', be: smallArena }, { label: 'wasm/no arena', be: noArena },
];

function cloneAll<T extends object>(list: T[]): T[] {
  return list.map((t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v === null ? null : (v as FloatData).slice()])) as T);
}

function sgdList(sizes: number[], seed: number, withBuf: (i: number) => boolean): SgdTensors[] {
  return sizes.map((n, i) => ({
    param: randF32(n, seed + 3 * i), grad: randF32(n, seed + 3 * i + 1), momentumBuf: withBuf(i) ? randF32(n, seed + 3 * i + 2) : null,
  }));
}

test('sgdSteps over lists of awkward segment sizes matches sgdStep per tensor on js', () => {
  const opts: SgdStep[] = [
    { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true },
    { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, firstStep: true },
    { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 1e-2, nesterov: false, firstStep: false },
    { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 1e-3, nesterov: true, firstStep: false },
  ];
  SEGMENTS.forEach((sizes, si) => {
    opts.forEach((o, oi) => {
      // Every third entry without a buffer: the list kernel splits buffered and plain entries.
      const list = sgdList(sizes, 100 * si + 10 * oi, (i) => o.momentum !== 0 && i % 3 !== 2);
      const want = cloneAll(list);
      for (const t of want) jsBackend.sgdStep(t.param, t.grad, t.momentumBuf, o);
      const viaList = cloneAll(list);
      jsBackend.sgdSteps(viaList, o);
      viaList.forEach((t, i) => {
        assert.deepEqual(t.param, want[i].param, `js sgdSteps = js sgdStep (param ${i})`);
        assert.deepEqual(t.momentumBuf, want[i].momentumBuf, `js sgdSteps = js sgdStep (buffer ${i})`);
      });
      for (const { label, be } of listBackends) {
        const got = cloneAll(list);
        be.sgdSteps(got, o);
        got.forEach((t, i) => {
          const what = `${label} sgdSteps sizes ${sizes} opt ${oi} entry ${i}`;
          close(t.param, want[i].param, `${what} param`, 1e-6, 1e-6);
          if (t.momentumBuf) close(t.momentumBuf, want[i].momentumBuf as Float32Array, `${what} buffer`, 1e-6, 1e-6);
          assert.deepEqual(t.grad, list[i].grad, `${what}: the gradient is left alone`);
        });
      }
    });
  });
});

function adamList(sizes: number[], seed: number, withMax: (i: number) => boolean): AdamTensors[] {
  return sizes.map((n, i) => ({
    param: randF32(n, seed + 5 * i), grad: randF32(n, seed + 5 * i + 1), expAvg: randF32(n, seed + 5 * i + 2, -0.1, 0.1),
    expAvgSq: randF32(n, seed + 5 * i + 3, 0, 0.01), maxExpAvgSq: withMax(i) ? randF32(n, seed + 5 * i + 4, 0, 0.01) : null,
  }));
}

test('adamSteps over lists of awkward segment sizes matches adamStep per tensor on js', () => {
  const opts: [AdamStep, boolean][] = [
    [{ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 }, false],
    [{ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, decoupled: true, step: 7 }, false],
    [{ lr: 1e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 1e-3, decoupled: false, step: 100 }, false],
    [{ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 3 }, true],
  ];
  const names = ['param', 'expAvg', 'expAvgSq', 'maxExpAvgSq'] as const;
  SEGMENTS.forEach((sizes, si) => {
    opts.forEach(([o, ams], oi) => {
      // AMSGrad lists mix entries with and without the max buffer.
      const list = adamList(sizes, 100 * si + 10 * oi, (i) => ams && i % 2 === 0);
      const want = cloneAll(list);
      for (const t of want) jsBackend.adamStep(t.param, t.grad, t.expAvg, t.expAvgSq, o, t.maxExpAvgSq);
      const viaList = cloneAll(list);
      jsBackend.adamSteps(viaList, o);
      viaList.forEach((t, i) => names.forEach((k) => assert.deepEqual(t[k], want[i][k], `js adamSteps = js adamStep (${k} ${i})`)));
      for (const { label, be } of listBackends) {
        const got = cloneAll(list);
        be.adamSteps(got, o);
        got.forEach((t, i) => {
          for (const k of names) {
            const a = t[k];
            if (a) close(a, want[i][k] as Float32Array, `${label} adamSteps sizes ${sizes} opt ${oi} entry ${i} ${k}`, 1e-7, 1e-5);
            else assert.equal(want[i][k], null);
          }
          assert.deepEqual(t.grad, list[i].grad);
        });
      }
    });
  });
});

test('the multi-tensor steps equal the single-tensor wasm steps bit for bit (tiny and float64 entries included)', () => {
  for (const { label, be } of backends) {
    const sizes = [40, 1, 257, 0, 1000, 3, 33, 17];
    const o: SgdStep = { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 1e-3, nesterov: true, firstStep: false };
    const list = sgdList(sizes, 7, () => true);
    const one = cloneAll(list);
    for (const t of one) be.sgdStep(t.param, t.grad, t.momentumBuf, o);
    const all = cloneAll(list);
    be.sgdSteps(all, o);
    all.forEach((t, i) => {
      assert.deepEqual(t.param, one[i].param, `${label} sgd param ${i}`);
      assert.deepEqual(t.momentumBuf, one[i].momentumBuf, `${label} sgd buffer ${i}`);
    });
    const a: AdamStep = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, decoupled: true, step: 4 };
    const alist = adamList(sizes, 9, () => false);
    const aone = cloneAll(alist);
    for (const t of aone) be.adamStep(t.param, t.grad, t.expAvg, t.expAvgSq, a, null);
    const aall = cloneAll(alist);
    be.adamSteps(aall, a);
    aall.forEach((t, i) => {
      assert.deepEqual(t.param, aone[i].param, `${label} adam param ${i}`);
      assert.deepEqual(t.expAvg, aone[i].expAvg, `${label} adam expAvg ${i}`);
      assert.deepEqual(t.expAvgSq, aone[i].expAvgSq, `${label} adam expAvgSq ${i}`);
    });
    // A float64 entry in a float32 list takes the js path, exactly.
    const f64: SgdTensors = { param: Float64Array.from(randF32(50, 1)), grad: Float64Array.from(randF32(50, 2)), momentumBuf: Float64Array.from(randF32(50, 3)) };
    const want = cloneAll([f64])[0];
    jsBackend.sgdStep(want.param, want.grad, want.momentumBuf, o);
    const mixed = cloneAll([list[0], f64]);
    be.sgdSteps(mixed, o);
    assert.deepEqual(mixed[1].param, want.param);
    assert.deepEqual(mixed[1].momentumBuf, want.momentumBuf);
    assert.deepEqual(mixed[0].param, one[0].param);
  }
});

test('dropout: the same mask and bits as js for awkward sizes, keeps and keys, in place too', () => {
  const specs: DropoutSpec[] = [
    { keep: 0.8, scale: 1 / 0.8, key0: 0, key1: 0 },
    { keep: 0.5, scale: 2, key0: 0xdeadbeef, key1: 12345 },
    { keep: 0.1, scale: 10, key0: 0xffffffff, key1: 0x80000000 },
    { keep: 1, scale: 1, key0: 7, key1: 8 },
    { keep: 1e-12, scale: 1e12, key0: 3, key1: 4 },
    { keep: 0.3, scale: 1 / 0.3, key0: 99, key1: 100 },
  ];
  let seed = 1;
  for (const n of [...AWKWARD, 1000, 40000, 100003]) {
    const x = randF32(n, seed++, -3, 3);
    if (n > 8) { x[1] = Number.NaN; x[2] = Infinity; x[5] = -0; }
    specs.forEach((spec, si) => {
      const want = new Float32Array(n);
      jsBackend.dropout(x, spec, want);
      for (const { label, be } of backends) {
        const got = new Float32Array(n).fill(12345);
        be.dropout(x, spec, got);
        close(got, want, `${label} dropout n=${n} spec ${si}`, 0, 0);
        for (let i = 0; i < n; i++) if (!Object.is(got[i], want[i])) assert.fail(`${label} dropout n=${n} spec ${si}: [${i}] ${got[i]} is not ${want[i]}`);
        const inPlace = x.slice();
        be.dropout(inPlace, spec, inPlace);
        assert.deepEqual(inPlace, want, `${label} in place n=${n} spec ${si}`);
      }
    });
  }
});
