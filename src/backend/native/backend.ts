/**
 * The `native` backend: C++17 kernels (native/src) called through Node-API on the tensors' own
 * memory — a Float32Array is passed as is and the kernel reads and writes its ArrayBuffer, so
 * nothing is copied in or out. Float64 and int32 data (the gradient checker, integer ops) and the
 * few kernels without a native version (where, argReduce, gather, scatterAdd, cast, fill) run the
 * js reference.
 *
 * ISA: the addon picks AVX-512 (F/BW/DQ/VL), AVX2 + FMA or portable C++ by CPUID;
 * GRADLAB_NATIVE_ISA=avx2|portable forces a lower path (a path this CPU lacks is a named error).
 * Threads: a native pool of GRADLAB_THREADS threads (threads.ts), which never keeps the process
 * alive.
 */
import type { AdamStep, AdamTensors, BinaryOp, Data, FloatData, Kernels, MatmulSpec, ReduceOp, Shape, SgdStep, SgdTensors, UnaryOp, WindowSpec } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { windowGeometry } from '../js/nn.js';
import { BINARY_CODE, UNARY_CODE, binaryRow, isFast, unaryRow } from '../optable.js';
import { broadcastStrides, coalesce, sizeOf, stridesOf } from '../shape.js';
import { defaultThreads, parseThreads } from '../threads.js';

type F32 = Float32Array;
type Geom = Int32Array;

/** What build/Release/gradlab_native.node exports (native/src/addon.cc). */
export interface NativeAddon {
  configure(threads: number, isa: string): { isa: string; threads: number; cpu: string[] };
  unary(code: number, x: F32, out: F32): void;
  leakyRelu(x: F32, slope: number, out: F32): void;
  clamp(x: F32, lo: number, hi: number, out: F32): void;
  binary(code: number, a: F32, b: F32, out: F32, dims: Int32Array, sa: Int32Array, sb: Int32Array): void;
  reduce(code: number, x: F32, outer: number, r: number, inner: number, out: F32): void;
  matmul(a: F32, b: F32, out: F32, batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean, strideA: number, strideB: number): void;
  strided(x: F32, base: number, dims: Int32Array, strides: Int32Array, out: F32): void;
  stridedAdd(src: F32, dims: Int32Array, strides: Int32Array, base: number, out: F32): void;
  indexSelect(x: F32, outer: number, size: number, inner: number, index: Int32Array, out: F32): void;
  indexAdd(src: F32, outer: number, size: number, inner: number, index: Int32Array, out: F32): void;
  softmax(x: F32, outer: number, n: number, inner: number, log: boolean, out: F32): void;
  crossEntropy(x: F32, target: Int32Array, weight: F32 | null, rows: number, classes: number, ignore: number, loss: F32, probs: F32): void;
  crossEntropyBackward(probs: F32, target: Int32Array, weight: F32 | null, gLoss: F32, rows: number, classes: number, ignore: number, dx: F32): void;
  layerNorm(x: F32, rows: number, n: number, w: F32 | null, b: F32 | null, eps: number, out: F32, mean: F32, rstd: F32): void;
  layerNormBackward(g: F32, x: F32, rows: number, n: number, w: F32 | null, mean: F32, rstd: F32, dx: F32, dw: F32 | null, db: F32 | null): void;
  im2col(x: F32, n: number, c: number, geom: Geom, out: F32, batchInner: boolean): void;
  col2im(cols: F32, n: number, c: number, geom: Geom, out: F32, batchInner: boolean): void;
  convForward(x: F32, n: number, c: number, geom: Geom, w: F32, cout: number, out: F32): void;
  convBackwardWeight(x: F32, n: number, c: number, geom: Geom, g: F32, cout: number, gw: F32): void;
  convBackwardInput(w: F32, g: F32, n: number, c: number, geom: Geom, cout: number, gx: F32): void;
  maxPool(x: F32, n: number, c: number, geom: Geom, out: F32, argmax: Int32Array): void;
  maxPoolBackward(g: F32, n: number, c: number, geom: Geom, argmax: Int32Array, gx: F32): void;
  avgPool(x: F32, n: number, c: number, geom: Geom, scale: Float64Array, out: F32): void;
  avgPoolBackward(g: F32, n: number, c: number, geom: Geom, scale: Float64Array, gx: F32): void;
  lstmCell(gates: F32, cPrev: F32, b: number, h: number, c: F32, hOut: F32, act: F32): void;
  lstmCellBackward(act: F32, cPrev: F32, dh: F32 | null, dc: F32 | null, b: number, h: number, dGates: F32, dCprev: F32 | null): void;
  gruCell(xp: F32, hp: F32, hPrev: F32, b: number, h: number, hOut: F32, act: F32): void;
  gruCellBackward(act: F32, hp: F32, hPrev: F32, dh: F32, b: number, h: number, dXp: F32, dHp: F32, dHprev: F32 | null): void;
  dropout(x: F32, keep: number, scale: number, key0: number, key1: number, out: F32): void;
  sgdSteps(params: F32[], grads: F32[], bufs: (F32 | null)[], lr: number, momentum: number, dampening: number, wd: number, nesterov: boolean, first: boolean): void;
  adamSteps(params: F32[], grads: F32[], m: F32[], v: F32[], vmax: (F32 | null)[], lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean, step: number): void;
}

export interface NativeBackend extends Kernels {
  readonly name: 'native';
  /** The instruction set the kernels run with: 'avx512', 'avx2' or 'portable'. */
  isa(): string;
  threads(): number;
  /** The CPU features the addon detected. */
  cpu(): string[];
}

export class NativeIsaError extends Error {
  override readonly name = 'NativeIsaError';
}

const ISAS = ['avx512', 'avx2', 'portable'] as const;

/** GRADLAB_NATIVE_ISA checked: '' (best available) or one of ISAS. */
export function requestedIsa(): string {
  const v = typeof process !== 'undefined' ? (process.env.GRADLAB_NATIVE_ISA ?? '') : '';
  return v === '' ? '' : checkIsa(v, 'GRADLAB_NATIVE_ISA');
}

function checkIsa(v: string, source = 'isa'): string {
  if ((ISAS as readonly string[]).includes(v)) return v;
  throw new NativeIsaError(`${source} must be one of ${ISAS.join(', ')}${source === 'isa' ? '' : ' (or unset)'}, got '${v}'`);
}

/** The instruction-set paths, best first. */
export const NATIVE_ISAS = ISAS;

const f32 = (...xs: (Data | null)[]): boolean => xs.every((x) => x === null || x instanceof Float32Array);
const RED: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };

export function geometry(spec: WindowSpec): Int32Array {
  const g = windowGeometry(spec);
  return Int32Array.of(g.ih, g.iw, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw);
}

/** Pads a coalesced walk to rank 4 (leading size-1 dims); null when it has more than 4 dims. */
function rank4(shape: readonly number[], strides: readonly (readonly number[])[]): { dims: Int32Array; st: Int32Array[] } | null {
  if (shape.length > 4) return null;
  const pad = 4 - shape.length;
  return {
    dims: Int32Array.from([...new Array<number>(pad).fill(1), ...shape]),
    st: strides.map((s) => Int32Array.from([...new Array<number>(pad).fill(0), ...s])),
  };
}

/**
 * Reduction axes as [outer, r, inner] when the reduced dims are one contiguous block (after
 * dropping size-1 dims), else null.
 */
function reduceBlock(shape: Shape, axes: readonly number[]): [number, number, number] | null {
  const keep = shape.map((d, i) => ({ d, red: axes.includes(i) })).filter((x) => x.d !== 1);
  const first = keep.findIndex((x) => x.red);
  if (first < 0) return [sizeOf(shape), 1, 1];
  let last = first;
  while (last + 1 < keep.length && keep[last + 1].red) last++;
  if (keep.slice(last + 1).some((x) => x.red)) return null;
  const prod = (xs: { d: number }[]): number => xs.reduce((a, x) => a * x.d, 1);
  return [prod(keep.slice(0, first)), prod(keep.slice(first, last + 1)), prod(keep.slice(last + 1))];
}

export interface NativeOptions {
  /** 'avx512' | 'avx2' | 'portable'; default GRADLAB_NATIVE_ISA, else the best this CPU has. */
  isa?: string;
  /** Threads including the caller; default GRADLAB_THREADS, else the cores. */
  threads?: number;
}

/**
 * A backend over the addon. The addon holds one configuration (ISA, pool) per process: the
 * backend configures it on its first kernel call, so several backends over one addon (tests of
 * each ISA path) must be used one after the other.
 */
/** The configuration each addon runs with now (the last backend that configured it). */
const current = new WeakMap<NativeAddon, object>();

export function createNativeBackend(addon: NativeAddon, opts: NativeOptions = {}): NativeBackend {
  let conf: { isa: string; threads: number; cpu: string[] } | null = null;
  const cfg = (): { isa: string; threads: number; cpu: string[] } => {
    if (!conf) {
      conf = addon.configure(opts.threads !== undefined ? parseThreads(opts.threads, 'native threads') : defaultThreads(),
        opts.isa !== undefined ? checkIsa(opts.isa) : requestedIsa());
      current.set(addon, conf);
    }
    return conf;
  };
  const A = (): NativeAddon => {
    const c = cfg();
    // Another backend over the same addon configured it differently since: take it back.
    if (current.get(addon) !== c) {
      addon.configure(c.threads, c.isa);
      current.set(addon, c);
    }
    return addon;
  };
  const js = jsBackend;

  function gatherStrided(x: Data, base: number, strides: readonly number[], out: Data, outShape: Shape): boolean {
    if (!f32(x, out) || sizeOf(outShape) === 0) return sizeOf(outShape) === 0;
    const c = coalesce(outShape, [stridesOf(outShape), strides]);
    const r = rank4(c.shape, [c.strides[1]]);
    if (!r) return false;
    A().strided(x as F32, base, r.dims, r.st[0], out as F32);
    return true;
  }

  return {
    ...js,
    name: 'native',
    isa: () => cfg().isa,
    threads: () => cfg().threads,
    cpu: () => cfg().cpu,
    unary: (op: UnaryOp, x: Data, out: Data) => {
      if (f32(x, out) && isFast(unaryRow(op), 'native')) A().unary(UNARY_CODE[op], x as F32, out as F32);
      else js.unary(op, x, out);
    },
    leakyRelu: (x, slope, out) => (f32(x, out) ? A().leakyRelu(x as F32, slope, out as F32) : js.leakyRelu(x, slope, out)),
    clamp: (x, lo, hi, out) => (f32(x, out) ? A().clamp(x as F32, lo, hi, out as F32) : js.clamp(x, lo, hi, out)),
    binary: (op: BinaryOp, a: Data, aShape: Shape, b: Data, bShape: Shape, out: Data, outShape: Shape) => {
      if (f32(a, b, out) && isFast(binaryRow(op), 'native') && out.length > 0) {
        const c = coalesce(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
        const r = rank4(c.shape, c.strides);
        if (r) {
          A().binary(BINARY_CODE[op], a as F32, b as F32, out as F32, r.dims, r.st[0], r.st[1]);
          return;
        }
      }
      js.binary(op, a, aShape, b, bShape, out, outShape);
    },
    reduce: (op, x, shape, axes, out) => {
      const code = RED[op];
      if (code === undefined || !f32(x, out)) {
        js.reduce(op, x, shape, axes, out);
        return;
      }
      // Reduced axes that are not one contiguous block (a conv bias gradient: N and L of [N, C, L])
      // go in stages, the last block first, each stage one native call.
      let cur: F32 = x as F32;
      let curShape = [...shape];
      let left = [...axes].sort((a, b) => a - b);
      for (;;) {
        const blk = reduceBlock(curShape, left);
        if (blk) {
          A().reduce(code, cur, blk[0], blk[1], blk[2], out as F32);
          return;
        }
        let first = left.length - 1;
        while (first > 0 && left[first - 1] === left[first] - 1) first--;
        const stage = left.slice(first);
        const nextShape = curShape.filter((_, i) => !stage.includes(i));
        const b = reduceBlock(curShape, stage) as [number, number, number];
        const next = new Float32Array(sizeOf(nextShape));
        A().reduce(code, cur, b[0], b[1], b[2], next);
        cur = next;
        curShape = nextShape;
        left = left.slice(0, first);
      }
    },
    matmul: (a: FloatData, b: FloatData, out: FloatData, s: MatmulSpec) => {
      if (f32(a, b, out)) A().matmul(a as F32, b as F32, out as F32, s.batch, s.m, s.k, s.n, s.transA, s.transB, s.strideA, s.strideB);
      else js.matmul(a, b, out, s);
    },
    permute: (x, shape, perm, out) => {
      const st = stridesOf(shape);
      if (!gatherStrided(x, 0, perm.map((p) => st[p]), out, perm.map((p) => shape[p]))) js.permute(x, shape, perm, out);
    },
    sliceCopy: (x, shape, begin, step, out, outShape) => {
      const st = stridesOf(shape);
      let base = 0;
      for (let d = 0; d < shape.length; d++) base += begin[d] * st[d];
      if (!gatherStrided(x, base, st.map((s, d) => s * step[d]), out, outShape)) js.sliceCopy(x, shape, begin, step, out, outShape);
    },
    sliceAdd: (src, srcShape, out, outShape, begin, step) => {
      const st = stridesOf(outShape);
      let base = 0;
      for (let d = 0; d < outShape.length; d++) base += begin[d] * st[d];
      const c = coalesce(srcShape, [stridesOf(srcShape), st.map((s, d) => s * step[d])]);
      const r = f32(src, out) ? rank4(c.shape, [c.strides[1]]) : null;
      if (r && src.length > 0) A().stridedAdd(src as F32, r.dims, r.st[0], base, out as F32);
      else if (src.length > 0) js.sliceAdd(src, srcShape, out, outShape, begin, step);
    },
    indexSelect: (x, outer, size, inner, index, out) => {
      if (f32(x, out)) A().indexSelect(x as F32, outer, size, inner, index, out as F32);
      else js.indexSelect(x, outer, size, inner, index, out);
    },
    indexAdd: (src, outer, size, inner, index, out) => {
      if (f32(src, out)) A().indexAdd(src as F32, outer, size, inner, index, out as F32);
      else js.indexAdd(src, outer, size, inner, index, out);
    },
    softmax: (x, outer, n, inner, log, out) => (f32(x, out) ? A().softmax(x as F32, outer, n, inner, log, out as F32) : js.softmax(x, outer, n, inner, log, out)),
    crossEntropy: (x, t, w, rows, classes, ig, loss, probs) => {
      if (f32(x, w, loss, probs)) A().crossEntropy(x as F32, t, w as F32 | null, rows, classes, ig, loss as F32, probs as F32);
      else js.crossEntropy(x, t, w, rows, classes, ig, loss, probs);
    },
    crossEntropyBackward: (probs, t, w, gl, rows, classes, ig, dx) => {
      if (f32(probs, w, gl, dx)) A().crossEntropyBackward(probs as F32, t, w as F32 | null, gl as F32, rows, classes, ig, dx as F32);
      else js.crossEntropyBackward(probs, t, w, gl, rows, classes, ig, dx);
    },
    layerNorm: (x, rows, n, w, b, eps, out, mean, rstd) => {
      if (f32(x, w, b, out, mean, rstd)) A().layerNorm(x as F32, rows, n, w as F32 | null, b as F32 | null, eps, out as F32, mean as F32, rstd as F32);
      else js.layerNorm(x, rows, n, w, b, eps, out, mean, rstd);
    },
    layerNormBackward: (g, x, rows, n, w, mean, rstd, dx, dw, db) => {
      if (f32(g, x, w, mean, rstd, dx, dw, db)) {
        A().layerNormBackward(g as F32, x as F32, rows, n, w as F32 | null, mean as F32, rstd as F32, dx as F32, dw as F32 | null, db as F32 | null);
      } else js.layerNormBackward(g, x, rows, n, w, mean, rstd, dx, dw, db);
    },
    im2col: (x, n, c, spec, out, bi = false) => (f32(x, out) ? A().im2col(x as F32, n, c, geometry(spec), out as F32, bi) : js.im2col(x, n, c, spec, out, bi)),
    col2im: (cols, n, c, spec, out, bi = false) => (f32(cols, out) ? A().col2im(cols as F32, n, c, geometry(spec), out as F32, bi) : js.col2im(cols, n, c, spec, out, bi)),
    convForward: (x, n, c, spec, w, cout, out) => (f32(x, w, out) ? A().convForward(x as F32, n, c, geometry(spec), w as F32, cout, out as F32) : js.convForward(x, n, c, spec, w, cout, out)),
    convBackwardWeight: (x, n, c, spec, g, cout, gw) => (f32(x, g, gw) ? A().convBackwardWeight(x as F32, n, c, geometry(spec), g as F32, cout, gw as F32) : js.convBackwardWeight(x, n, c, spec, g, cout, gw)),
    convBackwardInput: (w, g, n, c, spec, cout, gx) => (f32(w, g, gx) ? A().convBackwardInput(w as F32, g as F32, n, c, geometry(spec), cout, gx as F32) : js.convBackwardInput(w, g, n, c, spec, cout, gx)),
    maxPool: (x, n, c, spec, out, am) => (f32(x, out) ? A().maxPool(x as F32, n, c, geometry(spec), out as F32, am) : js.maxPool(x, n, c, spec, out, am)),
    maxPoolBackward: (g, n, c, spec, am, gx) => (f32(g, gx) ? A().maxPoolBackward(g as F32, n, c, geometry(spec), am, gx as F32) : js.maxPoolBackward(g, n, c, spec, am, gx)),
    avgPool: (x, n, c, spec, scale, out) => (f32(x, out) ? A().avgPool(x as F32, n, c, geometry(spec), scale, out as F32) : js.avgPool(x, n, c, spec, scale, out)),
    avgPoolBackward: (g, n, c, spec, scale, gx) => (f32(g, gx) ? A().avgPoolBackward(g as F32, n, c, geometry(spec), scale, gx as F32) : js.avgPoolBackward(g, n, c, spec, scale, gx)),
    lstmCell: (gates, cPrev, b, h, c, hOut, act) => (f32(gates, cPrev, c, hOut, act) ? A().lstmCell(gates as F32, cPrev as F32, b, h, c as F32, hOut as F32, act as F32) : js.lstmCell(gates, cPrev, b, h, c, hOut, act)),
    lstmCellBackward: (act, cPrev, dh, dc, b, h, dG, dCp) => (f32(act, cPrev, dh, dc, dG, dCp)
      ? A().lstmCellBackward(act as F32, cPrev as F32, dh as F32 | null, dc as F32 | null, b, h, dG as F32, dCp as F32 | null)
      : js.lstmCellBackward(act, cPrev, dh, dc, b, h, dG, dCp)),
    gruCell: (xp, hp, hPrev, b, h, hOut, act) => (f32(xp, hp, hPrev, hOut, act) ? A().gruCell(xp as F32, hp as F32, hPrev as F32, b, h, hOut as F32, act as F32) : js.gruCell(xp, hp, hPrev, b, h, hOut, act)),
    gruCellBackward: (act, hp, hPrev, dh, b, h, dXp, dHp, dHprev) => (f32(act, hp, hPrev, dh, dXp, dHp, dHprev)
      ? A().gruCellBackward(act as F32, hp as F32, hPrev as F32, dh as F32, b, h, dXp as F32, dHp as F32, dHprev as F32 | null)
      : js.gruCellBackward(act, hp, hPrev, dh, b, h, dXp, dHp, dHprev)),
    dropout: (x, spec, out) => (f32(x, out) ? A().dropout(x as F32, spec.keep, Math.fround(spec.scale), spec.key0 | 0, spec.key1 | 0, out as F32) : js.dropout(x, spec, out)),
    sgdStep: (p, g, buf, o) => sgdSteps([{ param: p, grad: g, momentumBuf: buf }], o),
    adamStep: (p, g, m, v, o, vmax) => adamSteps([{ param: p, grad: g, expAvg: m, expAvgSq: v, maxExpAvgSq: vmax }], o),
    sgdSteps,
    adamSteps,
  };

  function sgdSteps(list: readonly SgdTensors[], o: SgdStep): void {
    const nat = list.filter((t) => f32(t.param, t.grad, t.momentumBuf));
    if (nat.length) {
      A().sgdSteps(nat.map((t) => t.param as F32), nat.map((t) => t.grad as F32), nat.map((t) => t.momentumBuf as F32 | null),
        o.lr, o.momentum, o.dampening, o.weightDecay, o.nesterov, o.firstStep);
    }
    if (nat.length < list.length) js.sgdSteps(list.filter((t) => !nat.includes(t)), o);
  }

  function adamSteps(list: readonly AdamTensors[], o: AdamStep): void {
    const nat = list.filter((t) => f32(t.param, t.grad, t.expAvg, t.expAvgSq, t.maxExpAvgSq));
    if (nat.length) {
      A().adamSteps(nat.map((t) => t.param as F32), nat.map((t) => t.grad as F32), nat.map((t) => t.expAvg as F32),
        nat.map((t) => t.expAvgSq as F32), nat.map((t) => t.maxExpAvgSq as F32 | null),
        o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, o.decoupled, o.step);
    }
    if (nat.length < list.length) js.adamSteps(list.filter((t) => !nat.includes(t)), o);
  }
}
