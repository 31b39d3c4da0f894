/** Dropout: in training mode zeroes entries with probability p and rescales by 1/(1−p); identity in eval. */
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { dropout } from './functional.js';
import { Module } from './module.js';
import { checkOptions } from '../tensor/options.js';
import { INPLACE } from './option-specs.js';

export class Dropout extends Module {
  private readonly gen: Generator | undefined;

  constructor(readonly p = 0.5, opts: { generator?: Generator; inplace?: false } = {}) {
    super();
    checkOptions('Dropout', opts, { generator: 'any', ...INPLACE });
    if (p < 0 || p > 1) throw new RangeError(`Dropout: probability must be in [0, 1], got ${p}`);
    this.gen = opts.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.gen ?? defaultGenerator());
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
