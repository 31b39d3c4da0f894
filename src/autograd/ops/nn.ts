/** Ops for networks: fused softmax / log-softmax, gather / scatter, sliding-window unfold, pooling, convolution, dropout. */
import type { DropoutSpec, FloatData, WindowSpec } from '../../backend/backend.js';
import { backend } from '../../backend/index.js';
import { normAxis, shapeStr, sizeOf } from '../../backend/shape.js';
import { Tensor, allocStorage } from '../../tensor/tensor.js';
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
  backend().softmax(xf.storage as Float32Array, outer, n, inner, log, out.storage as Float32Array);
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
  backend().gather(x.storage, x.shape, d, index.storage as Int32Array, index.shape, out.storage);
  return record('gather', [x], out, (g) => {
    const gx = empty(x.shape, g.dtype);
    backend().scatterAdd(g.storage, index.shape, d, index.storage as Int32Array, gx.storage, x.shape);
    return [gx];
  });
}

/**
 * Unfolds sliding windows of x [N, C, ...spatial] into [N, C·∏kernel, ∏out], or with batchInner
 * into [C·∏kernel, N, ∏out] (a convolution over the whole batch is then one GEMM). The adjoint
 * folds windows back, summing overlaps.
 */
export function unfold(x: Tensor, spec: WindowSpec, batchInner = false): Tensor {
  const nsp = spec.inSize.length;
  if (x.ndim !== nsp + 2) throw new RangeError(`unfold: expected a ${nsp + 2}-d input [N, C, ...], got ${shapeStr(x.shape)}`);
  const [n, c] = x.shape;
  const k = sizeOf(spec.kernel);
  const l = sizeOf(spec.outSize);
  const xf = castRaw(x, floatDtype(x.dtype));
  const out = empty(batchInner ? [c * k, n, l] : [n, c * k, l], xf.dtype);
  backend().im2col(xf.storage as Float32Array, n, c, spec, out.storage as Float32Array, batchInner);
  return record('unfold', [x], out, (g) => {
    const gx = empty(x.shape, g.dtype);
    backend().col2im(g.storage as Float32Array, n, c, spec, gx.storage as Float32Array, batchInner);
    return [gx];
  });
}

function checkWindows(op: string, x: Tensor, spec: WindowSpec): void {
  const nsp = spec.inSize.length;
  if (x.ndim !== nsp + 2 || x.shape.slice(2).some((s, i) => s !== spec.inSize[i])) {
    throw new RangeError(`${op}: expected an input [N, C, ${spec.inSize.join(', ')}], got ${shapeStr(x.shape)}`);
  }
}

/**
 * Max over sliding windows of x [N, C, ...spatial] → [N, C, ...out]. Padding never wins; the
 * gradient goes to the first maximum of each window (as in PyTorch).
 */
export function maxPool(x: Tensor, spec: WindowSpec): Tensor {
  checkWindows('maxPool', x, spec);
  const [n, c] = x.shape;
  const xf = castRaw(x, floatDtype(x.dtype));
  const out = empty([n, c, ...spec.outSize], xf.dtype);
  const argmax = allocStorage('int32', out.size) as unknown as Int32Array;
  backend().maxPool(xf.storage as Float32Array, n, c, spec, out.storage as Float32Array, argmax);
  return record('maxPool', [x], out, (g) => {
    const gx = empty(x.shape, g.dtype);
    backend().maxPoolBackward(g.storage as Float32Array, n, c, spec, argmax, gx.storage as Float32Array);
    return [gx];
  });
}

/** Window sums of x [N, C, ...spatial] (zero padding) times scale[l], one per output position. */
export function avgPool(x: Tensor, spec: WindowSpec, scale: Float64Array): Tensor {
  checkWindows('avgPool', x, spec);
  if (scale.length !== sizeOf(spec.outSize)) throw new RangeError(`avgPool: ${scale.length} scales for ${sizeOf(spec.outSize)} output positions`);
  const [n, c] = x.shape;
  const xf = castRaw(x, floatDtype(x.dtype));
  const out = empty([n, c, ...spec.outSize], xf.dtype);
  backend().avgPool(xf.storage as Float32Array, n, c, spec, scale, out.storage as Float32Array);
  return record('avgPool', [x], out, (g) => {
    const gx = empty(x.shape, g.dtype);
    backend().avgPoolBackward(g.storage as Float32Array, n, c, spec, scale, gx.storage as Float32Array);
    return [gx];
  });
}

/**
 * Convolution (groups = 1, no bias) of x [N, C, ...in] with weight [Cout, C, ...kernel]:
 * [N, Cout, ...out]. The whole batch is one GEMM inside the backend; the backward pass unfolds
 * x again instead of keeping the unfolded copy (∏kernel times the size of x).
 */
export function conv(x: Tensor, weight: Tensor, spec: WindowSpec): Tensor {
  const nsp = spec.inSize.length;
  checkWindows('conv', x, spec);
  const [n, c] = x.shape;
  const cout = weight.shape[0];
  if (weight.ndim !== nsp + 2 || weight.shape[1] !== c || weight.shape.slice(2).some((k, i) => k !== spec.kernel[i])) {
    throw new RangeError(`conv: weight ${shapeStr(weight.shape)} does not fit input ${shapeStr(x.shape)} and kernel [${spec.kernel.join(', ')}] (expected [Cout, ${c}, ${spec.kernel.join(', ')}])`);
  }
  const dtype = floatDtype(x.dtype === 'float64' || weight.dtype === 'float64' ? 'float64' : 'float32');
  const xf = castRaw(x, dtype);
  const wf = castRaw(weight, dtype);
  const out = empty([n, cout, ...spec.outSize], dtype);
  backend().convForward(xf.storage as Float32Array, n, c, spec, wf.storage as Float32Array, cout, out.storage as Float32Array);
  return record('conv', [x, weight], out, (g) => {
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    if (x.requiresGrad) {
      gx = empty(x.shape, g.dtype);
      backend().convBackwardInput(wf.storage as Float32Array, g.storage as Float32Array, n, c, spec, cout, gx.storage as Float32Array);
    }
    if (weight.requiresGrad) {
      gw = empty(weight.shape, g.dtype);
      backend().convBackwardWeight(xf.storage as Float32Array, n, c, spec, g.storage as Float32Array, cout, gw.storage as Float32Array);
    }
    return [gx, gw];
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
  backend().dropout(xf.storage as FloatData, spec, out.storage as FloatData);
  return record('dropout', [x], out, (g) => [keyedDropout(g, spec)]);
}
