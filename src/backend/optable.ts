/**
 * The op table: the one place where elementwise ops, their codes and the parameter slots of the
 * elementwise range kernels are declared. Everything else is derived from it:
 * - `UnaryOp` / `BinaryOp` (backend.ts) are the names of these rows;
 * - the js reference kernels (backend/js/elementwise.ts) call each row's `ref`;
 * - the wasm wrapper sends `code` (the row's index) and fills the parameter block in the order
 *   of `SLOTS`; `scripts/gen-ops.mjs` writes the same codes and slots as constants for the
 *   AssemblyScript kernels (assembly/ops.generated.ts) and the C++ kernels
 *   (native/src/ops.generated.h), and test/backend/optable.test.ts fails when they are stale;
 * - the wasm and native kernel tests iterate over these rows, so a new row is tested by them.
 *
 * Adding an elementwise op with a fast kernel: one row here (with `fast` naming the backends
 * that have a kernel for it), the kernel(s) (a `case` in assembly/elementwise.ts and in
 * native/src/elementwise.cc; the WGSL expression in backend/webgpu/kernels/elementwise.ts), one gradient rule (GRAD in autograd/ops/elementwise.ts; the
 * compiler asks for it) and `npm run gen:ops`.
 */

/** Backends whose elementwise kernels have a vector implementation of a row. */
export type FastBackend = 'wasm' | 'native' | 'webgpu';

export interface OpRow<N extends string, F> {
  readonly name: N;
  /** The reference: what every backend must compute, in double precision. */
  readonly ref: F;
  /** Backends with a vector kernel for this op; the others delegate it to the reference. */
  readonly fast: readonly FastBackend[];
  /** Input range the kernel tests draw from (default [-30, 30]). */
  readonly domain?: readonly [number, number];
}

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

// NOTE: every row has a WGSL kernel (backend/webgpu/kernels/elementwise.ts keeps a Record over the
// row names, so the compiler asks for the expression of a new row).
const W: readonly FastBackend[] = ['wasm', 'native', 'webgpu'];
const N: readonly FastBackend[] = ['native', 'webgpu'];
const G: readonly FastBackend[] = ['webgpu'];

/** Unary ops; the code of a row is its index (append new rows at the end). */
export const UNARY_TABLE = [
  { name: 'neg', ref: (x: number) => -x, fast: W },
  { name: 'exp', ref: Math.exp, fast: W },
  { name: 'log', ref: Math.log, fast: W },
  { name: 'sqrt', ref: Math.sqrt, fast: W },
  { name: 'rsqrt', ref: (x: number) => 1 / Math.sqrt(x), fast: W },
  { name: 'abs', ref: Math.abs, fast: W },
  { name: 'sign', ref: (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0), fast: W },
  { name: 'square', ref: (x: number) => x * x, fast: W },
  { name: 'reciprocal', ref: (x: number) => 1 / x, fast: W },
  { name: 'tanh', ref: Math.tanh, fast: W },
  // NOTE: split by sign so exp never overflows.
  { name: 'sigmoid', ref: (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), fast: W },
  { name: 'relu', ref: (x: number) => (x > 0 ? x : 0), fast: W },
  { name: 'step', ref: (x: number) => (x > 0 ? 1 : 0), fast: W },
  { name: 'floor', ref: Math.floor, fast: W },
  { name: 'ceil', ref: Math.ceil, fast: W },
  // NOTE: PyTorch rounds half to even.
  {
    name: 'round', fast: W, ref: (x: number) => {
      const r = Math.round(x);
      return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    },
  },
  { name: 'sin', ref: Math.sin, fast: G },
  { name: 'cos', ref: Math.cos, fast: G },
  { name: 'log1p', ref: Math.log1p, fast: G },
  { name: 'expm1', ref: Math.expm1, fast: G },
  // softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for large |x|.
  { name: 'softplus', ref: (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), fast: G },
  { name: 'logSigmoid', ref: (x: number) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))), fast: G },
  { name: 'erf', ref: erf, fast: G },
  // hardswish(x) = x·relu6(x + 3)/6 (Howard et al. 2019, MobileNetV3), as torch.nn.functional.hardswish.
  { name: 'hardswish', ref: (x: number) => (x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6), fast: W, domain: [-5, 5] },
] as const satisfies readonly OpRow<string, (x: number) => number>[];

/** Binary ops; the code of a row is its index (append new rows at the end). */
export const BINARY_TABLE = [
  { name: 'add', ref: (a: number, b: number) => a + b, fast: W },
  { name: 'sub', ref: (a: number, b: number) => a - b, fast: W },
  { name: 'mul', ref: (a: number, b: number) => a * b, fast: W },
  { name: 'div', ref: (a: number, b: number) => a / b, fast: W },
  // NOTE: a > b or a is NaN → a, else b (NaN in either operand propagates).
  { name: 'maximum', ref: (a: number, b: number) => (a > b || Number.isNaN(a) ? a : b), fast: W },
  { name: 'minimum', ref: (a: number, b: number) => (a < b || Number.isNaN(a) ? a : b), fast: W },
  { name: 'eq', ref: (a: number, b: number) => (a === b ? 1 : 0), fast: W },
  { name: 'ne', ref: (a: number, b: number) => (a !== b ? 1 : 0), fast: W },
  { name: 'lt', ref: (a: number, b: number) => (a < b ? 1 : 0), fast: W },
  { name: 'le', ref: (a: number, b: number) => (a <= b ? 1 : 0), fast: W },
  { name: 'gt', ref: (a: number, b: number) => (a > b ? 1 : 0), fast: W },
  { name: 'ge', ref: (a: number, b: number) => (a >= b ? 1 : 0), fast: W },
  { name: 'pow', ref: Math.pow, fast: G },
] as const satisfies readonly OpRow<string, (a: number, b: number) => number>[];

export type UnaryOp = (typeof UNARY_TABLE)[number]['name'];
export type BinaryOp = (typeof BINARY_TABLE)[number]['name'];

function codes<T extends { name: string }>(rows: readonly T[]): Record<T['name'], number> {
  const out = {} as Record<string, number>;
  rows.forEach((r, i) => { out[r.name] = i; });
  return out as Record<T['name'], number>;
}

export const UNARY_CODE: Record<UnaryOp, number> = codes(UNARY_TABLE);
export const BINARY_CODE: Record<BinaryOp, number> = codes(BINARY_TABLE);

export function unaryRow(op: UnaryOp): (typeof UNARY_TABLE)[number] {
  return UNARY_TABLE[UNARY_CODE[op]];
}
export function binaryRow(op: BinaryOp): (typeof BINARY_TABLE)[number] {
  return BINARY_TABLE[BINARY_CODE[op]];
}
export function isFast(row: { fast: readonly FastBackend[] }, b: FastBackend): boolean {
  return row.fast.includes(b);
}

/**
 * Parameter slots of the wasm elementwise range kernels: the i32 slots in order, then the float
 * slots in order (see assembly/params.ts). The wrapper fills them with `slotInts` / `slotFloats`;
 * the kernels read them through the generated P_<KERNEL>_<SLOT> constants.
 */
export const SLOTS = {
  unaryRange: { ints: ['op', 'x', 'out'], floats: [] },
  binaryFlat: { ints: ['op', 'a', 'b', 'out', 'mode'], floats: [] },
  binaryRows: {
    ints: ['op', 'a', 'b', 'out', 'd0', 'd1', 'd2', 'n', 'sa0', 'sa1', 'sa2', 'sa3', 'sb0', 'sb1', 'sb2', 'sb3'],
    floats: [],
  },
  leakyReluRange: { ints: ['x', 'out'], floats: ['slope'] },
  clampRange: { ints: ['x', 'out'], floats: ['lo', 'hi'] },
} as const;

export type SlotKernel = keyof typeof SLOTS;

/** The i32 parameter values of `kernel` in slot order, from a record naming each slot. */
export function slotInts<K extends SlotKernel>(kernel: K, v: Record<(typeof SLOTS)[K]['ints'][number], number>): number[] {
  return SLOTS[kernel].ints.map((s) => (v as Record<string, number>)[s]);
}
/** The float parameter values of `kernel` in slot order. */
export function slotFloats<K extends SlotKernel>(kernel: K, v: Record<(typeof SLOTS)[K]['floats'][number], number>): number[] {
  return SLOTS[kernel].floats.map((s) => (v as Record<string, number>)[s]);
}
