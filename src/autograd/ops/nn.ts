/** Ops for networks: fused softmax / log-softmax, gather / scatter, sliding-window unfold, dropout. */
import type { DropoutSpec, FloatData, WindowSpec } from '../../backend/backend.js';
import { backend } from '../../backend/index.js';
import { normAxis, shapeStr, sizeOf } from '../../backend/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { castRaw, exp, mul, sub } from './elementwise.js';
import { sum } from './reduce.js';
import { empty, floatDtype } from './util.js';

function softmaxGeneric(x: Tensor, dim: number, log: boolean): Tensor {
  const d = normAxis(dim, x.ndim, log ? 'logSoftmax' : 'softmax');
  const xf = castRaw(x, floatDtype(x.dtype));
  const outer = sizeOf(x.shape.slice(0, d));
  const n = x.ndim === 0 ? 1 : x.shape[d];
  const inner = sizeOf(x.shape.slice(d + 1));
  const out = empty(x.shape, xf.dtype);
  backend().softmax(xf.data as Float32Array, outer, n, inner, log, out.data as Float32Array);
  return record(log ? 'logSoftmax' : 'softmax', [x], out, (g) => {
    if (log) return [sub(g, mul(exp(out), sum(g, d, { keepDim: true })))];
    return [mul(out, sub(g, sum(mul(g, out), d, { keepDim: true })))];
  });
}

/** softmax(x)_i = exp(x_i - max) / Σ exp(x_j - max) along dim. */
export const softmax = (x: Tensor, dim = -1): Tensor => softmaxGeneric(x, dim, false);
/** log softmax via log-sum-exp: x_i - max - log Σ exp(x_j - max). */
export const logSoftmax = (x: Tensor, dim = -1): Tensor => softmaxGeneric(x, dim, true);

/** torch.gather: out[i][j] = x[i][index[i][j]] for dim = 1 (and likewise for other dims). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normAxis(dim, x.ndim, 'gather');
  if (index.dtype !== 'int32') throw new TypeError(`gather: index must be int32, got ${index.dtype}`);
  if (index.ndim !== x.ndim || index.shape.some((s, k) => k !== d && s > x.shape[k])) {
    throw new RangeError(`gather: index shape ${shapeStr(index.shape)} does not fit input ${shapeStr(x.shape)} along dim ${d}`);
  }
  const out = empty(index.shape, x.dtype);
  backend().gather(x.data, x.shape, d, index.data as Int32Array, index.shape, out.data);
  return record('gather', [x], out, (g) => {
    const gx = empty(x.shape, g.dtype);
    backend().scatterAdd(g.data, index.shape, d, index.data as Int32Array, gx.data, x.shape);
    return [gx];
  });
}

/**
 * Unfolds sliding windows of x [N, C, ...spatial] into [N, C·∏kernel, ∏out] (convolution as a
 * GEMM, pooling as a reduction). The adjoint folds windows back, summing overlaps.
 */
export function unfold(x: Tensor, spec: WindowSpec): Tensor {
  const nsp = spec.inSize.length;
  if (x.ndim !== nsp + 2) throw new RangeError(`unfold: expected a ${nsp + 2}-d input [N, C, ...], got ${shapeStr(x.shape)}`);
  const [n, c] = x.shape;
  const k = sizeOf(spec.kernel);
  const l = sizeOf(spec.outSize);
  const xf = castRaw(x, floatDtype(x.dtype));
  const out = empty([n, c * k, l], xf.dtype);
  backend().im2col(xf.data as Float32Array, n, c, spec, out.data as Float32Array);
  return record('unfold', [x], out, (g) => {
    const gx = empty(x.shape, g.dtype);
    backend().col2im(g.data as Float32Array, n, c, spec, gx.data as Float32Array);
    return [gx];
  });
}

/**
 * x with the entries outside the counter-based mask of `spec` zeroed and the rest multiplied by
 * spec.scale (see DropoutSpec; nn.functional.dropout draws the key from a Generator). The mask
 * is a function of the key and the index, so the backward applies the same op to the gradient
 * and nothing is stored.
 */
export function keyedDropout(x: Tensor, spec: DropoutSpec): Tensor {
  const xf = castRaw(x, floatDtype(x.dtype));
  const out = empty(x.shape, xf.dtype);
  backend().dropout(xf.data as FloatData, spec, out.data as FloatData);
  return record('dropout', [x], out, (g) => [keyedDropout(g, spec)]);
}
