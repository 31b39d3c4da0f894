/**
 * Shape arithmetic shared by every layer: sizes, row-major strides, NumPy broadcasting.
 * Pure functions over number lists; no data is touched here.
 */
import type { Shape } from './backend.js';

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous array of this shape. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function shapeStr(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The broadcast of several shapes, or null when they do not broadcast. */
export function tryBroadcastShapes(...shapes: Shape[]): number[] | null {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else return null;
    }
  }
  return out;
}

/**
 * Strides for reading an array of `shape` as if it had `outShape` (broadcast): a repeated
 * dimension gets stride 0. The result has outShape's rank.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const st = stridesOf(shape);
  const r = outShape.length;
  const out = new Array<number>(r).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const o = r - shape.length + i;
    out[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : st[i];
  }
  return out;
}

/** Normalizes a possibly negative axis; throws a named error when out of range. */
export function normAxis(axis: number, rank: number, op: string): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(axis) || axis < -r || axis >= r) {
    throw new RangeError(`${op}: dimension ${axis} is out of range for a tensor of rank ${rank} (expected -${r}..${r - 1})`);
  }
  return axis < 0 ? axis + r : axis;
}

/**
 * Merges adjacent dims that every operand walks contiguously (s[d] = s[d+1]·size[d+1]) and
 * drops size-1 dims. Returns the sizes and one stride list per operand (element strides, any
 * operand may be strided or broadcast). A walk over the result visits the same offsets, in the
 * same order, as a walk over the original dims.
 */
export function coalesce(shape: Shape, strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, i) => outStrides[i][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, i) => { outStrides[i][last] = s[d]; });
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, i) => outStrides[i].push(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}
