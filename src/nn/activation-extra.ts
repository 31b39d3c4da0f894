/**
 * More activations with PyTorch's formulas and defaults: PReLU (learned slope, init 0.25),
 * ELU, CELU, SELU, GELU (exact erf form, or the tanh approximation), Softplus (beta,
 * threshold), LogSigmoid, SiLU, Hardtanh. Each is a function and a module, built from
 * differentiable ops. The exponential branches read clamp(x, max 0) so that a large positive x
 * never makes exp overflow into a NaN gradient.
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Tensor } from '../tensor/tensor.js';
import { full } from '../tensor/creation.js';
import { Module, Parameter } from './module.js';
import { checkArg, checkOptions, oneOf } from '../tensor/options.js';
import type { ActivationOptions, NoOptions } from './activation.js';
import { FINITE, INPLACE, PARAM_OPTIONS, SIZE } from './option-specs.js';

/** x > 0 ? x : alpha·(exp(x) − 1). */
export function elu(x: Tensor, alpha = 1): Tensor {
  return A.where(A.gt(x, 0), x, A.mul(A.expm1(A.clamp(x, -Infinity, 0)), alpha));
}

/** max(0, x) + min(0, alpha·(exp(x/alpha) − 1)). */
export function celu(x: Tensor, alpha = 1): Tensor {
  if (alpha === 0) throw new RangeError('celu: alpha cannot be 0');
  return A.where(A.gt(x, 0), x, A.mul(A.expm1(A.div(A.clamp(x, -Infinity, 0), alpha)), alpha));
}

export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;

/** scale·elu(x, alpha) with the self-normalising constants. */
export function selu(x: Tensor): Tensor {
  return A.mul(elu(x, SELU_ALPHA), SELU_SCALE);
}

/** x·Φ(x) = 0.5·x·(1 + erf(x/√2)); 'tanh': 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'tanh') {
    const inner = A.mul(A.add(x, A.mul(A.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return A.mul(A.mul(x, 0.5), A.add(A.tanh(inner), 1));
  }
  return A.mul(A.mul(x, 0.5), A.add(A.erf(A.mul(x, Math.SQRT1_2)), 1));
}

/** log(1 + exp(beta·x))/beta, and x itself where beta·x > threshold (as PyTorch). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const bx = A.mul(x, beta);
  return A.where(A.gt(bx, threshold), x, A.div(A.softplus(bx), beta));
}

export const logSigmoid = A.logSigmoid;

/** x·sigmoid(x) (also called swish). */
export function silu(x: Tensor): Tensor {
  return A.mul(x, A.sigmoid(x));
}

export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return A.clamp(x, minVal, maxVal);
}

/**
 * max(0, x) + a·min(0, x) with learned a: one slope shared, or one per channel (dim 1 of the
 * input) when numParameters > 1.
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  let w = weight;
  if (weight.size > 1) {
    if (x.ndim < 2 || x.shape[1] !== weight.size) {
      throw new RangeError(`prelu: ${weight.size} parameters need an input with ${weight.size} channels at dim 1, got ${shapeStr(x.shape)}`);
    }
    w = A.reshape(weight, x.shape.map((d, i) => (i === 1 ? d : 1)));
  }
  const neg = A.clamp(x, -Infinity, 0);
  return A.add(A.relu(x), A.mul(w, neg));
}

export class PReLU extends Module {
  weight: Parameter;

  constructor(readonly numParameters = 1, init = 0.25, o: { device?: never; dtype?: never } = {}) {
    super();
    checkOptions('PReLU', o, { device: PARAM_OPTIONS.device, dtype: PARAM_OPTIONS.dtype });
    checkArg('PReLU', 'numParameters', numParameters, SIZE);
    checkArg('PReLU', 'init', init, FINITE);
    if (!(Number.isInteger(numParameters) && numParameters >= 1)) throw new RangeError(`PReLU: numParameters must be an integer ≥ 1, got ${numParameters}`);
    this.weight = new Parameter(full([numParameters], init));
  }

  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }

  override extraRepr(): string {
    return `numParameters=${this.numParameters}`;
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1, o: ActivationOptions = {}) {
    super();
    checkOptions('ELU', o, INPLACE);
    checkArg('ELU', 'alpha', alpha, FINITE);
  }

  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

export class CELU extends Module {
  constructor(readonly alpha = 1, o: ActivationOptions = {}) {
    super();
    checkOptions('CELU', o, INPLACE);
    checkArg('CELU', 'alpha', alpha, FINITE);
  }

  forward(x: Tensor): Tensor {
    return celu(x, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

export class SELU extends Module {
  constructor(o: ActivationOptions = {}) {
    super();
    checkOptions('SELU', o, INPLACE);
  }

  forward(x: Tensor): Tensor {
    return selu(x);
  }
}

export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none', o: NoOptions = {}) {
    super();
    checkOptions('GELU', o, {});
    checkArg('GELU', 'approximate', approximate, oneOf(['none', 'tanh']));
  }

  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }

  override extraRepr(): string {
    return `approximate=${this.approximate}`;
  }
}

export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20, o: NoOptions = {}) {
    super();
    checkOptions('Softplus', o, {});
    checkArg('Softplus', 'beta', beta, FINITE);
    checkArg('Softplus', 'threshold', threshold, FINITE);
  }

  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

export class LogSigmoid extends Module {
  constructor(o: NoOptions = {}) {
    super();
    checkOptions('LogSigmoid', o, {});
  }

  forward(x: Tensor): Tensor {
    return A.logSigmoid(x);
  }
}

export class SiLU extends Module {
  constructor(o: ActivationOptions = {}) {
    super();
    checkOptions('SiLU', o, INPLACE);
  }

  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1, o: ActivationOptions = {}) {
    super();
    checkOptions('Hardtanh', o, INPLACE);
    checkArg('Hardtanh', 'minVal', minVal, FINITE);
    checkArg('Hardtanh', 'maxVal', maxVal, FINITE);
  }

  forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }
}
