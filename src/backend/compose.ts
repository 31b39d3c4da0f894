/**
 * The fused group composed from primitives: what a backend without its own fused kernels runs.
 * Each function computes what the fused kernel of the same name in backend.ts specifies, by
 * calling only Primitives methods of the given backend (plus small index / scalar arrays built
 * here), so a new backend (WebGPU, …) that implements the primitives runs every layer, loss and
 * optimizer. The results match the js reference up to float rounding order (tested in
 * test/backend/compose.test.ts); two documented edge cases differ: a max-pooling window whose
 * real values are all −∞ and that also covers padding may report −1 as its winner, and NaN ties
 * in max pooling follow argReduce (first NaN) rather than the last NaN.
 */
import type {
  AdamStep, AdamTensors, Data, DeviceHooks, DropoutSpec, FloatData, FusedKernels, Primitives, SgdStep, SgdTensors, WindowSpec,
} from './backend.js';
import { dropoutHash } from './js/nn.js';

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

/**
 * The fused group from p's primitives. On a device backend (p.device), every temporary array is
 * allocated on the device (host arrays appear only as small constant inputs: scalars, window
 * positions, the dropout mask) and copies go through cast.
 */
export function composeFused(p: Primitives & { readonly device?: DeviceHooks }): FusedKernels {
  const dev = p.device;
  /** A zero-filled temporary of x's float type. */
  const like = (x: FloatData, n: number): FloatData => {
    if (x instanceof Float64Array) return new Float64Array(n);
    return dev ? (dev.alloc('float32', n) as unknown as FloatData) : new Float32Array(n);
  };
  const ints = (n: number): Int32Array => (dev ? (dev.alloc('int32', n) as unknown as Int32Array) : new Int32Array(n));
  /** A host array (constant input) of x's float type. */
  const host = (x: FloatData, n: number): FloatData => (x instanceof Float64Array ? new Float64Array(n) : new Float32Array(n));
  /** A one-element array of x's type holding v (a scalar operand, shape []). */
  const sc = (x: FloatData, v: number): FloatData => {
    const a = host(x, 1);
    a[0] = v;
    return a;
  };
  const bin = (op: Parameters<Primitives['binary']>[0], a: Data, as: readonly number[], b: Data, bs: readonly number[], out: Data, os: readonly number[]): Data => {
    p.binary(op, a, as, b, bs, out, os);
    return out;
  };
  /** Column q (of `parts`) of x viewed as [rows, parts·h]. */
  const part = (x: FloatData, rows: number, parts: number, h: number, q: number): FloatData => {
    const out = like(x, rows * h);
    p.sliceCopy(x, [rows, parts * h], [0, q * h], [1, 1], out, [rows, h]);
    return out;
  };
  /** out [rows, parts·h] = the given parts side by side (out overwritten). */
  const join = (out: FloatData, rows: number, h: number, pieces: readonly FloatData[]): void => {
    p.fill(out, 0);
    pieces.forEach((piece, q) => p.sliceAdd(piece, [rows, h], out, [rows, pieces.length * h], [0, q * h], [1, 1]));
  };
  const un = (op: Parameters<Primitives['unary']>[0], x: FloatData): FloatData => {
    const out = like(x, x.length);
    p.unary(op, x, out);
    return out;
  };
  /** Elementwise a op b for two arrays of the same length (or b a scalar array). */
  const ew = (op: Parameters<Primitives['binary']>[0], a: FloatData, b: FloatData, out: FloatData = like(a, a.length)): FloatData => {
    p.binary(op, a, [a.length], b, b.length === 1 && a.length !== 1 ? [] : [b.length], out, [a.length]);
    return out;
  };
  /** 1 − x. */
  const oneMinus = (x: FloatData): FloatData => {
    const out = like(x, x.length);
    p.binary('sub', sc(x, 1), [], x, [x.length], out, [x.length]);
    return out;
  };

  function softmax(x: FloatData, outer: number, n: number, inner: number, log: boolean, out: FloatData): void {
    if (x.length === 0) return;
    const shape = [outer, n, inner];
    const rowShape = [outer, 1, inner];
    const mx = like(x, outer * inner);
    p.reduce('max', x, shape, [1], mx);
    // A row of −∞ (or an empty row) uses 0 as its shift, as the reference.
    const isInf = like(x, mx.length);
    p.binary('eq', mx, [mx.length], sc(x, -Infinity), [], isInf, [mx.length]);
    p.where(isInf, [mx.length], sc(x, 0), [], mx, [mx.length], mx, [mx.length]);
    const d = like(x, x.length);
    bin('sub', x, shape, mx, rowShape, d, shape);
    const e = un('exp', d);
    const s = like(x, outer * inner);
    p.reduce('sum', e, shape, [1], s);
    if (log) bin('sub', d, shape, un('log', s), rowShape, out, shape);
    else bin('div', e, shape, s, rowShape, out, shape);
  }

  /** 1 where the target is a class in range and not the ignore index, else 0 (int32), and the safe index (0 there). */
  function validTargets(target: Int32Array, rows: number, classes: number, ignoreIndex: number): { valid: Int32Array; safe: Int32Array } {
    const valid = ints(rows);
    const tmp = ints(rows);
    const k = (v: number): Int32Array => Int32Array.of(v);
    p.binary('ge', target, [rows], k(0), [], valid, [rows]);
    p.binary('lt', target, [rows], k(classes), [], tmp, [rows]);
    p.binary('mul', valid, [rows], tmp, [rows], valid, [rows]);
    p.binary('ne', target, [rows], k(ignoreIndex), [], tmp, [rows]);
    p.binary('mul', valid, [rows], tmp, [rows], valid, [rows]);
    const safe = ints(rows);
    p.binary('mul', target, [rows], valid, [rows], safe, [rows]);
    return { valid, safe };
  }

  /** Per-row w[t]·valid as floats of x's type. */
  function rowWeights(x: FloatData, weight: FloatData | null, valid: Int32Array, safe: Int32Array, classes: number): FloatData {
    const rows = valid.length;
    const v = like(x, rows);
    p.cast(valid, v);
    if (!weight) return v;
    const w = like(x, rows);
    p.indexSelect(weight, 1, classes, 1, safe, w);
    return ew('mul', v, w, v);
  }

  function crossEntropy(logits: FloatData, target: Int32Array, weight: FloatData | null, rows: number, classes: number,
    ignoreIndex: number, loss: FloatData, probs: FloatData): void {
    if (rows === 0) return;
    if (classes === 0) { p.fill(loss, 0); return; }
    softmax(logits, rows, classes, 1, false, probs);
    const logp = like(logits, rows * classes);
    softmax(logits, rows, classes, 1, true, logp);
    const { valid, safe } = validTargets(target, rows, classes, ignoreIndex);
    const picked = like(logits, rows);
    p.gather(logp, [rows, classes], 1, safe, [rows, 1], picked);
    const w = rowWeights(logits, weight, valid, safe, classes);
    ew('mul', picked, w, loss);
    p.unary('neg', loss, loss);
  }

  function crossEntropyBackward(probs: FloatData, target: Int32Array, weight: FloatData | null, gLoss: FloatData, rows: number,
    classes: number, ignoreIndex: number, dLogits: FloatData): void {
    if (rows === 0 || classes === 0) return;
    const { valid, safe } = validTargets(target, rows, classes, ignoreIndex);
    const coef = ew('mul', rowWeights(probs, weight, valid, safe, classes), gLoss);
    bin('mul', probs, [rows, classes], coef, [rows, 1], dLogits, [rows, classes]);
    p.unary('neg', coef, coef);
    p.scatterAdd(coef, [rows, 1], 1, safe, dLogits, [rows, classes]);
  }

  /** x − mean per row and the row statistics. */
  function centred(x: FloatData, rows: number, n: number, mean: FloatData): FloatData {
    p.reduce('sum', x, [rows, n], [1], mean);
    ew('div', mean, sc(x, n), mean);
    const d = like(x, x.length);
    bin('sub', x, [rows, n], mean, [rows, 1], d, [rows, n]);
    return d;
  }

  function layerNorm(x: FloatData, rows: number, n: number, weight: FloatData | null, bias: FloatData | null, eps: number,
    out: FloatData, mean: FloatData, rstd: FloatData): void {
    if (rows === 0 || n === 0) return;
    const d = centred(x, rows, n, mean);
    const d2 = un('square', d);
    p.reduce('sum', d2, [rows, n], [1], rstd);
    ew('div', rstd, sc(x, n), rstd);
    ew('add', rstd, sc(x, eps), rstd);
    p.unary('rsqrt', rstd, rstd);
    bin('mul', d, [rows, n], rstd, [rows, 1], out, [rows, n]);
    if (weight) bin('mul', out, [rows, n], weight, [n], out, [rows, n]);
    if (bias) bin('add', out, [rows, n], bias, [n], out, [rows, n]);
  }

  function layerNormBackward(g: FloatData, x: FloatData, rows: number, n: number, weight: FloatData | null, mean: FloatData,
    rstd: FloatData, dx: FloatData, dWeight: FloatData | null, dBias: FloatData | null): void {
    const S = [rows, n];
    const R = [rows, 1];
    const xhat = like(x, x.length);
    bin('sub', x, S, mean, R, xhat, S);
    bin('mul', xhat, S, rstd, R, xhat, S);
    if (dWeight) {
      const gx = ew('mul', g, xhat);
      p.reduce('sum', gx, S, [0], dWeight);
    }
    if (dBias) p.reduce('sum', g, S, [0], dBias);
    if (rows === 0 || n === 0) return;
    const h = like(x, x.length);
    if (weight) bin('mul', g, S, weight, [n], h, S);
    else p.cast(g, h);
    const mh = like(x, rows);
    p.reduce('sum', h, S, [1], mh);
    ew('div', mh, sc(x, n), mh);
    const mhx = like(x, rows);
    p.reduce('sum', ew('mul', h, xhat), S, [1], mhx);
    ew('div', mhx, sc(x, n), mhx);
    bin('sub', h, S, mh, R, dx, S);
    bin('mul', xhat, S, mhx, R, xhat, S);
    ew('sub', dx, xhat, dx);
    bin('mul', dx, S, rstd, R, dx, S);
  }

  const convSizes = (c: number, spec: WindowSpec): { ck: number; l: number } => ({ ck: c * prod(spec.kernel), l: prod(spec.outSize) });

  function convForward(x: FloatData, n: number, c: number, spec: WindowSpec, weight: FloatData, cout: number, out: FloatData): void {
    const { ck, l } = convSizes(c, spec);
    const cols = like(x, ck * n * l);
    p.im2col(x, n, c, spec, cols, true);
    const y = like(x, cout * n * l);
    p.matmul(weight, cols, y, { batch: 1, m: cout, k: ck, n: n * l, transA: false, transB: false, strideA: 0, strideB: 0 });
    p.permute(y, [cout, n, l], [1, 0, 2], out);
  }

  function gradRows(g: FloatData, n: number, cout: number, l: number): FloatData {
    const gt = like(g, g.length);
    p.permute(g, [n, cout, l], [1, 0, 2], gt);
    return gt;
  }

  function convBackwardWeight(x: FloatData, n: number, c: number, spec: WindowSpec, g: FloatData, cout: number, gw: FloatData): void {
    const { ck, l } = convSizes(c, spec);
    const cols = like(x, ck * n * l);
    p.im2col(x, n, c, spec, cols, true);
    p.matmul(gradRows(g, n, cout, l), cols, gw, { batch: 1, m: cout, k: n * l, n: ck, transA: false, transB: true, strideA: 0, strideB: 0 });
  }

  function convBackwardInput(weight: FloatData, g: FloatData, n: number, c: number, spec: WindowSpec, cout: number, gx: FloatData): void {
    const { ck, l } = convSizes(c, spec);
    const cols = like(g, ck * n * l);
    p.matmul(weight, gradRows(g, n, cout, l), cols, { batch: 1, m: ck, k: cout, n: n * l, transA: true, transB: false, strideA: 0, strideB: 0 });
    p.col2im(cols, n, c, spec, gx, true);
  }

  /** im2col of one plane holding position + 1 (0 where a window covers padding): [K, L]. */
  function positions(x: FloatData, spec: WindowSpec): FloatData {
    const P = prod(spec.inSize);
    const pos = host(x, P);
    for (let i = 0; i < P; i++) pos[i] = i + 1;
    const cols = like(x, prod(spec.kernel) * prod(spec.outSize));
    p.im2col(pos, 1, 1, spec, cols);
    return cols;
  }

  function maxPool(x: FloatData, n: number, c: number, spec: WindowSpec, out: FloatData, argmax: Int32Array): void {
    const K = prod(spec.kernel);
    const L = prod(spec.outSize);
    const NC = n * c;
    if (NC * L === 0) return;
    const cols = like(x, NC * K * L);
    p.im2col(x, n, c, spec, cols);
    const pos = positions(x, spec);
    // Padding never wins: it reads −∞.
    p.where(pos, [1, K, L], cols, [NC, K, L], sc(x, -Infinity), [], cols, [NC, K, L]);
    const k = ints(NC * L);
    p.argReduce('argmax', cols, [NC, K, L], 1, k);
    p.gather(cols, [NC, K, L], 1, k, [NC, 1, L], out);
    const at = like(x, NC * L);
    p.gather(pos, [K, L], 0, k, [NC, L], at);
    p.cast(at, argmax);
    p.binary('sub', argmax, [NC * L], Int32Array.of(1), [], argmax, [NC * L]);
  }

  function maxPoolBackward(g: FloatData, n: number, c: number, spec: WindowSpec, argmax: Int32Array, gx: FloatData): void {
    const L = prod(spec.outSize);
    const P = prod(spec.inSize);
    const NC = n * c;
    if (NC * L === 0) return;
    const keep = ints(argmax.length);
    p.binary('ge', argmax, [argmax.length], Int32Array.of(0), [], keep, [argmax.length]);
    const kf = like(g, keep.length);
    p.cast(keep, kf);
    const gm = ew('mul', g, kf);
    const idx = ints(argmax.length);
    p.clamp(argmax, 0, Math.max(0, P - 1), idx);
    p.scatterAdd(gm, [NC, L], 1, idx, gx, [NC, P]);
  }

  function avgPool(x: FloatData, n: number, c: number, spec: WindowSpec, scale: Float64Array, out: FloatData): void {
    const K = prod(spec.kernel);
    const L = prod(spec.outSize);
    const NC = n * c;
    if (NC * L === 0) return;
    const cols = like(x, NC * K * L);
    p.im2col(x, n, c, spec, cols);
    p.reduce('sum', cols, [NC, K, L], [1], out);
    const s = host(x, L);
    s.set(scale);
    bin('mul', out, [NC, L], s, [L], out, [NC, L]);
  }

  function avgPoolBackward(g: FloatData, n: number, c: number, spec: WindowSpec, scale: Float64Array, gx: FloatData): void {
    const K = prod(spec.kernel);
    const L = prod(spec.outSize);
    const NC = n * c;
    if (NC * L === 0) return;
    const s = host(g, L);
    s.set(scale);
    const gs = like(g, NC * L);
    bin('mul', g, [NC, L], s, [L], gs, [NC, L]);
    const cols = like(g, NC * K * L);
    bin('add', gs, [NC, 1, L], like(g, K), [1, K, 1], cols, [NC, K, L]);
    p.col2im(cols, n, c, spec, gx);
  }

  function lstmCell(gates: FloatData, cPrev: FloatData, batch: number, hidden: number, c: FloatData, h: FloatData, act: FloatData): void {
    if (batch * hidden === 0) return;
    const [gi, gf, gg, go] = [0, 1, 2, 3].map((q) => part(gates, batch, 4, hidden, q));
    const i = un('sigmoid', gi);
    const f = un('sigmoid', gf);
    const g = un('tanh', gg);
    const o = un('sigmoid', go);
    ew('mul', f, cPrev, c);
    ew('add', c, ew('mul', i, g), c);
    const tc = un('tanh', c);
    ew('mul', o, tc, h);
    join(act, batch, hidden, [i, f, g, o, tc]);
  }

  function lstmCellBackward(act: FloatData, cPrev: FloatData, dh: FloatData | null, dc: FloatData | null, batch: number, hidden: number,
    dGates: FloatData, dCprev: FloatData | null): void {
    if (batch * hidden === 0) return;
    const [i, f, g, o, tc] = [0, 1, 2, 3, 4].map((q) => part(act, batch, 5, hidden, q));
    const size = batch * hidden;
    const dcs = like(act, size);
    if (dc) p.cast(dc, dcs);
    const dO = like(act, size);
    if (dh) {
      // dc' = dc + dh⊙o⊙(1 − tanh²c); d(o pre) = dh⊙tanh(c)⊙o(1 − o)
      ew('add', dcs, ew('mul', ew('mul', dh, o), oneMinus(un('square', tc))), dcs);
      ew('mul', ew('mul', dh, tc), ew('mul', o, oneMinus(o)), dO);
    }
    const di = ew('mul', ew('mul', dcs, g), ew('mul', i, oneMinus(i)));
    const df = ew('mul', ew('mul', dcs, cPrev), ew('mul', f, oneMinus(f)));
    const dg = ew('mul', ew('mul', dcs, i), oneMinus(un('square', g)));
    join(dGates, batch, hidden, [di, df, dg, dO]);
    if (dCprev) ew('mul', dcs, f, dCprev);
  }

  function gruCell(xp: FloatData, hp: FloatData, hPrev: FloatData, batch: number, hidden: number, h: FloatData, act: FloatData): void {
    if (batch * hidden === 0) return;
    const r = un('sigmoid', ew('add', part(xp, batch, 3, hidden, 0), part(hp, batch, 3, hidden, 0)));
    const z = un('sigmoid', ew('add', part(xp, batch, 3, hidden, 1), part(hp, batch, 3, hidden, 1)));
    const nn = un('tanh', ew('add', part(xp, batch, 3, hidden, 2), ew('mul', r, part(hp, batch, 3, hidden, 2))));
    // h = (1 − z)⊙n + z⊙hPrev
    ew('add', ew('mul', oneMinus(z), nn), ew('mul', z, hPrev), h);
    join(act, batch, hidden, [r, z, nn]);
  }

  function gruCellBackward(act: FloatData, hp: FloatData, hPrev: FloatData, dh: FloatData, batch: number, hidden: number,
    dXp: FloatData, dHp: FloatData, dHprev: FloatData | null): void {
    if (batch * hidden === 0) return;
    const [r, z, nn] = [0, 1, 2].map((q) => part(act, batch, 3, hidden, q));
    const dn = ew('mul', ew('mul', dh, oneMinus(z)), oneMinus(un('square', nn)));
    const dr = ew('mul', ew('mul', dn, part(hp, batch, 3, hidden, 2)), ew('mul', r, oneMinus(r)));
    const dz = ew('mul', ew('mul', dh, ew('sub', hPrev, nn)), ew('mul', z, oneMinus(z)));
    join(dXp, batch, hidden, [dr, dz, dn]);
    join(dHp, batch, hidden, [dr, dz, ew('mul', dn, r)]);
    if (dHprev) ew('mul', dh, z, dHprev);
  }

  function dropout(x: FloatData, spec: DropoutSpec, out: FloatData): void {
    const scale = out instanceof Float32Array ? Math.fround(spec.scale) : spec.scale;
    const limit = spec.keep * 4294967296;
    const k0 = spec.key0 | 0;
    const k1 = spec.key1 | 0;
    // The mask is the one part with no primitive: a pure function of the index and the key.
    const mask = host(x, x.length);
    for (let i = 0; i < x.length; i++) mask[i] = dropoutHash(i, k0, k1) < limit ? scale : 0;
    ew('mul', x, mask, out);
  }

  function sgdStep(param: FloatData, grad: FloatData, buf: FloatData | null, o: SgdStep): void {
    let d = grad;
    if (o.weightDecay !== 0) d = ew('add', grad, ew('mul', param, sc(param, o.weightDecay)));
    if (buf && o.momentum !== 0) {
      if (o.firstStep) p.cast(d, buf);
      else ew('add', ew('mul', buf, sc(buf, o.momentum), buf), ew('mul', d, sc(d, 1 - o.dampening)), buf);
      d = o.nesterov ? ew('add', d, ew('mul', buf, sc(buf, o.momentum))) : buf;
    }
    ew('sub', param, ew('mul', d, sc(d, o.lr)), param);
  }

  function adamStep(param: FloatData, grad: FloatData, m: FloatData, v: FloatData, o: AdamStep, vmax: FloatData | null): void {
    const bc1 = 1 - Math.pow(o.beta1, o.step);
    const bc2 = 1 - Math.pow(o.beta2, o.step);
    let d = grad;
    if (o.weightDecay !== 0) {
      if (o.decoupled) ew('mul', param, sc(param, 1 - o.lr * o.weightDecay), param);
      else d = ew('add', grad, ew('mul', param, sc(param, o.weightDecay)));
    }
    ew('add', ew('mul', m, sc(m, o.beta1), m), ew('mul', d, sc(d, 1 - o.beta1)), m);
    ew('add', ew('mul', v, sc(v, o.beta2), v), ew('mul', un('square', d), sc(d, 1 - o.beta2)), v);
    let vv = v;
    if (vmax) { ew('maximum', vmax, v, vmax); vv = vmax; }
    // p −= (lr / bc1)·m / (√v / √bc2 + eps)
    const denom = ew('add', ew('div', un('sqrt', vv), sc(vv, Math.sqrt(bc2))), sc(vv, o.eps));
    ew('sub', param, ew('div', ew('mul', m, sc(m, o.lr / bc1)), denom), param);
  }

  return {
    softmax, crossEntropy, crossEntropyBackward, layerNorm, layerNormBackward,
    convForward, convBackwardWeight, convBackwardInput, maxPool, maxPoolBackward, avgPool, avgPoolBackward,
    lstmCell, lstmCellBackward, gruCell, gruCellBackward, dropout, sgdStep, adamStep,
    sgdSteps: (list: readonly SgdTensors[], o: SgdStep) => { for (const t of list) sgdStep(t.param, t.grad, t.momentumBuf, o); },
    adamSteps: (list: readonly AdamTensors[], o: AdamStep) => {
      for (const t of list) adamStep(t.param, t.grad, t.expAvg, t.expAvgSq, o, t.maxExpAvgSq);
    },
  };
}
