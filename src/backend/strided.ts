/**
 * Host-side data-movement kernels tuned for speed (permute, strided slices, gather / scatter,
 * index select), for the backends whose own kernels leave these ops to the host (wasm, and
 * native for int32 / float64 data). Same results as the plain reference in backend/js/layout.ts.
 *
 * Every strided kernel walks one contiguous operand and one strided operand in row-major order.
 * `runs` first coalesces dims (merging those the strided operand also walks contiguously, and
 * dropping size-1 dims), then hands out the walk one innermost run at a time, so the per-element
 * work is a tight loop (a typed-array copy when the run is contiguous on both sides): one time
 * step of a [T, B, F] sequence is a single run of B·F elements.
 */
import type { Data, Shape } from './backend.js';
import { coalesce, sizeOf, stridesOf } from './shape.js';

/**
 * Visits the elements of `shape` in row-major order, run by run: run(i, off, n, s) covers
 * elements i..i+n−1 of the contiguous operand and offsets off, off+s, …, off+(n−1)·s of the
 * operand read (or written) with `strides` from `base`.
 */
function runs(shape: Shape, strides: readonly number[], base: number, run: (i: number, off: number, n: number, s: number) => void): void {
  const total = sizeOf(shape);
  if (total === 0) return;
  const c = coalesce(shape, [stridesOf(shape), strides]);
  const dims = c.shape;
  const st = c.strides[1];
  const r = dims.length;
  if (r === 0) {
    run(0, base, 1, 1);
    return;
  }
  const n = dims[r - 1];
  const s = st[r - 1];
  const idx = new Array<number>(r).fill(0);
  let off = base;
  for (let i = 0; i < total; i += n) {
    run(i, off, n, s);
    for (let d = r - 2; d >= 0; d--) {
      idx[d]++;
      off += st[d];
      if (idx[d] < dims[d]) break;
      off -= st[d] * dims[d];
      idx[d] = 0;
    }
  }
}

/** Below this length a plain loop beats creating a subarray for TypedArray.set. */
const SET_MIN = 32;

/** out[i..i+n) = x[off, off+s, …]. */
function copyRun(x: Data, off: number, s: number, out: Data, i: number, n: number): void {
  if (s === 1) {
    if (n >= SET_MIN) out.set(x.subarray(off, off + n), i);
    else for (let j = 0; j < n; j++) out[i + j] = x[off + j];
  } else {
    for (let j = 0; j < n; j++) out[i + j] = x[off + j * s];
  }
}

export function permute(x: Data, shape: Shape, perm: readonly number[], out: Data): void {
  const st = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const pst = perm.map((p) => st[p]);
  runs(outShape, pst, 0, (i, off, n, s) => copyRun(x, off, s, out, i, n));
}

function sliceGeometry(shape: Shape, begin: readonly number[], step: readonly number[]): { base: number; strides: number[] } {
  const st = stridesOf(shape);
  let base = 0;
  for (let d = 0; d < shape.length; d++) base += begin[d] * st[d];
  return { base, strides: st.map((s, d) => s * step[d]) };
}

export function sliceCopy(x: Data, shape: Shape, begin: readonly number[], step: readonly number[], out: Data, outShape: Shape): void {
  const { base, strides } = sliceGeometry(shape, begin, step);
  runs(outShape, strides, base, (i, off, n, s) => copyRun(x, off, s, out, i, n));
}

export function sliceAdd(src: Data, srcShape: Shape, out: Data, outShape: Shape, begin: readonly number[], step: readonly number[]): void {
  const { base, strides } = sliceGeometry(outShape, begin, step);
  runs(srcShape, strides, base, (i, off, n, s) => {
    if (s === 1) for (let j = 0; j < n; j++) out[off + j] += src[i + j];
    else for (let j = 0; j < n; j++) out[off + j * s] += src[i + j];
  });
}

/**
 * Walks an index of `indexShape` over an array of `shape` along `axis`: run(i, off, n, s, ax)
 * where element i + j of the index addresses off + j·s + index[i + j]·ax (indices checked).
 */
function gatherRuns(shape: Shape, axis: number, index: Int32Array, indexShape: Shape, run: (i: number, off: number, n: number, s: number, ax: number) => void): void {
  const st = stridesOf(shape);
  const ax = st[axis];
  const walkStrides = st.slice();
  walkStrides[axis] = 0;
  const size = shape[axis];
  runs(indexShape, walkStrides, 0, (i, off, n, s) => {
    for (let j = i; j < i + n; j++) {
      const k = index[j];
      if (k < 0 || k >= size) throw new RangeError(`gather: index ${k} is out of range for dimension ${axis} of size ${size}`);
    }
    run(i, off, n, s, ax);
  });
}

export function gather(x: Data, shape: Shape, axis: number, index: Int32Array, indexShape: Shape, out: Data): void {
  gatherRuns(shape, axis, index, indexShape, (i, off, n, s, ax) => {
    for (let j = 0; j < n; j++) out[i + j] = x[off + j * s + index[i + j] * ax];
  });
}

export function scatterAdd(src: Data, indexShape: Shape, axis: number, index: Int32Array, out: Data, shape: Shape): void {
  gatherRuns(shape, axis, index, indexShape, (i, off, n, s, ax) => {
    for (let j = 0; j < n; j++) out[off + j * s + index[i + j] * ax] += src[i + j];
  });
}

export function indexSelect(x: Data, outer: number, size: number, inner: number, index: Int32Array, out: Data): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      copyRun(x, (o * size + index[j]) * inner, 1, out, (o * m + j) * inner, inner);
    }
  }
}

export function indexAdd(src: Data, outer: number, size: number, inner: number, index: Int32Array, out: Data): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * size + index[j]) * inner;
      const s = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] += src[s + i];
    }
  }
}
