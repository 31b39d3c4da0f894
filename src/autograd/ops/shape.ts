/** Shape and indexing ops: reshape, permute, slices, index select, concatenation. */
import type { Shape } from '../../backend/backend.js';
import { backend } from '../../backend/index.js';
import { normAxis, sameShape, shapeStr, sizeOf } from '../../backend/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { empty } from './util.js';

/** Resolves one -1 in a requested shape. */
function resolveShape(x: Tensor, shape: readonly number[]): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (out.lastIndexOf(-1) !== unknown) throw new RangeError(`reshape: only one dimension can be -1 in ${shapeStr(shape)}`);
  if (unknown >= 0) {
    const known = sizeOf(out.filter((_, i) => i !== unknown));
    if (known === 0 || x.size % known !== 0) {
      throw new RangeError(`reshape: cannot reshape ${shapeStr(x.shape)} (${x.size} elements) into ${shapeStr(shape)}`);
    }
    out[unknown] = x.size / known;
  }
  if (sizeOf(out) !== x.size || out.some((d) => d < 0 || !Number.isInteger(d))) {
    throw new RangeError(`reshape: cannot reshape ${shapeStr(x.shape)} (${x.size} elements) into ${shapeStr(shape)} (${sizeOf(out)} elements)`);
  }
  return out;
}

/** Same data, new shape (no copy). One dim may be -1. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = resolveShape(x, shape);
  if (sameShape(s, x.shape)) return x;
  const out = new Tensor(x.storage, s);
  return record('reshape', [x], out, (g) => [reshape(g, x.shape)]);
}

export const view = reshape;

/** Merges dims start..end (inclusive) into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normAxis(startDim, x.ndim, 'flatten');
  const e = normAxis(endDim, x.ndim, 'flatten');
  if (s > e) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normAxis(dim, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Removes size-1 dims (all of them, or the one named). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normAxis(dim, x.ndim, 'squeeze');
  if (x.shape[d] !== 1) return x;
  return reshape(x, x.shape.filter((_, i) => i !== d));
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) throw new RangeError(`permute: got ${dims.length} dims [${dims.join(',')}] for a tensor of rank ${x.ndim}`);
  const perm = dims.map((d) => normAxis(d, x.ndim, 'permute'));
  if (new Set(perm).size !== perm.length) throw new RangeError(`permute: repeated dim in [${dims.join(',')}]`);
  if (perm.every((p, i) => p === i)) return x;
  const shape = perm.map((p) => x.shape[p]);
  const out = empty(shape, x.dtype);
  backend().permute(x.storage, x.shape, perm, out.storage);
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => { inv[p] = i; });
  return record('permute', [x], out, (g) => [permute(g, inv)]);
}

export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  if (x.ndim < 2) return x;
  const a = normAxis(dim0, x.ndim, 'transpose');
  const b = normAxis(dim1, x.ndim, 'transpose');
  const perm = Array.from({ length: x.ndim }, (_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

export interface Range {
  start?: number;
  end?: number;
  step?: number;
}

/**
 * Strided slice with one range per leading dim (missing dims are taken whole), like
 * x[a:b:s, c:d]. Negative start/end count from the end; ends are clamped.
 */
export function slice(x: Tensor, ranges: readonly (Range | null)[]): Tensor {
  if (ranges.length > x.ndim) throw new RangeError(`slice: ${ranges.length} ranges for a tensor of rank ${x.ndim} (shape ${shapeStr(x.shape)})`);
  const begin: number[] = [];
  const step: number[] = [];
  const shape: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    const r = ranges[d] ?? {};
    const n = x.shape[d];
    const st = r.step ?? 1;
    if (!Number.isInteger(st) || st <= 0) throw new RangeError(`slice: step must be a positive integer, got ${st} at dim ${d}`);
    const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const s = norm(r.start ?? 0);
    const e = norm(r.end ?? n);
    begin.push(s);
    step.push(st);
    shape.push(Math.max(0, Math.ceil((e - s) / st)));
  }
  if (sameShape(shape, x.shape)) return x;
  const out = empty(shape, x.dtype);
  backend().sliceCopy(x.storage, x.shape, begin, step, out.storage, shape);
  return record('slice', [x], out, (g) => [{ kind: 'slice', src: g, begin, step }]);
}

/** x.narrow(dim, start, length). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normAxis(dim, x.ndim, 'narrow');
  if (start < 0) start += x.shape[d];
  if (start < 0 || length < 0 || start + length > x.shape[d]) {
    throw new RangeError(`narrow: [${start}, ${start + length}) is outside dim ${d} of size ${x.shape[d]}`);
  }
  const ranges: Range[] = x.shape.map(() => ({}));
  ranges[d] = { start, end: start + length };
  return slice(x, ranges);
}

/** x.select(dim, i): the slice at index i, with that dim removed. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normAxis(dim, x.ndim, 'select');
  const n = x.shape[d];
  if (!Number.isInteger(index) || index < -n || index >= n) throw new RangeError(`select: index ${index} is out of range for dim ${d} of size ${n}`);
  const i = index < 0 ? index + n : index;
  return squeeze(narrow(x, d, i, 1), d);
}

function toIndex(index: Tensor | readonly number[] | Int32Array): Int32Array {
  if (index instanceof Tensor) {
    if (index.dtype !== 'int32') throw new TypeError(`index: expected an int32 tensor of indices, got ${index.dtype}`);
    return index.data as Int32Array;
  }
  return index instanceof Int32Array ? index : Int32Array.from(index);
}

/** Rows (or slices along dim) picked by an index list; the result has index.length along dim. */
export function indexSelect(x: Tensor, dim: number, index: Tensor | readonly number[] | Int32Array): Tensor {
  const d = normAxis(dim, x.ndim, 'indexSelect');
  const idx = toIndex(index);
  const size = x.shape[d];
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= size) throw new RangeError(`indexSelect: index ${idx[i]} at position ${i} is out of range for dim ${d} of size ${size}`);
  }
  const outer = sizeOf(x.shape.slice(0, d));
  const inner = sizeOf(x.shape.slice(d + 1));
  const shape = [...x.shape];
  shape[d] = idx.length;
  const out = empty(shape, x.dtype);
  backend().indexSelect(x.storage, outer, size, inner, idx, out.storage);
  return record('indexSelect', [x], out, (g) => {
    const gx = empty(x.shape, g.dtype);
    backend().indexAdd(g.storage, outer, size, inner, idx, gx.storage);
    return [gx];
  });
}

/** Joins tensors along an existing dim. */
export function cat(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new RangeError('cat: expected at least one tensor');
  const first = xs[0];
  const d = normAxis(dim, first.ndim, 'cat');
  for (const [i, t] of xs.entries()) {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new RangeError(`cat: tensor ${i} has shape ${shapeStr(t.shape)}, which does not match ${shapeStr(first.shape)} outside dim ${d}`);
    }
    if (t.dtype !== first.dtype) throw new TypeError(`cat: tensor ${i} is ${t.dtype} but tensor 0 is ${first.dtype}`);
  }
  const shape = [...first.shape];
  shape[d] = xs.reduce((a, t) => a + t.shape[d], 0);
  const out = empty(shape, first.dtype);
  const begins: number[] = [];
  let off = 0;
  const ones = shape.map(() => 1);
  for (const t of xs) {
    const begin = shape.map(() => 0);
    begin[d] = off;
    begins.push(off);
    backend().sliceAdd(t.storage, t.shape, out.storage, shape, begin, ones);
    off += t.shape[d];
  }
  return record('cat', [...xs], out, (g) => xs.map((t, i) => (t.requiresGrad ? narrow(g, d, begins[i], t.shape[d]) : null)));
}

/** Joins tensors of one shape along a new dim. */
export function stack(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new RangeError('stack: expected at least one tensor');
  const d = normAxis(dim, xs[0].ndim + 1, 'stack');
  for (const [i, t] of xs.entries()) {
    if (!sameShape(t.shape, xs[0].shape)) throw new RangeError(`stack: tensor ${i} has shape ${shapeStr(t.shape)} but tensor 0 has ${shapeStr(xs[0].shape)}`);
  }
  return cat(xs.map((t) => unsqueeze(t, d)), d);
}

/** Splits into pieces of `size` along dim (the last may be smaller). */
export function split(x: Tensor, size: number, dim = 0): Tensor[] {
  const d = normAxis(dim, x.ndim, 'split');
  const out: Tensor[] = [];
  for (let s = 0; s < x.shape[d]; s += size) out.push(narrow(x, d, s, Math.min(size, x.shape[d] - s)));
  return out;
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = normAxis(dim, x.ndim, 'chunk');
  return split(x, Math.ceil(x.shape[d] / chunks), d);
}

export type { Shape };
