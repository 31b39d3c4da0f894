/**
 * GroupNorm and InstanceNorm1d/2d as torch.nn, composed from mean / variance ops.
 *
 * GroupNorm(G, C): the C channels of x [N, C, ...] split into G groups; each (sample, group)
 * is normalised with its own mean and biased variance, then an optional per-channel affine map
 * (weight 1, bias 0 at start).
 *
 * InstanceNorm: each (sample, channel) normalised over its spatial dims. affine and
 * trackRunningStats default to false as in PyTorch; with trackRunningStats the running
 * statistics (runningMean, runningVar, numBatchesTracked) follow PyTorch's rule, the batch
 * average of the per-instance mean and unbiased variance, and eval mode uses them.
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkArg, checkOptions, num } from '../tensor/options.js';
import { Tensor } from '../tensor/tensor.js';
import { ones, zeros } from '../tensor/creation.js';
import { Module, Parameter } from './module.js';

export interface GroupNormOptions {
  eps?: number;
  affine?: boolean;
}

/** Functional group norm (torch.nn.functional.group_norm). */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  if (x.ndim < 2) throw new RangeError(`groupNorm: expected an input [N, C, ...], got ${shapeStr(x.shape)}`);
  const [n, c] = x.shape;
  if (c % numGroups !== 0) throw new RangeError(`groupNorm: ${c} channels of input ${shapeStr(x.shape)} do not split into ${numGroups} groups`);
  const g = A.reshape(x, [n, numGroups, -1]);
  const mu = A.mean(g, 2, { keepDim: true });
  const xc = A.sub(g, mu);
  const v = A.mean(A.square(xc), 2, { keepDim: true });
  let y = A.reshape(A.mul(xc, A.rsqrt(A.add(v, eps))), x.shape);
  const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
  if (weight) y = A.mul(y, A.reshape(weight, bshape));
  if (bias) y = A.add(y, A.reshape(bias, bshape));
  return y;
}

export class GroupNorm extends Module {
  readonly eps: number;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(readonly numGroups: number, readonly numChannels: number, o: GroupNormOptions = {}) {
    super();
    checkOptions('GroupNorm', o, { eps: num({ min: 0 }), affine: 'boolean' });
    checkArg('GroupNorm', 'numGroups', numGroups, num({ min: 1, integer: true }));
    checkArg('GroupNorm', 'numChannels', numChannels, num({ min: 1, integer: true }));
    if (numChannels % numGroups !== 0) throw new RangeError(`GroupNorm: numChannels ${numChannels} must be divisible by numGroups ${numGroups}`);
    this.eps = o.eps ?? 1e-5;
    const affine = o.affine ?? true;
    this.weight = affine ? new Parameter(ones([numChannels])) : null;
    this.bias = affine ? new Parameter(zeros([numChannels])) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new RangeError(`GroupNorm: expected an input [N, ${this.numChannels}, ...], got ${shapeStr(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.weight !== null}`;
  }
}

export interface InstanceNormOptions {
  eps?: number;
  /** Weight of the new batch in the running averages (used with trackRunningStats). */
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

abstract class InstanceNormNd extends Module {
  readonly eps: number;
  readonly momentum: number;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor;
  declare runningVar: Tensor;
  declare numBatchesTracked: Tensor;

  constructor(readonly numFeatures: number, private readonly nsp: number, o: InstanceNormOptions) {
    super();
    const op = this.constructor.name;
    checkOptions(op, o, { eps: num({ min: 0 }), momentum: num({ min: 0, max: 1 }), affine: 'boolean', trackRunningStats: 'boolean' });
    checkArg(op, 'numFeatures', numFeatures, num({ min: 1, integer: true }));
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum ?? 0.1;
    this.trackRunningStats = o.trackRunningStats ?? false;
    const affine = o.affine ?? false;
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('runningMean', zeros([numFeatures]));
      this.registerBuffer('runningVar', ones([numFeatures]));
      this.registerBuffer('numBatchesTracked', zeros([], { dtype: 'int32' }));
    }
  }

  forward(x: Tensor): Tensor {
    const op = this.constructor.name;
    const nsp = this.nsp;
    const unbatched = x.ndim === nsp + 1;
    if (x.ndim !== nsp + 2 && !unbatched) {
      throw new RangeError(`${op}: expected a ${nsp + 2}-d input [N, C, ${nsp === 1 ? 'L' : 'H, W'}] (or ${nsp + 1}-d unbatched), got ${shapeStr(x.shape)}`);
    }
    const xb = unbatched ? A.unsqueeze(x, 0) : x;
    const c = xb.shape[1];
    if (c !== this.numFeatures && (this.weight || this.trackRunningStats)) {
      throw new RangeError(`${op}: input ${shapeStr(x.shape)} has ${c} channels but the layer expects ${this.numFeatures}`);
    }
    const dims = Array.from({ length: nsp }, (_, i) => i + 2);
    const bshape = xb.shape.map((d, i) => (i === 1 ? d : 1));
    let y: Tensor;
    if (this.training || !this.trackRunningStats) {
      const n = xb.shape.slice(2).reduce((a, b) => a * b, 1);
      if (this.training && n <= 1) throw new RangeError(`${op}: expected more than 1 spatial element per channel when training, got input ${shapeStr(x.shape)}`);
      const mu = A.mean(xb, dims, { keepDim: true });
      const xc = A.sub(xb, mu);
      const v = A.mean(A.square(xc), dims, { keepDim: true });
      y = A.mul(xc, A.rsqrt(A.add(v, this.eps)));
      if (this.training && this.trackRunningStats) {
        A.noGrad(() => {
          // NOTE: PyTorch 1.13's instance norm leaves num_batches_tracked at 0; so does this one.
          const m = this.momentum;
          const bm = A.mean(A.reshape(mu, [xb.shape[0], c]), 0);
          const bv = A.mean(A.reshape(A.mul(v, n / (n - 1)), [xb.shape[0], c]), 0);
          this.runningMean.data.set(A.add(A.mul(this.runningMean, 1 - m), A.mul(bm, m)).data);
          this.runningVar.data.set(A.add(A.mul(this.runningVar, 1 - m), A.mul(bv, m)).data);
        });
      }
    } else {
      const mu = A.reshape(this.runningMean, bshape);
      const v = A.reshape(this.runningVar, bshape);
      y = A.mul(A.sub(xb, mu), A.rsqrt(A.add(v, this.eps)));
    }
    if (this.weight) y = A.mul(y, A.reshape(this.weight, bshape));
    if (this.bias) y = A.add(y, A.reshape(this.bias, bshape));
    return unbatched ? A.squeeze(y, 0) : y;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Instance norm over [N, C, L] (or [C, L]). */
export class InstanceNorm1d extends InstanceNormNd {
  constructor(numFeatures: number, o: InstanceNormOptions = {}) {
    super(numFeatures, 1, o);
  }
}

/** Instance norm over [N, C, H, W] (or [C, H, W]). */
export class InstanceNorm2d extends InstanceNormNd {
  constructor(numFeatures: number, o: InstanceNormOptions = {}) {
    super(numFeatures, 2, o);
  }
}
