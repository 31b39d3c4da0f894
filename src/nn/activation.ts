/** Activation modules: thin wrappers over the functional ops, with PyTorch's names and defaults. */
import * as A from '../autograd/index.js';
import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import { checkArg, checkOptions } from '../tensor/options.js';
import { FINITE, INPLACE, INT } from './option-specs.js';

/** Options of the activation modules: PyTorch's `inplace` (not implemented: ops return new tensors). */
export interface ActivationOptions {
  inplace?: false;
}

/** Options of modules that take none (checked, so a misspelt key is an error). */
export type NoOptions = Record<string, never>;

export class ReLU extends Module {
  constructor(o: ActivationOptions = {}) {
    super();
    checkOptions('ReLU', o, INPLACE);
  }

  forward(x: Tensor): Tensor {
    return A.relu(x);
  }
}

export class Tanh extends Module {
  constructor(o: NoOptions = {}) {
    super();
    checkOptions('Tanh', o, {});
  }

  forward(x: Tensor): Tensor {
    return A.tanh(x);
  }
}

export class Sigmoid extends Module {
  constructor(o: NoOptions = {}) {
    super();
    checkOptions('Sigmoid', o, {});
  }

  forward(x: Tensor): Tensor {
    return A.sigmoid(x);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01, o: ActivationOptions = {}) {
    super();
    checkOptions('LeakyReLU', o, INPLACE);
    checkArg('LeakyReLU', 'negativeSlope', negativeSlope, FINITE);
  }

  forward(x: Tensor): Tensor {
    return A.leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

export class Softmax extends Module {
  constructor(readonly dim = -1, o: NoOptions = {}) {
    super();
    checkOptions('Softmax', o, {});
    checkArg('Softmax', 'dim', dim, INT);
  }

  forward(x: Tensor): Tensor {
    return A.softmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim = -1, o: NoOptions = {}) {
    super();
    checkOptions('LogSoftmax', o, {});
    checkArg('LogSoftmax', 'dim', dim, INT);
  }

  forward(x: Tensor): Tensor {
    return A.logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class Identity extends Module {
  constructor(o: NoOptions = {}) {
    super();
    checkOptions('Identity', o, {});
  }

  forward(x: Tensor): Tensor {
    return x;
  }
}

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1, o: NoOptions = {}) {
    super();
    checkOptions('Flatten', o, {});
    checkArg('Flatten', 'startDim', startDim, INT);
    checkArg('Flatten', 'endDim', endDim, INT);
  }

  forward(x: Tensor): Tensor {
    return A.flatten(x, this.startDim, this.endDim);
  }
}
