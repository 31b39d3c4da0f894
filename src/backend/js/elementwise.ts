/** Reference elementwise kernels: unary maps and broadcasting binary ops. */
import type { BinaryOp, Data, FloatData, Shape, UnaryOp } from '../backend.js';
import { broadcastStrides, sameShape, sizeOf } from '../shape.js';

// NOTE: erf has no Math builtin; Abramowitz–Stegun 7.1.26 is only 1e-7 accurate, so we use
// the series / continued-fraction pair from Numerical Recipes' erfc (relative error < 1.2e-7)
// evaluated in double precision, which is below float32's resolution.
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  tanh: Math.tanh,
  // NOTE: split by sign so exp never overflows.
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x > 0 ? x : 0),
  step: (x) => (x > 0 ? 1 : 0),
  sin: Math.sin,
  cos: Math.cos,
  floor: Math.floor,
  ceil: Math.ceil,
  // NOTE: PyTorch rounds half to even.
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  log1p: Math.log1p,
  expm1: Math.expm1,
  // softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for large |x|.
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  logSigmoid: (x) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))),
  erf,
};

export function unary(op: UnaryOp, x: Data, out: Data): void {
  const f = UNARY[op];
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

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a > b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a < b || Number.isNaN(a) ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

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
  const f = BINARY[op];
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
  if (out instanceof Int32Array) for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]);
  else for (let i = 0; i < x.length; i++) out[i] = x[i];
}

export function fill(out: Data, value: number): void {
  out.fill(value);
}
