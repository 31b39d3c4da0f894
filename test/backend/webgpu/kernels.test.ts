/**
 * Every webgpu kernel against the js reference, on the op table's rows and on awkward sizes
 * (0, 1, 3, 17, 63, 65, 257), non-contiguous walks (permutations, strided slices, broadcasts),
 * int32 data and in-place calls (out = x). Runs on whatever Vulkan device Dawn finds; here that is
 * chromium's SwiftShader (a software GPU), so these are correctness tests, not speed tests.
 *
 * Tolerances (float32 on the device against the js reference in double precision): elementwise
 * maps within 2e-6 relative (sin / cos / pow / erf / the log1p family within 1e-5, the device's
 * transcendental functions are not correctly rounded); sums in a different order within 1e-5
 * relative; data movement, comparisons and max / min exact.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Shape, WindowSpec } from '../../../src/backend/backend.js';
import { jsBackend as js } from '../../../src/backend/js/index.js';
import { BINARY_TABLE, UNARY_TABLE, isFast } from '../../../src/backend/optable.js';
import { sizeOf, tryBroadcastShapes } from '../../../src/backend/shape.js';
import { AWKWARD, close, randF32 } from '../wasm/util.js';
import { checkWindowKernels } from '../window-cases.js';
import { openWebGpu } from './util.js';

const { be, skip } = await openWebGpu();

/** Finite special values (the device need not follow IEEE rules for ±∞ / NaN in every builtin). */
function special(n: number, seed: number, lo = -30, hi = 30): Float32Array {
  const x = randF32(n, seed, lo, hi);
  const sp = [0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-30, -1e-30, 0.3, -0.7, -3, 3, 1, -1, 2];
  for (let i = 0; i < Math.min(n, sp.length); i++) x[(i * 7) % n] = Math.max(lo, Math.min(hi, sp[i]));
  return x;
}

const LOOSE = new Set(['sin', 'cos', 'erf', 'log1p', 'expm1', 'softplus', 'logSigmoid']);

test('webgpu kernels against the js reference', { skip }, async (t) => {
  await t.test('unary: every row of the op table', () => {
    for (const row of UNARY_TABLE) {
      assert.ok(isFast(row, 'webgpu'), `${row.name}: the op table lists webgpu among its fast backends`);
      for (const n of [...AWKWARD, 4099]) {
        const x = special(n, n + 1, ...((row as { domain?: readonly [number, number] }).domain ?? [-30, 30]));
        const want = new Float32Array(n);
        js.unary(row.name, x, want);
        const got = new Float32Array(n).fill(12345);
        be.unary(row.name, x, got);
        close(got, want, `${row.name} n=${n}`, LOOSE.has(row.name) ? 1e-5 : 1e-6, LOOSE.has(row.name) ? 1e-5 : 2e-6);
      }
    }
    // In place (out = x) and int32 data.
    const x = randF32(65, 3, -5, 5);
    const want = new Float32Array(65);
    js.unary('tanh', x, want);
    const inPlace = toDevice(x);
    be.unary('tanh', inPlace, inPlace);
    close(readBack(inPlace), want, 'tanh in place', 1e-6, 2e-6);
    const xi = Int32Array.from({ length: 17 }, (_, i) => i * 37 - 300);
    const [wi, gi] = [new Int32Array(17), new Int32Array(17)];
    js.unary('neg', xi, wi); be.unary('neg', xi, gi);
    assert.deepEqual([...gi], [...wi]);
  });

  await t.test('binary: every row, with broadcasting, mixed and int32 operands', () => {
    const cases: [Shape, Shape][] = [[[257], [257]], [[65, 17], [17]], [[3, 1, 63], [1, 5, 1]], [[17], []], [[], [63]],
      [[2, 3, 4, 5, 6], [3, 1, 5, 1]], [[0, 3], [3]], [[1], [1]]];
    for (const row of BINARY_TABLE) {
      assert.ok(isFast(row, 'webgpu'), `${row.name}: the op table lists webgpu among its fast backends`);
      for (const [as, bs] of cases) {
        const os = tryBroadcastShapes(as, bs) as number[];
        const a = special(Math.max(1, sizeOf(as)), 3, -3, 3).subarray(0, sizeOf(as));
        const b = randF32(sizeOf(bs), 4, -3, 3);
        if (b.length > 2) b[1] = a[1] ?? 0;
        const want = new Float32Array(sizeOf(os));
        const got = new Float32Array(sizeOf(os)).fill(7);
        js.binary(row.name, a, as, b, bs, want, os);
        be.binary(row.name, a, as, b, bs, got, os);
        close(got, want, `${row.name} ${JSON.stringify(as)}·${JSON.stringify(bs)}`, 1e-6, row.name === 'pow' ? 1e-5 : 1.2e-7);
      }
    }
    const ai = Int32Array.from({ length: 12 }, (_, i) => i * 7 - 40);
    const bi = Int32Array.from({ length: 4 }, (_, i) => i - 2);
    for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum', 'lt', 'eq'] as const) {
      const [w, g] = [new Int32Array(12), new Int32Array(12)];
      js.binary(op, ai, [3, 4], bi, [4], w, [3, 4]); be.binary(op, ai, [3, 4], bi, [4], g, [3, 4]);
      assert.deepEqual([...g], [...w], `int32 ${op}`);
    }
    const af = randF32(12, 5, -40, 40);
    const [w, g] = [new Float32Array(12), new Float32Array(12)];
    js.binary('gt', af, [12], ai, [12], w, [12]); be.binary('gt', af, [12], ai, [12], g, [12]);
    assert.deepEqual([...g], [...w], 'float32 > int32');
  });

  await t.test('where, clamp, leakyRelu, cast, fill', () => {
    const c = Int32Array.from({ length: 15 }, (_, i) => i % 3);
    const a = randF32(5, 6), b = randF32(3 * 5, 7);
    const [w, g] = [new Float32Array(15), new Float32Array(15)];
    js.where(c, [3, 5], a, [5], b, [3, 5], w, [3, 5]); be.where(c, [3, 5], a, [5], b, [3, 5], g, [3, 5]);
    close(g, w, 'where', 0, 0);
    const x = special(1000, 5, -4, 4);
    const [lw, lg] = [new Float32Array(1000), new Float32Array(1000)];
    js.leakyRelu(x, 0.1, lw); be.leakyRelu(x, 0.1, lg); close(lg, lw, 'leakyRelu (slope rounded to float32)', 0, 2.5e-7);
    js.clamp(x, -1, 2, lw); be.clamp(x, -1, 2, lg); close(lg, lw, 'clamp', 0, 0);
    const [iw, ig] = [new Int32Array(1000), new Int32Array(1000)];
    js.cast(x, iw); be.cast(x, ig); assert.deepEqual([...ig], [...iw], 'cast float32 → int32 truncates');
    const [fw, fg] = [new Float32Array(1000), new Float32Array(1000)];
    js.cast(iw, fw); be.cast(iw, fg); close(fg, fw, 'cast int32 → float32', 0, 0);
    const f = new Float32Array(70);
    be.fill(f, 2.5); assert.ok(f.every((v) => v === 2.5));
    const fi = new Int32Array(70);
    be.fill(fi, -3); assert.ok(fi.every((v) => v === -3));
  });

  await t.test('reduce over any axes (small and long reductions), argmax / argmin', () => {
    for (const shape of [[3, 17, 1, 5], [2, 300, 7], [70, 65]]) {
      const xr = randF32(sizeOf(shape), 6);
      for (const op of ['sum', 'max', 'min', 'prod'] as const) {
        const axesList = shape.length === 4 ? [[0], [1], [3], [1, 2], [0, 1, 2, 3], [0, 3], []] : [[0], [1], [0, 1], shape.length === 3 ? [0, 2] : []];
        for (const axes of axesList) {
          const os = shape.filter((_, i) => !axes.includes(i));
          const [rw, rg] = [new Float32Array(sizeOf(os)), new Float32Array(sizeOf(os))];
          js.reduce(op, xr, shape, axes, rw);
          be.reduce(op, xr, shape, axes, rg);
          close(rg, rw, `reduce ${op} ${JSON.stringify(shape)} ${JSON.stringify(axes)}`, op === 'prod' ? 1e-30 : 1e-5, 1e-5);
        }
      }
      for (const op of ['argmax', 'argmin'] as const) {
        for (let axis = 0; axis < shape.length; axis++) {
          const os = shape.filter((_, i) => i !== axis);
          const [w, g] = [new Int32Array(sizeOf(os)), new Int32Array(sizeOf(os))];
          js.argReduce(op, xr, shape, axis, w); be.argReduce(op, xr, shape, axis, g);
          assert.deepEqual([...g], [...w], `${op} axis ${axis}`);
        }
      }
    }
    const xi = Int32Array.from({ length: 300 }, (_, i) => (i * 7919) % 1000 - 500);
    for (const op of ['sum', 'max', 'min'] as const) {
      const [w, g] = [new Int32Array(3), new Int32Array(3)];
      js.reduce(op, xi, [3, 100], [1], w); be.reduce(op, xi, [3, 100], [1], g);
      assert.deepEqual([...g], [...w], `int32 reduce ${op}`);
    }
  });

  await t.test('matmul: every layout, awkward sizes, batched with stride-0 operands', () => {
    let seed = 10;
    for (const m of [0, 1, 3, 17, 65, 130]) for (const k of [0, 1, 17, 65]) for (const n of [1, 3, 33, 65]) {
      for (const transA of [false, true]) for (const transB of [false, true]) {
        const a = randF32(m * k, seed++);
        const b = randF32(k * n, seed++);
        const spec = { batch: 1, m, k, n, transA, transB, strideA: 0, strideB: 0 };
        const [w, g] = [new Float32Array(m * n), new Float32Array(m * n).fill(9)];
        js.matmul(a, b, w, spec);
        be.matmul(a, b, g, spec);
        close(g, w, `matmul ${m}x${k}x${n} tA=${transA} tB=${transB}`, 1e-5, 1e-4);
      }
    }
    for (const [strideA, strideB] of [[0, 17 * 9], [33 * 17, 0], [33 * 17, 17 * 9]]) {
      const batch = 5, m = 33, k = 17, n = 9;
      const a = randF32(strideA ? batch * m * k : m * k, 1);
      const b = randF32(strideB ? batch * k * n : k * n, 2);
      for (const [transA, transB] of [[false, false], [true, true]]) {
        const spec = { batch, m, k, n, transA, transB, strideA, strideB };
        const [w, g] = [new Float32Array(batch * m * n), new Float32Array(batch * m * n)];
        js.matmul(a, b, w, spec);
        be.matmul(a, b, g, spec);
        close(g, w, `batched strides ${strideA}/${strideB} tA=${transA}`, 1e-5, 1e-4);
      }
    }
  });

  await t.test('permute, sliceCopy, sliceAdd, gather / scatterAdd, indexSelect / indexAdd', () => {
    const shape = [3, 17, 5, 4];
    const x = randF32(sizeOf(shape), 7);
    for (const perm of [[3, 2, 1, 0], [0, 2, 1, 3], [1, 0, 3, 2]]) {
      const [w, g] = [new Float32Array(x.length), new Float32Array(x.length)];
      js.permute(x, shape, perm, w); be.permute(x, shape, perm, g);
      close(g, w, `permute ${perm}`, 0, 0);
    }
    const begin = [1, 2, 0, 1], step = [1, 3, 2, 2], os = [2, 5, 3, 2];
    const [w, g] = [new Float32Array(sizeOf(os)), new Float32Array(sizeOf(os))];
    js.sliceCopy(x, shape, begin, step, w, os); be.sliceCopy(x, shape, begin, step, g, os);
    close(g, w, 'sliceCopy', 0, 0);
    const [aw, ag] = [Float32Array.from(x), Float32Array.from(x)];
    js.sliceAdd(w, os, aw, shape, begin, step); be.sliceAdd(w, os, ag, shape, begin, step);
    close(ag, aw, 'sliceAdd', 0, 0);
    const idx = Int32Array.from([3, 0, 3, 16, 3, 1]);
    const [sw, sg] = [new Float32Array(3 * 6 * 20), new Float32Array(3 * 6 * 20)];
    js.indexSelect(x, 3, 17, 20, idx, sw); be.indexSelect(x, 3, 17, 20, idx, sg);
    close(sg, sw, 'indexSelect', 0, 0);
    const [iw, ig] = [new Float32Array(x.length), new Float32Array(x.length)];
    js.indexAdd(sw, 3, 17, 20, idx, iw); be.indexAdd(sw, 3, 17, 20, idx, ig);
    close(ig, iw, 'indexAdd (repeated rows)', 1e-7, 1e-6);
    assert.throws(() => be.indexSelect(x, 3, 17, 20, Int32Array.from([17]), sw), /index 17 is out of range/);
    // gather / scatterAdd along every axis, index smaller than x off the axis, repeated targets.
    const gs = [4, 6, 5];
    const gx = randF32(sizeOf(gs), 8);
    for (let axis = 0; axis < 3; axis++) {
      const is = [3, 4, 2];
      is[axis] = 7;
      const index = Int32Array.from({ length: sizeOf(is) }, (_, i) => (i * 5) % gs[axis]);
      const [ow, og] = [new Float32Array(sizeOf(is)), new Float32Array(sizeOf(is))];
      js.gather(gx, gs, axis, index, is, ow); be.gather(gx, gs, axis, index, is, og);
      close(og, ow, `gather axis ${axis}`, 0, 0);
      const [tw, tg] = [Float32Array.from(gx), Float32Array.from(gx)];
      js.scatterAdd(ow, is, axis, index, tw, gs); be.scatterAdd(ow, is, axis, index, tg, gs);
      close(tg, tw, `scatterAdd axis ${axis}`, 1e-6, 1e-6);
    }
    const xi = Int32Array.from({ length: 20 }, (_, i) => i * 3 - 7);
    const [pw, pg] = [new Int32Array(20), new Int32Array(20)];
    js.permute(xi, [4, 5], [1, 0], pw); be.permute(xi, [4, 5], [1, 0], pg);
    assert.deepEqual([...pg], [...pw], 'int32 permute');
  });

  await t.test('im2col / col2im, convolution, pooling', () => {
    const specs: WindowSpec[] = [
      { inSize: [5, 6], outSize: [3, 3], kernel: [3, 2], stride: [2, 2], padding: [1, 1], dilation: [1, 1] },
      { inSize: [17], outSize: [8], kernel: [3], stride: [2], padding: [1], dilation: [1] },
      { inSize: [9, 9], outSize: [5, 5], kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [2, 2] },
      { inSize: [1, 1], outSize: [1, 1], kernel: [1, 1], stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
    ];
    for (const spec of specs) checkWindowKernels(be, spec, { label: '', avgAtol: 1e-6, ties: false });
  });

  await t.test('softmax, cross-entropy, layer norm', () => {
    for (const [outer, n, inner] of [[3, 17, 1], [2, 65, 3], [1, 1, 1], [0, 4, 2], [5, 257, 1]]) {
      const x = randF32(outer * n * inner, 8, -8, 8);
      for (const log of [false, true]) {
        const [w, g] = [new Float32Array(x.length), new Float32Array(x.length)];
        js.softmax(x, outer, n, inner, log, w); be.softmax(x, outer, n, inner, log, g);
        close(g, w, `softmax ${outer}/${n}/${inner} log=${log}`, 1e-6, 1e-5);
      }
    }
    const rows = 17, classes = 63;
    const x = randF32(rows * classes, 9, -5, 5);
    const tg = Int32Array.from({ length: rows }, (_, i) => (i === 3 ? -100 : (i * 7) % classes));
    for (const wt of [null, randF32(classes, 10, 0.5, 2)]) {
      const o = () => [new Float32Array(rows), new Float32Array(rows * classes)] as const;
      const [l1, p1] = o(); const [l2, p2] = o();
      js.crossEntropy(x, tg, wt, rows, classes, -100, l1, p1); be.crossEntropy(x, tg, wt, rows, classes, -100, l2, p2);
      close(l2, l1, 'CE loss', 1e-6, 1e-5); close(p2, p1, 'CE probs', 1e-7, 1e-5);
      const gl = randF32(rows, 11);
      const [d1, d2] = [new Float32Array(rows * classes), new Float32Array(rows * classes)];
      js.crossEntropyBackward(p1, tg, wt, gl, rows, classes, -100, d1); be.crossEntropyBackward(p1, tg, wt, gl, rows, classes, -100, d2);
      close(d2, d1, 'CE backward', 1e-7, 1e-5);
    }
    for (const [r, n] of [[1, 1], [17, 63], [3, 257], [65, 3]]) {
      const xx = randF32(r * n, 12, -3, 3);
      const wt = randF32(n, 13), bs = randF32(n, 14);
      const o = () => [new Float32Array(r * n), new Float32Array(r), new Float32Array(r)] as const;
      const [y1, m1, s1] = o(); const [y2, m2, s2] = o();
      js.layerNorm(xx, r, n, wt, bs, 1e-5, y1, m1, s1); be.layerNorm(xx, r, n, wt, bs, 1e-5, y2, m2, s2);
      close(y2, y1, 'LN y', 1e-5, 1e-5); close(s2, s1, 'LN rstd', 0, 1e-5); close(m2, m1, 'LN mean', 1e-6, 1e-5);
      const gg = randF32(r * n, 15);
      const d = () => [new Float32Array(r * n), new Float32Array(n), new Float32Array(n)] as const;
      const [a1, b1, c1] = d(); const [a2, b2, c2] = d();
      js.layerNormBackward(gg, xx, r, n, wt, m1, s1, a1, b1, c1); be.layerNormBackward(gg, xx, r, n, wt, m1, s1, a2, b2, c2);
      close(a2, a1, 'LN dx', 1e-5, 1e-4); close(b2, b1, 'LN dw', 1e-5, 1e-5); close(c2, c1, 'LN db', 1e-5, 1e-5);
    }
  });

  await t.test('LSTM / GRU cells, dropout, SGD / Adam over several tensors', () => {
    for (const [B, H] of [[1, 1], [3, 17], [17, 65]]) {
      const f = (k: number) => new Float32Array(k);
      const gates = randF32(B * 4 * H, 20, -4, 4), cPrev = randF32(B * H, 21);
      const [c1, h1, act1, c2, h2, act2] = [f(B * H), f(B * H), f(B * 5 * H), f(B * H), f(B * H), f(B * 5 * H)];
      js.lstmCell(gates, cPrev, B, H, c1, h1, act1); be.lstmCell(gates, cPrev, B, H, c2, h2, act2);
      close(c2, c1, 'c', 1e-6, 1e-5); close(h2, h1, 'h', 1e-6, 1e-5); close(act2, act1, 'act', 1e-6, 1e-5);
      const dh = randF32(B * H, 22), dc = randF32(B * H, 23);
      for (const [a, b] of [[dh, dc], [dh, null], [null, dc]] as const) {
        const [g1, g2, p1, p2] = [f(B * 4 * H), f(B * 4 * H), f(B * H), f(B * H)];
        js.lstmCellBackward(act1, cPrev, a, b, B, H, g1, p1); be.lstmCellBackward(act1, cPrev, a, b, B, H, g2, p2);
        close(g2, g1, 'lstm dGates', 1e-6, 1e-5); close(p2, p1, 'lstm dCprev', 1e-6, 1e-5);
      }
      const xp = randF32(B * 3 * H, 24), hp = randF32(B * 3 * H, 25);
      const [gh1, ga1, gh2, ga2] = [f(B * H), f(B * 3 * H), f(B * H), f(B * 3 * H)];
      js.gruCell(xp, hp, cPrev, B, H, gh1, ga1); be.gruCell(xp, hp, cPrev, B, H, gh2, ga2);
      close(gh2, gh1, 'gru h', 1e-6, 1e-5); close(ga2, ga1, 'gru act', 1e-6, 1e-5);
      const [x1, x2, y1, y2, z1, z2] = [f(B * 3 * H), f(B * 3 * H), f(B * 3 * H), f(B * 3 * H), f(B * H), f(B * H)];
      js.gruCellBackward(ga1, hp, cPrev, dh, B, H, x1, y1, z1); be.gruCellBackward(ga1, hp, cPrev, dh, B, H, x2, y2, z2);
      close(x2, x1, 'gru dXp', 1e-6, 1e-5); close(y2, y1, 'gru dHp', 1e-6, 1e-5); close(z2, z1, 'gru dHprev', 1e-6, 1e-5);
    }
    for (const n of [...AWKWARD, 70000]) {
      const x = randF32(n, 26);
      const spec = { keep: 0.6, scale: 1 / 0.6, key0: 0xdeadbeef, key1: 12345 };
      const [d1, d2] = [new Float32Array(n), new Float32Array(n)];
      js.dropout(x, spec, d1); be.dropout(x, spec, d2); close(d2, d1, `dropout n=${n}`, 0, 1e-7);
    }
    const sizes = [1, 17, 65, 4000];
    for (const momentum of [0, 0.9]) {
      const mk = () => sizes.map((s, i) => ({ param: randF32(s, 30 + i), grad: randF32(s, 40 + i), momentumBuf: momentum ? randF32(s, 50 + i) : null }));
      const [a, b] = [mk(), mk()];
      const o = { lr: 0.1, momentum, dampening: 0.1, weightDecay: 0.01, nesterov: momentum > 0, firstStep: false };
      js.sgdSteps(a, o); be.sgdSteps(b, o);
      a.forEach((tt, i) => close(b[i].param, tt.param, `sgd ${sizes[i]}`, 1e-7, 1e-6));
    }
    for (const amsgrad of [false, true]) {
      const mk = () => sizes.map((s, i) => ({ param: randF32(s, 60 + i), grad: randF32(s, 70 + i), expAvg: randF32(s, 80 + i), expAvgSq: randF32(s, 90 + i, 0, 1), maxExpAvgSq: amsgrad ? randF32(s, 95 + i, 0, 1) : null }));
      const [a, b] = [mk(), mk()];
      const o = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: true, step: 4 };
      js.adamSteps(a, o); be.adamSteps(b, o);
      a.forEach((tt, i) => { close(b[i].param, tt.param, 'adam p', 1e-7, 1e-6); close(b[i].expAvgSq, tt.expAvgSq, 'adam v', 1e-9, 1e-6); });
    }
  });

  await t.test('float64 data runs the js reference unchanged', () => {
    const x = Float64Array.from(randF32(100, 9, -3, 3));
    const [w, g] = [new Float64Array(100), new Float64Array(100)];
    js.unary('exp', x, w); be.unary('exp', x, g); close(g, w, 'f64 exp', 0, 0);
  });
});

/** A device copy of x (through the backend's upload hook). */
function toDevice(x: Float32Array): Float32Array {
  const dev = be.device;
  assert.ok(dev, 'the webgpu backend has device hooks');
  return dev.upload(x) as unknown as Float32Array;
}

function readBack(h: Float32Array): Float32Array {
  return (h as unknown as { peek(): Float32Array }).peek();
}
