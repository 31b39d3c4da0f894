/**
 * Every native kernel against the js reference, on every instruction-set path this CPU has
 * (avx512, avx2, portable — forced as GRADLAB_NATIVE_ISA does) and on awkward sizes (0, 1, 3, 17,
 * 63, 65, 257), non-contiguous walks (permutations, strided slices, broadcasts) included. The
 * elementwise ops come from the op table itself, so a new row is tested without editing a list.
 * GEMM results must not depend on the thread count (1 vs 2 threads: bit-identical).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kernels, Shape, WindowSpec } from '../../../src/backend/backend.js';
import { jsBackend as js } from '../../../src/backend/js/index.js';
import { NATIVE_ISAS, createNativeBackend, loadNativeAddon } from '../../../src/backend/native/index.js';
import { BINARY_TABLE, UNARY_TABLE, isFast } from '../../../src/backend/optable.js';
import { sizeOf, tryBroadcastShapes } from '../../../src/backend/shape.js';
import { AWKWARD, close, randF32 } from '../wasm/util.js';
import { checkWindowKernels } from '../window-cases.js';

const loaded = loadNativeAddon();
const skip = 'error' in loaded ? `native addon unavailable: ${loaded.error}` : false;
const addon = 'error' in loaded ? null : loaded.addon;

/** The ISA paths to test: those this CPU runs (configure() refuses the others, named). */
function paths(): { isa: string; be: Kernels }[] {
  if (!addon) return [];
  const out: { isa: string; be: Kernels }[] = [];
  for (const isa of NATIVE_ISAS) {
    const be = createNativeBackend(addon, { isa, threads: 2 });
    try {
      be.fill(new Float32Array(1), 0);
      be.unary('neg', new Float32Array(1), new Float32Array(1));
      out.push({ isa, be });
    } catch (e) {
      assert.match((e as Error).message, /this CPU lacks/);
    }
  }
  return out;
}

function special(n: number, seed: number, lo = -30, hi = 30): Float32Array {
  const x = randF32(n, seed, lo, hi);
  const sp = [0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-30, -1e-30, 1e-40, 88.7, 89, -103, -110, 1000, -1000, Infinity, -Infinity, NaN, 0.3, -0.7, 3e38, -3, 3];
  for (let i = 0; i < Math.min(n, sp.length); i++) x[(i * 7) % n] = sp[i];
  return x;
}

test('native kernels on every ISA path', { skip }, async (t) => {
  const ps = paths();
  assert.ok(ps.some((p) => p.isa === 'portable'), 'the portable path always runs');
  for (const { isa, be } of ps) {
    await t.test(`${isa}: unary, every native row of the op table`, () => {
      for (const row of UNARY_TABLE) {
        for (const n of [...AWKWARD, 4099, 40000]) {
          const x = special(n, n + 1, ...((row as { domain?: readonly [number, number] }).domain ?? [-30, 30]));
          const want = new Float32Array(n);
          js.unary(row.name, x, want);
          const got = new Float32Array(n).fill(12345);
          be.unary(row.name, x, got);
          if (!isFast(row, 'native')) { close(got, want, `${isa} ${row.name} (js path) n=${n}`, 0, 0); continue; }
          close(got, want, `${isa} ${row.name} n=${n}`, 1e-37, 4e-7);
        }
      }
    });

    await t.test(`${isa}: binary, every row, with broadcasting`, () => {
      const cases: [Shape, Shape][] = [[[257], [257]], [[65, 17], [17]], [[3, 1, 63], [1, 5, 1]], [[17], []], [[], [63]], [[2, 3, 4, 5, 6], [3, 1, 5, 1]], [[0, 3], [3]], [[1], [1]]];
      for (const row of BINARY_TABLE) {
        for (const [as, bs] of cases) {
          const os = tryBroadcastShapes(as, bs) as number[];
          const a = special(Math.max(1, sizeOf(as)), 3, -3, 3).subarray(0, sizeOf(as));
          const b = randF32(sizeOf(bs), 4, -3, 3);
          if (b.length > 2) b[1] = a[1] ?? 0;
          const want = new Float32Array(sizeOf(os));
          const got = new Float32Array(sizeOf(os)).fill(7);
          js.binary(row.name, a, as, b, bs, want, os);
          be.binary(row.name, a, as, b, bs, got, os);
          close(got, want, `${isa} ${row.name} ${JSON.stringify(as)}·${JSON.stringify(bs)}`, 0, 1.2e-7);
        }
      }
    });

    await t.test(`${isa}: leakyRelu, clamp, reduce over any axes`, () => {
      const x = special(1000, 5, -4, 4);
      const [w, g] = [new Float32Array(1000), new Float32Array(1000)];
      js.leakyRelu(x, 0.1, w); be.leakyRelu(x, 0.1, g); close(g, w, 'leakyRelu', 0, 0);
      js.clamp(x, -1, 2, w); be.clamp(x, -1, 2, g); close(g, w, 'clamp', 0, 0);
      const shape = [3, 17, 1, 5];
      const xr = randF32(sizeOf(shape), 6);
      for (const op of ['sum', 'max', 'min'] as const) {
        for (const axes of [[0], [1], [3], [1, 2], [0, 1, 2, 3], [0, 3], []]) {
          const os = shape.filter((_, i) => !axes.includes(i));
          const [rw, rg] = [new Float32Array(sizeOf(os)), new Float32Array(sizeOf(os))];
          js.reduce(op, xr, shape, axes, rw);
          be.reduce(op, xr, shape, axes, rg);
          close(rg, rw, `${isa} reduce ${op} ${JSON.stringify(axes)}`, 1e-6, 1e-6);
        }
      }
    });

    await t.test(`${isa}: matmul, every layout, awkward sizes, batched with a stride-0 operand`, () => {
      const sizes = [0, 1, 3, 17, 63, 65, 257];
      let seed = 10;
      for (const m of sizes) for (const k of [0, 1, 17, 65, 257]) for (const n of [1, 3, 33, 65]) {
        for (const transA of [false, true]) for (const transB of [false, true]) {
          if (m * k * n > 300000 && (transA || transB)) continue;
          const a = randF32(m * k, seed++);
          const b = randF32(k * n, seed++);
          const spec = { batch: 1, m, k, n, transA, transB, strideA: 0, strideB: 0 };
          const [w, g] = [new Float32Array(m * n), new Float32Array(m * n).fill(9)];
          js.matmul(a, b, w, spec);
          be.matmul(a, b, g, spec);
          close(g, w, `${isa} matmul ${m}x${k}x${n} tA=${transA} tB=${transB}`, 1e-5, 1e-4);
        }
      }
      for (const [strideA, strideB] of [[0, 17 * 9], [33 * 17, 0], [33 * 17, 17 * 9]]) {
        const batch = 5, m = 33, k = 17, n = 9;
        const a = randF32(strideA ? batch * m * k : m * k, 1);
        const b = randF32(strideB ? batch * k * n : k * n, 2);
        const spec = { batch, m, k, n, transA: false, transB: false, strideA, strideB };
        const [w, g] = [new Float32Array(batch * m * n), new Float32Array(batch * m * n)];
        js.matmul(a, b, w, spec);
        be.matmul(a, b, g, spec);
        close(g, w, `${isa} batched strides ${strideA}/${strideB}`, 1e-5, 1e-4);
      }
    });

    await t.test(`${isa}: permute, sliceCopy, sliceAdd (non-contiguous walks), indexSelect / indexAdd`, () => {
      const shape = [3, 17, 5, 4];
      const x = randF32(sizeOf(shape), 7);
      for (const perm of [[3, 2, 1, 0], [0, 2, 1, 3], [1, 0, 3, 2]]) {
        const [w, g] = [new Float32Array(x.length), new Float32Array(x.length)];
        js.permute(x, shape, perm, w); be.permute(x, shape, perm, g);
        close(g, w, `${isa} permute ${perm}`, 0, 0);
      }
      const begin = [1, 2, 0, 1], step = [1, 3, 2, 2], os = [2, 5, 3, 2];
      const [w, g] = [new Float32Array(sizeOf(os)), new Float32Array(sizeOf(os))];
      js.sliceCopy(x, shape, begin, step, w, os); be.sliceCopy(x, shape, begin, step, g, os);
      close(g, w, `${isa} sliceCopy`, 0, 0);
      const [aw, ag] = [Float32Array.from(x), Float32Array.from(x)];
      js.sliceAdd(w, os, aw, shape, begin, step); be.sliceAdd(w, os, ag, shape, begin, step);
      close(ag, aw, `${isa} sliceAdd`, 0, 0);
      const idx = Int32Array.from([3, 0, 3, 16, 3, 1]);
      const [sw, sg] = [new Float32Array(3 * 6 * 20), new Float32Array(3 * 6 * 20)];
      js.indexSelect(x, 3, 17, 20, idx, sw); be.indexSelect(x, 3, 17, 20, idx, sg);
      close(sg, sw, `${isa} indexSelect`, 0, 0);
      const [iw, ig] = [new Float32Array(x.length), new Float32Array(x.length)];
      js.indexAdd(sw, 3, 17, 20, idx, iw); be.indexAdd(sw, 3, 17, 20, idx, ig);
      close(ig, iw, `${isa} indexAdd (repeated rows)`, 1e-7, 1e-6);
      assert.throws(() => be.indexSelect(x, 3, 17, 20, Int32Array.from([17]), sw), /index 17 is out of range/);
    });

    await t.test(`${isa}: softmax, cross-entropy, layer norm`, () => {
      for (const [outer, n, inner] of [[3, 17, 1], [2, 65, 3], [1, 1, 1], [0, 4, 2], [5, 257, 1]]) {
        const x = randF32(outer * n * inner, 8, -8, 8);
        for (const log of [false, true]) {
          const [w, g] = [new Float32Array(x.length), new Float32Array(x.length)];
          js.softmax(x, outer, n, inner, log, w); be.softmax(x, outer, n, inner, log, g);
          close(g, w, `${isa} softmax ${outer}/${n}/${inner} log=${log}`, 1e-6, 1e-5);
        }
      }
      const rows = 17, classes = 63;
      const x = randF32(rows * classes, 9, -5, 5);
      const tg = Int32Array.from({ length: rows }, (_, i) => (i === 3 ? -100 : (i * 7) % classes));
      for (const wt of [null, randF32(classes, 10, 0.5, 2)]) {
        const o = () => [new Float32Array(rows), new Float32Array(rows * classes)] as const;
        const [l1, p1] = o(); const [l2, p2] = o();
        js.crossEntropy(x, tg, wt, rows, classes, -100, l1, p1); be.crossEntropy(x, tg, wt, rows, classes, -100, l2, p2);
        close(l2, l1, `${isa} CE loss`, 1e-6, 1e-5); close(p2, p1, `${isa} CE probs`, 1e-7, 1e-5);
        const gl = randF32(rows, 11);
        const [d1, d2] = [new Float32Array(rows * classes), new Float32Array(rows * classes)];
        js.crossEntropyBackward(p1, tg, wt, gl, rows, classes, -100, d1); be.crossEntropyBackward(p1, tg, wt, gl, rows, classes, -100, d2);
        close(d2, d1, `${isa} CE backward`, 1e-7, 1e-5);
      }
      for (const [r, n] of [[1, 1], [17, 63], [3, 257], [65, 3]]) {
        const xx = randF32(r * n, 12, -3, 3);
        const wt = randF32(n, 13), bs = randF32(n, 14);
        const o = () => [new Float32Array(r * n), new Float32Array(r), new Float32Array(r)] as const;
        const [y1, m1, s1] = o(); const [y2, m2, s2] = o();
        js.layerNorm(xx, r, n, wt, bs, 1e-5, y1, m1, s1); be.layerNorm(xx, r, n, wt, bs, 1e-5, y2, m2, s2);
        close(y2, y1, `${isa} LN y`, 1e-5, 1e-5); close(s2, s1, `${isa} LN rstd`, 0, 1e-6);
        const gg = randF32(r * n, 15);
        const d = () => [new Float32Array(r * n), new Float32Array(n), new Float32Array(n)] as const;
        const [a1, b1, c1] = d(); const [a2, b2, c2] = d();
        js.layerNormBackward(gg, xx, r, n, wt, m1, s1, a1, b1, c1); be.layerNormBackward(gg, xx, r, n, wt, m1, s1, a2, b2, c2);
        close(a2, a1, `${isa} LN dx`, 1e-5, 1e-4); close(b2, b1, `${isa} LN dw`, 1e-5, 1e-5); close(c2, c1, `${isa} LN db`, 1e-5, 1e-5);
      }
    });

    await t.test(`${isa}: im2col / col2im, convolution, pooling`, () => {
      const specs: WindowSpec[] = [
        { inSize: [5, 6], outSize: [3, 3], kernel: [3, 2], stride: [2, 2], padding: [1, 1], dilation: [1, 1] },
        { inSize: [17], outSize: [8], kernel: [3], stride: [2], padding: [1], dilation: [1] },
        { inSize: [9, 9], outSize: [5, 5], kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [2, 2] },
        { inSize: [1, 1], outSize: [1, 1], kernel: [1, 1], stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
        // No padding, no dilation (max pooling's direct path): even and odd sizes, overlapping windows.
        { inSize: [8, 9], outSize: [4, 4], kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] },
        { inSize: [7, 5], outSize: [5, 3], kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1] },
        { inSize: [17], outSize: [8], kernel: [3], stride: [2], padding: [0], dilation: [1] },
        // Ceil mode without padding: the last window runs past the edge (not the direct path).
        { inSize: [7], outSize: [4], kernel: [2], stride: [2], padding: [0], dilation: [1] },
        { inSize: [5, 7], outSize: [3, 4], kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] },
      ];
      for (const spec of specs) checkWindowKernels(be, spec, { label: isa, avgAtol: 1e-7, ties: true });
    });

    await t.test(`${isa}: LSTM / GRU cells, dropout, SGD / Adam over several tensors`, () => {
      for (const [B, H] of [[1, 1], [3, 17], [17, 65], [64, 100]]) { // 64×100: split over threads
        const f = (k: number) => new Float32Array(k);
        const gates = randF32(B * 4 * H, 20, -4, 4), cPrev = randF32(B * H, 21);
        const [c1, h1, act1, c2, h2, act2] = [f(B * H), f(B * H), f(B * 5 * H), f(B * H), f(B * H), f(B * 5 * H)];
        js.lstmCell(gates, cPrev, B, H, c1, h1, act1); be.lstmCell(gates, cPrev, B, H, c2, h2, act2);
        close(c2, c1, 'c', 1e-6, 1e-5); close(h2, h1, 'h', 1e-6, 1e-5); close(act2, act1, 'act', 1e-6, 1e-5);
        const dh = randF32(B * H, 22), dc = randF32(B * H, 23);
        for (const [a, b] of [[dh, dc], [dh, null], [null, dc]] as const) for (const wantPrev of [true, false]) {
          const [g1, g2, p1, p2] = [f(B * 4 * H), f(B * 4 * H), f(B * H), f(B * H)];
          js.lstmCellBackward(act1, cPrev, a, b, B, H, g1, wantPrev ? p1 : null); be.lstmCellBackward(act1, cPrev, a, b, B, H, g2, wantPrev ? p2 : null);
          close(g2, g1, `${isa} lstm dGates`, 1e-6, 1e-5); close(p2, p1, `${isa} lstm dCprev`, 1e-6, 1e-5);
        }
        const xp = randF32(B * 3 * H, 24), hp = randF32(B * 3 * H, 25);
        const [gh1, ga1, gh2, ga2] = [f(B * H), f(B * 3 * H), f(B * H), f(B * 3 * H)];
        js.gruCell(xp, hp, cPrev, B, H, gh1, ga1); be.gruCell(xp, hp, cPrev, B, H, gh2, ga2);
        close(gh2, gh1, `${isa} gru h`, 1e-6, 1e-5); close(ga2, ga1, `${isa} gru act`, 1e-6, 1e-5);
        const [x1, x2, y1, y2, z1, z2] = [f(B * 3 * H), f(B * 3 * H), f(B * 3 * H), f(B * 3 * H), f(B * H), f(B * H)];
        js.gruCellBackward(ga1, hp, cPrev, dh, B, H, x1, y1, z1); be.gruCellBackward(ga1, hp, cPrev, dh, B, H, x2, y2, z2);
        close(x2, x1, `${isa} gru dXp`, 1e-6, 1e-5); close(y2, y1, `${isa} gru dHp`, 1e-6, 1e-5); close(z2, z1, `${isa} gru dHprev`, 1e-6, 1e-5);
      }
      for (const n of [...AWKWARD, 70000]) {
        const x = randF32(n, 26);
        const spec = { keep: 0.6, scale: 1 / 0.6, key0: 0xdeadbeef, key1: 12345 };
        const [d1, d2] = [new Float32Array(n), new Float32Array(n)];
        js.dropout(x, spec, d1); be.dropout(x, spec, d2); close(d2, d1, `${isa} dropout n=${n}`, 0, 0);
      }
      const sizes = [1, 17, 65, 40000];
      // Every variant of the optimizer loops (each is its own vectorised loop): exact against js.
      for (const momentum of [0, 0.9]) for (const weightDecay of [0, 0.01]) for (const nesterov of [false, true]) for (const firstStep of [false, true]) {
        if (nesterov && !momentum) continue;
        const mk = () => sizes.map((s, i) => ({ param: randF32(s, 30 + i), grad: randF32(s, 40 + i), momentumBuf: momentum ? randF32(s, 50 + i) : null }));
        const [a, b] = [mk(), mk()];
        const o = { lr: 0.1, momentum, dampening: 0.1, weightDecay, nesterov, firstStep };
        js.sgdSteps(a, o); be.sgdSteps(b, o);
        const what = `${isa} sgd momentum=${momentum} wd=${weightDecay} nesterov=${nesterov} first=${firstStep}`;
        a.forEach((t, i) => {
          close(b[i].param, t.param, `${what} p ${sizes[i]}`, 0, 0);
          if (t.momentumBuf) close(b[i].momentumBuf as Float32Array, t.momentumBuf, `${what} buf ${sizes[i]}`, 0, 0);
        });
      }
      for (const amsgrad of [false, true]) for (const weightDecay of [0, 0.1]) for (const decoupled of [false, true]) {
        const mk = () => sizes.map((s, i) => ({ param: randF32(s, 60 + i), grad: randF32(s, 70 + i), expAvg: randF32(s, 80 + i), expAvgSq: randF32(s, 90 + i, 0, 1), maxExpAvgSq: amsgrad ? randF32(s, 95 + i, 0, 1) : null }));
        const [a, b] = [mk(), mk()];
        const o = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, decoupled, step: 4 };
        js.adamSteps(a, o); be.adamSteps(b, o);
        const what = `${isa} adam amsgrad=${amsgrad} wd=${weightDecay} decoupled=${decoupled}`;
        a.forEach((t, i) => {
          close(b[i].param, t.param, `${what} p`, 0, 0); close(b[i].expAvg, t.expAvg, `${what} m`, 0, 0);
          close(b[i].expAvgSq, t.expAvgSq, `${what} v`, 0, 0);
          if (t.maxExpAvgSq) close(b[i].maxExpAvgSq as Float32Array, t.maxExpAvgSq, `${what} vmax`, 0, 0);
        });
      }
    });

    await t.test(`${isa}: float64 and int32 data run the js reference unchanged`, () => {
      const x = Float64Array.from(randF32(100, 9, -3, 3));
      const [w, g] = [new Float64Array(100), new Float64Array(100)];
      js.unary('exp', x, w); be.unary('exp', x, g); close(g, w, 'f64 exp', 0, 0);
      const a = Float64Array.from(randF32(12, 1)), b = Float64Array.from(randF32(12, 2));
      const spec = { batch: 1, m: 3, k: 4, n: 3, transA: false, transB: false, strideA: 0, strideB: 0 };
      const [mw, mg] = [new Float64Array(9), new Float64Array(9)];
      js.matmul(a, b, mw, spec); be.matmul(a, b, mg, spec); close(mg, mw, 'f64 matmul', 0, 0);
    });
  }
});

test('GEMM does not depend on the thread count (1 vs 2 threads, bit-identical), on every path of the split', { skip }, () => {
  if (!addon) return;
  // Shapes that take each way the GEMM divides work: one matrix split by rows (257 rows), by
  // columns (5 rows, 700 columns), K and N over one block (300 > KC, 450 > NC); a few matrices
  // sharing one packed B (batch 3), a broadcast B (stride 0) and a broadcast A; many matrices
  // packing their own B (batch 9).
  const cases: [number, number, number, number, 'a0' | 'b0' | ''][] = [
    [1, 257, 300, 130, ''], [1, 5, 70, 700, ''], [1, 200, 300, 450, ''], [3, 70, 90, 100, ''], [3, 70, 90, 100, 'b0'],
    [3, 70, 90, 100, 'a0'], [9, 40, 50, 60, ''], [9, 40, 50, 60, 'b0'], [1, 64, 100, 400, ''],
  ];
  for (const isa of NATIVE_ISAS) {
    const ad = addon;
    const bes: Kernels[] = [1, 2].map((threads) => createNativeBackend(ad, { isa, threads }));
    try { bes[0].unary('neg', new Float32Array(1), new Float32Array(1)); } catch { continue; } // a path this CPU lacks
    let seed = 100;
    for (const [batch, m, k, n, bc] of cases) for (const transA of [false, true]) for (const transB of [false, true]) {
      const strideA = bc === 'a0' ? 0 : m * k, strideB = bc === 'b0' ? 0 : k * n;
      const a = randF32(bc === 'a0' ? m * k : batch * m * k, seed++), b = randF32(bc === 'b0' ? k * n : batch * k * n, seed++);
      const spec = { batch, m, k, n, transA, transB, strideA, strideB };
      const want = new Float32Array(batch * m * n);
      js.matmul(a, b, want, spec);
      const outs = bes.map((be): Float32Array => {
        const out = new Float32Array(batch * m * n).fill(7);
        be.matmul(a, b, out, spec);
        return out;
      });
      const what = `${isa} ${batch}x${m}x${k}x${n}${bc ? ' ' + bc : ''} tA=${transA} tB=${transB}`;
      close(outs[1], want, what, 1e-5, 1e-4);
      assert.deepEqual(outs[0], outs[1], `${what}: 1 and 2 threads differ`);
    }
  }
});

test('convolution does not depend on the thread count (1 vs 2 threads, bit-identical)', { skip }, () => {
  if (!addon) return;
  // Forward and input gradient run per image (split over threads); the weight gradient is one
  // product large enough to split (200 × 1024 × 16).
  const spec: WindowSpec = { inSize: [12, 12], outSize: [8, 8], kernel: [5, 5], stride: [1, 1], padding: [0, 0], dilation: [1, 1] };
  const n = 16, c = 8, cout = 16, P = 144, L = 64;
  const x = randF32(n * c * P, 1), w = randF32(cout * c * 25, 2), g = randF32(n * cout * L, 3);
  for (const isa of NATIVE_ISAS) {
    const ad = addon;
    const bes: Kernels[] = [1, 2].map((threads) => createNativeBackend(ad, { isa, threads }));
    try { bes[0].unary('neg', new Float32Array(1), new Float32Array(1)); } catch { continue; } // a path this CPU lacks
    const run = (be: Kernels): Float32Array[] => {
      const y = new Float32Array(n * cout * L), gw = new Float32Array(w.length), gx = new Float32Array(x.length);
      be.convForward(x, n, c, spec, w, cout, y);
      be.convBackwardWeight(x, n, c, spec, g, cout, gw);
      be.convBackwardInput(w, g, n, c, spec, cout, gx);
      return [y, gw, gx];
    };
    const [one, two] = bes.map(run);
    ['forward', 'weight gradient', 'input gradient'].forEach((what, i) => assert.deepEqual(one[i], two[i], `${isa} conv ${what}: 1 and 2 threads differ`));
  }
});

test('a bad ISA name is a named error', { skip }, () => {
  if (!addon) return;
  assert.throws(() => createNativeBackend(addon, { isa: 'sse9' }).unary('neg', new Float32Array(1), new Float32Array(1)), /NativeIsaError|isa must be one of avx512, avx2, portable, got 'sse9'/);
});
