/**
 * Elementwise kernels on wasm: unary maps, broadcasting binary ops, leaky ReLU, clamp.
 * Broadcast shapes are coalesced (adjacent dims merged where every operand walks them as one)
 * to at most 4 dims; the wasm kernel then vectorises the innermost run when an operand has
 * stride 1 or 0 there. Op codes and parameter slots come from the op table (optable.ts).
 * Delegated to js: non-float32 data, tiny arrays, the rows of the table without 'wasm' in
 * `fast`, rank > 4 after coalescing.
 */
import type { BinaryOp, Data, FloatData, Shape, UnaryOp } from '../backend.js';
import * as js from '../js/elementwise.js';
import { BINARY_CODE, UNARY_CODE, binaryRow, isFast, slotFloats, slotInts, unaryRow } from '../optable.js';
import { broadcastStrides, coalesce } from '../shape.js';

export { coalesce };
import type { Runtime } from './runtime.js';

/** Arrays shorter than this stay in js: the call and copies cost more than the loop. */
export const TINY = 32;
/** Smallest chunk of a compute-bound map (exp, log, tanh, sigmoid...) worth a thread. */
const MIN_GRAIN = 16384;
/**
 * Smallest chunk of a memory-bound map (add, mul, relu, step, clamp...) worth a thread. Such a
 * kernel is cheaper than the copies in and out of wasm memory around it, which one thread does,
 * so a second thread only adds its wake-up: measured in Node on 2 cores, add on 30,000 floats
 * took 23 µs on one thread and 26–59 µs on two, relu on 10⁶ floats 440 µs against 830 µs; in
 * Chromium W2's small maps took twice as long on two threads. Below 2·MEM_GRAIN elements they run
 * on the calling thread (the results are the same either way: every element is computed alone).
 */
const MEM_GRAIN = 1 << 21;
/** Unary ops whose kernel costs far more than the copies (polynomial or iterative evaluations). */
const COMPUTE_BOUND: ReadonlySet<UnaryOp> = new Set<UnaryOp>(['exp', 'log', 'tanh', 'sigmoid']);

export function unary(rt: Runtime, op: UnaryOp, x: Data, out: Data): void {
  const code = UNARY_CODE[op];
  const n = x.length;
  if (!isFast(unaryRow(op), 'wasm') || !(x instanceof Float32Array) || !(out instanceof Float32Array) || n < TINY || !rt.fits(2 * n + 32)) {
    js.unary(op, x, out);
    return;
  }
  rt.reset();
  const px = rt.put(x);
  const po = rt.alloc(n);
  rt.ints(...slotInts('unaryRange', { op: code, x: px, out: po }));
  rt.run('unaryRange', n, rt.grain(n, COMPUTE_BOUND.has(op) ? MIN_GRAIN : MEM_GRAIN));
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
  rt.ints(...slotInts('leakyReluRange', { x: px, out: po }));
  rt.floats(...slotFloats('leakyReluRange', { slope }));
  rt.run('leakyReluRange', n, rt.grain(n, MEM_GRAIN));
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
  rt.ints(...slotInts('clampRange', { x: px, out: po }));
  rt.floats(...slotFloats('clampRange', { lo, hi }));
  rt.run('clampRange', n, rt.grain(n, MEM_GRAIN));
  rt.get(po, out, n);
}

export function binary(rt: Runtime, op: BinaryOp, a: Data, aShape: Shape, b: Data, bShape: Shape, out: Data, outShape: Shape): void {
  const code = BINARY_CODE[op];
  const n = out.length;
  if (!isFast(binaryRow(op), 'wasm') || !(a instanceof Float32Array) || !(b instanceof Float32Array) || !(out instanceof Float32Array) ||
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
    rt.ints(...slotInts('binaryFlat', { op: code, a: pa, b: pb, out: po, mode }));
    rt.run('binaryFlat', n, rt.grain(n, MEM_GRAIN));
  } else {
    const pad = 4 - rank;
    const shape4 = [...new Array<number>(pad).fill(1), ...c.shape];
    const sa4 = [...new Array<number>(pad).fill(0), ...sa];
    const sb4 = [...new Array<number>(pad).fill(0), ...sb];
    rt.ints(...slotInts('binaryRows', {
      op: code, a: pa, b: pb, out: po, d0: shape4[0], d1: shape4[1], d2: shape4[2], n: shape4[3],
      sa0: sa4[0], sa1: sa4[1], sa2: sa4[2], sa3: sa4[3], sb0: sb4[0], sb1: sb4[1], sb2: sb4[2], sb3: sb4[3],
    }));
    const inner = shape4[3];
    const rows = n / inner;
    rt.run('binaryRows', rows, Math.max(1, Math.ceil(rt.grain(n, MEM_GRAIN, 1) / inner)));
  }
  rt.get(po, out, n);
}
