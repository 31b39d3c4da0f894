/**
 * Pooling kernels on wasm (assembly/pooling.ts), one plane (b, ch) per work item. float64 data,
 * tiny inputs and calls too large for the arena go to the js reference kernels.
 */
import type { FloatData, WindowSpec } from '../backend.js';
import * as js from '../js/pooling.js';
import { TINY } from './elementwise.js';
import { windowInts } from './nn.js';
import type { Runtime } from './runtime.js';

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

/** Planes per chunk: about two chunks per thread, at least ~16k values each. */
function planeGrain(rt: Runtime, planes: number, perPlane: number): number {
  return Math.max(1, Math.ceil(rt.grain(planes * perPlane, 16384, 1) / Math.max(1, perPlane)));
}

function f32(...a: (FloatData | null)[]): boolean {
  return a.every((x) => x === null || x instanceof Float32Array);
}

/** Copies the per-position scale in as f64; returns its byte address. */
function putScale(rt: Runtime, scale: Float64Array): number {
  const p = rt.alloc(2 * scale.length);
  rt.f64.set(scale, p >>> 3);
  return p;
}

export function maxPool(rt: Runtime, x: FloatData, n: number, c: number, spec: WindowSpec, out: FloatData, argmax: Int32Array): void {
  const inLen = n * c * prod(spec.inSize);
  const outLen = n * c * prod(spec.outSize);
  if (!f32(x, out) || outLen < TINY || !rt.fits(inLen + 2 * outLen + 64)) {
    js.maxPool(x, n, c, spec, out, argmax);
    return;
  }
  rt.reset();
  const px = rt.put(x as Float32Array, inLen);
  const po = rt.alloc(outLen);
  const pa = rt.alloc(outLen);
  rt.ints(px, po, pa, ...windowInts(spec), 0);
  rt.run('maxPoolRange', n * c, planeGrain(rt, n * c, prod(spec.inSize)));
  rt.get(po, out as Float32Array, outLen);
  argmax.set(rt.i32.subarray(pa >>> 2, (pa >>> 2) + outLen));
}

export function maxPoolBackward(rt: Runtime, g: FloatData, n: number, c: number, spec: WindowSpec, argmax: Int32Array, gx: FloatData): void {
  const inLen = n * c * prod(spec.inSize);
  const outLen = n * c * prod(spec.outSize);
  if (!f32(g, gx) || outLen < TINY || !rt.fits(inLen + 2 * outLen + 64)) {
    js.maxPoolBackward(g, n, c, spec, argmax, gx);
    return;
  }
  rt.reset();
  const pg = rt.put(g as Float32Array, outLen);
  const pgx = rt.put(gx as Float32Array, inLen); // accumulates into gx
  const pa = rt.alloc(outLen);
  rt.i32.set(argmax.subarray(0, outLen), pa >>> 2);
  rt.ints(pg, pgx, pa, ...windowInts(spec), 0);
  rt.run('maxPoolBackRange', n * c, planeGrain(rt, n * c, prod(spec.inSize)));
  rt.get(pgx, gx as Float32Array, inLen);
}

function avg(rt: Runtime, kernel: 'avgPoolRange' | 'avgPoolBackRange', src: Float32Array, srcLen: number, dst: Float32Array, dstLen: number,
  accumulate: boolean, n: number, c: number, spec: WindowSpec, scale: Float64Array): void {
  rt.reset();
  const ps = rt.put(src, srcLen);
  const pd = accumulate ? rt.put(dst, dstLen) : rt.alloc(dstLen);
  const pscale = putScale(rt, scale);
  rt.ints(ps, pd, 0, ...windowInts(spec), pscale);
  rt.run(kernel, n * c, planeGrain(rt, n * c, prod(spec.inSize)));
  rt.get(pd, dst, dstLen);
}

export function avgPool(rt: Runtime, x: FloatData, n: number, c: number, spec: WindowSpec, scale: Float64Array, out: FloatData): void {
  const inLen = n * c * prod(spec.inSize);
  const outLen = n * c * prod(spec.outSize);
  if (!f32(x, out) || outLen < TINY || !rt.fits(inLen + outLen + 2 * scale.length + 64)) js.avgPool(x, n, c, spec, scale, out);
  else avg(rt, 'avgPoolRange', x as Float32Array, inLen, out as Float32Array, outLen, false, n, c, spec, scale);
}

export function avgPoolBackward(rt: Runtime, g: FloatData, n: number, c: number, spec: WindowSpec, scale: Float64Array, gx: FloatData): void {
  const inLen = n * c * prod(spec.inSize);
  const outLen = n * c * prod(spec.outSize);
  if (!f32(g, gx) || outLen < TINY || !rt.fits(inLen + outLen + 2 * scale.length + 64)) js.avgPoolBackward(g, n, c, spec, scale, gx);
  else avg(rt, 'avgPoolBackRange', g as Float32Array, outLen, gx as Float32Array, inLen, true, n, c, spec, scale);
}
