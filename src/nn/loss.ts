/** Loss modules with PyTorch's names and defaults; forward(input, target). */
import { Tensor } from '../tensor/tensor.js';
import { CrossEntropyOptions, NllOptions, Reduction, crossEntropy, mseLoss, nllLoss } from './functional.js';
import { Module } from './module.js';

export class CrossEntropyLoss extends Module {
  constructor(readonly options: CrossEntropyOptions = {}) {
    super();
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.options);
  }
}

export class NLLLoss extends Module {
  constructor(readonly options: NllOptions = {}) {
    super();
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.options);
  }
}

export class MSELoss extends Module {
  constructor(readonly reduction: Reduction = 'mean') {
    super();
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.reduction);
  }
}
