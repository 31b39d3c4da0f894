/**
 * Convolutions as in torch.nn: Conv1d and Conv2d with stride, padding (numbers, 'valid', or
 * 'same', which for an even kernel pads one more on the right as PyTorch), dilation, groups
 * (grouped and depthwise: one conv per group, outputs concatenated), paddingMode ('zeros',
 * 'reflect', 'replicate', 'circular': the input is padded by nn/pad.ts, then convolved without
 * padding) and bias. The `conv` op unfolds the input (im2col) and runs one GEMM for the whole batch
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
import { pad } from './pad.js';
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

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

export interface ConvOptions {
  stride?: Size;
  padding?: Padding;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
  generator?: Generator;
}

/** Where and how a convolution pads and steps: one (left, right) pair per spatial dim. */
export interface ConvGeometry {
  kernel: number[];
  stride: number[];
  padding: [number, number][];
  dilation: number[];
  groups: number;
  paddingMode: PaddingMode;
}

/** The (left, right) padding of each spatial dim for a padding option (PyTorch's rule for 'same'). */
export function resolvePadding(op: string, padding: Padding, kernel: number[], stride: number[], dilation: number[]): [number, number][] {
  const nsp = kernel.length;
  if (padding === 'valid') return kernel.map(() => [0, 0]);
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new RangeError(`${op}: padding 'same' needs stride 1, got [${stride.join(',')}]`);
    return kernel.map((k, i) => {
      const total = dilation[i] * (k - 1);
      const left = Math.floor(total / 2);
      return [left, total - left];
    });
  }
  if (typeof padding === 'string') throw new RangeError(`${op}: padding must be a number, a list, 'valid' or 'same', got '${padding}'`);
  return expand(op, 'padding', padding, nsp).map((p) => [p, p]);
}

/**
 * Convolution of a batched input x [N, Cin, ...] with weight [Cout, Cin/groups, ...kernel] and
 * an optional bias [Cout] (torch.nn.functional.convNd).
 */
export function convCore(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, g: ConvGeometry): Tensor {
  const nsp = g.kernel.length;
  const cin = x.shape[1];
  const cout = weight.shape[0];
  if (!Number.isInteger(g.groups) || g.groups < 1 || cin % g.groups !== 0 || cout % g.groups !== 0) {
    throw new RangeError(`${op}: groups ${g.groups} must divide the input channels ${cin} and the output channels ${cout}`);
  }
  if (weight.shape[1] * g.groups !== cin) {
    throw new RangeError(`${op}: weight ${shapeStr(weight.shape)} expects ${weight.shape[1] * g.groups} input channels (groups ${g.groups}), got input ${shapeStr(x.shape)}`);
  }
  let xp = x;
  let padding = g.padding.map(([l]) => l);
  const asymmetric = g.padding.some(([l, r]) => l !== r);
  if (g.paddingMode !== 'zeros' || asymmetric) {
    const amounts: number[] = [];
    for (let i = nsp - 1; i >= 0; i--) amounts.push(g.padding[i][0], g.padding[i][1]);
    if (amounts.some((a) => a !== 0)) xp = pad(x, amounts, g.paddingMode === 'zeros' ? 'constant' : g.paddingMode);
    padding = padding.map(() => 0);
  }
  const inSize = xp.shape.slice(2);
  const outSize = inSize.map((l, i) => windowOut(l, g.kernel[i], g.stride[i], padding[i], g.dilation[i]));
  if (outSize.some((s) => s <= 0)) {
    throw new RangeError(`${op}: input ${shapeStr(x.shape)} is too small for kernel [${g.kernel.join(',')}] with padding [${g.padding.map((p) => p.join('/')).join(',')}] and dilation [${g.dilation.join(',')}]`);
  }
  const spec: WindowSpec = { inSize, outSize, kernel: g.kernel, stride: g.stride, padding, dilation: g.dilation };
  let out: Tensor;
  if (g.groups === 1) out = A.conv(xp, weight, spec);
  else {
    const ci = cin / g.groups;
    const co = cout / g.groups;
    const parts: Tensor[] = [];
    for (let k = 0; k < g.groups; k++) parts.push(A.conv(A.narrow(xp, 1, k * ci, ci), A.narrow(weight, 0, k * co, co), spec));
    out = A.cat(parts, 1);
  }
  if (bias) out = A.add(out, A.reshape(bias, [cout, ...outSize.map(() => 1)]));
  return out;
}

/** Convolution over nsp spatial dims; Conv1d and Conv2d fix nsp. */
export abstract class ConvNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  /** (left, right) padding per spatial dim; they differ only for 'same' with an even span. */
  readonly paddingPairs: [number, number][];
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Size, private readonly nsp: number, o: ConvOptions = {}) {
    super();
    const op = this.constructor.name;
    checkOptions(op, o, CONV_OPTIONS);
    checkArg(op, 'inChannels', inChannels, SIZE);
    checkArg(op, 'outChannels', outChannels, SIZE);
    if (!(inChannels > 0 && outChannels > 0)) throw new RangeError(`${op}: channel counts must be positive, got (${inChannels}, ${outChannels})`);
    this.groups = o.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups < 1 || inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new RangeError(`${op}: groups ${o.groups} must be a positive integer dividing inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    this.paddingMode = o.paddingMode ?? 'zeros';
    if (!PADDING_MODES.includes(this.paddingMode)) throw new RangeError(`${op}: paddingMode must be one of ${PADDING_MODES.join(', ')}, got '${this.paddingMode}'`);
    this.kernelSize = expand(op, 'kernelSize', kernelSize, nsp);
    if (this.kernelSize.some((k) => k < 1)) throw new RangeError(`${op}: kernelSize must be ≥ 1, got [${this.kernelSize.join(',')}]`);
    this.stride = expand(op, 'stride', o.stride ?? 1, nsp);
    if (this.stride.some((s) => s < 1)) throw new RangeError(`${op}: stride must be ≥ 1, got [${this.stride.join(',')}]`);
    this.dilation = expand(op, 'dilation', o.dilation ?? 1, nsp);
    this.paddingPairs = resolvePadding(op, o.padding ?? 0, this.kernelSize, this.stride, this.dilation);
    this.padding = this.paddingPairs.map(([l]) => l);
    this.weight = new Parameter(zeros([outChannels, inChannels / this.groups, ...this.kernelSize]));
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
    const out = convCore(op, xb, this.weight, this.bias, {
      kernel: this.kernelSize, stride: this.stride, padding: this.paddingPairs, dilation: this.dilation, groups: this.groups, paddingMode: this.paddingMode,
    });
    return unbatched ? A.squeeze(out, 0) : out;
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=[${this.stride}], padding=[${this.padding}]` +
      `${this.dilation.some((d) => d !== 1) ? `, dilation=[${this.dilation}]` : ''}${this.groups !== 1 ? `, groups=${this.groups}` : ''}` +
      `${this.paddingMode !== 'zeros' ? `, paddingMode=${this.paddingMode}` : ''}${this.bias ? '' : ', bias=false'}`;
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
