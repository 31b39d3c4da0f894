/// <reference types="@webgpu/types" />
/**
 * Elementwise primitives in WGSL: every row of the op table (unary and binary, with NumPy
 * broadcasting over any rank), where, clamp, leakyRelu, cast and fill. Values are computed in
 * f32 (int32 arrays convert on load and truncate on store, as the js reference's typed-array
 * stores do, exactly for |x| < 2²⁴), except add / sub / mul / maximum / minimum between int32
 * arrays, which stay in i32.
 */
import type { BinaryOp, UnaryOp } from '../../optable.js';
import { coalesce } from '../../shape.js';
import type { GpuRun } from '../run.js';
import { type GArr, type GType, arr, fw, isNanFn, launch, main1d, metaDecl, strides } from './common.js';

/** f32 helpers the unary and binary expressions use. */
const MATH = `${isNanFn}
// log / sqrt with IEEE results off their domain (drivers may return anything there).
fn log_(x: f32) -> f32 { if (x < 0.0 || isnan_(x)) { return nan_(); } if (x == 0.0) { return -inf_(); } return log(x); }
fn sqrt_(x: f32) -> f32 { if (x < 0.0) { return nan_(); } return sqrt(x); }
fn log1p_(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u < 0.0 || isnan_(x)) { return nan_(); }
  if (u == 0.0) { return -inf_(); }
  if (u == 1.0) { return x; }
  return log(u) * x / (u - 1.0);
}
fn expm1_(x: f32) -> f32 {
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  let u = exp(x); if (u == 1.0) { return x; } let um = u - 1.0; if (um == -1.0) { return -1.0; }
  return um * x / log(u);
}
fn tanh_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let a = abs(x);
  if (a < 0.0005) { return x; }
  let e = exp(-2.0 * min(a, 40.0));
  let t = (1.0 - e) / (1.0 + e);
  return select(t, -t, x < 0.0);
}
fn sigmoid_(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x); return e / (1.0 + e);
}
fn erf_(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}
// sin / cos to float32 accuracy (Vulkan only asks 2⁻¹¹ absolute of the builtins): the argument
// reduced by multiples of π/2 (π/2 in three parts, Cody–Waite) and Cephes' minimax polynomials.
fn sincos_(x: f32, wantCos: bool) -> f32 {
  let j = round(x * 0.6366197723675814);
  let r = ((x - j * 1.5703125) - j * 4.837512969970703125e-4) - j * 7.54978995489188216e-8;
  let z = r * r;
  let s = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  var q = i32(j) & 3;
  if (wantCos) { q = (q + 1) & 3; }
  if (q == 0) { return s; }
  if (q == 1) { return c; }
  if (q == 2) { return -s; }
  return -c;
}
fn pow_(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isnan_(a) || isnan_(b)) { return nan_(); }
  if (a == 0.0) { if (b > 0.0) { return 0.0; } return inf_(); }
  let r = exp2(b * log2(abs(a)));
  if (a > 0.0) { return r; }
  if (floor(b) != b) { return nan_(); }
  let odd = abs(b) < 16777216.0 && (i32(b) & 1) == 1;
  return select(r, -r, odd);
}`;

const UNARY: Record<UnaryOp, string> = {
  neg: '-x', exp: 'exp(x)', log: 'log_(x)', sqrt: 'sqrt_(x)', rsqrt: '1.0 / sqrt_(x)', abs: 'abs(x)',
  sign: 'select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0)', square: 'x * x', reciprocal: '1.0 / x', tanh: 'tanh_(x)',
  sigmoid: 'sigmoid_(x)', relu: 'select(0.0, x, x > 0.0)', step: 'select(0.0, 1.0, x > 0.0)', floor: 'floor(x)', ceil: 'ceil(x)',
  round: 'round(x)', sin: 'sincos_(x, false)', cos: 'sincos_(x, true)', log1p: 'log1p_(x)', expm1: 'expm1_(x)',
  softplus: 'max(x, 0.0) + log1p_(exp(-abs(x)))', logSigmoid: 'min(x, 0.0) - log1p_(exp(-abs(x)))', erf: 'erf_(x)',
  hardswish: 'select(select(x * (x + 3.0) / 6.0, x, x >= 3.0), 0.0, x <= -3.0)',
};

const BINARY: Record<BinaryOp, string> = {
  add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b',
  maximum: 'select(b, a, a > b || isnan_(a))', minimum: 'select(b, a, a < b || isnan_(a))',
  eq: 'select(0.0, 1.0, a == b)', ne: 'select(0.0, 1.0, a != b)', lt: 'select(0.0, 1.0, a < b)', le: 'select(0.0, 1.0, a <= b)',
  gt: 'select(0.0, 1.0, a > b)', ge: 'select(0.0, 1.0, a >= b)', pow: 'pow_(a, b)',
};
const INT_BINARY: Partial<Record<BinaryOp, string>> = {
  add: 'a + b', sub: 'a - b', mul: 'a * b', maximum: 'max(a, b)', minimum: 'min(a, b)',
};

/** A float result stored into an array of type t (int32: truncation toward zero, NaN → 0). */
function store(t: GType, v: string): string {
  return t === 'f32' ? v : `to_i32(${v})`;
}
const TO_I32 = `fn to_i32(v: f32) -> i32 { if (isnan_(v) || abs(v) >= 2147483648.0) { return 0; } return i32(v); }`;

export function unary(run: GpuRun, op: UnaryOp, x: GArr, out: GArr): void {
  const wgsl = `${arr(0, 'x', x.dtype)} ${arr(1, 'o', out.dtype, true)} ${metaDecl(2)}
${MATH} ${TO_I32}
fn f(x: f32) -> f32 { return ${UNARY[op]}; }
${main1d(`  o[i] = ${store(out.dtype, 'f(f32(x[i]))')};`)}`;
  launch(run, wgsl, [x.buf, out.buf], [out.length], out.length);
}

export function leakyRelu(run: GpuRun, x: GArr, slope: number, out: GArr): void {
  const wgsl = `${arr(0, 'x', 'f32')} ${arr(1, 'o', 'f32', true)} ${metaDecl(2)}
${main1d(`  let v = x[i]; o[i] = select(v * bitcast<f32>(m[1]), v, v > 0.0);`)}`;
  launch(run, wgsl, [x.buf, out.buf], [out.length, fw(slope)], out.length);
}

export function clamp(run: GpuRun, x: GArr, lo: number, hi: number, out: GArr): void {
  const t = x.dtype;
  const loW = t === 'f32' ? fw(lo) : Math.max(-2147483648, Math.min(2147483647, Math.ceil(lo)));
  const hiW = t === 'f32' ? fw(hi) : Math.max(-2147483648, Math.min(2147483647, Math.floor(hi)));
  const cv = t === 'f32' ? 'bitcast<f32>(m[1])' : 'm[1]';
  const hv = t === 'f32' ? 'bitcast<f32>(m[2])' : 'm[2]';
  const wgsl = `${arr(0, 'x', t)} ${arr(1, 'o', out.dtype, true)} ${metaDecl(2)}
${main1d(`  let v = x[i]; let lo = ${cv}; let hi = ${hv};
  o[i] = ${out.dtype}(select(select(v, hi, v > hi), lo, v < lo));`)}`;
  launch(run, wgsl, [x.buf, out.buf], [out.length, loW, hiW], out.length);
}

/** Broadcast strides of `shape` against `outShape` (0 where a dim repeats). */
function bstrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const st = strides(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, d) => (d < off || shape[d - off] === 1 ? 0 : st[d - off]));
}

/** Meta words of a broadcast walk: [n, rank, dims…, strides of operand 0…, strides of operand 1…]. */
function walkWords(outShape: readonly number[], shapes: readonly (readonly number[])[]): { words: number[]; rank: number } {
  const c = coalesce(outShape, shapes.map((s) => bstrides(s, outShape)));
  const rank = c.shape.length;
  const n = outShape.reduce((a, b) => a * b, 1);
  return { words: [n, rank, ...c.shape, ...c.strides.flat()], rank };
}

function walkBody(rank: number, operands: number): string {
  const s = Array.from({ length: operands }, (_, k) => 2 + rank * (k + 1));
  const decl = s.map((_, k) => `var off${k}: i32 = 0;`).join(' ');
  const adds = s.map((at, k) => `off${k} += c * m[${at} + d];`).join(' ');
  return `${decl}
  var rest: i32 = i32(i);
  for (var d: i32 = ${rank} - 1; d >= 0; d--) {
    let size = m[2 + d];
    let c = rest % size;
    rest = rest / size;
    ${adds}
  }`;
}

export function binary(run: GpuRun, op: BinaryOp, a: GArr, aShape: readonly number[], b: GArr, bShape: readonly number[],
  out: GArr, outShape: readonly number[]): void {
  const { words, rank } = walkWords(outShape, [aShape, bShape]);
  const ints = a.dtype === 'i32' && b.dtype === 'i32' && out.dtype === 'i32' && INT_BINARY[op] !== undefined;
  const expr = ints ? `${INT_BINARY[op]}` : store(out.dtype, `f(f32(a[off0]), f32(b[off1]))`);
  const fn = ints ? `fn g(a: i32, b: i32) -> i32 { return ${INT_BINARY[op]}; }` : `fn f(a: f32, b: f32) -> f32 { return ${BINARY[op]}; }`;
  const body = ints ? `  o[i] = g(a[off0], b[off1]);` : `  o[i] = ${expr};`;
  const wgsl = `${arr(0, 'a', a.dtype)} ${arr(1, 'b', b.dtype)} ${arr(2, 'o', out.dtype, true)} ${metaDecl(3)}
${MATH} ${TO_I32}
${fn}
${main1d(`  ${walkBody(rank, 2)}
${body}`)}`;
  launch(run, wgsl, [a.buf, b.buf, out.buf], words, out.length);
}

export function where(run: GpuRun, cond: GArr, cShape: readonly number[], a: GArr, aShape: readonly number[], b: GArr,
  bShape: readonly number[], out: GArr, outShape: readonly number[]): void {
  const { words, rank } = walkWords(outShape, [cShape, aShape, bShape]);
  const t = out.dtype;
  const wgsl = `${arr(0, 'c', cond.dtype)} ${arr(1, 'a', a.dtype)} ${arr(2, 'b', b.dtype)} ${arr(3, 'o', t, true)} ${metaDecl(4)}
${main1d(`  ${walkBody(rank, 3)}
  o[i] = select(${t}(b[off2]), ${t}(a[off1]), c[off0] != ${cond.dtype}(0));`)}`;
  launch(run, wgsl, [cond.buf, a.buf, b.buf, out.buf], words, out.length);
}

export function cast(run: GpuRun, x: GArr, out: GArr): void {
  const v = out.dtype === 'i32' && x.dtype === 'f32' ? 'to_i32(x[i])' : `${out.dtype}(x[i])`;
  const wgsl = `${arr(0, 'x', x.dtype)} ${arr(1, 'o', out.dtype, true)} ${metaDecl(2)}
${isNanFn} ${TO_I32}
${main1d(`  o[i] = ${v};`)}`;
  launch(run, wgsl, [x.buf, out.buf], [out.length], out.length);
}

export function fill(run: GpuRun, out: GArr, value: number): void {
  const w = out.dtype === 'f32' ? fw(value) : value | 0;
  const wgsl = `${arr(0, 'o', 'i32', true)} ${metaDecl(1)}
${main1d(`  o[i] = m[1];`)}`;
  launch(run, wgsl, [out.buf], [out.length, w], out.length);
}
