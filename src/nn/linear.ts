/**
 * Linear: y = x·Wᵀ + b, with W of shape [outFeatures, inFeatures] and b of shape [outFeatures].
 * Input [..., inFeatures] → output [..., outFeatures].
 * Initialisation as PyTorch: W ~ U(−1/√in, 1/√in) (Kaiming uniform with a = √5), and
 * b ~ U(−1/√in, 1/√in).
 */
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { linear } from './functional.js';
import { kaimingUniform, uniform_ } from './init.js';
import { Module, Parameter } from './module.js';
import { checkArg, checkOptions } from '../tensor/options.js';
import { PARAM_OPTIONS, SIZE } from './option-specs.js';

export interface LinearOptions {
  bias?: boolean;
  generator?: Generator;
}

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    checkOptions('Linear', opts, { bias: 'boolean', ...PARAM_OPTIONS });
    checkArg('Linear', 'inFeatures', inFeatures, SIZE);
    checkArg('Linear', 'outFeatures', outFeatures, SIZE);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(zeros([outFeatures, inFeatures]));
    this.bias = opts.bias === false ? null : new Parameter(zeros([outFeatures]));
    this.resetParameters(opts.generator ?? defaultGenerator());
  }

  resetParameters(gen: Generator): void {
    kaimingUniform(this.weight, { a: Math.sqrt(5), generator: gen });
    if (this.bias) {
      const bound = 1 / Math.sqrt(this.inFeatures);
      uniform_(this.bias, -bound, bound, gen);
    }
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
