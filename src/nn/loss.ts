/** Loss modules with PyTorch's names and defaults; forward(input, target). */
import { Tensor } from '../tensor/tensor.js';
import { CrossEntropyOptions, NllOptions, Reduction, crossEntropy, mseLoss, nllLoss } from './functional.js';
import { Module } from './module.js';
import { checkOptions } from '../tensor/options.js';
import { CROSS_ENTROPY_OPTIONS, NLL_OPTIONS } from './functional.js';
import { REDUCTION, reductionProblem } from './option-specs.js';

/** A reduction given as PyTorch's keyword (`{ reduction: 'sum' }`) or positionally (`'sum'`), checked. */
export function reductionArg(owner: string, r: Reduction | { reduction?: Reduction } | undefined): Reduction {
  if (r === undefined) return 'mean';
  if (typeof r === 'object' && r !== null) return checkOptions(owner, r, { reduction: REDUCTION }).reduction ?? 'mean';
  const problem = reductionProblem(r);
  if (problem !== null) throw new RangeError(`${owner}: reduction ${problem}`);
  return r;
}

export class CrossEntropyLoss extends Module {
  constructor(readonly options: CrossEntropyOptions = {}) {
    super();
    checkOptions('CrossEntropyLoss', options, CROSS_ENTROPY_OPTIONS);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.options);
  }
}

export class NLLLoss extends Module {
  constructor(readonly options: NllOptions = {}) {
    super();
    checkOptions('NLLLoss', options, NLL_OPTIONS);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.options);
  }
}

export class MSELoss extends Module {
  readonly reduction: Reduction;

  constructor(reduction: Reduction | { reduction?: Reduction } = 'mean') {
    super();
    this.reduction = reductionArg('MSELoss', reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.reduction);
  }
}
