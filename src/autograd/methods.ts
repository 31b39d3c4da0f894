/**
 * Attaches the differentiable ops to Tensor as methods, so that code reads like PyTorch:
 * `x.matmul(w).add(b).relu().sum().backward()`. Importing gradlab (or autograd/) installs them.
 */
import type { DType } from '../backend/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { BackwardOptions, backward, retainGrad } from './engine.js';
import * as E from './ops/elementwise.js';
import * as L from './ops/linalg.js';
import * as N from './ops/nn.js';
import * as R from './ops/reduce.js';
import * as S from './ops/shape.js';
import type { TensorLike } from './ops/util.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(other: TensorLike): Tensor;
    sub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    softplus(): Tensor;
    logSigmoid(): Tensor;
    erf(): Tensor;
    leakyRelu(slope?: number): Tensor;
    clamp(min?: number, max?: number): Tensor;
    detach(): Tensor;
    clone(): Tensor;
    to(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;

    sum(dims?: R.Dims, opts?: R.ReduceOptions): Tensor;
    mean(dims?: R.Dims, opts?: R.ReduceOptions): Tensor;
    max(dims?: R.Dims, opts?: R.ReduceOptions): Tensor;
    min(dims?: R.Dims, opts?: R.ReduceOptions): Tensor;
    prod(dims?: R.Dims, opts?: R.ReduceOptions): Tensor;
    argmax(dim?: number, opts?: R.ReduceOptions): Tensor;
    argmin(dim?: number, opts?: R.ReduceOptions): Tensor;
    var(dims?: R.Dims, opts?: R.VarOptions): Tensor;
    std(dims?: R.Dims, opts?: R.VarOptions): Tensor;
    logsumexp(dims?: R.Dims, opts?: R.ReduceOptions): Tensor;
    broadcastTo(shape: readonly number[]): Tensor;
    expand(shape: readonly number[]): Tensor;

    reshape(shape: readonly number[]): Tensor;
    view(shape: readonly number[]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    unsqueeze(dim: number): Tensor;
    squeeze(dim?: number): Tensor;
    permute(dims: readonly number[]): Tensor;
    transpose(dim0?: number, dim1?: number): Tensor;
    /** Transpose of a 2-d tensor. */
    t(): Tensor;
    slice(ranges: readonly (S.Range | null)[]): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    indexSelect(dim: number, index: Tensor | readonly number[] | Int32Array): Tensor;
    split(size: number, dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];

    matmul(other: Tensor): Tensor;
    softmax(dim?: number): Tensor;
    logSoftmax(dim?: number): Tensor;
    gather(dim: number, index: Tensor): Tensor;

    backward(grad?: Tensor, opts?: BackwardOptions): void;
    retainGrad(): Tensor;
  }
}

type Method = (this: Tensor, ...args: never[]) => unknown;
const P = Tensor.prototype as unknown as Record<string, Method>;

function bind1<A extends unknown[]>(f: (x: Tensor, ...a: A) => unknown): Method {
  return function (this: Tensor, ...a: A) {
    return f(this, ...a);
  } as unknown as Method;
}

const table: Record<string, (x: Tensor, ...a: never[]) => unknown> = {
  add: E.add, sub: E.sub, mul: E.mul, div: E.div, pow: E.pow, maximum: E.maximum, minimum: E.minimum,
  eq: E.eq, ne: E.ne, lt: E.lt, le: E.le, gt: E.gt, ge: E.ge,
  neg: E.neg, exp: E.exp, log: E.log, sqrt: E.sqrt, rsqrt: E.rsqrt, abs: E.abs, sign: E.sign, square: E.square,
  reciprocal: E.reciprocal, tanh: E.tanh, sigmoid: E.sigmoid, relu: E.relu, sin: E.sin, cos: E.cos,
  floor: E.floor, ceil: E.ceil, round: E.round, log1p: E.log1p, expm1: E.expm1, softplus: E.softplus,
  logSigmoid: E.logSigmoid, erf: E.erf, leakyRelu: E.leakyRelu, clamp: E.clamp, detach: E.detach, clone: E.clone,
  to: E.cast, float: (x: Tensor) => E.cast(x, 'float32'), double: (x: Tensor) => E.cast(x, 'float64'), int: (x: Tensor) => E.cast(x, 'int32'),
  sum: R.sum, mean: R.mean, max: R.max, min: R.min, prod: R.prod, argmax: R.argmax, argmin: R.argmin,
  var: R.variance, std: R.std, logsumexp: R.logsumexp, broadcastTo: R.broadcastTo, expand: R.broadcastTo,
  reshape: S.reshape, view: S.reshape, flatten: S.flatten, unsqueeze: S.unsqueeze, squeeze: S.squeeze,
  permute: S.permute, transpose: S.transpose, t: (x: Tensor) => S.transpose(x, 0, 1), slice: S.slice, narrow: S.narrow,
  select: S.select, indexSelect: S.indexSelect, split: S.split, chunk: S.chunk,
  matmul: L.matmul, softmax: N.softmax, logSoftmax: N.logSoftmax, gather: N.gather,
  backward: backward, retainGrad: retainGrad,
};

for (const [name, f] of Object.entries(table)) P[name] = bind1(f as (x: Tensor, ...a: unknown[]) => unknown);
