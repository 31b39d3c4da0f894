/**
 * Reference data-movement kernels: permute, strided slices, gather / scatter, index select.
 * Plain loops over a row-major counter; the tuned versions (coalesced runs, block copies) live in
 * backend/strided.ts for the backends that use them.
 */
import type { Data, Shape } from '../backend.js';
import { sizeOf, stridesOf } from '../shape.js';

/** Calls f(i, off) for every element i (row-major) of `shape`, off = base + Σ idx[d]·strides[d]. */
function walk(shape: Shape, strides: readonly number[], base: number, f: (i: number, off: number) => void): void {
  const total = sizeOf(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < total; i++) {
    let off = base;
    for (let d = 0; d < shape.length; d++) off += idx[d] * strides[d];
    f(i, off);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

export function permute(x: Data, shape: Shape, perm: readonly number[], out: Data): void {
  const st = stridesOf(shape);
  walk(perm.map((p) => shape[p]), perm.map((p) => st[p]), 0, (i, off) => { out[i] = x[off]; });
}

function sliceGeometry(shape: Shape, begin: readonly number[], step: readonly number[]): { base: number; strides: number[] } {
  const st = stridesOf(shape);
  let base = 0;
  for (let d = 0; d < shape.length; d++) base += begin[d] * st[d];
  return { base, strides: st.map((s, d) => s * step[d]) };
}

export function sliceCopy(x: Data, shape: Shape, begin: readonly number[], step: readonly number[], out: Data, outShape: Shape): void {
  const { base, strides } = sliceGeometry(shape, begin, step);
  walk(outShape, strides, base, (i, off) => { out[i] = x[off]; });
}

export function sliceAdd(src: Data, srcShape: Shape, out: Data, outShape: Shape, begin: readonly number[], step: readonly number[]): void {
  const { base, strides } = sliceGeometry(outShape, begin, step);
  walk(srcShape, strides, base, (i, off) => { out[off] += src[i]; });
}

/** Offset in an array of `shape` of index element i with the axis coordinate replaced by index[i] (checked). */
function gatherWalk(shape: Shape, axis: number, index: Int32Array, indexShape: Shape, f: (i: number, off: number) => void): void {
  const st = stridesOf(shape);
  const walkStrides = st.slice();
  walkStrides[axis] = 0;
  const size = shape[axis];
  walk(indexShape, walkStrides, 0, (i, off) => {
    const k = index[i];
    if (k < 0 || k >= size) throw new RangeError(`gather: index ${k} is out of range for dimension ${axis} of size ${size}`);
    f(i, off + k * st[axis]);
  });
}

export function gather(x: Data, shape: Shape, axis: number, index: Int32Array, indexShape: Shape, out: Data): void {
  gatherWalk(shape, axis, index, indexShape, (i, off) => { out[i] = x[off]; });
}

export function scatterAdd(src: Data, indexShape: Shape, axis: number, index: Int32Array, out: Data, shape: Shape): void {
  gatherWalk(shape, axis, index, indexShape, (i, off) => { out[off] += src[i]; });
}

export function indexSelect(x: Data, outer: number, size: number, inner: number, index: Int32Array, out: Data): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++) out[(o * m + j) * inner + i] = x[(o * size + index[j]) * inner + i];
    }
  }
}

export function indexAdd(src: Data, outer: number, size: number, inner: number, index: Int32Array, out: Data): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++) out[(o * size + index[j]) * inner + i] += src[(o * m + j) * inner + i];
    }
  }
}
