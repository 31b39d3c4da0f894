/**
 * Network kernels on wasm: softmax / log-softmax, im2col / col2im, fused SGD and Adam steps.
 * float64 data goes to the js reference kernels. Optimizer steps copy the parameter and its
 * state in and out (the arrays are updated in place, as the interface says).
 */
import type { AdamStep, FloatData, SgdStep, WindowSpec } from '../backend.js';
import * as js from '../js/nn.js';
import { TINY } from './elementwise.js';
import type { Runtime } from './runtime.js';

export function softmax(rt: Runtime, x: FloatData, outer: number, n: number, inner: number, log: boolean, out: FloatData): void {
  const total = outer * n * inner;
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || total < TINY || !rt.fits(2 * total + 32)) {
    js.softmax(x, outer, n, inner, log, out);
    return;
  }
  rt.reset();
  const px = rt.put(x, total);
  const po = rt.alloc(total);
  if (inner === 1) {
    rt.ints(px, po, n, log ? 1 : 0);
    rt.run('softmaxRows', outer, Math.max(1, Math.ceil(rt.grain(total, 8192, 1) / n)));
  } else {
    rt.ints(px, po, n, inner, log ? 1 : 0);
    rt.run('softmaxCols', outer * inner, Math.max(1, Math.ceil(rt.grain(total, 8192, 1) / n)));
  }
  rt.get(po, out, total);
}

export function windowInts(spec: WindowSpec): number[] {
  const two = spec.inSize.length === 2;
  const p = (v: number[], one: number): [number, number] => (two ? [v[0], v[1]] : [one, v[0]]);
  return [...p(spec.inSize, 1), ...p(spec.outSize, 1), ...p(spec.kernel, 1), ...p(spec.stride, 1), ...p(spec.padding, 0), ...p(spec.dilation, 1)];
}

function windowSizes(n: number, c: number, spec: WindowSpec): { inLen: number; colLen: number } {
  const prod = (v: number[]): number => v.reduce((a, b) => a * b, 1);
  return { inLen: n * c * prod(spec.inSize), colLen: n * c * prod(spec.kernel) * prod(spec.outSize) };
}

export function im2col(rt: Runtime, x: FloatData, n: number, c: number, spec: WindowSpec, out: FloatData, batchInner = false): void {
  const { inLen, colLen } = windowSizes(n, c, spec);
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || colLen < TINY || !rt.fits(inLen + colLen + 32)) {
    js.im2col(x, n, c, spec, out, batchInner);
    return;
  }
  rt.reset();
  const px = rt.put(x, inLen);
  const pc = rt.alloc(colLen);
  rt.ints(px, pc, ...windowInts(spec), 0, batchInner ? 1 : 0, n, c);
  const planes = n * c;
  rt.run('windowRange', planes, Math.max(1, Math.ceil(rt.grain(colLen, 16384, 1) / (colLen / planes))));
  rt.get(pc, out, colLen);
}

/** im2col (adjoint false) or col2im (true) on arrays already in the arena. */
export function windowsInArena(rt: Runtime, px: number, pcols: number, n: number, c: number, spec: WindowSpec, adjoint: boolean, batchInner: boolean): void {
  const { colLen } = windowSizes(n, c, spec);
  const planes = n * c;
  if (planes === 0 || colLen === 0) return;
  rt.ints(px, pcols, ...windowInts(spec), adjoint ? 1 : 0, batchInner ? 1 : 0, n, c);
  rt.run('windowRange', planes, Math.max(1, Math.ceil(rt.grain(colLen, 16384, 1) / (colLen / planes))));
}

export function col2im(rt: Runtime, cols: FloatData, n: number, c: number, spec: WindowSpec, out: FloatData, batchInner = false): void {
  const { inLen, colLen } = windowSizes(n, c, spec);
  if (!(cols instanceof Float32Array) || !(out instanceof Float32Array) || colLen < TINY || !rt.fits(inLen + colLen + 32)) {
    js.col2im(cols, n, c, spec, out, batchInner);
    return;
  }
  rt.reset();
  const px = rt.put(out, inLen); // col2im accumulates into out
  const pc = rt.put(cols, colLen);
  rt.ints(px, pc, ...windowInts(spec), 1, batchInner ? 1 : 0, n, c);
  const planes = n * c;
  rt.run('windowRange', planes, Math.max(1, Math.ceil(rt.grain(colLen, 16384, 1) / (colLen / planes))));
  rt.get(px, out, inLen);
}

export function sgdStep(rt: Runtime, p: FloatData, g: FloatData, buf: FloatData | null, o: SgdStep): void {
  const n = p.length;
  if (!(p instanceof Float32Array) || !(g instanceof Float32Array) || (buf !== null && !(buf instanceof Float32Array)) ||
    n < TINY || !rt.fits(3 * n + 48)) {
    js.sgdStep(p, g, buf, o);
    return;
  }
  rt.reset();
  const pp = rt.put(p);
  const pg = rt.put(g);
  const pb = buf ? rt.put(buf) : 0;
  rt.ints(pp, pg, pb, buf ? 1 : 0, o.nesterov ? 1 : 0, o.firstStep ? 1 : 0);
  rt.floats(o.lr, o.momentum, o.dampening, o.weightDecay);
  rt.run('sgdRange', n, rt.grain(n, 16384));
  rt.get(pp, p);
  if (buf) rt.get(pb, buf);
}

export function adamStep(rt: Runtime, p: FloatData, g: FloatData, m: FloatData, v: FloatData, o: AdamStep, vmax: FloatData | null): void {
  const n = p.length;
  if (!(p instanceof Float32Array) || !(g instanceof Float32Array) || !(m instanceof Float32Array) || !(v instanceof Float32Array) ||
    (vmax !== null && !(vmax instanceof Float32Array)) || n < TINY || !rt.fits(5 * n + 80)) {
    js.adamStep(p, g, m, v, o, vmax);
    return;
  }
  rt.reset();
  const pp = rt.put(p);
  const pg = rt.put(g);
  const pm = rt.put(m);
  const pv = rt.put(v);
  const px = vmax ? rt.put(vmax) : 0;
  const bc1 = 1 - Math.pow(o.beta1, o.step);
  const bc2 = 1 - Math.pow(o.beta2, o.step);
  rt.ints(pp, pg, pm, pv, px, vmax ? 1 : 0, o.decoupled ? 1 : 0);
  rt.floats(o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, o.lr / bc1, Math.sqrt(bc2));
  rt.run('adamRange', n, rt.grain(n, 16384));
  rt.get(pp, p);
  rt.get(pm, m);
  rt.get(pv, v);
  if (vmax) rt.get(px, vmax);
}
