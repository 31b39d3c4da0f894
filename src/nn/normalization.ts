/**
 * Normalisation layers as torch.nn: LayerNorm (over the trailing normalizedShape dims, with an
 * elementwise affine map; one fused kernel forward and one backward, A.layerNorm) and BatchNorm1d/2d (per channel over the batch and spatial dims).
 *
 * BatchNorm in training mode normalises with the batch mean and biased variance and updates the
 * running statistics (buffers runningMean, runningVar, numBatchesTracked) with
 * r ← (1 − momentum)·r + momentum·batch, using the *unbiased* batch variance for runningVar;
 * momentum null means a cumulative average. In eval mode (or with trackRunningStats false never)
 * it uses the running statistics. Names follow PyTorch (running_mean → runningMean).
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Tensor } from '../tensor/tensor.js';
import { ones, zeros } from '../tensor/creation.js';
import { Module, Parameter } from './module.js';
import { checkArg, checkOptions } from '../tensor/options.js';
import { nullable } from '../tensor/option-rules.js';
import { NONNEG, PARAM_OPTIONS, PROB, SIZE } from './option-specs.js';

export const LAYER_NORM_OPTIONS = { eps: NONNEG, elementwiseAffine: 'boolean', bias: 'boolean', ...PARAM_OPTIONS } as const;
export const BATCH_NORM_OPTIONS = { eps: NONNEG, momentum: nullable(PROB), affine: 'boolean', trackRunningStats: 'boolean', ...PARAM_OPTIONS } as const;

export interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  /** Whether the affine map has a bias (PyTorch ≥ 2.1 option); default true. */
  bias?: boolean;
}

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | number[], o: LayerNormOptions = {}) {
    super();
    checkOptions('LayerNorm', o, LAYER_NORM_OPTIONS);
    for (const d of typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape) checkArg('LayerNorm', 'normalizedShape', d, SIZE);
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = o.eps ?? 1e-5;
    const affine = o.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias = affine && (o.bias ?? true) ? new Parameter(zeros(this.normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    const tail = x.shape.slice(x.ndim - k);
    if (x.ndim < k || tail.some((d, i) => d !== this.normalizedShape[i])) {
      throw new RangeError(`LayerNorm: input ${shapeStr(x.shape)} does not end with the normalized shape ${shapeStr(this.normalizedShape)}`);
    }
    return A.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${shapeStr(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch in the running averages; null = cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

abstract class BatchNormNd extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor;
  declare runningVar: Tensor;
  declare numBatchesTracked: Tensor;

  constructor(readonly numFeatures: number, private readonly ranks: number[], o: BatchNormOptions = {}) {
    super();
    checkOptions(this.constructor.name, o, BATCH_NORM_OPTIONS);
    if (!(Number.isInteger(numFeatures) && numFeatures > 0)) throw new RangeError(`${this.constructor.name}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    this.trackRunningStats = o.trackRunningStats ?? true;
    const affine = o.affine ?? true;
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('runningMean', zeros([numFeatures]));
      this.registerBuffer('runningVar', ones([numFeatures]));
      this.registerBuffer('numBatchesTracked', zeros([], { dtype: 'int32' }));
    }
  }

  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    this.runningMean.data.fill(0);
    this.runningVar.data.fill(1);
    this.numBatchesTracked.data.fill(0);
  }

  forward(x: Tensor): Tensor {
    const op = this.constructor.name;
    if (!this.ranks.includes(x.ndim)) {
      throw new RangeError(`${op}: expected a ${this.ranks.join('-d or ')}-d input, got ${shapeStr(x.shape)}`);
    }
    const c = x.shape[1];
    if (c !== this.numFeatures) throw new RangeError(`${op}: input ${shapeStr(x.shape)} has ${c} channels but the layer expects ${this.numFeatures}`);
    const dims = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
    const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
    const useBatch = this.training || !this.trackRunningStats;
    let y: Tensor;
    if (useBatch) {
      const n = x.size / c;
      if (this.training && n <= 1) throw new RangeError(`${op}: expected more than 1 value per channel when training, got input ${shapeStr(x.shape)}`);
      const mu = A.mean(x, dims, { keepDim: true });
      const xc = A.sub(x, mu);
      const v = A.mean(A.square(xc), dims, { keepDim: true });
      y = A.mul(xc, A.rsqrt(A.add(v, this.eps)));
      if (this.training && this.trackRunningStats) this.updateRunning(mu, v, n);
    } else {
      const mu = A.reshape(this.runningMean, bshape);
      const v = A.reshape(this.runningVar, bshape);
      y = A.mul(A.sub(x, mu), A.rsqrt(A.add(v, this.eps)));
    }
    if (this.weight) y = A.mul(y, A.reshape(this.weight, bshape));
    if (this.bias) y = A.add(y, A.reshape(this.bias, bshape));
    return y;
  }

  private updateRunning(mu: Tensor, biasedVar: Tensor, n: number): void {
    A.noGrad(() => {
      this.numBatchesTracked.data[0] += 1;
      const m = this.momentum ?? 1 / this.numBatchesTracked.data[0];
      const c = this.numFeatures;
      const rm = A.add(A.mul(this.runningMean, 1 - m), A.mul(A.reshape(mu, [c]), m));
      const rv = A.add(A.mul(this.runningVar, 1 - m), A.mul(A.reshape(biasedVar, [c]), (m * n) / (n - 1)));
      this.runningMean.data.set(rm.data);
      this.runningVar.data.set(rv.data);
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch norm over [N, C] or [N, C, L] (statistics per channel C). */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, o: BatchNormOptions = {}) {
    super(numFeatures, [2, 3], o);
  }
}

/** Batch norm over [N, C, H, W]. */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, o: BatchNormOptions = {}) {
    super(numFeatures, [4], o);
  }
}
