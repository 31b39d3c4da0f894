/** Reference reductions: sum / max / min / prod over any set of axes, and argmax / argmin. */
import type { Data, ReduceOp, Shape } from '../backend.js';
import { sizeOf, stridesOf } from '../shape.js';

const INIT: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

export function reduce(op: ReduceOp, x: Data, shape: Shape, axes: readonly number[], out: Data): void {
  const init = INIT[op];
  out.fill(init);
  const total = sizeOf(shape);
  if (total === 0) return;
  const r = shape.length;
  // Stride of each input dim in the output (0 for reduced dims).
  const keep = shape.map((_, d) => !axes.includes(d));
  const outShape = shape.filter((_, d) => keep[d]);
  const os = stridesOf(outShape);
  const ostr = new Array<number>(r).fill(0);
  for (let d = 0, k = 0; d < r; d++) if (keep[d]) ostr[d] = os[k++];

  // Fast path: reducing exactly the trailing axes → contiguous rows.
  let trailing = true;
  for (let d = 0; d < r; d++) if (keep[d] && d >= r - axes.length) trailing = false;
  if (trailing) {
    const n = total / Math.max(out.length, 1);
    const rows = out.length;
    for (let i = 0; i < rows; i++) {
      let acc = init;
      const base = i * n;
      if (op === 'sum') for (let j = 0; j < n; j++) acc += x[base + j];
      else if (op === 'max') for (let j = 0; j < n; j++) { const v = x[base + j]; if (v > acc || Number.isNaN(v)) acc = v; }
      else if (op === 'min') for (let j = 0; j < n; j++) { const v = x[base + j]; if (v < acc || Number.isNaN(v)) acc = v; }
      else for (let j = 0; j < n; j++) acc *= x[base + j];
      out[i] = acc;
    }
    return;
  }

  const idx = new Array<number>(r).fill(0);
  let o = 0;
  for (let i = 0; i < total; i++) {
    const v = x[i];
    if (op === 'sum') out[o] += v;
    else if (op === 'max') { if (v > out[o] || Number.isNaN(v)) out[o] = v; }
    else if (op === 'min') { if (v < out[o] || Number.isNaN(v)) out[o] = v; }
    else out[o] *= v;
    for (let d = r - 1; d >= 0; d--) {
      idx[d]++;
      o += ostr[d];
      if (idx[d] < shape[d]) break;
      o -= ostr[d] * shape[d];
      idx[d] = 0;
    }
  }
}

export function argReduce(op: 'argmax' | 'argmin', x: Data, shape: Shape, axis: number, out: Int32Array): void {
  const n = shape[axis] ?? 1;
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const max = op === 'argmax';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base];
      let bi = 0;
      for (let j = 1; j < n; j++) {
        const v = x[base + j * inner];
        if (Number.isNaN(best)) break;
        if (max ? v > best || Number.isNaN(v) : v < best || Number.isNaN(v)) { best = v; bi = j; }
      }
      out[o * inner + i] = bi;
    }
  }
}
