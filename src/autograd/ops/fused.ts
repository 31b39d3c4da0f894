/**
 * Fused network ops, one kernel forward and one backward each: softmax cross-entropy per row of
 * logits [N, C], and layer normalisation over trailing dims. They compute what the composite
 * versions (logSoftmax + gather, mean / variance / rsqrt chains) compute, without the
 * intermediate tensors and their graph nodes.
 */
import type { FloatData } from '../../backend/backend.js';
import { backend } from '../../backend/index.js';
import { shapeStr, sizeOf } from '../../backend/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';
import { cast, castRaw, mul, ne } from './elementwise.js';
import { empty, floatDtype, promote } from './util.js';

export interface CrossEntropyRowsOptions {
  /** Per-class weights [C]; constants (no gradient reaches them). */
  weight?: Tensor | null;
  /** Rows whose target equals this get loss 0 and no gradient; default −100 as PyTorch. */
  ignoreIndex?: number;
}

function extreme(op: 'min' | 'max', t: Tensor): number {
  const host = backend().device !== undefined ? t.hostValues() : null;
  if (host !== null) {
    // Targets at hand on the host (a loader's batch): checked there, without a device round trip.
    let v = op === 'min' ? Infinity : -Infinity;
    for (const x of host) v = op === 'min' ? Math.min(v, x) : Math.max(v, x);
    return v;
  }
  const out = new Int32Array(1);
  backend().reduce(op, t.storage, [t.size], [0], out);
  return out[0];
}

function checkClassTargets(op: string, target: Tensor, classes: number, ignoreIndex: number): void {
  if (target.size === 0) return;
  if (extreme('min', target) >= 0 && extreme('max', target) < classes) return;
  // Some value is out of range: it must be the ignore index. Look again with those rows at 0.
  const safe = mul(target, ne(target, ignoreIndex));
  const lo = extreme('min', safe);
  const hi = extreme('max', safe);
  if (lo < 0 || hi >= classes) {
    throw new RangeError(`${op}: target ${lo < 0 ? lo : hi} is outside [0, ${classes}) and is not the ignore index ${ignoreIndex}`);
  }
}

/**
 * Per-row cross-entropy of logits [N, C] at int32 class targets [N]:
 * loss[r] = −weight[t]·log softmax(logits[r])[t] (t = target[r]), 0 where t = ignoreIndex.
 * The gradient with respect to the logits is g[r]·weight[t]·(softmax(logits[r]) − onehot(t)).
 */
export function crossEntropyRows(logits: Tensor, target: Tensor, o: CrossEntropyRowsOptions = {}): Tensor {
  const op = 'crossEntropyRows';
  if (logits.ndim !== 2) throw new RangeError(`${op}: logits must be [N, C], got ${shapeStr(logits.shape)}`);
  const [rows, classes] = logits.shape;
  if (target.dtype !== 'int32') throw new TypeError(`${op}: targets must be int32 class indices, got ${target.dtype}`);
  if (target.ndim !== 1 || target.shape[0] !== rows) {
    throw new RangeError(`${op}: logits ${shapeStr(logits.shape)} need targets of shape [${rows}], got ${shapeStr(target.shape)}`);
  }
  const weight = o.weight ?? null;
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== classes)) {
    throw new RangeError(`${op}: class weights must have shape [${classes}] for logits ${shapeStr(logits.shape)}, got ${shapeStr(weight.shape)}`);
  }
  const ignoreIndex = o.ignoreIndex ?? -100;
  if ((ignoreIndex | 0) !== ignoreIndex) throw new RangeError(`${op}: ignoreIndex must be a 32-bit integer, got ${ignoreIndex}`);
  checkClassTargets(op, target, classes, ignoreIndex);
  const dt = floatDtype(weight ? promote(logits.dtype, weight.dtype) : logits.dtype);
  const x = cast(logits, dt);
  const w = weight ? castRaw(weight, dt) : null;
  const t = target.storage as Int32Array;
  const loss = empty([rows], dt);
  const probs = empty([rows, classes], dt);
  const be = backend();
  be.crossEntropy(x.storage as FloatData, t, w ? (w.storage as FloatData) : null, rows, classes, ignoreIndex,
    loss.storage as FloatData, probs.storage as FloatData);
  return record('crossEntropy', [x], loss, (g) => {
    const gl = castRaw(g, dt);
    const dx = empty([rows, classes], dt);
    backend().crossEntropyBackward(probs.storage as FloatData, t, w ? (w.storage as FloatData) : null, gl.storage as FloatData,
      rows, classes, ignoreIndex, dx.storage as FloatData);
    return [dx];
  });
}

/**
 * Layer normalisation over the trailing dims given by normalizedShape (torch.nn.functional.layer_norm):
 * y = (x − mean)/√(var + eps)·weight + bias with the mean and biased variance over those dims;
 * weight and bias (shape normalizedShape) are optional.
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null,
  eps = 1e-5): Tensor {
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (x.ndim < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new RangeError(`layerNorm: input ${shapeStr(x.shape)} does not end with the normalized shape ${shapeStr(normalizedShape)}`);
  }
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p && (p.ndim !== k || p.shape.some((d, i) => d !== normalizedShape[i]))) {
      throw new RangeError(`layerNorm: ${name} has shape ${shapeStr(p.shape)}, expected the normalized shape ${shapeStr(normalizedShape)}`);
    }
  }
  if (!(eps >= 0)) throw new RangeError(`layerNorm: eps must be ≥ 0, got ${eps}`);
  let dt = floatDtype(x.dtype);
  if (weight) dt = floatDtype(promote(dt, weight.dtype));
  if (bias) dt = floatDtype(promote(dt, bias.dtype));
  const xf = cast(x, dt);
  const wf = weight ? cast(weight, dt) : null;
  const bf = bias ? cast(bias, dt) : null;
  const n = sizeOf(normalizedShape);
  const rows = sizeOf(x.shape.slice(0, x.ndim - k));
  const out = empty(x.shape, dt);
  const mean = empty([rows], dt);
  const rstd = empty([rows], dt);
  const fd = (t: Tensor | null): FloatData | null => (t ? (t.storage as FloatData) : null);
  backend().layerNorm(xf.storage as FloatData, rows, n, fd(wf), fd(bf), eps, out.storage as FloatData, mean.storage as FloatData, rstd.storage as FloatData);
  const inputs = [xf, ...(wf ? [wf] : []), ...(bf ? [bf] : [])];
  return record('layerNorm', inputs, out, (g) => {
    const gg = castRaw(g, dt);
    const dx = empty(x.shape, dt);
    const dw = wf?.requiresGrad ? empty(normalizedShape, dt) : null;
    const db = bf?.requiresGrad ? empty(normalizedShape, dt) : null;
    backend().layerNormBackward(gg.storage as FloatData, xf.storage as FloatData, rows, n, fd(wf), mean.storage as FloatData,
      rstd.storage as FloatData, dx.storage as FloatData, fd(dw), fd(db));
    return [dx, ...(wf ? [dw] : []), ...(bf ? [db] : [])];
  });
}
