/**
 * Cross-entropy against class probabilities (PyTorch ≥ 1.10's float targets): target has the
 * shape of the logits [N, C, ...]; loss per sample = −Σ_c w_c·t_c·log softmax(x)_c, with label
 * smoothing t ← (1 − ε)·t + ε/C first. 'mean' divides the sum by the number of samples
 * (N·∏spatial), not by the weights (as PyTorch).
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Tensor } from '../tensor/tensor.js';

export interface ProbTargetOptions {
  weight?: Tensor | null;
  reduction?: 'mean' | 'sum' | 'none';
  labelSmoothing?: number;
  ignoreIndex?: number;
}

export function crossEntropyProbs(logits: Tensor, target: Tensor, o: ProbTargetOptions = {}): Tensor {
  const op = 'crossEntropy';
  const classShape = [logits.shape[0], ...logits.shape.slice(2)];
  if (target.ndim === classShape.length && classShape.every((d, i) => d === target.shape[i])) {
    throw new TypeError(`${op}: targets must be int32 class indices, got ${target.dtype} of shape ${shapeStr(target.shape)} (float targets are class probabilities of the input's shape ${shapeStr(logits.shape)})`);
  }
  if (logits.ndim !== target.ndim || logits.shape.some((d, i) => d !== target.shape[i])) {
    throw new RangeError(`${op}: probability targets must have the shape of the input ${shapeStr(logits.shape)}, got ${shapeStr(target.shape)}`);
  }
  if (o.ignoreIndex !== undefined && o.ignoreIndex !== -100) {
    throw new RangeError(`${op}: ignoreIndex (${o.ignoreIndex}) applies to class-index targets, not to probability targets`);
  }
  const C = logits.shape[1];
  const eps = o.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new RangeError(`${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  let t = target;
  if (eps > 0) t = A.add(A.mul(t, 1 - eps), eps / C);
  let lp = A.mul(A.logSoftmax(logits, 1), t);
  if (o.weight) {
    if (o.weight.ndim !== 1 || o.weight.shape[0] !== C) throw new RangeError(`${op}: weight must have shape [${C}] for input ${shapeStr(logits.shape)}, got ${shapeStr(o.weight.shape)}`);
    lp = A.mul(lp, A.reshape(o.weight, [1, C, ...logits.shape.slice(2).map(() => 1)]));
  }
  const loss = A.neg(A.sum(lp, 1));
  const reduction = o.reduction ?? 'mean';
  if (reduction === 'mean') return A.div(A.sum(loss), logits.size / C);
  if (reduction === 'sum') return A.sum(loss);
  return loss;
}
