/** Reductions over any set of dims, with keepDim, and their adjoint (broadcasting back). */
import type { Shape } from '../../backend/backend.js';
import { backend } from '../../backend/index.js';
import { normAxis, sameShape, shapeStr, sizeOf, tryBroadcastShapes } from '../../backend/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { add, binaryRaw, div, eq, exp, log, mul, sqrt, square, sub } from './elementwise.js';
import { reshape } from './shape.js';
import { empty, floatDtype } from './util.js';
import { checkOptions, num } from '../../tensor/options.js';

const REDUCE_SPEC = { keepDim: 'boolean' } as const;
const VAR_SPEC = { keepDim: 'boolean', correction: num({ min: 0 }), unbiased: (v: unknown) => `is PyTorch's old name; use correction: ${v === false ? 0 : 1}` } as const;

/** Checks a reduction's options (unknown key → named error: `sum: unknown option 'keepdim' (did you mean 'keepDim'?)`). */
function ro(op: string, opts: object): void {
  for (const _ in opts) {
    checkOptions(op, opts, REDUCE_SPEC);
    return;
  }
}

export type Dims = number | readonly number[] | undefined;

export interface ReduceOptions {
  keepDim?: boolean;
}

/** Sorted unique non-negative dims; undefined means all. */
export function normDims(dims: Dims, rank: number, op: string): number[] {
  if (dims === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : [...dims];
  const out = [...new Set(list.map((d) => normAxis(d, rank, op)))].sort((a, b) => a - b);
  return out;
}

function keptShape(shape: Shape, axes: number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reducedShape(shape: Shape, axes: number[], keepDim: boolean): number[] {
  return keepDim ? keptShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

/** Repeats x along size-1 dims to reach `shape` (a copy). Differentiable. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const s = tryBroadcastShapes(x.shape, shape);
  if (!s || !sameShape(s, shape)) throw new RangeError(`broadcastTo: cannot broadcast ${shapeStr(x.shape)} to ${shapeStr(shape)}`);
  const out = empty(shape, x.dtype);
  const zero = empty([], x.dtype);
  backend().binary('add', x.storage, x.shape, zero.storage, [], out.storage, shape);
  return record('broadcastTo', [x], out, (g) => [sumTo(g, x.shape)]);
}

/** Sums g over the dims that broadcasting added, so that it has `shape` again. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(g, axes), shape);
}

function reduceRaw(op: 'sum' | 'max' | 'min' | 'prod', x: Tensor, axes: number[], keepDim: boolean): Tensor {
  const out = empty(reducedShape(x.shape, axes, keepDim), x.dtype);
  backend().reduce(op, x.storage, x.shape, axes, out.storage);
  return out;
}

export function sum(x: Tensor, dims?: Dims, opts: ReduceOptions = {}): Tensor {
  ro('sum', opts);
  const axes = normDims(dims, x.ndim, 'sum');
  const out = reduceRaw('sum', x, axes, opts.keepDim ?? false);
  return record('sum', [x], out, (g) => [broadcastTo(reshape(g, keptShape(x.shape, axes)), x.shape)]);
}

export function mean(x: Tensor, dims?: Dims, opts: ReduceOptions = {}): Tensor {
  ro('mean', opts);
  const axes = normDims(dims, x.ndim, 'mean');
  const count = sizeOf(axes.map((a) => x.shape[a]));
  const xf = x.dtype === 'int32' ? castFloat(x) : x;
  return div(sum(xf, axes, opts), count);
}

function castFloat(x: Tensor): Tensor {
  const out = empty(x.shape, floatDtype(x.dtype));
  backend().cast(x.storage, out.storage);
  return out;
}

function extreme(op: 'max' | 'min', x: Tensor, dims: Dims, opts: ReduceOptions): Tensor {
  ro(op, opts);
  const axes = normDims(dims, x.ndim, op);
  for (const a of axes) {
    if (x.shape[a] === 0) throw new RangeError(`${op}: cannot reduce over dim ${a} of size 0 (shape ${shapeStr(x.shape)})`);
  }
  const out = reduceRaw(op, x, axes, opts.keepDim ?? false);
  return record(op, [x], out, (g) => {
    // The gradient goes to the extreme entries, split equally between ties.
    const kept = keptShape(x.shape, axes);
    const mask = eq(x, reshape(out, kept));
    const count = sum(mask, axes, { keepDim: true });
    return [mul(div(mask, count), reshape(g, kept))];
  });
}

export const max = (x: Tensor, dims?: Dims, opts: ReduceOptions = {}): Tensor => extreme('max', x, dims, opts);
export const min = (x: Tensor, dims?: Dims, opts: ReduceOptions = {}): Tensor => extreme('min', x, dims, opts);

export function prod(x: Tensor, dims?: Dims, opts: ReduceOptions = {}): Tensor {
  ro('prod', opts);
  const axes = normDims(dims, x.ndim, 'prod');
  const out = reduceRaw('prod', x, axes, opts.keepDim ?? false);
  // NOTE: out / x is undefined where x = 0; fine for the positive inputs prod is used on here.
  return record('prod', [x], out, (g) => [div(mul(reshape(g, keptShape(x.shape, axes)), reshape(out, keptShape(x.shape, axes))), x)]);
}

function argOp(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepDim: boolean): Tensor {
  if (dim === undefined) {
    const flat = reshape(x, [x.size]);
    return argOp(op, flat, 0, false);
  }
  const axis = normAxis(dim, x.ndim, op);
  if (x.shape[axis] === 0) throw new RangeError(`${op}: dim ${axis} has size 0`);
  const out = empty(reducedShape(x.shape, [axis], keepDim), 'int32');
  backend().argReduce(op, x.storage, x.shape, axis, out.storage as Int32Array);
  return out;
}

/** Index of the largest entry along dim (of the flattened tensor when dim is omitted). */
export const argmax = (x: Tensor, dim?: number, opts: ReduceOptions = {}): Tensor => (ro('argmax', opts), argOp)('argmax', x, dim, opts.keepDim ?? false);
export const argmin = (x: Tensor, dim?: number, opts: ReduceOptions = {}): Tensor => (ro('argmin', opts), argOp)('argmin', x, dim, opts.keepDim ?? false);

export interface VarOptions extends ReduceOptions {
  /** Subtracted from the count in the denominator: 1 (default) is the unbiased estimate. */
  correction?: number;
}

export function variance(x: Tensor, dims?: Dims, opts: VarOptions = {}): Tensor {
  checkOptions('var', opts, VAR_SPEC);
  const axes = normDims(dims, x.ndim, 'var');
  const n = sizeOf(axes.map((a) => x.shape[a]));
  const mu = mean(x, axes, { keepDim: true });
  const ss = sum(square(sub(x, mu)), axes, { keepDim: opts.keepDim });
  return div(ss, Math.max(n - (opts.correction ?? 1), 0));
}

export function std(x: Tensor, dims?: Dims, opts: VarOptions = {}): Tensor {
  return sqrt(variance(x, dims, opts));
}

/** log Σ exp(x) over dims, computed stably by subtracting the max. */
export function logsumexp(x: Tensor, dims?: Dims, opts: ReduceOptions = {}): Tensor {
  ro('logsumexp', opts);
  const axes = normDims(dims, x.ndim, 'logsumexp');
  const m = reduceRaw('max', x, axes, true);
  // NOTE: an all -inf slice would give (-inf) - (-inf) = NaN; shift by 0 there instead.
  const lowest = empty([], m.dtype);
  lowest.data[0] = -3.4e38;
  const shift = binaryRaw('maximum', m, lowest);
  const s = log(sum(exp(sub(x, shift)), axes, { keepDim: true }));
  const r = add(s, shift);
  return opts.keepDim ? r : reshape(r, reducedShape(x.shape, axes, false));
}
