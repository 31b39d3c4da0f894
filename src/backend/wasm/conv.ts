/**
 * Convolution on wasm without the unfolded input ever leaving wasm memory: x (and the weight)
 * are copied in, unfolded there (batch-inner layout), multiplied in one GEMM over the whole
 * batch, and the result permuted to [N, Cout, L] before it is copied out. The backward passes
 * unfold x again rather than keep the unfolded copy (it is ∏kernel times larger than x).
 * float64 data, and calls too large for the arena, use the js reference kernels.
 */
import type { FloatData, MatmulSpec, WindowSpec } from '../backend.js';
import * as js from '../js/conv.js';
import { gatherInArena } from './layout.js';
import { gemmInArena, gemmScratchFloats } from './matmul.js';
import { windowsInArena } from './nn.js';
import type { Runtime } from './runtime.js';

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

function geometry(n: number, c: number, spec: WindowSpec): { ck: number; l: number; inLen: number } {
  return { ck: c * prod(spec.kernel), l: prod(spec.outSize), inLen: n * c * prod(spec.inSize) };
}

function f32(...a: FloatData[]): boolean {
  return a.every((x) => x instanceof Float32Array);
}

function gemm(m: number, k: number, n: number, transA: boolean, transB: boolean): MatmulSpec {
  return { batch: 1, m, k, n, transA, transB, strideA: 0, strideB: 0 };
}

/** [A, B, L] at src → [B, A, L] at dst, both in the arena. */
function swapInArena(rt: Runtime, src: number, dst: number, a: number, b: number, l: number): void {
  gatherInArena(rt, src, 0, [l, b * l, 1], dst, [b, a, l]);
}

export function convForward(rt: Runtime, x: FloatData, n: number, c: number, spec: WindowSpec, weight: FloatData, cout: number, out: FloatData): void {
  const { ck, l, inLen } = geometry(n, c, spec);
  const nl = n * l;
  const spec2 = gemm(cout, ck, nl, false, false);
  if (!f32(x, weight, out) || !rt.fits(inLen + cout * ck + ck * nl + 2 * cout * nl + gemmScratchFloats(rt, spec2))) {
    js.convForward(x, n, c, spec, weight, cout, out);
    return;
  }
  rt.reset();
  const px = rt.put(x as Float32Array, inLen);
  const pw = rt.put(weight as Float32Array, cout * ck);
  const pcols = rt.alloc(ck * nl);
  const py = rt.alloc(cout * nl);
  const po = rt.alloc(cout * nl);
  windowsInArena(rt, px, pcols, n, c, spec, false, true);
  gemmInArena(rt, pw, pcols, py, spec2);
  swapInArena(rt, py, po, cout, n, l);
  rt.get(po, out as Float32Array, cout * nl);
}

export function convBackwardWeight(rt: Runtime, x: FloatData, n: number, c: number, spec: WindowSpec, g: FloatData, cout: number, gw: FloatData): void {
  const { ck, l, inLen } = geometry(n, c, spec);
  const nl = n * l;
  const spec2 = gemm(cout, nl, ck, false, true);
  if (!f32(x, g, gw) || !rt.fits(inLen + 2 * cout * nl + ck * nl + cout * ck + gemmScratchFloats(rt, spec2))) {
    js.convBackwardWeight(x, n, c, spec, g, cout, gw);
    return;
  }
  rt.reset();
  const px = rt.put(x as Float32Array, inLen);
  const pg = rt.put(g as Float32Array, cout * nl);
  const pgt = rt.alloc(cout * nl);
  const pcols = rt.alloc(ck * nl);
  const pgw = rt.alloc(cout * ck);
  swapInArena(rt, pg, pgt, n, cout, l);
  windowsInArena(rt, px, pcols, n, c, spec, false, true);
  gemmInArena(rt, pgt, pcols, pgw, spec2);
  rt.get(pgw, gw as Float32Array, cout * ck);
}

export function convBackwardInput(rt: Runtime, weight: FloatData, g: FloatData, n: number, c: number, spec: WindowSpec, cout: number, gx: FloatData): void {
  const { ck, l, inLen } = geometry(n, c, spec);
  const nl = n * l;
  const spec2 = gemm(ck, cout, nl, true, false);
  if (!f32(weight, g, gx) || !rt.fits(cout * ck + 2 * cout * nl + ck * nl + inLen + gemmScratchFloats(rt, spec2))) {
    js.convBackwardInput(weight, g, n, c, spec, cout, gx);
    return;
  }
  rt.reset();
  const pw = rt.put(weight as Float32Array, cout * ck);
  const pg = rt.put(g as Float32Array, cout * nl);
  const pgx = rt.put(gx as Float32Array, inLen); // col2im accumulates into gx
  const pgt = rt.alloc(cout * nl);
  const pcols = rt.alloc(ck * nl);
  swapInArena(rt, pg, pgt, n, cout, l);
  gemmInArena(rt, pw, pgt, pcols, spec2);
  windowsInArena(rt, pgx, pcols, n, c, spec, true, true);
  rt.get(pgx, gx as Float32Array, inLen);
}
