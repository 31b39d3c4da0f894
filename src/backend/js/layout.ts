/** Reference data-movement kernels: permute, strided slices, gather / scatter, index select. */
import type { Data, Shape } from '../backend.js';
import { sizeOf, stridesOf } from '../shape.js';

/** Calls f(outIndex, srcOffset) for every element of outShape, src read with `strides` from `base`. */
function walk(outShape: Shape, strides: readonly number[], base: number, f: (i: number, off: number) => void): void {
  const r = outShape.length;
  const total = sizeOf(outShape);
  if (total === 0) return;
  const idx = new Array<number>(r).fill(0);
  let off = base;
  for (let i = 0; i < total; i++) {
    f(i, off);
    for (let d = r - 1; d >= 0; d--) {
      idx[d]++;
      off += strides[d];
      if (idx[d] < outShape[d]) break;
      off -= strides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

export function permute(x: Data, shape: Shape, perm: readonly number[], out: Data): void {
  const st = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const pst = perm.map((p) => st[p]);
  walk(outShape, pst, 0, (i, off) => { out[i] = x[off]; });
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

/** Offsets into an array of `shape` for each element of an index of `indexShape`, along `axis`. */
function gatherWalk(shape: Shape, axis: number, index: Int32Array, indexShape: Shape, f: (i: number, off: number) => void): void {
  const st = stridesOf(shape);
  const ax = st[axis];
  const walkStrides = st.slice();
  walkStrides[axis] = 0;
  const n = shape[axis];
  walk(indexShape, walkStrides, 0, (i, off) => {
    const j = index[i];
    if (j < 0 || j >= n) throw new RangeError(`gather: index ${j} is out of range for dimension ${axis} of size ${n}`);
    f(i, off + j * ax);
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
      const src = (o * size + index[j]) * inner;
      const dst = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = x[src + i];
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
