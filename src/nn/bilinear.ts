/**
 * Bilinear as torch.nn.Bilinear: y_o = x1ᵀ·W_o·x2 + b_o with W [out, in1, in2] and b [out],
 * both U(±1/√in1) at start. Inputs [..., in1] and [..., in2] with the same leading dims.
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkArg, checkOptions, num } from '../tensor/options.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { uniform_ } from './init.js';
import { Module, Parameter } from './module.js';

export interface BilinearOptions {
  bias?: boolean;
  generator?: Generator;
}

/** torch.nn.functional.bilinear. */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (weight.ndim !== 3) throw new RangeError(`bilinear: weight must be [out, in1, in2], got ${shapeStr(weight.shape)}`);
  const [out, in1, in2] = weight.shape;
  const lead = x1.shape.slice(0, -1);
  if (x1.shape[x1.ndim - 1] !== in1 || x2.shape[x2.ndim - 1] !== in2 || x2.ndim !== x1.ndim || lead.some((d, i) => d !== x2.shape[i])) {
    throw new RangeError(`bilinear: inputs ${shapeStr(x1.shape)} and ${shapeStr(x2.shape)} do not fit weight ${shapeStr(weight.shape)} (expected [..., ${in1}] and [..., ${in2}] with the same leading dims)`);
  }
  const n = lead.reduce((a, b) => a * b, 1);
  const a = A.reshape(x1, [n, in1]);
  const b = A.reshape(x2, [n, 1, in2]);
  const w = A.reshape(A.permute(weight, [1, 0, 2]), [in1, out * in2]);
  const u = A.reshape(A.matmul(a, w), [n, out, in2]);
  let y = A.sum(A.mul(u, b), 2);
  if (bias) y = A.add(y, bias);
  return A.reshape(y, [...lead, out]);
}

export class Bilinear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, o: BilinearOptions = {}) {
    super();
    checkOptions('Bilinear', o, { bias: 'boolean', generator: 'any' });
    for (const [n, v] of [['in1Features', in1Features], ['in2Features', in2Features], ['outFeatures', outFeatures]] as const) {
      checkArg('Bilinear', n, v, num({ min: 1, integer: true }));
    }
    this.weight = new Parameter(zeros([outFeatures, in1Features, in2Features]));
    this.bias = o.bias === false ? null : new Parameter(zeros([outFeatures]));
    const gen = o.generator ?? defaultGenerator();
    const bound = 1 / Math.sqrt(in1Features);
    uniform_(this.weight, -bound, bound, gen);
    if (this.bias) uniform_(this.bias, -bound, bound, gen);
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
