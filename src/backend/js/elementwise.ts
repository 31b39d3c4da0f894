/** Reference elementwise kernels: unary maps and broadcasting binary ops (the maps are the op table's `ref`s). */
import type { BinaryOp, Data, FloatData, Shape, UnaryOp } from '../backend.js';
import { binaryRow, unaryRow } from '../optable.js';
import { broadcastStrides, sameShape, sizeOf } from '../shape.js';

export function unary(op: UnaryOp, x: Data, out: Data): void {
  const f = unaryRow(op).ref;
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
}

export function leakyRelu(x: FloatData, slope: number, out: FloatData): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? x[i] : x[i] * slope;
}

export function clamp(x: Data, lo: number, hi: number, out: Data): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

/**
 * Visits every element of outShape, calling `inner(outOffset, offsets..., count, strides...)`
 * for each run of the innermost dimension. Shared by binary and where.
 */
function forEachRow(
  outShape: Shape,
  strides: number[][],
  inner: (o: number, offs: number[], n: number, innerStrides: number[]) => void,
): void {
  const r = outShape.length;
  const total = sizeOf(outShape);
  if (total === 0) return;
  if (r === 0) {
    inner(0, strides.map(() => 0), 1, strides.map(() => 0));
    return;
  }
  const n = outShape[r - 1];
  const innerStrides = strides.map((s) => s[r - 1]);
  const idx = new Array<number>(r - 1).fill(0);
  const offs = strides.map(() => 0);
  for (let o = 0; o < total; o += n) {
    inner(o, offs, n, innerStrides);
    // advance the outer counter
    for (let d = r - 2; d >= 0; d--) {
      idx[d]++;
      for (let k = 0; k < offs.length; k++) offs[k] += strides[k][d];
      if (idx[d] < outShape[d]) break;
      for (let k = 0; k < offs.length; k++) offs[k] -= strides[k][d] * outShape[d];
      idx[d] = 0;
    }
  }
}

export function binary(op: BinaryOp, a: Data, aShape: Shape, b: Data, bShape: Shape, out: Data, outShape: Shape): void {
  const f: (a: number, b: number) => number = binaryRow(op).ref;
  if (sameShape(aShape, bShape)) {
    for (let i = 0; i < out.length; i++) out[i] = f(a[i], b[i]);
    return;
  }
  if (b.length === 1 && a.length === out.length) {
    const bv = b[0];
    for (let i = 0; i < out.length; i++) out[i] = f(a[i], bv);
    return;
  }
  if (a.length === 1 && b.length === out.length) {
    const av = a[0];
    for (let i = 0; i < out.length; i++) out[i] = f(av, b[i]);
    return;
  }
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  forEachRow(outShape, [sa, sb], (o, offs, n, st) => {
    let ia = offs[0];
    let ib = offs[1];
    const ta = st[0];
    const tb = st[1];
    for (let j = 0; j < n; j++, ia += ta, ib += tb) out[o + j] = f(a[ia], b[ib]);
  });
}

export function where(
  cond: Data, cShape: Shape, a: Data, aShape: Shape, b: Data, bShape: Shape, out: Data, outShape: Shape,
): void {
  const sc = broadcastStrides(cShape, outShape);
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  forEachRow(outShape, [sc, sa, sb], (o, offs, n, st) => {
    let ic = offs[0];
    let ia = offs[1];
    let ib = offs[2];
    for (let j = 0; j < n; j++, ic += st[0], ia += st[1], ib += st[2]) out[o + j] = cond[ic] !== 0 ? a[ia] : b[ib];
  });
}

export function cast(x: Data, out: Data): void {
  // Same type: a plain copy (what clones and gradient copies are).
  if (x.constructor === out.constructor) (out as Float32Array).set(x as Float32Array);
  else if (out instanceof Int32Array) for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]);
  else for (let i = 0; i < x.length; i++) out[i] = x[i];
}

export function fill(out: Data, value: number): void {
  out.fill(value);
}
