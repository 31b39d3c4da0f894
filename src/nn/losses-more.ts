/**
 * More torch.nn losses, as functions and modules with PyTorch 1.13's formulas and reductions
 * ('mean' | 'sum' | 'none'), composed from differentiable ops:
 * CosineEmbeddingLoss, MarginRankingLoss, TripletMarginLoss (p, eps, swap), SoftMarginLoss,
 * MultiLabelSoftMarginLoss (weight), MultiLabelMarginLoss. CTCLoss lives in ctc.ts.
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkOptions, num, oneOf } from '../tensor/options.js';
import { Tensor } from '../tensor/tensor.js';
import { Reduction, reduce } from './functional.js';
import { Module } from './module.js';

export const REDUCTION = oneOf(['mean', 'sum', 'none']);

function sameShape(op: string, a: Tensor, b: Tensor, an = 'input1', bn = 'input2'): void {
  if (a.ndim !== b.ndim || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`${op}: ${an} ${shapeStr(a.shape)} and ${bn} ${shapeStr(b.shape)} must have the same shape`);
  }
}

export interface MarginOptions {
  margin?: number;
  reduction?: Reduction;
}

/** y = 1: 1 − cos(x1, x2); y = −1: max(0, cos(x1, x2) − margin). Inputs [N, D] (or [D]), target [N] (or []). */
export function cosineEmbeddingLoss(x1: Tensor, x2: Tensor, target: Tensor, o: MarginOptions = {}): Tensor {
  const op = 'cosineEmbeddingLoss';
  sameShape(op, x1, x2);
  if (x1.ndim !== 1 && x1.ndim !== 2) throw new RangeError(`${op}: inputs must be [N, D] or [D], got ${shapeStr(x1.shape)}`);
  const expect = x1.ndim === 2 ? [x1.shape[0]] : [];
  if (target.ndim !== expect.length || (expect.length && target.shape[0] !== expect[0])) {
    throw new RangeError(`${op}: target must have shape ${shapeStr(expect)} for inputs ${shapeStr(x1.shape)}, got ${shapeStr(target.shape)}`);
  }
  const d = x1.ndim - 1;
  const EPS = 1e-12;
  const prod = A.sum(A.mul(x1, x2), d);
  const m1 = A.add(A.sum(A.square(x1), d), EPS);
  const m2 = A.add(A.sum(A.square(x2), d), EPS);
  const cos = A.div(prod, A.sqrt(A.mul(m1, m2)));
  const pos = A.where(A.eq(target, 1), A.sub(1, cos), 0);
  const neg = A.where(A.eq(target, -1), A.relu(A.sub(cos, o.margin ?? 0)), 0);
  return reduce(A.add(pos, neg), o.reduction ?? 'mean');
}

/** max(0, −y·(x1 − x2) + margin). */
export function marginRankingLoss(x1: Tensor, x2: Tensor, target: Tensor, o: MarginOptions = {}): Tensor {
  sameShape('marginRankingLoss', x1, x2);
  sameShape('marginRankingLoss', x1, target, 'input1', 'target');
  return reduce(A.relu(A.add(A.neg(A.mul(target, A.sub(x1, x2))), o.margin ?? 0)), o.reduction ?? 'mean');
}

/** torch.nn.functional.pairwise_distance: ‖x1 − x2 + eps‖_p over the last dim. */
export function pairwiseDistance(x1: Tensor, x2: Tensor, p = 2, eps = 1e-6, keepDim = false): Tensor {
  const diff = A.add(A.sub(x1, x2), eps);
  const d = diff.ndim - 1;
  if (p === 2) return A.sqrt(A.sum(A.square(diff), d, { keepDim }));
  if (p === 1) return A.sum(A.abs(diff), d, { keepDim });
  if (p === Infinity) return A.max(A.abs(diff), d, { keepDim });
  if (!(p > 0)) throw new RangeError(`pairwiseDistance: p must be > 0, got ${p}`);
  return A.pow(A.sum(A.pow(A.abs(diff), p), d, { keepDim }), 1 / p);
}

export interface TripletMarginOptions {
  margin?: number;
  p?: number;
  eps?: number;
  swap?: boolean;
  reduction?: Reduction;
}

/** max(d(a, p) − d(a, n) + margin, 0) with d the p-norm pairwise distance; swap uses min(d(a, n), d(p, n)). */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, o: TripletMarginOptions = {}): Tensor {
  const op = 'tripletMarginLoss';
  sameShape(op, anchor, positive, 'anchor', 'positive');
  sameShape(op, anchor, negative, 'anchor', 'negative');
  if (anchor.ndim !== 1 && anchor.ndim !== 2) throw new RangeError(`${op}: inputs must be [N, D] or [D], got ${shapeStr(anchor.shape)}`);
  const p = o.p ?? 2;
  const eps = o.eps ?? 1e-6;
  const dPos = pairwiseDistance(anchor, positive, p, eps);
  let dNeg = pairwiseDistance(anchor, negative, p, eps);
  if (o.swap) dNeg = A.minimum(dNeg, pairwiseDistance(positive, negative, p, eps));
  return reduce(A.relu(A.add(A.sub(dPos, dNeg), o.margin ?? 1)), o.reduction ?? 'mean');
}

/** log(1 + exp(−y·x)) with y ∈ {1, −1}. */
export function softMarginLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  sameShape('softMarginLoss', input, target, 'input', 'target');
  return reduce(A.softplus(A.neg(A.mul(target, input))), reduction);
}

export interface MultiLabelSoftMarginOptions {
  weight?: Tensor | null;
  reduction?: Reduction;
}

/** −mean over classes of w_c·(y·log σ(x) + (1 − y)·log σ(−x)), per sample, then reduced. */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, o: MultiLabelSoftMarginOptions = {}): Tensor {
  sameShape('multilabelSoftMarginLoss', input, target, 'input', 'target');
  let loss = A.neg(A.add(A.mul(target, A.logSigmoid(input)), A.mul(A.sub(1, target), A.logSigmoid(A.neg(input)))));
  if (o.weight) loss = A.mul(loss, o.weight);
  const cd = input.ndim - 1;
  return reduce(A.div(A.sum(loss, cd), input.shape[cd]), o.reduction ?? 'mean');
}

/**
 * Multi-class multi-label hinge loss: the int32 target [N, C] (or [C]) lists each sample's
 * classes, ended by the first −1; loss = Σ_{j target} Σ_{i not target} max(0, 1 − (x_j − x_i)) / C.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  const op = 'multilabelMarginLoss';
  if (target.dtype !== 'int32') throw new TypeError(`${op}: target must be an int32 tensor of class indices, got ${target.dtype}`);
  sameShape(op, input, target, 'input', 'target');
  if (input.ndim !== 1 && input.ndim !== 2) throw new RangeError(`${op}: input must be [N, C] or [C], got ${shapeStr(input.shape)}`);
  const x = input.ndim === 1 ? A.unsqueeze(input, 0) : input;
  const [N, C] = x.shape;
  const t = target.data as Int32Array;
  const count = new Float64Array(N * C);
  const isT = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < C; k++) {
      const j = t[n * C + k];
      if (j === -1) break;
      if (j < 0 || j >= C) throw new RangeError(`${op}: target ${j} at [${n}, ${k}] is outside [0, ${C}) (end the list with -1)`);
      count[n * C + j] += 1;
      isT[n * C + j] = 1;
    }
  }
  const dt = x.dtype === 'float64' ? 'float64' : 'float32';
  const mk = (d: Float64Array, shape: number[]): Tensor => A.cast(new Tensor(d, shape), dt);
  const tj = mk(count, [N, C, 1]);
  const ni = mk(isT.map((v) => 1 - v), [N, 1, C]);
  const hinge = A.relu(A.add(A.sub(A.unsqueeze(x, 1), A.unsqueeze(x, 2)), 1)); // [N, j, i] = 1 − x_j + x_i
  let loss = A.div(A.sum(A.mul(A.mul(hinge, tj), ni), [1, 2]), C);
  if (input.ndim === 1) loss = A.squeeze(loss, 0);
  return reduce(loss, reduction);
}

export class CosineEmbeddingLoss extends Module {
  constructor(readonly options: MarginOptions = {}) {
    super();
    checkOptions('CosineEmbeddingLoss', options, { margin: num({ min: -1, max: 1 }), reduction: REDUCTION });
  }

  forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(x1, x2, target, this.options);
  }
}

export class MarginRankingLoss extends Module {
  constructor(readonly options: MarginOptions = {}) {
    super();
    checkOptions('MarginRankingLoss', options, { margin: num(), reduction: REDUCTION });
  }

  forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(x1, x2, target, this.options);
  }
}

export class TripletMarginLoss extends Module {
  constructor(readonly options: TripletMarginOptions = {}) {
    super();
    checkOptions('TripletMarginLoss', options, { margin: num(), p: num({ min: 0, minExclusive: true }), eps: num({ min: 0 }), swap: 'boolean', reduction: REDUCTION });
  }

  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return tripletMarginLoss(anchor, positive, negative, this.options);
  }
}

export class SoftMarginLoss extends Module {
  readonly reduction: Reduction;

  constructor(o: { reduction?: Reduction } = {}) {
    super();
    checkOptions('SoftMarginLoss', o, { reduction: REDUCTION });
    this.reduction = o.reduction ?? 'mean';
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return softMarginLoss(input, target, this.reduction);
  }
}

export class MultiLabelSoftMarginLoss extends Module {
  constructor(readonly options: MultiLabelSoftMarginOptions = {}) {
    super();
    checkOptions('MultiLabelSoftMarginLoss', options, { weight: 'any', reduction: REDUCTION });
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return multilabelSoftMarginLoss(input, target, this.options);
  }
}

export class MultiLabelMarginLoss extends Module {
  readonly reduction: Reduction;

  constructor(o: { reduction?: Reduction } = {}) {
    super();
    checkOptions('MultiLabelMarginLoss', o, { reduction: REDUCTION });
    this.reduction = o.reduction ?? 'mean';
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return multilabelMarginLoss(input, target, this.reduction);
  }
}
