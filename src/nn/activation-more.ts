/**
 * Activations added after the first set, with PyTorch's formulas and defaults, each a function
 * and a module composed from differentiable ops: Hardswish x·relu6(x + 3)/6, Mish
 * x·tanh(softplus(x)), Softsign x/(1 + |x|), GLU a·σ(b) over the two halves of a dim,
 * Threshold (x > threshold ? x : value), Softmin softmax(−x).
 */
import { shapeStr } from '../backend/shape.js';
import { normAxis } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkArg, checkOptions, num, oneOf } from '../tensor/options.js';
import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** x·min(max(x + 3, 0), 6)/6; gradient 0 below −3, 1 above 3, (2x + 3)/6 between (as PyTorch). */
export function hardswish(x: Tensor): Tensor {
  return A.div(A.mul(x, A.clamp(A.add(x, 3), 0, 6)), 6);
}

/** x·tanh(log(1 + eˣ)). */
export function mish(x: Tensor): Tensor {
  return A.mul(x, A.tanh(A.softplus(x)));
}

/** x/(1 + |x|). */
export function softsign(x: Tensor): Tensor {
  return A.div(x, A.add(A.abs(x), 1));
}

/** Gated linear unit: the first half of `dim` times σ(second half); the dim must be even. */
export function glu(x: Tensor, dim = -1): Tensor {
  const d = normAxis(dim, x.ndim, 'glu');
  const n = x.shape[d];
  if (n % 2 !== 0) throw new RangeError(`glu: dim ${dim} of input ${shapeStr(x.shape)} has odd size ${n}; it must split in two halves`);
  const [a, b] = A.split(x, n / 2, d);
  return A.mul(a, A.sigmoid(b));
}

/** x where x > threshold, value elsewhere. */
export function threshold(x: Tensor, th: number, value: number): Tensor {
  return A.where(A.gt(x, th), x, value);
}

/** softmax(−x) along dim. */
export function softmin(x: Tensor, dim = -1): Tensor {
  return A.softmax(A.neg(x), dim);
}

/** PyTorch's `inplace` flag: only false (gradlab's ops return new tensors). */
export interface InplaceOptions {
  inplace?: false;
}
const INPLACE = { inplace: oneOf([false]) } as const;

export class Hardswish extends Module {
  constructor(o: InplaceOptions = {}) {
    super();
    checkOptions('Hardswish', o, INPLACE);
  }

  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}

export class Mish extends Module {
  constructor(o: InplaceOptions = {}) {
    super();
    checkOptions('Mish', o, INPLACE);
  }

  forward(x: Tensor): Tensor {
    return mish(x);
  }
}

export class Softsign extends Module {
  constructor(o: Record<string, never> = {}) {
    super();
    checkOptions('Softsign', o, {});
  }

  forward(x: Tensor): Tensor {
    return softsign(x);
  }
}

export class GLU extends Module {
  constructor(readonly dim = -1, o: Record<string, never> = {}) {
    super();
    checkOptions('GLU', o, {});
    checkArg('GLU', 'dim', dim, num({ integer: true }));
  }

  forward(x: Tensor): Tensor {
    return glu(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class Threshold extends Module {
  constructor(readonly threshold: number, readonly value: number, o: InplaceOptions = {}) {
    super();
    checkOptions('Threshold', o, INPLACE);
    checkArg('Threshold', 'threshold', threshold, num());
    checkArg('Threshold', 'value', value, num());
  }

  forward(x: Tensor): Tensor {
    return threshold(x, this.threshold, this.value);
  }

  override extraRepr(): string {
    return `threshold=${this.threshold}, value=${this.value}`;
  }
}

export class Softmin extends Module {
  constructor(readonly dim = -1, o: Record<string, never> = {}) {
    super();
    checkOptions('Softmin', o, {});
    checkArg('Softmin', 'dim', dim, num({ integer: true }));
  }

  forward(x: Tensor): Tensor {
    return softmin(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export interface UnflattenOptions {
  /** Nothing yet; reserved so that a misspelt key is still a named error. */
}

/** Splits dim into the given sizes (one may be −1): Unflatten(1, [2, 3]) maps [N, 6] to [N, 2, 3]. */
export class Unflatten extends Module {
  constructor(readonly dim: number, readonly unflattenedSize: readonly number[], o: UnflattenOptions = {}) {
    super();
    checkOptions('Unflatten', o, {});
    checkArg('Unflatten', 'dim', dim, num({ integer: true }));
    if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0 || unflattenedSize.some((s) => !Number.isInteger(s) || (s < 1 && s !== -1))) {
      throw new RangeError(`Unflatten: unflattenedSize must be a non-empty list of positive integers (one may be -1), got ${JSON.stringify(unflattenedSize)}`);
    }
  }

  forward(x: Tensor): Tensor {
    const d = normAxis(this.dim, x.ndim, 'Unflatten');
    const sizes = [...this.unflattenedSize];
    const known = sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const free = sizes.indexOf(-1);
    if (free >= 0) sizes[free] = x.shape[d] / known;
    if (sizes.reduce((a, b) => a * b, 1) !== x.shape[d] || !sizes.every((s) => Number.isInteger(s))) {
      throw new RangeError(`Unflatten: dim ${this.dim} of input ${shapeStr(x.shape)} has size ${x.shape[d]}, which does not unflatten into [${this.unflattenedSize.join(', ')}]`);
    }
    return A.reshape(x, [...x.shape.slice(0, d), ...sizes, ...x.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattenedSize=[${this.unflattenedSize.join(', ')}]`;
  }
}
