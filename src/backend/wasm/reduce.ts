/**
 * Reductions on wasm: sum / max / min over any axes that coalesce into one contiguous block,
 * i.e. x viewed as [outer, n, inner] reduced over n (the last axis, axis 0, a middle block).
 * Axis sets that leave separate reduced blocks (e.g. axes 0 and 2 of [N, C, L], a conv bias
 * gradient) are reduced block by block, last block first. Delegated to js: prod, non-float32
 * data, tiny or empty inputs; argmax/argmin.
 */
import type { Data, ReduceOp, Shape } from '../backend.js';
import * as js from '../js/reduce.js';
import { sizeOf } from '../shape.js';
import { TINY } from './elementwise.js';
import type { Runtime } from './runtime.js';

const CODES: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };

/** [outer, n, inner] when the reduced axes form one block after dropping size-1 dims, else null. */
export function reduceGeometry(shape: Shape, axes: readonly number[]): { outer: number; n: number; inner: number } | null {
  let outer = 1;
  let n = 1;
  let inner = 1;
  let phase = 0; // 0: before the reduced block, 1: inside it, 2: after it
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const red = axes.includes(d);
    if (phase === 0) {
      if (red) { phase = 1; n *= shape[d]; } else outer *= shape[d];
    } else if (phase === 1) {
      if (red) n *= shape[d]; else { phase = 2; inner *= shape[d]; }
    } else {
      if (red) return null;
      inner *= shape[d];
    }
  }
  return { outer, n, inner };
}

export function reduce(rt: Runtime, op: ReduceOp, x: Data, shape: Shape, axes: readonly number[], out: Data): void {
  const code = CODES[op];
  const total = sizeOf(shape);
  const g = code === undefined ? null : reduceGeometry(shape, axes);
  if (g === null && code !== undefined && x instanceof Float32Array && out instanceof Float32Array && total >= TINY) {
    // Split axes: reduce the last contiguous block of axes, then the rest (their indices are
    // unchanged because they come before the block).
    const sorted = [...axes].sort((p, q) => p - q);
    let j = sorted.length - 1;
    while (j > 0 && sorted[j - 1] === sorted[j] - 1) j--;
    const block = sorted.slice(j);
    const midShape = shape.filter((_, d) => !block.includes(d));
    const tmp = new Float32Array(sizeOf(midShape));
    reduce(rt, op, x, shape, block, tmp);
    reduce(rt, op, tmp, midShape, sorted.slice(0, j), out);
    return;
  }
  if (code === undefined || g === null || !(x instanceof Float32Array) || !(out instanceof Float32Array) ||
    total < TINY || g.n === 1 || !rt.fits(total + out.length + 32)) {
    js.reduce(op, x, shape, axes, out);
    return;
  }
  rt.reset();
  const px = rt.put(x, total);
  const po = rt.alloc(g.outer * g.inner);
  if (g.inner === 1) {
    rt.ints(code, px, po, g.n);
    rt.run('reduceRows', g.outer, Math.max(1, Math.ceil(rt.grain(total, 32768, 1) / g.n)));
  } else {
    rt.ints(code, px, po, g.n, g.inner);
    const outs = g.outer * g.inner;
    rt.run('reduceCols', outs, Math.max(16, alignUp(Math.ceil(rt.grain(total, 32768, 1) / g.n), 16)));
  }
  rt.get(po, out, g.outer * g.inner);
}

function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}
