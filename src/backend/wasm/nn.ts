/**
 * Network kernels on wasm: softmax / log-softmax, im2col / col2im, dropout, fused SGD and Adam steps.
 * float64 data goes to the js reference kernels. Optimizer steps copy the parameter and its
 * state in and out (the arrays are updated in place, as the interface says).
 *
 * The multi-tensor steps (sgdSteps, adamSteps) lay every parameter of the list out back to back
 * in one block per array (params, grads, buffers…), each segment starting at a multiple of 4
 * floats with its padding zeroed, and run the same flat range kernel once over the whole
 * concatenated range: one copy in, one pool job, one copy out for the whole optimizer step.
 * The update is elementwise with the same hyper-parameters everywhere, so the padding lanes
 * never touch a real value, and every entry gets exactly the bits sgdStep / adamStep would give
 * it (entries those send to js, float64 or tiny, go through them).
 */
import type { AdamStep, AdamTensors, DropoutSpec, FloatData, SgdStep, SgdTensors, WindowSpec } from '../backend.js';
import * as js from '../js/nn.js';
import { TINY } from './elementwise.js';
import { alignUp, type Runtime } from './runtime.js';

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

export function dropout(rt: Runtime, x: FloatData, spec: DropoutSpec, out: FloatData): void {
  const n = x.length;
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || n < TINY || !rt.fits(n + 16)) {
    js.dropout(x, spec, out);
    return;
  }
  // Kept iff hash < keep·2³², i.e. hash ≤ last = ⌈keep·2³²⌉ − 1 (keep > 0, so last ≥ 0).
  const last = Math.ceil(spec.keep * 4294967296) - 1;
  rt.reset();
  const p = rt.put(x); // in place: the kernel reads x[i] before writing out[i]
  rt.ints(p, p, spec.key0 | 0, spec.key1 | 0, last | 0);
  rt.floats(Math.fround(spec.scale));
  rt.run('dropoutRange', n, rt.grain(n, 16384));
  rt.get(p, out, n);
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
  rt.run('sgdRange', n, rt.grain(n, STEP_GRAIN));
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
  rt.run('adamRange', n, rt.grain(n, STEP_GRAIN));
  rt.get(pp, p);
  rt.get(pm, m);
  rt.get(pv, v);
  if (vmax) rt.get(px, vmax);
}

/**
 * Smallest chunk of an optimizer step worth a thread. The step is bound by the copies of the
 * parameters, gradients and moments in and out of wasm memory (one thread does them), so below
 * 2·STEP_GRAIN values it runs on the calling thread: W2's Adam (89,610 values) took 8.2–8.5 ms per
 * epoch in Node on either 1 or 2 threads, but 8.7 ms on 1 and 20.4 ms on 2 in Chromium. Bigger
 * models still split it. The values are the same either way (each is updated alone).
 */
const STEP_GRAIN = 131072;

/** Segment alignment of the packed layout in floats: the range kernels step one f32x4 at a time. */
const SEG = 4;

/**
 * Runs one flat range kernel over many entries at once. rows[e][j] is array j of entry e (all
 * of an entry's arrays have the same length); array j of every entry is packed into block j.
 * `launch` gets the block addresses and the padded total and must set the parameters and run
 * the kernel; afterwards the arrays with writeBack[j] are copied out. A list that does not fit
 * in the arena runs in several jobs, entries split between them where needed (the kernels are
 * elementwise); only an arena too small for one vector per block sends entries to `alone`.
 */
function packedRun(
  rt: Runtime, rows: readonly Float32Array[][], writeBack: readonly boolean[],
  launch: (blocks: number[], total: number) => void, alone: (e: number) => void,
): void {
  const k = writeBack.length;
  rt.reset();
  // NOTE: one job whenever the list fits; cutting it into cache-sized jobs measured no faster
  // (the copies and the kernel are bound by memory bandwidth either way).
  const chunk = Math.floor((rt.room() / k - 16) / SEG) * SEG;
  if (chunk < SEG) {
    for (let e = 0; e < rows.length; e++) alone(e);
    return;
  }
  // pieces: (entry, start, padded length) triples of the current job. Starts are multiples of
  // SEG below the padded length, so every piece holds at least one real value.
  const pieces: number[] = [];
  const flush = (total: number): void => {
    rt.reset();
    const blocks: number[] = [];
    for (let j = 0; j < k; j++) blocks.push(rt.alloc(total));
    const f32 = rt.f32;
    /** Calls f for every piece of array j: its tensor, start, real and padded length, arena offset. */
    const eachPiece = (j: number, f: (a: Float32Array, start: number, real: number, len: number, o: number) => void): void => {
      let o = blocks[j] >>> 2;
      for (let q = 0; q < pieces.length; q += 3) {
        const a = rows[pieces[q]][j];
        const start = pieces[q + 1];
        const len = pieces[q + 2];
        f(a, start, Math.min(len, a.length - start), len, o);
        o += len;
      }
    };
    for (let j = 0; j < k; j++) {
      eachPiece(j, (a, start, real, len, o) => {
        f32.set(real === a.length ? a : a.subarray(start, start + real), o);
        if (len > real) f32.fill(0, o + real, o + len);
      });
    }
    launch(blocks, total);
    for (let j = 0; j < k; j++) {
      if (writeBack[j]) eachPiece(j, (a, start, real, _len, o) => a.set(f32.subarray(o, o + real), start));
    }
    pieces.length = 0;
    rt.reset();
  };
  let fill = 0;
  for (let e = 0; e < rows.length; e++) {
    const padded = alignUp(rows[e][0].length, SEG);
    for (let start = 0; start < padded;) {
      const take = Math.min(padded - start, chunk - fill);
      pieces.push(e, start, take);
      start += take;
      fill += take;
      if (fill === chunk) {
        flush(fill);
        fill = 0;
      }
    }
  }
  if (fill > 0) flush(fill);
}

function allF32(...arrays: (FloatData | null)[]): boolean {
  for (const a of arrays) if (a !== null && !(a instanceof Float32Array)) return false;
  return true;
}

export function sgdSteps(rt: Runtime, list: readonly SgdTensors[], o: SgdStep): void {
  // NOTE: one pool job per kind of entry (with or without a momentum buffer). Entries the
  // single-tensor kernel would send to js (float64, fewer than TINY values) take sgdStep, so
  // the result is bit for bit that of sgdStep on every entry.
  const useBuf = o.momentum !== 0;
  const withBuf: SgdTensors[] = [];
  const without: SgdTensors[] = [];
  for (const t of list) {
    if (!allF32(t.param, t.grad, t.momentumBuf) || t.param.length < TINY) sgdStep(rt, t.param, t.grad, t.momentumBuf, o);
    else if (t.momentumBuf !== null && useBuf) withBuf.push(t);
    else without.push(t);
  }
  for (const part of [withBuf, without]) {
    if (part.length === 0) continue;
    const hasBuf = part === withBuf;
    const rows = part.map((t) => (hasBuf ? [t.param, t.grad, t.momentumBuf] : [t.param, t.grad]) as Float32Array[]);
    packedRun(rt, rows, hasBuf ? [true, false, true] : [true, false], (b, total) => {
      rt.ints(b[0], b[1], hasBuf ? b[2] : 0, hasBuf ? 1 : 0, o.nesterov ? 1 : 0, o.firstStep ? 1 : 0);
      rt.floats(o.lr, o.momentum, o.dampening, o.weightDecay);
      rt.run('sgdRange', total, rt.grain(total, STEP_GRAIN));
    }, (e) => js.sgdStep(part[e].param, part[e].grad, part[e].momentumBuf, o));
  }
}

export function adamSteps(rt: Runtime, list: readonly AdamTensors[], o: AdamStep): void {
  const withMax: AdamTensors[] = [];
  const without: AdamTensors[] = [];
  for (const t of list) {
    if (!allF32(t.param, t.grad, t.expAvg, t.expAvgSq, t.maxExpAvgSq) || t.param.length < TINY) {
      adamStep(rt, t.param, t.grad, t.expAvg, t.expAvgSq, o, t.maxExpAvgSq);
    } else if (t.maxExpAvgSq !== null) withMax.push(t);
    else without.push(t);
  }
  const bc1 = 1 - Math.pow(o.beta1, o.step);
  const bc2 = 1 - Math.pow(o.beta2, o.step);
  for (const part of [withMax, without]) {
    if (part.length === 0) continue;
    const hasMax = part === withMax;
    const rows = part.map((t) => (hasMax
      ? [t.param, t.grad, t.expAvg, t.expAvgSq, t.maxExpAvgSq]
      : [t.param, t.grad, t.expAvg, t.expAvgSq]) as Float32Array[]);
    packedRun(rt, rows, hasMax ? [true, false, true, true, true] : [true, false, true, true], (b, total) => {
      rt.ints(b[0], b[1], b[2], b[3], hasMax ? b[4] : 0, hasMax ? 1 : 0, o.decoupled ? 1 : 0);
      rt.floats(o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, o.lr / bc1, Math.sqrt(bc2));
      rt.run('adamRange', total, rt.grain(total, STEP_GRAIN));
    }, (e) => js.adamStep(part[e].param, part[e].grad, part[e].expAvg, part[e].expAvgSq, o, part[e].maxExpAvgSq));
  }
}
