/// <reference types="@webgpu/types" />
/**
 * Data movement in WGSL: permute and strided slices (one strided-copy kernel), sliceAdd,
 * gather / scatterAdd, indexSelect / indexAdd. Copies move 32-bit words, so they serve float32
 * and int32 alike. The accumulating adjoints are deterministic: scatterAdd and indexAdd visit, per
 * output element, its sources in index order (no atomics), so the sums do not depend on thread
 * timing; indexAdd takes a CSR list of the sources of each row (built by the caller from the
 * index) so that its cost is linear in the index length.
 */
import { coalesce } from '../../shape.js';
import type { GpuRun } from '../run.js';
import { type GArr, arr, launch, main1d, metaDecl, prod, strides } from './common.js';

/** out[i] = x[base + Σ idx_d·st_d] over outShape (words copied as u32). */
function stridedCopy(run: GpuRun, x: GArr, base: number, outShape: readonly number[], st: readonly number[], out: GArr): void {
  const n = prod(outShape);
  if (n === 0) return;
  const c = coalesce(outShape, [st]);
  const rank = c.shape.length;
  const wgsl = `${arr(0, 'x', 'u32')} ${arr(1, 'o', 'u32', true)} ${metaDecl(2)}
${main1d(`  var off: i32 = m[1];
  var rest: i32 = i32(i);
  for (var d: i32 = ${rank} - 1; d >= 0; d--) { let s = m[3 + d]; off += (rest % s) * m[3 + ${rank} + d]; rest = rest / s; }
  o[i] = x[off];`)}`;
  launch(run, wgsl, [x.buf, out.buf], [n, base, rank, ...c.shape, ...c.strides[0]], n);
}

export function permute(run: GpuRun, x: GArr, shape: readonly number[], perm: readonly number[], out: GArr): void {
  const st = strides(shape);
  stridedCopy(run, x, 0, perm.map((p) => shape[p]), perm.map((p) => st[p]), out);
}

function sliceGeometry(shape: readonly number[], begin: readonly number[], step: readonly number[]): { base: number; st: number[] } {
  const st = strides(shape);
  let base = 0;
  for (let d = 0; d < shape.length; d++) base += begin[d] * st[d];
  return { base, st: st.map((s, d) => s * step[d]) };
}

export function sliceCopy(run: GpuRun, x: GArr, shape: readonly number[], begin: readonly number[], step: readonly number[],
  out: GArr, outShape: readonly number[]): void {
  const { base, st } = sliceGeometry(shape, begin, step);
  stridedCopy(run, x, base, outShape, st, out);
}

export function sliceAdd(run: GpuRun, src: GArr, srcShape: readonly number[], out: GArr, outShape: readonly number[],
  begin: readonly number[], step: readonly number[]): void {
  const n = prod(srcShape);
  if (n === 0) return;
  const { base, st } = sliceGeometry(outShape, begin, step);
  const c = coalesce(srcShape, [st]);
  const rank = c.shape.length;
  const t = out.dtype;
  const wgsl = `${arr(0, 's', src.dtype)} ${arr(1, 'o', t, true)} ${metaDecl(2)}
${main1d(`  var off: i32 = m[1];
  var rest: i32 = i32(i);
  for (var d: i32 = ${rank} - 1; d >= 0; d--) { let s = m[3 + d]; off += (rest % s) * m[3 + ${rank} + d]; rest = rest / s; }
  o[off] = o[off] + ${t}(s[i]);`)}`;
  launch(run, wgsl, [src.buf, out.buf], [n, base, rank, ...c.shape, ...c.strides[0]], n);
}

/**
 * Meta words of a gather walk over indexShape: [n, rank, axis, axisSize, axisStride,
 * indexDims…, xStrides (axis stride 0)…].
 */
function gatherWords(shape: readonly number[], axis: number, indexShape: readonly number[]): number[] {
  const st = strides(shape);
  const ws = st.map((s, d) => (d === axis ? 0 : s));
  return [prod(indexShape), indexShape.length, axis, shape[axis], st[axis], ...indexShape, ...ws];
}

export function gather(run: GpuRun, x: GArr, shape: readonly number[], axis: number, index: GArr, indexShape: readonly number[], out: GArr): void {
  const words = gatherWords(shape, axis, indexShape);
  const r = indexShape.length;
  const wgsl = `${arr(0, 'x', 'u32')} ${arr(1, 'ix', 'i32')} ${arr(2, 'o', 'u32', true)} ${metaDecl(3)}
${main1d(`  var off: i32 = 0;
  var rest: i32 = i32(i);
  for (var d: i32 = ${r} - 1; d >= 0; d--) { let s = m[5 + d]; off += (rest % s) * m[5 + ${r} + d]; rest = rest / s; }
  let k = clamp(ix[i], 0, m[3] - 1);
  o[i] = x[off + k * m[4]];`)}`;
  launch(run, wgsl, [x.buf, index.buf, out.buf], words, words[0]);
}

export function scatterAdd(run: GpuRun, src: GArr, indexShape: readonly number[], axis: number, index: GArr, out: GArr,
  shape: readonly number[]): void {
  const n = prod(shape);
  if (n === 0 || prod(indexShape) === 0) return;
  const r = shape.length;
  const ist = strides(indexShape);
  // words: [n, rank, axis, indexAxisSize, indexAxisStride, outDims…, indexDims…, indexStrides…]
  const words = [n, r, axis, indexShape[axis], ist[axis], ...shape, ...indexShape, ...ist];
  const t = out.dtype;
  const wgsl = `${arr(0, 's', src.dtype)} ${arr(1, 'ix', 'i32')} ${arr(2, 'o', t, true)} ${metaDecl(3)}
${main1d(`  var ioff: i32 = 0;
  var rest: i32 = i32(i);
  var tgt: i32 = 0;
  var inside = true;
  for (var d: i32 = ${r} - 1; d >= 0; d--) {
    let s = m[5 + d]; let c = rest % s; rest = rest / s;
    if (d == m[2]) { tgt = c; } else {
      if (c >= m[5 + ${r} + d]) { inside = false; }
      ioff += c * m[5 + 2 * ${r} + d];
    }
  }
  if (!inside) { return; }
  var acc: ${t} = o[i];
  for (var j: i32 = 0; j < m[3]; j++) {
    let at = ioff + j * m[4];
    if (ix[at] == tgt) { acc = acc + ${t}(s[at]); }
  }
  o[i] = acc;`)}`;
  launch(run, wgsl, [src.buf, index.buf, out.buf], words, n);
}

export function indexSelect(run: GpuRun, x: GArr, outer: number, size: number, inner: number, index: GArr, out: GArr): void {
  const mlen = index.length;
  const n = outer * mlen * inner;
  const wgsl = `${arr(0, 'x', 'u32')} ${arr(1, 'ix', 'i32')} ${arr(2, 'o', 'u32', true)} ${metaDecl(3)}
${main1d(`  let inner = m[3]; let ml = m[2]; let size = m[1];
  let ii = i32(i) % inner; let j = (i32(i) / inner) % ml; let oo = i32(i) / (inner * ml);
  let k = clamp(ix[j], 0, size - 1);
  o[i] = x[(oo * size + k) * inner + ii];`)}`;
  launch(run, wgsl, [x.buf, index.buf, out.buf], [n, size, mlen, inner], n);
}

/**
 * Adjoint of indexSelect, deterministic: `starts` [size+1] and `order` [index length] list, per
 * row r of out, the positions j with index[j] = r in increasing order (CSR).
 */
export function indexAdd(run: GpuRun, src: GArr, outer: number, size: number, inner: number, mlen: number, starts: GArr, order: GArr,
  out: GArr): void {
  const n = outer * size * inner;
  if (n === 0 || mlen === 0) return;
  const t = out.dtype;
  const wgsl = `${arr(0, 's', src.dtype)} ${arr(1, 'st', 'i32')} ${arr(2, 'ord', 'i32')} ${arr(3, 'o', t, true)} ${metaDecl(4)}
${main1d(`  let inner = m[3]; let ml = m[2]; let size = m[1];
  let ii = i32(i) % inner; let r = (i32(i) / inner) % size; let oo = i32(i) / (inner * size);
  var acc: ${t} = o[i];
  for (var q: i32 = st[r]; q < st[r + 1]; q++) { acc = acc + ${t}(s[(oo * ml + ord[q]) * inner + ii]); }
  o[i] = acc;`)}`;
  launch(run, wgsl, [src.buf, starts.buf, order.buf, out.buf], [n, size, mlen, inner], n);
}

/** The CSR lists indexAdd takes, from the index values (entries outside [0, size) are dropped). */
export function indexCsr(index: Int32Array, size: number): { starts: Int32Array; order: Int32Array } {
  const starts = new Int32Array(size + 1);
  for (const k of index) if (k >= 0 && k < size) starts[k + 1]++;
  for (let r = 0; r < size; r++) starts[r + 1] += starts[r];
  const fillAt = starts.slice(0, size);
  const order = new Int32Array(Math.max(1, starts[size]));
  index.forEach((k, j) => { if (k >= 0 && k < size) order[fillAt[k]++] = j; });
  return { starts, order };
}
