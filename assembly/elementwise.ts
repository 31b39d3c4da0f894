/**
 * Elementwise f32 kernels: unary maps, broadcasting binary ops, leaky ReLU and clamp.
 *
 * Flat kernels process whole vectors of 4: the JS arena rounds every buffer up to 64 bytes,
 * so reading or writing past the last element stays inside the buffer's own padding.
 * Broadcasting binary ops arrive with their shapes coalesced to rank 4 (see
 * src/backend/wasm/elementwise.ts) and walk rows of the innermost dimension.
 * Parameter block: ints at params + 4·slot, floats (f64) at params + 128 + 8·slot; op codes and
 * slot numbers are the generated constants of ops.generated.ts (from src/backend/optable.ts).
 */
import { pf, pi } from './params';
import { exp4, log4, sigmoid4, tanh4 } from './math';
import {
  U_NEG, U_EXP, U_LOG, U_SQRT, U_RSQRT, U_ABS, U_SIGN, U_SQUARE, U_RECIPROCAL, U_TANH, U_SIGMOID, U_RELU, U_STEP,
  U_FLOOR, U_CEIL, U_ROUND, U_HARDSWISH,
  B_ADD, B_SUB, B_MUL, B_DIV, B_MAXIMUM, B_MINIMUM, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
  P_UNARY_RANGE_OP, P_UNARY_RANGE_X, P_UNARY_RANGE_OUT,
  P_BINARY_FLAT_OP, P_BINARY_FLAT_A, P_BINARY_FLAT_B, P_BINARY_FLAT_OUT, P_BINARY_FLAT_MODE,
  P_BINARY_ROWS_OP, P_BINARY_ROWS_A, P_BINARY_ROWS_B, P_BINARY_ROWS_OUT, P_BINARY_ROWS_D1, P_BINARY_ROWS_D2, P_BINARY_ROWS_N,
  P_BINARY_ROWS_SA0, P_BINARY_ROWS_SA1, P_BINARY_ROWS_SA2, P_BINARY_ROWS_SA3,
  P_BINARY_ROWS_SB0, P_BINARY_ROWS_SB1, P_BINARY_ROWS_SB2, P_BINARY_ROWS_SB3,
  P_LEAKY_RELU_RANGE_X, P_LEAKY_RELU_RANGE_OUT, PF_LEAKY_RELU_RANGE_SLOPE,
  P_CLAMP_RANGE_X, P_CLAMP_RANGE_OUT, PF_CLAMP_RANGE_LO, PF_CLAMP_RANGE_HI,
} from './ops.generated';

// Op codes and parameter slots: generated from src/backend/optable.ts (npm run gen:ops).

@inline function unaryVec(op: i32, x: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (op) {
    case U_NEG: return f32x4.neg(x);
    case U_EXP: return exp4(x);
    case U_LOG: return log4(x);
    case U_SQRT: return f32x4.sqrt(x);
    case U_RSQRT: return f32x4.div(one, f32x4.sqrt(x));
    case U_ABS: return f32x4.abs(x);
    // sign: 1, −1 or 0 (NaN → 0, as the js kernel does).
    case U_SIGN: return v128.or(v128.and(f32x4.gt(x, zero), one), v128.and(f32x4.lt(x, zero), f32x4.splat(-1)));
    case U_SQUARE: return f32x4.mul(x, x);
    case U_RECIPROCAL: return f32x4.div(one, x);
    case U_TANH: return tanh4(x);
    case U_SIGMOID: return sigmoid4(x);
    // NOTE: relu(NaN) = 0 in the js kernel (x > 0 is false), so mask instead of max.
    case U_RELU: return v128.and(x, f32x4.gt(x, zero));
    case U_STEP: return v128.and(f32x4.gt(x, zero), one);
    case U_FLOOR: return f32x4.floor(x);
    case U_CEIL: return f32x4.ceil(x);
    // nearest rounds half to even, like PyTorch and the js kernel.
    case U_ROUND: return f32x4.nearest(x);
    // hardswish: x for x ≥ 3, 0 for x ≤ −3, else x·(x + 3)/6 (NaN stays NaN, as the reference).
    case U_HARDSWISH: return v128.andnot(
      v128.bitselect(x, f32x4.mul(x, f32x4.div(f32x4.add(x, f32x4.splat(3)), f32x4.splat(6))), f32x4.ge(x, f32x4.splat(3))),
      f32x4.le(x, f32x4.splat(-3)));
  }
  return x;
}

/** out[i] = op(x[i]) for i in [from, to). Ints: op, x, out. */
export function unaryRange(from: i32, to: i32, tid: i32, params: usize): void {
  const op = pi(params, P_UNARY_RANGE_OP);
  const x = <usize>pi(params, P_UNARY_RANGE_X) + (<usize>from << 2);
  const out = <usize>pi(params, P_UNARY_RANGE_OUT) + (<usize>from << 2);
  const end = <usize>(to - from) << 2;
  // NOTE: one loop per op (the switch outside): a switch inside the loop costs more than the op.
  switch (op) {
    case U_EXP: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, exp4(v128.load(x + o))); return;
    case U_LOG: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, log4(v128.load(x + o))); return;
    case U_TANH: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, tanh4(v128.load(x + o))); return;
    case U_SIGMOID: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, sigmoid4(v128.load(x + o))); return;
    case U_RELU: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, unaryVec(U_RELU, v128.load(x + o))); return;
    case U_STEP: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, unaryVec(U_STEP, v128.load(x + o))); return;
    case U_SQUARE: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, unaryVec(U_SQUARE, v128.load(x + o))); return;
    case U_NEG: for (let o: usize = 0; o < end; o += 16) v128.store(out + o, unaryVec(U_NEG, v128.load(x + o))); return;
  }
  for (let o: usize = 0; o < end; o += 16) v128.store(out + o, unaryVec(op, v128.load(x + o)));
}


@inline function binaryVec(op: i32, a: v128, b: v128): v128 {
  const one = f32x4.splat(1);
  switch (op) {
    case B_ADD: return f32x4.add(a, b);
    case B_SUB: return f32x4.sub(a, b);
    case B_MUL: return f32x4.mul(a, b);
    case B_DIV: return f32x4.div(a, b);
    // NOTE: as the js kernel: a > b or a is NaN → a, else b (so NaN in either propagates).
    case B_MAXIMUM: return v128.bitselect(a, b, v128.or(f32x4.gt(a, b), f32x4.ne(a, a)));
    case B_MINIMUM: return v128.bitselect(a, b, v128.or(f32x4.lt(a, b), f32x4.ne(a, a)));
    case B_EQ: return v128.and(f32x4.eq(a, b), one);
    case B_NE: return v128.and(f32x4.ne(a, b), one);
    case B_LT: return v128.and(f32x4.lt(a, b), one);
    case B_LE: return v128.and(f32x4.le(a, b), one);
    case B_GT: return v128.and(f32x4.gt(a, b), one);
    case B_GE: return v128.and(f32x4.ge(a, b), one);
  }
  return a;
}

/**
 * Flat binary op over [from, to): ints op, a, b, out, mode (0: both full, 1: b scalar,
 * 2: a scalar).
 */
export function binaryFlat(from: i32, to: i32, tid: i32, params: usize): void {
  const op = pi(params, P_BINARY_FLAT_OP);
  const a = <usize>pi(params, P_BINARY_FLAT_A);
  const b = <usize>pi(params, P_BINARY_FLAT_B);
  const out = <usize>pi(params, P_BINARY_FLAT_OUT);
  const mode = pi(params, P_BINARY_FLAT_MODE);
  if (mode == 0) {
    if (op == B_ADD) {
      for (let i = from; i < to; i += 4) { const o = <usize>i << 2; v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o))); }
    } else if (op == B_MUL) {
      for (let i = from; i < to; i += 4) { const o = <usize>i << 2; v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o))); }
    } else {
      for (let i = from; i < to; i += 4) { const o = <usize>i << 2; v128.store(out + o, binaryVec(op, v128.load(a + o), v128.load(b + o))); }
    }
  } else if (mode == 1) {
    const bv = v128.load32_splat(b);
    for (let i = from; i < to; i += 4) { const o = <usize>i << 2; v128.store(out + o, binaryVec(op, v128.load(a + o), bv)); }
  } else {
    const av = v128.load32_splat(a);
    for (let i = from; i < to; i += 4) { const o = <usize>i << 2; v128.store(out + o, binaryVec(op, av, v128.load(b + o))); }
  }
}

/** One row of n outputs from a and b read with element strides sa, sb (0 or 1 are vectorised). */
@inline function binaryRow(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  let j = 0;
  if (sa == 1 && sb == 1) {
    if (op == B_ADD) {
      for (; j + 4 <= n; j += 4) { const o = <usize>j << 2; v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o))); }
    } else if (op == B_MUL) {
      for (; j + 4 <= n; j += 4) { const o = <usize>j << 2; v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o))); }
    } else {
      for (; j + 4 <= n; j += 4) { const o = <usize>j << 2; v128.store(out + o, binaryVec(op, v128.load(a + o), v128.load(b + o))); }
    }
  } else if (sa == 1 && sb == 0) {
    const bv = v128.load32_splat(b);
    for (; j + 4 <= n; j += 4) { const o = <usize>j << 2; v128.store(out + o, binaryVec(op, v128.load(a + o), bv)); }
  } else if (sa == 0 && sb == 1) {
    const av = v128.load32_splat(a);
    for (; j + 4 <= n; j += 4) { const o = <usize>j << 2; v128.store(out + o, binaryVec(op, av, v128.load(b + o))); }
  }
  for (; j < n; j++) {
    const va = v128.load32_splat(a + (<usize>(j * sa) << 2));
    const vb = v128.load32_splat(b + (<usize>(j * sb) << 2));
    store<f32>(out + (<usize>j << 2), f32x4.extract_lane(binaryVec(op, va, vb), 0));
  }
}

/**
 * Broadcasting binary op on rows [from, to) of a rank-4 problem. Ints: op, a, b, out,
 * shape[4] (slots 4..7), strides of a (8..11) and b (12..15) in elements (0 = broadcast).
 */
export function binaryRows(from: i32, to: i32, tid: i32, params: usize): void {
  const op = pi(params, P_BINARY_ROWS_OP);
  const a = <usize>pi(params, P_BINARY_ROWS_A);
  const b = <usize>pi(params, P_BINARY_ROWS_B);
  const out = <usize>pi(params, P_BINARY_ROWS_OUT);
  const d1 = pi(params, P_BINARY_ROWS_D1), d2 = pi(params, P_BINARY_ROWS_D2), n = pi(params, P_BINARY_ROWS_N);
  const sa0 = pi(params, P_BINARY_ROWS_SA0), sa1 = pi(params, P_BINARY_ROWS_SA1), sa2 = pi(params, P_BINARY_ROWS_SA2), sa3 = pi(params, P_BINARY_ROWS_SA3);
  const sb0 = pi(params, P_BINARY_ROWS_SB0), sb1 = pi(params, P_BINARY_ROWS_SB1), sb2 = pi(params, P_BINARY_ROWS_SB2), sb3 = pi(params, P_BINARY_ROWS_SB3);
  for (let r = from; r < to; r++) {
    const i2 = r % d2;
    const q = r / d2;
    const i1 = q % d1;
    const i0 = q / d1;
    const oa = i0 * sa0 + i1 * sa1 + i2 * sa2;
    const ob = i0 * sb0 + i1 * sb1 + i2 * sb2;
    binaryRow(op, a + (<usize>oa << 2), sa3, b + (<usize>ob << 2), sb3, out + (<usize>(r * n) << 2), n);
  }
}

/** out = x > 0 ? x : x·slope over [from, to). Ints: x, out; floats: slope. */
export function leakyReluRange(from: i32, to: i32, tid: i32, params: usize): void {
  const x = <usize>pi(params, P_LEAKY_RELU_RANGE_X);
  const out = <usize>pi(params, P_LEAKY_RELU_RANGE_OUT);
  const slope = f32x4.splat(pf(params, PF_LEAKY_RELU_RANGE_SLOPE));
  const zero = f32x4.splat(0);
  for (let i = from; i < to; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    v128.store(out + o, v128.bitselect(v, f32x4.mul(v, slope), f32x4.gt(v, zero)));
  }
}

/** out = v < lo ? lo : v > hi ? hi : v over [from, to) (NaN stays NaN). Ints: x, out; floats: lo, hi. */
export function clampRange(from: i32, to: i32, tid: i32, params: usize): void {
  const x = <usize>pi(params, P_CLAMP_RANGE_X);
  const out = <usize>pi(params, P_CLAMP_RANGE_OUT);
  const lo = f32x4.splat(pf(params, PF_CLAMP_RANGE_LO));
  const hi = f32x4.splat(pf(params, PF_CLAMP_RANGE_HI));
  for (let i = from; i < to; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const r = v128.bitselect(lo, v, f32x4.lt(v, lo));
    v128.store(out + o, v128.bitselect(hi, r, f32x4.gt(v, hi)));
  }
}
