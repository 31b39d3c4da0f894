/**
 * f32 reductions (sum, max, min) of x viewed as [outer, n, inner] over the middle axis; the JS
 * side coalesces any contiguous block of reduced axes into that form.
 *   reduceRows: inner = 1, rows [from, to) of length n (e.g. sum over the last axis);
 *   reduceCols: inner > 1, outputs [from, to) of the flattened [outer, inner] result
 *               (e.g. sum over axis 0 for a bias gradient), vectorised across inner.
 * max/min propagate NaN as the js kernel does.
 */
import { pi } from './params';


const R_SUM = 0, R_MAX = 1, R_MIN = 2;

@inline function combine(op: i32, acc: v128, v: v128): v128 {
  if (op == R_SUM) return f32x4.add(acc, v);
  // NOTE: f32x4.max/min return NaN when either lane is NaN, matching the js kernel.
  if (op == R_MAX) return f32x4.max(acc, v);
  return f32x4.min(acc, v);
}

@inline function initOf(op: i32): f32 {
  return op == R_SUM ? 0 : op == R_MAX ? -Infinity : Infinity;
}

@inline function combineScalar(op: i32, acc: f32, v: f32): f32 {
  if (op == R_SUM) return acc + v;
  if (isNaN(acc) || isNaN(v)) return NaN;
  return op == R_MAX ? max(acc, v) : min(acc, v);
}

/** Ints: op, x, out, n. */
export function reduceRows(from: i32, to: i32, tid: i32, params: usize): void {
  const op = pi(params, 0);
  const x = <usize>pi(params, 1);
  const out = <usize>pi(params, 2);
  const n = pi(params, 3);
  const init = f32x4.splat(initOf(op));
  for (let r = from; r < to; r++) {
    const row = x + (<usize>r * <usize>n << 2);
    let a0 = init, a1 = init;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      a0 = combine(op, a0, v128.load(row + (<usize>j << 2)));
      a1 = combine(op, a1, v128.load(row + (<usize>j << 2), 16));
    }
    for (; j + 4 <= n; j += 4) a0 = combine(op, a0, v128.load(row + (<usize>j << 2)));
    const v = combine(op, a0, a1);
    let acc = combineScalar(op, combineScalar(op, f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
      combineScalar(op, f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
    for (; j < n; j++) acc = combineScalar(op, acc, load<f32>(row + (<usize>j << 2)));
    store<f32>(out + (<usize>r << 2), acc);
  }
}

/** Ints: op, x, out, n, inner. Output index q = o·inner + i. */
export function reduceCols(from: i32, to: i32, tid: i32, params: usize): void {
  const op = pi(params, 0);
  const x = <usize>pi(params, 1);
  const out = <usize>pi(params, 2);
  const n = pi(params, 3);
  const inner = pi(params, 4);
  const init = f32x4.splat(initOf(op));
  const rowBytes = <usize>inner << 2;
  let q = from;
  while (q < to) {
    const o = q / inner;
    const i0 = q - o * inner;
    const i1 = min(inner, i0 + (to - q));
    const base = x + ((<usize>o * <usize>n * <usize>inner) << 2);
    let i = i0;
    for (; i + 16 <= i1; i += 16) {
      let c0 = init, c1 = init, c2 = init, c3 = init;
      let p = base + (<usize>i << 2);
      for (let j = 0; j < n; j++) {
        c0 = combine(op, c0, v128.load(p));
        c1 = combine(op, c1, v128.load(p, 16));
        c2 = combine(op, c2, v128.load(p, 32));
        c3 = combine(op, c3, v128.load(p, 48));
        p += rowBytes;
      }
      const d = out + (<usize>(o * inner + i) << 2);
      v128.store(d, c0); v128.store(d, c1, 16); v128.store(d, c2, 32); v128.store(d, c3, 48);
    }
    for (; i + 4 <= i1; i += 4) {
      let acc = init;
      let p = base + (<usize>i << 2);
      for (let j = 0; j < n; j++) {
        acc = combine(op, acc, v128.load(p));
        p += rowBytes;
      }
      v128.store(out + (<usize>(o * inner + i) << 2), acc);
    }
    for (; i < i1; i++) {
      let acc = initOf(op);
      let p = base + (<usize>i << 2);
      for (let j = 0; j < n; j++) {
        acc = combineScalar(op, acc, load<f32>(p));
        p += rowBytes;
      }
      store<f32>(out + (<usize>(o * inner + i) << 2), acc);
    }
    q += i1 - i0;
  }
}
