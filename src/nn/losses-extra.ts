/**
 * The remaining torch.nn losses, as functions and modules with PyTorch's formulas, defaults and
 * reductions ('mean' | 'sum' | 'none'; KLDivLoss also 'batchmean'): BCELoss, BCEWithLogitsLoss
 * (posWeight), L1Loss, SmoothL1Loss (beta), HuberLoss (delta), KLDivLoss (log-prob input,
 * logTarget), GaussianNLLLoss (full, eps), PoissonNLLLoss (logInput, full, eps),
 * MultiMarginLoss (p, margin, weight), HingeEmbeddingLoss (margin).
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Tensor } from '../tensor/tensor.js';
import { Reduction, reduce } from './functional.js';
import { Module } from './module.js';
import { checkOptions, oneOf, OptionSpec } from '../tensor/options.js';
import { nullable, tensorLike } from '../tensor/option-rules.js';
import { reductionArg } from './loss.js';
import { FINITE, NONNEG, POSITIVE, REDUCTION } from './option-specs.js';

const W = nullable(tensorLike);
/** The option specs of these losses (functions and modules alike). */
export const LOSS_OPTIONS: Record<string, OptionSpec> = {
  BCELoss: { weight: W, reduction: REDUCTION },
  BCEWithLogitsLoss: { weight: W, posWeight: W, reduction: REDUCTION },
  SmoothL1Loss: { beta: NONNEG, reduction: REDUCTION },
  HuberLoss: { delta: POSITIVE, reduction: REDUCTION },
  KLDivLoss: { reduction: oneOf(['none', 'mean', 'sum', 'batchmean']), logTarget: 'boolean' },
  GaussianNLLLoss: { full: 'boolean', eps: POSITIVE, reduction: REDUCTION },
  PoissonNLLLoss: { logInput: 'boolean', full: 'boolean', eps: POSITIVE, reduction: REDUCTION },
  MultiMarginLoss: { p: oneOf([1, 2]), margin: FINITE, weight: W, reduction: REDUCTION },
  HingeEmbeddingLoss: { margin: FINITE, reduction: REDUCTION },
};

function same(op: string, input: Tensor, target: Tensor): void {
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new RangeError(`${op}: input ${shapeStr(input.shape)} and target ${shapeStr(target.shape)} must have the same shape`);
  }
}

/** −w·(t·log p + (1−t)·log(1−p)), logs clamped at −100 as PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, o: { weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  checkOptions('binaryCrossEntropy', o, LOSS_OPTIONS.BCELoss);
  same('binaryCrossEntropy', input, target);
  const lp = A.clamp(A.log(input), -100);
  const l1p = A.clamp(A.log(A.sub(1, input)), -100);
  let loss = A.neg(A.add(A.mul(target, lp), A.mul(A.sub(1, target), l1p)));
  if (o.weight) loss = A.mul(loss, o.weight);
  return reduce(loss, o.reduction ?? 'mean');
}

/** −w·(pw·t·log σ(x) + (1−t)·log σ(−x)), stable for any logit; posWeight broadcasts over the last dim. */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, o: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  checkOptions('binaryCrossEntropyWithLogits', o, LOSS_OPTIONS.BCEWithLogitsLoss);
  same('binaryCrossEntropyWithLogits', input, target);
  const pos = o.posWeight ? A.mul(target, o.posWeight) : target;
  let loss = A.neg(A.add(A.mul(pos, A.logSigmoid(input)), A.mul(A.sub(1, target), A.logSigmoid(A.neg(input)))));
  if (o.weight) loss = A.mul(loss, o.weight);
  return reduce(loss, o.reduction ?? 'mean');
}

export function l1Loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  reductionArg('l1Loss', reduction);
  same('l1Loss', input, target);
  return reduce(A.abs(A.sub(input, target)), reduction);
}

/** 0.5·d²/β where |d| < β, else |d| − 0.5·β (β = 0 is the L1 loss). */
export function smoothL1Loss(input: Tensor, target: Tensor, o: { beta?: number; reduction?: Reduction } = {}): Tensor {
  checkOptions('smoothL1Loss', o, LOSS_OPTIONS.SmoothL1Loss);
  same('smoothL1Loss', input, target);
  const beta = o.beta ?? 1;
  if (beta < 0) throw new RangeError(`smoothL1Loss: beta must be ≥ 0, got ${beta}`);
  const d = A.abs(A.sub(input, target));
  if (beta === 0) return reduce(d, o.reduction ?? 'mean');
  const loss = A.where(A.lt(d, beta), A.mul(A.square(d), 0.5 / beta), A.sub(d, 0.5 * beta));
  return reduce(loss, o.reduction ?? 'mean');
}

/** 0.5·d² where |d| < δ, else δ·(|d| − 0.5·δ). */
export function huberLoss(input: Tensor, target: Tensor, o: { delta?: number; reduction?: Reduction } = {}): Tensor {
  checkOptions('huberLoss', o, LOSS_OPTIONS.HuberLoss);
  same('huberLoss', input, target);
  const delta = o.delta ?? 1;
  const d = A.abs(A.sub(input, target));
  const loss = A.where(A.lt(d, delta), A.mul(A.square(d), 0.5), A.mul(A.sub(d, 0.5 * delta), delta));
  return reduce(loss, o.reduction ?? 'mean');
}

export type KLReduction = Reduction | 'batchmean';

/**
 * KL(target ‖ input) pointwise with input as log-probabilities: t·(log t − x), 0 where t = 0
 * (or e^t·(t − x) with logTarget). 'batchmean' divides the sum by the batch size.
 */
export function klDiv(input: Tensor, target: Tensor, o: { reduction?: KLReduction; logTarget?: boolean } = {}): Tensor {
  checkOptions('klDiv', o, LOSS_OPTIONS.KLDivLoss);
  same('klDiv', input, target);
  const loss = o.logTarget
    ? A.mul(A.exp(target), A.sub(target, input))
    : A.sub(A.mul(target, A.log(A.clamp(target, 1e-30))), A.mul(target, input));
  const r = o.reduction ?? 'mean';
  if (r === 'batchmean') return A.div(A.sum(loss), input.ndim > 0 ? input.shape[0] : 1);
  return reduce(loss, r);
}

/**
 * 0.5·(log max(var, eps) + (x − t)²/max(var, eps)) (+ 0.5·log 2π with full). As PyTorch, the
 * clamp changes the value but not the gradient. var may have one dim less than the input, or
 * size 1 in the last dim (homoscedastic).
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, o: { full?: boolean; eps?: number; reduction?: Reduction } = {}): Tensor {
  checkOptions('gaussianNllLoss', o, LOSS_OPTIONS.GaussianNLLLoss);
  same('gaussianNllLoss', input, target);
  let v = variance;
  if (v.ndim === input.ndim - 1 && v.shape.every((d, i) => d === input.shape[i])) v = A.unsqueeze(v, -1);
  const fits = v.ndim === input.ndim && v.shape.every((d, i) => d === input.shape[i] || (i === v.ndim - 1 && d === 1));
  if (!fits) throw new RangeError(`gaussianNllLoss: var ${shapeStr(variance.shape)} does not fit input ${shapeStr(input.shape)}`);
  if (A.min(variance).item() < 0) throw new RangeError('gaussianNllLoss: var has negative entries');
  const eps = o.eps ?? 1e-6;
  const clamped = A.add(v, A.detach(A.sub(A.clamp(v, eps), v)));
  let loss = A.mul(A.add(A.log(clamped), A.div(A.square(A.sub(input, target)), clamped)), 0.5);
  if (o.full) loss = A.add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduce(loss, o.reduction ?? 'mean');
}

/**
 * exp(x) − t·x with logInput (default), else x − t·log(x + eps). full adds Stirling's term
 * t·log t − t + 0.5·log(2πt) where t > 1.
 */
export function poissonNllLoss(input: Tensor, target: Tensor, o: { logInput?: boolean; full?: boolean; eps?: number; reduction?: Reduction } = {}): Tensor {
  checkOptions('poissonNllLoss', o, LOSS_OPTIONS.PoissonNLLLoss);
  same('poissonNllLoss', input, target);
  const eps = o.eps ?? 1e-8;
  let loss = (o.logInput ?? true)
    ? A.sub(A.exp(input), A.mul(target, input))
    : A.sub(input, A.mul(target, A.log(A.add(input, eps))));
  if (o.full) {
    const t = A.clamp(target, 1);
    const stirling = A.add(A.sub(A.mul(t, A.log(t)), t), A.mul(A.log(A.mul(t, 2 * Math.PI)), 0.5));
    loss = A.add(loss, A.where(A.gt(target, 1), stirling, 0));
  }
  return reduce(loss, o.reduction ?? 'mean');
}

/** Σ_{i≠y} max(0, margin − x_y + x_i)^p · w_y / C per sample, for scores [N, C] and int32 targets [N]. */
export function multiMarginLoss(input: Tensor, target: Tensor, o: { p?: 1 | 2; margin?: number; weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  checkOptions('multiMarginLoss', o, LOSS_OPTIONS.MultiMarginLoss);
  const p = o.p ?? 1;
  if (p !== 1 && p !== 2) throw new RangeError(`multiMarginLoss: p must be 1 or 2, got ${p}`);
  const x = input.ndim === 1 ? A.unsqueeze(input, 0) : input;
  const y = target.ndim === 0 ? A.reshape(target, [1]) : target;
  if (x.ndim !== 2 || y.ndim !== 1 || y.shape[0] !== x.shape[0]) throw new RangeError(`multiMarginLoss: expected input [N, C] and target [N], got ${shapeStr(input.shape)} and ${shapeStr(target.shape)}`);
  if (y.dtype !== 'int32') throw new TypeError(`multiMarginLoss: target must be int32 class indices, got ${y.dtype}`);
  const [, C] = x.shape;
  if (y.size && (A.min(y).item() < 0 || A.max(y).item() >= C)) throw new RangeError(`multiMarginLoss: a target is outside [0, ${C})`);
  const col = A.unsqueeze(y, 1);
  const xy = A.gather(x, 1, col);
  let m = A.relu(A.add(A.sub(x, xy), o.margin ?? 1));
  if (p === 2) m = A.square(m);
  const classes = new Tensor(Int32Array.from({ length: C }, (_, i) => i), [1, C]);
  m = A.mul(m, A.ne(classes, col));
  if (o.weight) m = A.mul(m, A.unsqueeze(A.indexSelect(o.weight, 0, y), 1));
  const loss = A.div(A.sum(m, 1), C);
  return reduce(input.ndim === 1 ? A.squeeze(loss, 0) : loss, o.reduction ?? 'mean');
}

/** x where y = 1, max(0, margin − x) where y = −1. */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, o: { margin?: number; reduction?: Reduction } = {}): Tensor {
  checkOptions('hingeEmbeddingLoss', o, LOSS_OPTIONS.HingeEmbeddingLoss);
  same('hingeEmbeddingLoss', input, target);
  const marginPart = A.where(A.ne(target, 1), A.relu(A.sub(o.margin ?? 1, input)), 0);
  const selfPart = A.where(A.ne(target, -1), input, 0);
  return reduce(A.add(marginPart, selfPart), o.reduction ?? 'mean');
}

export class BCELoss extends Module {
  constructor(readonly options: { weight?: Tensor | null; reduction?: Reduction } = {}) {
    super();
    checkOptions('BCELoss', options, LOSS_OPTIONS.BCELoss);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this.options);
  }
}

export class BCEWithLogitsLoss extends Module {
  constructor(readonly options: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}) {
    super();
    checkOptions('BCEWithLogitsLoss', options, LOSS_OPTIONS.BCEWithLogitsLoss);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.options);
  }
}

export class L1Loss extends Module {
  readonly reduction: Reduction;

  constructor(reduction: Reduction | { reduction?: Reduction } = 'mean') {
    super();
    this.reduction = reductionArg('L1Loss', reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.reduction);
  }
}

export class SmoothL1Loss extends Module {
  constructor(readonly options: { beta?: number; reduction?: Reduction } = {}) {
    super();
    checkOptions('SmoothL1Loss', options, LOSS_OPTIONS.SmoothL1Loss);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

export class HuberLoss extends Module {
  constructor(readonly options: { delta?: number; reduction?: Reduction } = {}) {
    super();
    checkOptions('HuberLoss', options, LOSS_OPTIONS.HuberLoss);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.options);
  }
}

export class KLDivLoss extends Module {
  constructor(readonly options: { reduction?: KLReduction; logTarget?: boolean } = {}) {
    super();
    checkOptions('KLDivLoss', options, LOSS_OPTIONS.KLDivLoss);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, this.options);
  }
}

/** forward(input, target, var). */
export class GaussianNLLLoss extends Module {
  constructor(readonly options: { full?: boolean; eps?: number; reduction?: Reduction } = {}) {
    super();
    checkOptions('GaussianNLLLoss', options, LOSS_OPTIONS.GaussianNLLLoss);
  }

  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return gaussianNllLoss(input, target, variance, this.options);
  }
}

export class PoissonNLLLoss extends Module {
  constructor(readonly options: { logInput?: boolean; full?: boolean; eps?: number; reduction?: Reduction } = {}) {
    super();
    checkOptions('PoissonNLLLoss', options, LOSS_OPTIONS.PoissonNLLLoss);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return poissonNllLoss(input, target, this.options);
  }
}

export class MultiMarginLoss extends Module {
  constructor(readonly options: { p?: 1 | 2; margin?: number; weight?: Tensor | null; reduction?: Reduction } = {}) {
    super();
    checkOptions('MultiMarginLoss', options, LOSS_OPTIONS.MultiMarginLoss);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, this.options);
  }
}

export class HingeEmbeddingLoss extends Module {
  constructor(readonly options: { margin?: number; reduction?: Reduction } = {}) {
    super();
    checkOptions('HingeEmbeddingLoss', options, LOSS_OPTIONS.HingeEmbeddingLoss);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return hingeEmbeddingLoss(input, target, this.options);
  }
}
