/**
 * Elementwise ops with NumPy broadcasting. Each op: forward through one backend kernel, a
 * backward rule written with other ops (run under noGrad by the engine).
 */
import type { BinaryOp, Shape, UnaryOp } from '../../backend/backend.js';
import { backend } from '../../backend/index.js';
import { shapeStr, tryBroadcastShapes } from '../../backend/shape.js';
import { Tensor, recycleTemp } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { sumTo } from './reduce.js';
import { TensorLike, asTensor, empty, floatDtype, promote } from './util.js';

function broadcastOrThrow(op: string, as: Shape, bs: Shape): number[] {
  const s = tryBroadcastShapes(as, bs);
  if (!s) {
    const r = Math.max(as.length, bs.length);
    let why = '';
    for (let i = 1; i <= r; i++) {
      const da = as[as.length - i] ?? 1;
      const db = bs[bs.length - i] ?? 1;
      if (da !== db && da !== 1 && db !== 1) { why = ` (${da} ≠ ${db} at dim -${i})`; break; }
    }
    throw new RangeError(`${op}: shapes ${shapeStr(as)} and ${shapeStr(bs)} do not broadcast${why}`);
  }
  return s;
}

/** Runs a broadcasting binary kernel without recording (used by ops and by rules). */
export function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor, floatOut = false): Tensor {
  const shape = broadcastOrThrow(op, a.shape, b.shape);
  let dtype = promote(a.dtype, b.dtype);
  if (floatOut || op === 'div' || (op === 'pow' && dtype === 'int32')) dtype = floatDtype(dtype);
  const out = empty(shape, dtype);
  const be = backend();
  // Kernels read both operands with one element type per array; convert ints when mixing.
  const ad = a.dtype === dtype || isCmp(op) ? a : castRaw(a, dtype);
  const bd = b.dtype === dtype || isCmp(op) ? b : castRaw(b, dtype);
  be.binary(op, ad.storage, ad.shape, bd.storage, bd.shape, out.storage, shape);
  return out;
}

function isCmp(op: BinaryOp): boolean {
  return op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';
}

export function castRaw(t: Tensor, dtype: Tensor['dtype']): Tensor {
  if (t.dtype === dtype) return t;
  const out = empty(t.shape, dtype);
  backend().cast(t.storage, out.storage);
  return out;
}

/** Converts dtype; differentiable between float types. */
export function cast(t: Tensor, dtype: Tensor['dtype']): Tensor {
  if (t.dtype === dtype) return t;
  const out = castRaw(t, dtype);
  if (dtype === 'int32') return out;
  return record('cast', [t], out, (g) => [cast(g, t.dtype)]);
}

/** Both operands as tensors; at least one must already be a tensor. */
function operands(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (a instanceof Tensor) return [a, asTensor(b, a)];
  if (b instanceof Tensor) return [asTensor(a, b), b];
  throw new TypeError('elementwise op: at least one operand must be a Tensor');
}

export function add(x: TensorLike, y: TensorLike): Tensor {
  const [a, bt] = operands(x, y);
  const out = binaryRaw('add', a, bt);
  return record('add', [a, bt], out, (g) => [sumTo(g, a.shape), sumTo(g, bt.shape)]);
}

export function sub(x: TensorLike, y: TensorLike): Tensor {
  const [a, bt] = operands(x, y);
  const out = binaryRaw('sub', a, bt);
  return record('sub', [a, bt], out, (g) => [sumTo(g, a.shape), bt.requiresGrad ? sumTo(neg(g), bt.shape) : null]);
}

export function mul(x: TensorLike, y: TensorLike): Tensor {
  const [a, bt] = operands(x, y);
  const out = binaryRaw('mul', a, bt);
  return record('mul', [a, bt], out, (g) => [
    a.requiresGrad ? sumTo(mul(g, bt), a.shape) : null,
    bt.requiresGrad ? sumTo(mul(g, a), bt.shape) : null,
  ]);
}

export function div(x: TensorLike, y: TensorLike): Tensor {
  const [a, bt] = operands(x, y);
  const out = binaryRaw('div', a, bt);
  return record('div', [a, bt], out, (g) => [
    a.requiresGrad ? sumTo(div(g, bt), a.shape) : null,
    bt.requiresGrad ? sumTo(neg(div(mul(g, out), bt)), bt.shape) : null,
  ]);
}

export function pow(x: TensorLike, y: TensorLike): Tensor {
  const [a, bt] = operands(x, y);
  const out = binaryRaw('pow', a, bt);
  return record('pow', [a, bt], out, (g) => [
    a.requiresGrad ? sumTo(mul(g, mul(bt, pow(a, sub(bt, 1)))), a.shape) : null,
    // NOTE: d(a^b)/db = a^b · log a, taken as 0 where a = 0 (as PyTorch does).
    bt.requiresGrad ? sumTo(mul(g, where(binaryRaw('eq', a, asTensor(0, a)), 0, mul(out, log(a)))), bt.shape) : null,
  ]);
}

function pick(op: 'maximum' | 'minimum', x: TensorLike, y: TensorLike): Tensor {
  const [a, bt] = operands(x, y);
  const out = binaryRaw(op, a, bt);
  return record(op, [a, bt], out, (g) => {
    // Ties split the gradient equally, as PyTorch does.
    const aWins = binaryRaw(op === 'maximum' ? 'gt' : 'lt', a, bt, true);
    const tie = binaryRaw('eq', a, bt, true);
    const wa = add(aWins, mul(tie, 0.5));
    return [
      a.requiresGrad ? sumTo(mul(g, wa), a.shape) : null,
      bt.requiresGrad ? sumTo(mul(g, sub(1, wa)), bt.shape) : null,
    ];
  });
}

export const maximum = (a: Tensor, b: TensorLike): Tensor => pick('maximum', a, b);
export const minimum = (a: Tensor, b: TensorLike): Tensor => pick('minimum', a, b);

/** Comparisons: 1 where true, 0 elsewhere, in the promoted dtype. Not differentiable. */
export const eq = (a: Tensor, b: TensorLike): Tensor => binaryRaw('eq', a, asTensor(b, a));
export const ne = (a: Tensor, b: TensorLike): Tensor => binaryRaw('ne', a, asTensor(b, a));
export const lt = (a: Tensor, b: TensorLike): Tensor => binaryRaw('lt', a, asTensor(b, a));
export const le = (a: Tensor, b: TensorLike): Tensor => binaryRaw('le', a, asTensor(b, a));
export const gt = (a: Tensor, b: TensorLike): Tensor => binaryRaw('gt', a, asTensor(b, a));
export const ge = (a: Tensor, b: TensorLike): Tensor => binaryRaw('ge', a, asTensor(b, a));

/** cond ? a : b, all three broadcast together. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : cond;
  const at = asTensor(a, like);
  const bt = asTensor(b, like);
  const shape = broadcastOrThrow('where', broadcastOrThrow('where', cond.shape, at.shape), bt.shape);
  const dtype = promote(at.dtype, bt.dtype);
  const ac = castRaw(at, dtype);
  const bc = castRaw(bt, dtype);
  const out = empty(shape, dtype);
  backend().where(cond.storage, cond.shape, ac.storage, ac.shape, bc.storage, bc.shape, out.storage, shape);
  return record('where', [at, bt], out, (g) => [
    at.requiresGrad ? sumTo(where(cond, g, 0), at.shape) : null,
    bt.requiresGrad ? sumTo(where(cond, 0, g), bt.shape) : null,
  ]);
}

function unaryRaw(op: UnaryOp, x: Tensor, float = true): Tensor {
  const dtype = float ? floatDtype(x.dtype) : x.dtype;
  const src = castRaw(x, dtype);
  const out = empty(x.shape, dtype);
  backend().unary(op, src.storage, out.storage);
  return out;
}

type Rule = (x: Tensor, out: Tensor, g: Tensor) => Tensor | null;

/** A unary op of the table: forward through backend().unary, backward through its GRAD rule. */
function unaryOp(op: UnaryOp): (x: Tensor) => Tensor {
  return (x: Tensor) => {
    const [rule, float] = GRAD[op];
    const out = unaryRaw(op, x, float);
    return record(op, [x], out, (g) => [rule(x, out, g)]);
  };
}

export const neg = unaryOp('neg');
export const exp = unaryOp('exp');
export const log = unaryOp('log');
export const sqrt = unaryOp('sqrt');
export const rsqrt = unaryOp('rsqrt');
export const abs = unaryOp('abs');
export const sign = unaryOp('sign');
export const square = unaryOp('square');
export const reciprocal = unaryOp('reciprocal');
export const tanh = unaryOp('tanh');
export const sigmoid = unaryOp('sigmoid');
export const relu = unaryOp('relu');
export const sin = unaryOp('sin');
export const cos = unaryOp('cos');
export const floor = unaryOp('floor');
export const ceil = unaryOp('ceil');
export const round = unaryOp('round');
export const log1p = unaryOp('log1p');
export const expm1 = unaryOp('expm1');
export const softplus = unaryOp('softplus');
export const logSigmoid = unaryOp('logSigmoid');
export const erf = unaryOp('erf');
/** x·relu6(x + 3)/6 (torch.nn.functional.hardswish). */
export const hardswish = unaryOp('hardswish');

/**
 * The gradient rule of every unary op of the op table (backend/optable.ts), written with other
 * ops, and whether the op computes in a float dtype (false: int32 stays int32). A new row of the
 * table is a compile error here until it has its rule.
 */
const GRAD: Record<UnaryOp, readonly [Rule, boolean]> = {
  neg: [(_x, _o, g) => neg(g), false],
  exp: [(_x, o, g) => mul(g, o), true],
  log: [(x, _o, g) => div(g, x), true],
  sqrt: [(_x, o, g) => div(g, mul(o, 2)), true],
  rsqrt: [(_x, o, g) => mul(g, mul(pow(o, 3), -0.5)), true],
  abs: [(x, _o, g) => mul(g, sign(x)), false],
  sign: [() => null, false],
  square: [(x, _o, g) => mul(g, mul(x, 2)), false],
  reciprocal: [(_x, o, g) => neg(mul(g, square(o))), true],
  tanh: [(_x, o, g) => mul(g, sub(1, square(o))), true],
  sigmoid: [(_x, o, g) => mul(g, mul(o, sub(1, o))), true],
  // NOTE: relu'(0) = 0, as in PyTorch.
  relu: [(x, _o, g) => {
    const mask = unaryRaw('step', x);
    const gx = mul(g, mask);
    recycleTemp(mask);
    return gx;
  }, false],
  step: [() => null, false],
  sin: [(x, _o, g) => mul(g, cos(x)), true],
  cos: [(x, _o, g) => neg(mul(g, sin(x))), true],
  floor: [() => null, false],
  ceil: [() => null, false],
  round: [() => null, false],
  log1p: [(x, _o, g) => div(g, add(x, 1)), true],
  expm1: [(_x, o, g) => mul(g, add(o, 1)), true],
  softplus: [(x, _o, g) => mul(g, sigmoid(x)), true],
  logSigmoid: [(x, _o, g) => mul(g, sigmoid(neg(x))), true],
  erf: [(x, _o, g) => mul(g, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))), true],
  // As PyTorch's hardswish_backward: 0 below −3, x/3 + 0.5 on [−3, 3], 1 above.
  hardswish: [(x, _o, g) => mul(g, where(lt(x, -3), 0, where(le(x, 3), add(div(x, 3), 0.5), 1))), true],
};

/** x for x > 0, slope·x otherwise. */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  const src = castRaw(x, floatDtype(x.dtype));
  const out = empty(x.shape, src.dtype);
  backend().leakyRelu(src.storage as Float32Array, slope, out.storage as Float32Array);
  return record('leakyRelu', [x], out, (g) => [mul(g, where(gt(x, 0), 1, slope))]);
}

/** Limits values to [min, max]; the gradient flows where the value was inside. */
export function clamp(x: Tensor, min = -Infinity, max = Infinity): Tensor {
  if (min > max) throw new RangeError(`clamp: min ${min} is greater than max ${max}`);
  const out = empty(x.shape, x.dtype);
  backend().clamp(x.storage, min, max, out.storage);
  return record('clamp', [x], out, (g) => [mul(g, mul(ge(x, min), le(x, max)))]);
}

/** The same values (shared storage) cut from the graph. */
export function detach(x: Tensor): Tensor {
  return new Tensor(x.storage, x.shape);
}

export function clone(x: Tensor): Tensor {
  const out = empty(x.shape, x.dtype);
  backend().cast(x.storage, out.storage);
  return record('clone', [x], out, (g) => [g]);
}
