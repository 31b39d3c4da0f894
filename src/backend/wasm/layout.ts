/**
 * Data-movement kernels on wasm: permute and sliceCopy, both a strided gather into a contiguous
 * output (assembly/layout.ts) after coalescing dims to rank ≤ 4. Delegated to js: non-float32
 * data, tiny arrays, rank > 4 after coalescing; sliceAdd, gather/scatterAdd, indexSelect/indexAdd.
 */
import type { Data, Shape } from '../backend.js';
import * as js from '../strided.js';
import { coalesce, sizeOf, stridesOf } from '../shape.js';
import { TINY } from './elementwise.js';
import type { Runtime } from './runtime.js';

/** out (contiguous, outShape) = x read at base + Σ idx[d]·strides[d]; false when not handled. */
function stridedGather(rt: Runtime, x: Data, base: number, strides: readonly number[], out: Data, outShape: Shape): boolean {
  const n = sizeOf(outShape);
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || n < TINY || !rt.fits(x.length + n + 32)) return false;
  if (coalesce(outShape, [stridesOf(outShape), [...strides]]).shape.length > 4) return false;
  rt.reset();
  const px = rt.put(x);
  const po = rt.alloc(n);
  gatherInArena(rt, px, base, strides, po, outShape);
  rt.get(po, out, n);
  return true;
}

/**
 * In the arena: po (contiguous, outShape) = floats at px read at base + Σ idx[d]·strides[d].
 * The dims must coalesce to rank ≤ 4 (a permutation of ≤ 4 dims always does).
 */
export function gatherInArena(rt: Runtime, px: number, base: number, strides: readonly number[], po: number, outShape: Shape): void {
  const n = sizeOf(outShape);
  if (n === 0) return;
  const c = coalesce(outShape, [stridesOf(outShape), [...strides]]);
  const rank = c.shape.length;
  if (rank > 4) throw new RangeError(`wasm gather: ${rank} dims after coalescing (at most 4)`);
  const pad = 4 - rank;
  const shape4 = [...new Array<number>(pad).fill(1), ...c.shape];
  const st4 = [...new Array<number>(pad).fill(0), ...c.strides[1]];
  rt.ints(px, po, ...shape4, ...st4, base);
  const inner = shape4[3];
  rt.run('gatherRows', n / inner, Math.max(1, Math.ceil(rt.grain(n, 65536, 1) / inner)));
}

export function permute(rt: Runtime, x: Data, shape: Shape, perm: readonly number[], out: Data): void {
  const st = stridesOf(shape);
  if (!stridedGather(rt, x, 0, perm.map((p) => st[p]), out, perm.map((p) => shape[p]))) js.permute(x, shape, perm, out);
}

export function sliceCopy(rt: Runtime, x: Data, shape: Shape, begin: readonly number[], step: readonly number[], out: Data, outShape: Shape): void {
  const st = stridesOf(shape);
  let base = 0;
  for (let d = 0; d < shape.length; d++) base += begin[d] * st[d];
  // NOTE: the whole of x is copied in, so a small slice of a large tensor (one time step of a
  // sequence) is cheaper in js.
  if (sizeOf(outShape) * 4 < x.length || !stridedGather(rt, x, base, st.map((s, d) => s * step[d]), out, outShape)) js.sliceCopy(x, shape, begin, step, out, outShape);
}
