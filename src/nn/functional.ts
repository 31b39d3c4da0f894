/**
 * Stateless building blocks (torch.nn.functional): what the modules call in forward, and what
 * users call directly. Composite ops built on autograd primitives, so gradients come for free,
 * except where a fused op (one kernel each way) does the common case: crossEntropy on [N, C]
 * logits, layerNorm.
 */
import { shapeStr } from '../backend/shape.js';
import { backend } from '../backend/index.js';
import * as A from '../autograd/index.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions } from '../tensor/options.js';
import { nullable, tensorLike } from '../tensor/option-rules.js';
import { INT, PROB, REDUCTION, reductionProblem } from './option-specs.js';

/** Options of nllLoss / NLLLoss (PyTorch's names; sizeAverage/reduce are long deprecated there). */
export const NLL_OPTIONS = { reduction: REDUCTION, weight: nullable(tensorLike), ignoreIndex: INT } as const;
export const CROSS_ENTROPY_OPTIONS = { ...NLL_OPTIONS, labelSmoothing: PROB } as const;
import { crossEntropyProbs } from './cross-entropy-probs.js';

export type Reduction = 'mean' | 'sum' | 'none';

export const linear = A.linear;
export const relu = A.relu;
export const tanh = A.tanh;
export const sigmoid = A.sigmoid;
export const softmax = A.softmax;
export const logSoftmax = A.logSoftmax;
export const leakyRelu = A.leakyRelu;

export function reduce(x: Tensor, reduction: Reduction): Tensor {
  const problem = reductionProblem(reduction);
  if (problem !== null) throw new RangeError(`reduction ${problem}`);
  if (reduction === 'mean') return A.mean(x);
  if (reduction === 'sum') return A.sum(x);
  return x;
}

/**
 * Layer normalisation over the trailing dims normalizedShape (torch.nn.functional.layer_norm),
 * with optional elementwise weight and bias of that shape; one fused kernel each way.
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null,
  bias: Tensor | null = null, eps = 1e-5): Tensor {
  return A.layerNorm(x, typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape, weight, bias, eps);
}

/**
 * Inverted dropout: zeroes each entry with probability p and scales the rest by 1/(1−p). The
 * mask is counter-based (backend kernel `dropout`): two 32-bit words drawn from `gen` key a
 * hash of each entry's index, so the same seed gives the same mask on every backend, the
 * kernel runs on all threads, and the backward regenerates the mask instead of storing it.
 */
export function dropout(x: Tensor, p = 0.5, training = true, gen: Generator = defaultGenerator()): Tensor {
  if (p < 0 || p > 1) throw new RangeError(`dropout: probability must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return A.mul(x, 0);
  const keep = 1 - p;
  const key0 = gen.nextU32();
  const key1 = gen.nextU32();
  return A.keyedDropout(x, { keep, scale: 1 / keep, key0, key1 });
}

/** Checks class targets: int32, right shape, every value in [0, classes) (or the ignore index). */
export function checkTargets(op: string, input: Tensor, target: Tensor, ignoreIndex?: number): void {
  if (target.dtype !== 'int32') throw new TypeError(`${op}: targets must be int32 class indices, got ${target.dtype}`);
  const expected = [input.shape[0], ...input.shape.slice(2)];
  if (target.ndim !== expected.length || target.shape.some((d, i) => d !== expected[i])) {
    throw new RangeError(`${op}: input ${shapeStr(input.shape)} needs targets of shape ${shapeStr(expected)}, got ${shapeStr(target.shape)}`);
  }
  const classes = input.shape[1];
  const lo = new Int32Array(1);
  const hi = new Int32Array(1);
  if (target.size === 0) return;
  const host = backend().device !== undefined ? target.hostValues() : null;
  if (host !== null) {
    // Targets at hand on the host (a loader's batch): checked there, without a device round trip.
    lo[0] = 0x7fffffff;
    hi[0] = -0x80000000;
    for (const v of host) { if (v < lo[0]) lo[0] = v; if (v > hi[0]) hi[0] = v; }
  } else {
    backend().reduce('min', target.storage, [target.size], [0], lo);
    backend().reduce('max', target.storage, [target.size], [0], hi);
  }
  if (lo[0] < 0 || hi[0] >= classes) {
    const t = target.data;
    for (let i = 0; i < t.length; i++) {
      if ((t[i] < 0 || t[i] >= classes) && t[i] !== ignoreIndex) {
        throw new RangeError(`${op}: target ${t[i]} at position ${i} is outside [0, ${classes})`);
      }
    }
  }
}

export interface NllOptions {
  reduction?: Reduction;
  /** Per-class weights [C]. */
  weight?: Tensor | null;
  ignoreIndex?: number;
}

/**
 * Negative log-likelihood of log-probabilities [N, C, ...] at int32 targets [N, ...].
 * With weights, the mean divides by the sum of the targets' weights (as PyTorch).
 */
export function nllLoss(logProbs: Tensor, target: Tensor, o: NllOptions = {}): Tensor {
  checkOptions('nllLoss', o, NLL_OPTIONS);
  if (logProbs.ndim < 2) throw new RangeError(`nllLoss: input must be [N, C, ...], got ${shapeStr(logProbs.shape)}`);
  const ignore = o.ignoreIndex ?? -100;
  checkTargets('nllLoss', logProbs, target, ignore);
  const valid = A.ne(target, ignore);
  const safeTarget = A.mul(target, valid);
  const picked = A.squeeze(A.gather(logProbs, 1, A.unsqueeze(safeTarget, 1)), 1);
  let w: Tensor = A.cast(valid, logProbs.dtype);
  if (o.weight) w = A.mul(w, A.reshape(A.indexSelect(o.weight, 0, safeTarget.reshape([safeTarget.size])), target.shape));
  const losses = A.neg(A.mul(picked, w));
  const reduction = o.reduction ?? 'mean';
  if (reduction === 'mean') return A.div(A.sum(losses), A.sum(w));
  return reduce(losses, reduction);
}

export interface CrossEntropyOptions extends NllOptions {
  /** Mixes the one-hot target with the uniform distribution: (1−ε)·onehot + ε/C. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of raw scores (logits) [N, C, ...] against int32 class targets, or against
 * float class probabilities of the logits' shape (nn/cross-entropy-probs.ts).
 * 2-d logits without label smoothing (and class weights that need no gradient) take one fused
 * kernel (A.crossEntropyRows); the rest is composed from logSoftmax and nllLoss. The reductions
 * are the same either way: 'mean' divides Σ w_t·loss by Σ w_t over the rows not ignored.
 */
export function crossEntropy(logits: Tensor, target: Tensor, o: CrossEntropyOptions = {}): Tensor {
  checkOptions('crossEntropy', o, CROSS_ENTROPY_OPTIONS);
  if (logits.ndim < 2) throw new RangeError(`crossEntropy: input must be [N, C, ...] logits, got ${shapeStr(logits.shape)}`);
  // Float targets are class probabilities (shape of the logits), as PyTorch.
  if (target.dtype !== 'int32') return crossEntropyProbs(logits, target, o);
  const eps = o.labelSmoothing ?? 0;
  if (logits.ndim === 2 && eps === 0 && !o.weight?.requiresGrad) return crossEntropyFused(logits, target, o);
  const logp = A.logSoftmax(logits, 1);
  const nll = nllLoss(logp, target, { reduction: o.reduction, weight: o.weight, ignoreIndex: o.ignoreIndex });
  if (eps === 0) return nll;
  checkTargets('crossEntropy', logits, target, o.ignoreIndex ?? -100);
  const C = logits.shape[1];
  // Smoothing term: −Σ_c w_c·log p_c / C per sample (weighted like PyTorch), then reduced.
  const valid = A.cast(A.ne(target, o.ignoreIndex ?? -100), logits.dtype);
  const wShape = [1, C, ...logits.shape.slice(2).map(() => 1)];
  const lp = o.weight ? A.mul(logp, A.reshape(o.weight, wShape)) : logp;
  const smooth = A.mul(A.neg(A.sum(lp, 1)), valid);
  const reduction = o.reduction ?? 'mean';
  let smoothRed: Tensor;
  if (reduction === 'mean') {
    const denom = o.weight
      ? A.sum(A.mul(valid, A.reshape(A.indexSelect(o.weight, 0, A.mul(target, A.ne(target, o.ignoreIndex ?? -100)).reshape([target.size])), target.shape)))
      : A.sum(valid);
    smoothRed = A.div(A.sum(smooth), denom);
  } else smoothRed = reduce(smooth, reduction);
  return A.add(A.mul(nll, 1 - eps), A.mul(smoothRed, eps / C));
}

function crossEntropyFused(logits: Tensor, target: Tensor, o: NllOptions): Tensor {
  const ignore = o.ignoreIndex ?? -100;
  checkTargets('crossEntropy', logits, target, ignore);
  const C = logits.shape[1];
  if (o.weight && (o.weight.ndim !== 1 || o.weight.shape[0] !== C)) {
    throw new RangeError(`crossEntropy: weight must have shape [${C}] for input ${shapeStr(logits.shape)}, got ${shapeStr(o.weight.shape)}`);
  }
  const losses = A.crossEntropyRows(logits, target, { weight: o.weight, ignoreIndex: ignore });
  const reduction = o.reduction ?? 'mean';
  if (reduction !== 'mean') return reduce(losses, reduction);
  // Weighted mean as nllLoss (and PyTorch): Σ w_t·loss / Σ w_t over the rows not ignored.
  const valid = A.ne(target, ignore);
  let w: Tensor = A.cast(valid, losses.dtype);
  if (o.weight) w = A.mul(w, A.indexSelect(o.weight, 0, A.mul(target, valid)));
  return A.div(A.sum(losses), A.sum(w));
}

function checkSame(op: string, input: Tensor, target: Tensor): void {
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new RangeError(`${op}: input ${shapeStr(input.shape)} and target ${shapeStr(target.shape)} must have the same shape`);
  }
}

export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  const problem = reductionProblem(reduction);
  if (problem !== null) throw new RangeError(`mseLoss: reduction ${problem}`);
  checkSame('mseLoss', input, target);
  return reduce(A.square(A.sub(input, target)), reduction);
}

/** Fraction of rows whose argmax equals the target. */
export function accuracy(logits: Tensor, target: Tensor): number {
  const pred = A.argmax(logits, 1);
  return A.sum(A.eq(pred, target)).item() / Math.max(target.size, 1);
}
