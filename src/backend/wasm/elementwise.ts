/**
 * Elementwise kernels on wasm: unary maps, broadcasting binary ops, leaky ReLU, clamp.
 * Broadcast shapes are coalesced (adjacent dims merged where every operand walks them as one)
 * to at most 4 dims; the wasm kernel then vectorises the innermost run when an operand has
 * stride 1 or 0 there. Delegated to js: non-float32 data, tiny arrays, the unary ops without a
 * vector implementation (sin, cos, log1p, expm1, softplus, logSigmoid, erf), pow, rank > 4
 * after coalescing.
 */
import type { BinaryOp, Data, FloatData, Shape, UnaryOp } from '../backend.js';
import * as js from '../js/elementwise.js';
import { broadcastStrides, coalesce } from '../shape.js';

export { coalesce };
import type { Runtime } from './runtime.js';

/** Same order as the U_* codes in assembly/elementwise.ts. */
const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 0, exp: 1, log: 2, sqrt: 3, rsqrt: 4, abs: 5, sign: 6, square: 7, reciprocal: 8,
  tanh: 9, sigmoid: 10, relu: 11, step: 12, floor: 13, ceil: 14, round: 15,
};
/** Same order as the B_* codes in assembly/elementwise.ts. */
const BINARY_CODES: Partial<Record<BinaryOp, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, eq: 6, ne: 7, lt: 8, le: 9, gt: 10, ge: 11,
};

/** Arrays shorter than this stay in js: the call and copies cost more than the loop. */
export const TINY = 32;
const MIN_GRAIN = 16384;

export function unary(rt: Runtime, op: UnaryOp, x: Data, out: Data): void {
  const code = UNARY_CODES[op];
  const n = x.length;
  if (code === undefined || !(x instanceof Float32Array) || !(out instanceof Float32Array) || n < TINY || !rt.fits(2 * n + 32)) {
    js.unary(op, x, out);
    return;
  }
  rt.reset();
  const px = rt.put(x);
  const po = rt.alloc(n);
  rt.ints(code, px, po);
  rt.run('unaryRange', n, rt.grain(n, MIN_GRAIN));
  rt.get(po, out, n);
}

export function leakyRelu(rt: Runtime, x: FloatData, slope: number, out: FloatData): void {
  const n = x.length;
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || n < TINY || !rt.fits(2 * n + 32)) {
    js.leakyRelu(x, slope, out);
    return;
  }
  rt.reset();
  const px = rt.put(x);
  const po = rt.alloc(n);
  rt.ints(px, po);
  rt.floats(slope);
  rt.run('leakyReluRange', n, rt.grain(n, MIN_GRAIN));
  rt.get(po, out, n);
}

export function clamp(rt: Runtime, x: Data, lo: number, hi: number, out: Data): void {
  const n = x.length;
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || n < TINY || !rt.fits(2 * n + 32)) {
    js.clamp(x, lo, hi, out);
    return;
  }
  rt.reset();
  const px = rt.put(x);
  const po = rt.alloc(n);
  rt.ints(px, po);
  rt.floats(lo, hi);
  rt.run('clampRange', n, rt.grain(n, MIN_GRAIN));
  rt.get(po, out, n);
}

export function binary(rt: Runtime, op: BinaryOp, a: Data, aShape: Shape, b: Data, bShape: Shape, out: Data, outShape: Shape): void {
  const code = BINARY_CODES[op];
  const n = out.length;
  if (code === undefined || !(a instanceof Float32Array) || !(b instanceof Float32Array) || !(out instanceof Float32Array) ||
    n < TINY || !rt.fits(a.length + b.length + n + 64)) {
    js.binary(op, a, aShape, b, bShape, out, outShape);
    return;
  }
  const c = coalesce(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
  const rank = c.shape.length;
  if (rank > 4) {
    js.binary(op, a, aShape, b, bShape, out, outShape);
    return;
  }
  rt.reset();
  const pa = rt.put(a);
  const pb = rt.put(b);
  const po = rt.alloc(n);
  const [sa, sb] = c.strides;
  if (rank <= 1 && (sa[0] ?? 0) + (sb[0] ?? 0) >= 1) {
    // One flat run: both contiguous, or one operand a scalar.
    const mode = rank === 0 ? 0 : sa[0] === 1 && sb[0] === 1 ? 0 : sb[0] === 0 ? 1 : 2;
    rt.ints(code, pa, pb, po, mode);
    rt.run('binaryFlat', n, rt.grain(n, MIN_GRAIN));
  } else {
    const pad = 4 - rank;
    const shape4 = [...new Array<number>(pad).fill(1), ...c.shape];
    const sa4 = [...new Array<number>(pad).fill(0), ...sa];
    const sb4 = [...new Array<number>(pad).fill(0), ...sb];
    rt.ints(code, pa, pb, po, ...shape4, ...sa4, ...sb4);
    const inner = shape4[3];
    const rows = n / inner;
    rt.run('binaryRows', rows, Math.max(1, Math.ceil(rt.grain(n, MIN_GRAIN, 1) / inner)));
  }
  rt.get(po, out, n);
}
