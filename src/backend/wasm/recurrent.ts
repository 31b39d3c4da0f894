/**
 * Fused recurrent cell forwards on wasm (assembly/recurrent.ts): the LSTM and GRU steps spend
 * their time in σ and tanh (5 and 3 per hidden unit), which the SIMD polynomials do several
 * times faster than Math.exp / Math.tanh even counting the copies in and out. The backwards
 * are plain arithmetic on the saved activations; the LSTM one still gains ~2× from SIMD over
 * the copies, the GRU one stays in js. Delegated to js: non-float32 data, tiny batches.
 */
import type { FloatData } from '../backend.js';
import * as js from '../js/recurrent.js';
import { TINY } from './elementwise.js';
import type { Runtime } from './runtime.js';

/** Elements per thread chunk: each costs several exp evaluations. */
const MIN_GRAIN = 4096;

function rowGrain(rt: Runtime, batch: number, hidden: number): number {
  return Math.max(1, Math.ceil(rt.grain(batch * hidden, MIN_GRAIN, 1) / hidden));
}

export function lstmCell(rt: Runtime, gates: FloatData, cPrev: FloatData, batch: number, hidden: number, c: FloatData, h: FloatData, act: FloatData): void {
  const n = batch * hidden;
  if (!(gates instanceof Float32Array) || !(cPrev instanceof Float32Array) || !(c instanceof Float32Array) || !(h instanceof Float32Array) ||
    !(act instanceof Float32Array) || n < TINY || !rt.fits(12 * n + 80)) {
    js.lstmCell(gates, cPrev, batch, hidden, c, h, act);
    return;
  }
  rt.reset();
  const pg = rt.put(gates, 4 * n);
  const pp = rt.put(cPrev, n);
  const pc = rt.alloc(n);
  const ph = rt.alloc(n);
  const pa = rt.alloc(5 * n);
  rt.ints(pg, pp, pc, ph, pa, hidden);
  rt.run('lstmCellRows', batch, rowGrain(rt, batch, hidden));
  rt.get(pc, c, n);
  rt.get(ph, h, n);
  rt.get(pa, act, 5 * n);
}

export function lstmCellBackward(rt: Runtime, act: FloatData, cPrev: FloatData, dh: FloatData | null, dc: FloatData | null, batch: number, hidden: number,
  dGates: FloatData, dCprev: FloatData | null): void {
  const n = batch * hidden;
  const f32 = (a: FloatData | null): boolean => a === null || a instanceof Float32Array;
  if (!(act instanceof Float32Array) || !(cPrev instanceof Float32Array) || !(dGates instanceof Float32Array) || !f32(dh) || !f32(dc) || !f32(dCprev) ||
    n < TINY || !rt.fits(14 * n + 112)) {
    js.lstmCellBackward(act, cPrev, dh, dc, batch, hidden, dGates, dCprev);
    return;
  }
  rt.reset();
  const pa = rt.put(act, 5 * n);
  const pp = rt.put(cPrev, n);
  const pdh = dh ? rt.put(dh as Float32Array, n) : 0;
  const pdc = dc ? rt.put(dc as Float32Array, n) : 0;
  const pg = rt.alloc(4 * n);
  const pcp = dCprev ? rt.alloc(n) : 0;
  rt.ints(pa, pp, pdh, pdc, pg, pcp, hidden, dh ? 1 : 0, dc ? 1 : 0, dCprev ? 1 : 0);
  // Plain arithmetic: a chunk needs more elements than the σ/tanh forwards to pay for a thread.
  rt.run('lstmCellBackwardRows', batch, Math.max(1, Math.ceil(rt.grain(n, 16384, 1) / hidden)));
  rt.get(pg, dGates, 4 * n);
  if (dCprev) rt.get(pcp, dCprev as Float32Array, n);
}

export function gruCell(rt: Runtime, xp: FloatData, hp: FloatData, hPrev: FloatData, batch: number, hidden: number, h: FloatData, act: FloatData): void {
  const n = batch * hidden;
  if (!(xp instanceof Float32Array) || !(hp instanceof Float32Array) || !(hPrev instanceof Float32Array) || !(h instanceof Float32Array) ||
    !(act instanceof Float32Array) || n < TINY || !rt.fits(12 * n + 80)) {
    js.gruCell(xp, hp, hPrev, batch, hidden, h, act);
    return;
  }
  rt.reset();
  const px = rt.put(xp, 3 * n);
  const pp = rt.put(hp, 3 * n);
  const pv = rt.put(hPrev, n);
  const ph = rt.alloc(n);
  const pa = rt.alloc(3 * n);
  rt.ints(px, pp, pv, ph, pa, hidden);
  rt.run('gruCellRows', batch, rowGrain(rt, batch, hidden));
  rt.get(ph, h, n);
  rt.get(pa, act, 3 * n);
}
