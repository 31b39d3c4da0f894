/**
 * Convolutions as in torch.nn: Conv1d and Conv2d with stride, padding, dilation and bias
 * (groups = 1). The `conv` op unfolds the input (im2col) and runs one GEMM for the whole batch
 * inside the backend (three large GEMMs per step, forward and backward, instead of three per
 * sample). Weight [out, in, ...kernel],
 * initialised as PyTorch (Kaiming uniform with a = √5; bias U(±1/√fanIn)).
 */
import type { WindowSpec } from '../backend/backend.js';
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { fans, kaimingUniform, uniform_ } from './init.js';
import { Module, Parameter } from './module.js';
import { checkArg, checkOptions, num, oneOf } from '../tensor/options.js';
import { PARAM_OPTIONS, SIZE } from './option-specs.js';

/** Conv options, checked by checkOptions (paddingMode and groups as PyTorch). */
export const CONV_OPTIONS = {
  stride: 'any', padding: 'any', dilation: 'any', groups: num({ min: 1, integer: true }), bias: 'boolean',
  paddingMode: oneOf(['zeros', 'reflect', 'replicate', 'circular']), ...PARAM_OPTIONS,
} as const;

export type Size = number | number[];
export type Padding = Size | 'valid' | 'same';

/** Expands a size given as one number or one per spatial dim, checking the count. */
export function expand(op: string, name: string, v: Size, n: number): number[] {
  const out = typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (out.length !== n) throw new RangeError(`${op}: ${name} needs ${n} value(s), got [${out.join(',')}]`);
  for (const d of out) if (!Number.isInteger(d) || d < 0) throw new RangeError(`${op}: ${name} must be integers ≥ 0, got [${out.join(',')}]`);
  return out;
}

/** Output length of a sliding window: ⌊(L + 2p − d(k−1) − 1)/s⌋ + 1 (or ⌈⌉ with ceilMode). */
export function windowOut(len: number, k: number, s: number, p: number, d: number, ceilMode = false): number {
  const num = len + 2 * p - d * (k - 1) - 1;
  let out = (ceilMode ? Math.ceil(num / s) : Math.floor(num / s)) + 1;
  // NOTE: as PyTorch, in ceil mode the last window must start inside the input or left padding.
  if (ceilMode && (out - 1) * s >= len + p) out--;
  return out;
}

export interface ConvOptions {
  stride?: Size;
  padding?: Padding;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  generator?: Generator;
}

/** Convolution over nsp spatial dims; Conv1d and Conv2d fix nsp. */
export abstract class ConvNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Size, private readonly nsp: number, o: ConvOptions = {}) {
    super();
    const op = this.constructor.name;
    checkOptions(op, o, CONV_OPTIONS);
    checkArg(op, 'inChannels', inChannels, SIZE);
    checkArg(op, 'outChannels', outChannels, SIZE);
    if (!(inChannels > 0 && outChannels > 0)) throw new RangeError(`${op}: channel counts must be positive, got (${inChannels}, ${outChannels})`);
    if ((o.groups ?? 1) !== 1) throw new RangeError(`${op}: only groups = 1 is supported, got ${o.groups}`);
    this.kernelSize = expand(op, 'kernelSize', kernelSize, nsp);
    if (this.kernelSize.some((k) => k < 1)) throw new RangeError(`${op}: kernelSize must be ≥ 1, got [${this.kernelSize.join(',')}]`);
    this.stride = expand(op, 'stride', o.stride ?? 1, nsp);
    if (this.stride.some((s) => s < 1)) throw new RangeError(`${op}: stride must be ≥ 1, got [${this.stride.join(',')}]`);
    this.dilation = expand(op, 'dilation', o.dilation ?? 1, nsp);
    const pad = o.padding ?? 0;
    if (pad === 'valid') this.padding = new Array<number>(nsp).fill(0);
    else if (pad === 'same') {
      if (this.stride.some((s) => s !== 1)) throw new RangeError(`${op}: padding 'same' needs stride 1, got [${this.stride.join(',')}]`);
      this.padding = this.kernelSize.map((k, i) => {
        const total = this.dilation[i] * (k - 1);
        if (total % 2 !== 0) throw new RangeError(`${op}: padding 'same' with kernel ${k} and dilation ${this.dilation[i]} would need uneven padding`);
        return total / 2;
      });
    } else this.padding = expand(op, 'padding', pad, nsp);
    this.weight = new Parameter(zeros([outChannels, inChannels, ...this.kernelSize]));
    this.bias = o.bias === false ? null : new Parameter(zeros([outChannels]));
    this.resetParameters(o.generator ?? defaultGenerator());
  }

  resetParameters(gen: Generator): void {
    kaimingUniform(this.weight, { a: Math.sqrt(5), generator: gen });
    if (this.bias) {
      const bound = 1 / Math.sqrt(fans(this.weight).fanIn);
      uniform_(this.bias, -bound, bound, gen);
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
    if (xb.shape[1] !== this.inChannels) {
      throw new RangeError(`${op}: input ${shapeStr(x.shape)} has ${xb.shape[1]} channels but the layer expects ${this.inChannels}`);
    }
    const inSize = xb.shape.slice(2);
    const outSize = inSize.map((l, i) => windowOut(l, this.kernelSize[i], this.stride[i], this.padding[i], this.dilation[i]));
    if (outSize.some((s) => s <= 0)) {
      throw new RangeError(`${op}: input ${shapeStr(x.shape)} is too small for kernel [${this.kernelSize.join(',')}] with padding [${this.padding.join(',')}] and dilation [${this.dilation.join(',')}]`);
    }
    const spec: WindowSpec = { inSize, outSize, kernel: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation };
    let out = A.conv(xb, this.weight, spec); // [N, out, ...outSize]
    if (this.bias) out = A.add(out, A.reshape(this.bias, [this.outChannels, ...outSize.map(() => 1)]));
    return unbatched ? A.squeeze(out, 0) : out;
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=[${this.stride}], padding=[${this.padding}]` +
      `${this.dilation.some((d) => d !== 1) ? `, dilation=[${this.dilation}]` : ''}${this.bias ? '' : ', bias=false'}`;
  }
}

/** 1-d convolution: [N, Cin, L] → [N, Cout, Lout]. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, o: ConvOptions = {}) {
    super(inChannels, outChannels, kernelSize, 1, o);
  }
}

/** 2-d convolution: [N, Cin, H, W] → [N, Cout, Hout, Wout]. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, o: ConvOptions = {}) {
    super(inChannels, outChannels, kernelSize, 2, o);
  }
}
