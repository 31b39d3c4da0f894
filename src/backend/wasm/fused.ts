/**
 * Fused network blocks on wasm (assembly/fused.ts): softmax cross-entropy over class rows and
 * layer normalisation over the last n elements, forward and backward, threaded over rows.
 * float64 data, tiny arrays and calls that would not fit the arena go to the js kernels.
 *
 * The layer-norm backward sums dweight / dbias over rows without atomics: each chunk of rows
 * writes its own partial column sums, then one more kernel adds the partials column by column,
 * so the result does not depend on which thread ran which chunk.
 */
import type { FloatData } from '../backend.js';
import * as js from '../js/fused.js';
import { TINY } from './elementwise.js';
import { MAX_CHUNKS } from './pool.js';
import { alignUp, type Runtime } from './runtime.js';

function allF32(...xs: (FloatData | null)[]): boolean {
  for (const x of xs) if (x !== null && !(x instanceof Float32Array)) return false;
  return true;
}

/** An int32 the kernels can compare targets with; values no int32 target can equal become −1 (ignored either way). */
function int32Index(v: number): number {
  return (v | 0) === v ? v : -1;
}

/** Rows per chunk for a row kernel: about two chunks per thread, at least minElems elements each. */
function rowGrain(rt: Runtime, rows: number, n: number, minElems: number): number {
  const g = Math.max(1, Math.ceil(rt.grain(rows * n, minElems, 1) / Math.max(n, 1)));
  return Math.max(g, Math.ceil(rows / MAX_CHUNKS));
}

export function crossEntropy(rt: Runtime, x: FloatData, target: Int32Array, weight: FloatData | null, rows: number, classes: number,
  ignoreIndex: number, loss: FloatData, probs: FloatData): void {
  const total = rows * classes;
  if (!allF32(x, weight, loss, probs) || total < TINY || !rt.fits(2 * total + 2 * rows + classes + 64)) {
    js.crossEntropy(x, target, weight, rows, classes, ignoreIndex, loss, probs);
    return;
  }
  rt.reset();
  const px = rt.put(x as Float32Array, total);
  const pt = rt.putInts(target, rows);
  const pw = weight ? rt.put(weight as Float32Array, classes) : 0;
  const pl = rt.alloc(rows);
  const pp = rt.alloc(total);
  rt.ints(px, pt, pw, pl, pp, classes, weight ? 1 : 0, int32Index(ignoreIndex));
  rt.run('crossEntropyRows', rows, rowGrain(rt, rows, classes, 8192));
  rt.get(pl, loss as Float32Array, rows);
  rt.get(pp, probs as Float32Array, total);
}

export function crossEntropyBackward(rt: Runtime, probs: FloatData, target: Int32Array, weight: FloatData | null, gLoss: FloatData,
  rows: number, classes: number, ignoreIndex: number, dx: FloatData): void {
  const total = rows * classes;
  if (!allF32(probs, weight, gLoss, dx) || total < TINY || !rt.fits(2 * total + 2 * rows + classes + 64)) {
    js.crossEntropyBackward(probs, target, weight, gLoss, rows, classes, ignoreIndex, dx);
    return;
  }
  rt.reset();
  const pp = rt.put(probs as Float32Array, total);
  const pt = rt.putInts(target, rows);
  const pw = weight ? rt.put(weight as Float32Array, classes) : 0;
  const pg = rt.put(gLoss as Float32Array, rows);
  const pd = rt.alloc(total);
  rt.ints(pp, pt, pw, pg, pd, classes, weight ? 1 : 0, int32Index(ignoreIndex));
  rt.run('crossEntropyBackRows', rows, rowGrain(rt, rows, classes, 8192));
  rt.get(pd, dx as Float32Array, total);
}

export function layerNorm(rt: Runtime, x: FloatData, rows: number, n: number, weight: FloatData | null, bias: FloatData | null,
  eps: number, out: FloatData, mean: FloatData, rstd: FloatData): void {
  const total = rows * n;
  if (!allF32(x, weight, bias, out, mean, rstd) || total < TINY || !rt.fits(2 * total + 2 * rows + 2 * n + 96)) {
    js.layerNorm(x, rows, n, weight, bias, eps, out, mean, rstd);
    return;
  }
  rt.reset();
  const px = rt.put(x as Float32Array, total);
  const pw = weight ? rt.put(weight as Float32Array, n) : 0;
  const pb = bias ? rt.put(bias as Float32Array, n) : 0;
  const po = rt.alloc(total);
  const pm = rt.alloc(rows);
  const pr = rt.alloc(rows);
  rt.ints(px, po, pm, pr, pw, pb, n, weight ? 1 : 0, bias ? 1 : 0);
  rt.floats(eps);
  rt.run('layerNormRows', rows, rowGrain(rt, rows, n, 8192));
  rt.get(po, out as Float32Array, total);
  rt.get(pm, mean as Float32Array, rows);
  rt.get(pr, rstd as Float32Array, rows);
}

export function layerNormBackward(rt: Runtime, g: FloatData, x: FloatData, rows: number, n: number, weight: FloatData | null,
  mean: FloatData, rstd: FloatData, dx: FloatData, dWeight: FloatData | null, dBias: FloatData | null): void {
  const total = rows * n;
  const grain = rowGrain(rt, rows, n, 8192);
  const chunks = Math.ceil(rows / grain);
  const nPad = alignUp(n, 4);
  const want = dWeight !== null || dBias !== null;
  if (!allF32(g, x, weight, mean, rstd, dx, dWeight, dBias) || total < TINY ||
    !rt.fits(3 * total + 2 * rows + n + (want ? (2 * chunks + 2) * nPad : 0) + 160)) {
    js.layerNormBackward(g, x, rows, n, weight, mean, rstd, dx, dWeight, dBias);
    return;
  }
  rt.reset();
  const pg = rt.put(g as Float32Array, total);
  const px = rt.put(x as Float32Array, total);
  const pw = weight ? rt.put(weight as Float32Array, n) : 0;
  const pm = rt.put(mean as Float32Array, rows);
  const pr = rt.put(rstd as Float32Array, rows);
  const pd = rt.alloc(total);
  const partial = want ? rt.alloc(chunks * 2 * nPad) : 0;
  rt.ints(pg, px, pw, pm, pr, pd, partial, n, weight ? 1 : 0, want ? 1 : 0, grain, nPad);
  rt.run('layerNormBackRows', rows, grain);
  rt.get(pd, dx as Float32Array, total);
  if (!want) return;
  const pdw = rt.alloc(nPad);
  const pdb = rt.alloc(nPad);
  rt.ints(partial, chunks, nPad, pdw, pdb);
  rt.run('layerNormParamSum', nPad, nPad);
  if (dWeight) rt.get(pdw, dWeight as Float32Array, n);
  if (dBias) rt.get(pdb, dBias as Float32Array, n);
}
