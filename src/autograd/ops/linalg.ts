/** Matrix products. `mm` is the one recorded GEMM op (with transposed layouts); matmul builds on it. */
import { backend } from '../../backend/index.js';
import { shapeStr, sizeOf, tryBroadcastShapes } from '../../backend/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { add, castRaw } from './elementwise.js';
import { broadcastTo, sumTo } from './reduce.js';
import { reshape, squeeze, unsqueeze } from './shape.js';
import { empty, floatDtype, promote } from './util.js';

/**
 * Batched product of [B?, m, k]-shaped operands (both 2-d or both 3-d with equal B), where
 * `ta` / `tb` say that a / b are stored transposed. Differentiable.
 */
export function mm(a: Tensor, b: Tensor, ta = false, tb = false): Tensor {
  const out = mmRaw(a, b, ta, tb);
  return record('matmul', [a, b], out, (g) => mmGrads(a, b, ta, tb, g));
}

/** The gradients of mm(a, b, ta, tb) given g (null where an operand needs none). */
function mmGrads(a: Tensor, b: Tensor, ta: boolean, tb: boolean, g: Tensor): [Tensor | null, Tensor | null] {
  return [
    a.requiresGrad ? (ta ? (tb ? mm(b, g, true, true) : mm(b, g, false, true)) : tb ? mm(g, b, false, false) : mm(g, b, false, true)) : null,
    b.requiresGrad ? (tb ? (ta ? mm(g, a, true, true) : mm(g, a, true, false)) : ta ? mm(a, g, false, false) : mm(a, g, true, false)) : null,
  ];
}

/** The product of mm, not recorded. */
function mmRaw(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Tensor {
  const batched = a.ndim === 3;
  const B = batched ? a.shape[0] : 1;
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const kb = tb ? bc : br;
  const n = tb ? br : bc;
  if (k !== kb) {
    throw new RangeError(`matmul: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} do not align (${k} ≠ ${kb})`);
  }
  const dtype = floatDtype(promote(a.dtype, b.dtype));
  const A = castRaw(a, dtype);
  const Bt = castRaw(b, dtype);
  const out = empty(batched ? [B, m, n] : [m, n], dtype);
  backend().matmul(A.storage as Float32Array, Bt.storage as Float32Array, out.storage as Float32Array, {
    batch: B, m, k, n, transA: ta, transB: tb, strideA: ar * ac, strideB: br * bc,
  });
  return out;
}

/**
 * torch.matmul: 1-d·1-d is a dot product, 2-d·2-d a matrix product, and higher ranks are batches
 * of matrices whose leading dims broadcast. [..., m, k]·[k, n] folds the batch into m (one GEMM).
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new RangeError(`matmul: both operands need at least one dim, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  if (a.ndim === 1 && b.ndim === 1) {
    if (a.size !== b.size) throw new RangeError(`matmul: vectors of lengths ${a.size} and ${b.size} do not align`);
    return reshape(mm(reshape(a, [1, a.size]), reshape(b, [b.size, 1])), []);
  }
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, -1)), -1);
  const k = a.shape[a.ndim - 1];
  if (k !== b.shape[b.ndim - 2]) {
    throw new RangeError(`matmul: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} do not align (${k} ≠ ${b.shape[b.ndim - 2]})`);
  }
  if (a.ndim === 2 && b.ndim === 2) return mm(a, b);
  if (b.ndim === 2) {
    const lead = a.shape.slice(0, -1);
    const flat = mm(reshape(a, [sizeOf(lead), k]), b);
    return reshape(flat, [...lead, b.shape[1]]);
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = tryBroadcastShapes(batchA, batchB);
  if (!batch) throw new RangeError(`matmul: batch dims ${shapeStr(batchA)} and ${shapeStr(batchB)} do not broadcast`);
  const nb = sizeOf(batch);
  const A = reshape(broadcastTo(a, [...batch, ...a.shape.slice(-2)]), [nb, ...a.shape.slice(-2)]);
  const Bm = reshape(broadcastTo(b, [...batch, ...b.shape.slice(-2)]), [nb, ...b.shape.slice(-2)]);
  return reshape(mm(A, Bm), [...batch, a.shape[a.ndim - 2], b.shape[b.ndim - 1]]);
}

/** x·wᵀ + b with w stored [out, in] as in nn.Linear; one GEMM, no transpose copy. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const inF = weight.shape[1];
  if (x.shape[x.ndim - 1] !== inF) {
    throw new RangeError(`linear: input ${shapeStr(x.shape)} has ${x.shape[x.ndim - 1]} features but the weight ${shapeStr(weight.shape)} expects ${inF}`);
  }
  const lead = x.shape.slice(0, -1);
  const x2 = x.ndim === 2 ? x : reshape(x, [sizeOf(lead), inF]);
  const y = bias ? linearBias(x2, weight, bias) : mm(x2, weight, false, true);
  return x.ndim === 2 ? y : reshape(y, [...lead, weight.shape[0]]);
}

/**
 * x·wᵀ + b as one graph node: the bias is added into the product's own array, so a layer makes
 * one new tensor, not two. Same kernels and the same values as mm then add, whose rules its rule
 * repeats; a bias of another dtype or shape than the product's [out] takes that composite path.
 */
function linearBias(x: Tensor, weight: Tensor, bias: Tensor): Tensor {
  const dtype = floatDtype(promote(x.dtype, weight.dtype));
  if (bias.dtype !== dtype || bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) return add(mm(x, weight, false, true), bias);
  const y = mmRaw(x, weight, false, true);
  backend().binary('add', y.storage, y.shape, bias.storage, bias.shape, y.storage, y.shape);
  return record('linear', [x, weight, bias], y, (g) => [...mmGrads(x, weight, false, true, g), bias.requiresGrad ? sumTo(g, bias.shape) : null]);
}

