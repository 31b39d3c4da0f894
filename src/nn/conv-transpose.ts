/**
 * Transposed convolutions as torch.nn.ConvTranspose1d / ConvTranspose2d (the adjoint of a
 * convolution, "deconvolution"), composed from existing ops: the input is spread out with
 * stride − 1 zeros between entries, padded by dilation·(k − 1) − padding on each side (plus
 * outputPadding on the right; a negative amount crops), and convolved at stride 1 with the
 * kernel flipped and its in/out channels swapped, one group at a time.
 * Output size: (L − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
 * Weight [Cin, Cout/groups, ...kernel] and bias [Cout] as PyTorch, initialised as PyTorch
 * (Kaiming uniform a = √5 with fan-in Cout/groups·∏kernel; bias U(±1/√fanIn)).
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkArg, checkOptions, num, oneOf } from '../tensor/options.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { Size, convCore, expand } from './conv.js';
import { fans, kaimingUniform, uniform_ } from './init.js';
import { Module, Parameter } from './module.js';
import { pad } from './pad.js';

export interface ConvTransposeOptions {
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  groups?: number;
  bias?: boolean;
  dilation?: Size;
  /** Only 'zeros', as PyTorch. */
  paddingMode?: 'zeros';
  generator?: Generator;
}

export interface ConvTransposeGeometry {
  stride: number[];
  padding: number[];
  outputPadding: number[];
  dilation: number[];
  groups: number;
}

/** Spreads dim d of x with s − 1 zeros between entries: length L → (L − 1)·s + 1. */
function spread(x: Tensor, d: number, s: number): Tensor {
  if (s === 1) return x;
  const n = x.shape[d];
  const u = A.unsqueeze(x, d + 1);
  const zshape = [...u.shape];
  zshape[d + 1] = s - 1;
  const both = A.cat([u, zeros(zshape, { dtype: x.dtype })], d + 1);
  const merged = A.reshape(both, [...x.shape.slice(0, d), n * s, ...x.shape.slice(d + 1)]);
  return A.narrow(merged, d, 0, (n - 1) * s + 1);
}

/** torch.nn.functional.conv_transpose1d/2d on a batched input [N, Cin, ...]. */
export function convTransposeCore(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, g: ConvTransposeGeometry): Tensor {
  const nsp = x.ndim - 2;
  const cin = x.shape[1];
  if (weight.ndim !== nsp + 2 || weight.shape[0] !== cin) {
    throw new RangeError(`${op}: weight ${shapeStr(weight.shape)} does not fit input ${shapeStr(x.shape)} (expected [${cin}, Cout/groups, ...kernel])`);
  }
  if (cin % g.groups !== 0) throw new RangeError(`${op}: groups ${g.groups} must divide the ${cin} input channels`);
  const kernel = weight.shape.slice(2);
  g.outputPadding.forEach((p, i) => {
    if (p >= Math.max(g.stride[i], g.dilation[i])) {
      throw new RangeError(`${op}: outputPadding ${p} must be smaller than either stride ${g.stride[i]} or dilation ${g.dilation[i]}`);
    }
  });
  let y = x;
  for (let i = 0; i < nsp; i++) y = spread(y, 2 + i, g.stride[i]);
  const amounts: number[] = [];
  for (let i = nsp - 1; i >= 0; i--) {
    const side = g.dilation[i] * (kernel[i] - 1) - g.padding[i];
    amounts.push(side, side + g.outputPadding[i]);
  }
  y = pad(y, amounts, 'constant');
  // Kernel flipped along every spatial dim, in/out swapped per group: [Cout, Cin/groups, ...k].
  let w: Tensor = weight;
  for (let i = 0; i < nsp; i++) {
    const k = kernel[i];
    w = A.indexSelect(w, 2 + i, Int32Array.from({ length: k }, (_, j) => k - 1 - j));
  }
  const ci = cin / g.groups;
  const co = weight.shape[1];
  const perm = [1, 0, ...kernel.map((_, i) => i + 2)];
  const wt = g.groups === 1 ? A.permute(w, perm)
    : A.cat(Array.from({ length: g.groups }, (_, k) => A.permute(A.narrow(w, 0, k * ci, ci), perm)), 0);
  const out = convCore(op, y, wt, bias, {
    kernel, stride: kernel.map(() => 1), padding: kernel.map(() => [0, 0]), dilation: g.dilation, groups: g.groups, paddingMode: 'zeros',
  });
  if (out.shape[1] !== co * g.groups) throw new RangeError(`${op}: internal shape ${shapeStr(out.shape)}`);
  return out;
}

abstract class ConvTransposeNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly dilation: number[];
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Size, private readonly nsp: number, o: ConvTransposeOptions) {
    super();
    const op = this.constructor.name;
    checkOptions(op, o, {
      stride: 'any', padding: 'any', outputPadding: 'any', groups: num({ min: 1, integer: true }), bias: 'boolean', dilation: 'any',
      paddingMode: oneOf(['zeros']), generator: 'any',
    });
    checkArg(op, 'inChannels', inChannels, num({ min: 1, integer: true }));
    checkArg(op, 'outChannels', outChannels, num({ min: 1, integer: true }));
    this.groups = o.groups ?? 1;
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new RangeError(`${op}: groups ${this.groups} must divide inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    this.kernelSize = expand(op, 'kernelSize', kernelSize, nsp);
    this.stride = expand(op, 'stride', o.stride ?? 1, nsp);
    this.padding = expand(op, 'padding', o.padding ?? 0, nsp);
    this.outputPadding = expand(op, 'outputPadding', o.outputPadding ?? 0, nsp);
    this.dilation = expand(op, 'dilation', o.dilation ?? 1, nsp);
    if (this.kernelSize.some((k) => k < 1) || this.stride.some((s) => s < 1) || this.dilation.some((d) => d < 1)) {
      throw new RangeError(`${op}: kernelSize, stride and dilation must be ≥ 1, got [${this.kernelSize}], [${this.stride}], [${this.dilation}]`);
    }
    this.outputPadding.forEach((p, i) => {
      if (p >= Math.max(this.stride[i], this.dilation[i])) throw new RangeError(`${op}: outputPadding ${p} must be smaller than either stride ${this.stride[i]} or dilation ${this.dilation[i]}`);
    });
    this.weight = new Parameter(zeros([inChannels, outChannels / this.groups, ...this.kernelSize]));
    this.bias = o.bias === false ? null : new Parameter(zeros([outChannels]));
    const gen = o.generator ?? defaultGenerator();
    kaimingUniform(this.weight, { a: Math.sqrt(5), generator: gen });
    if (this.bias) {
      const bound = 1 / Math.sqrt(fans(this.weight).fanIn);
      uniform_(this.bias, -bound, bound, gen);
    }
  }

  /** The output for x; `outputSize` (spatial sizes) picks the output padding as PyTorch's output_size. */
  forward(x: Tensor, outputSize?: Tensor | readonly number[]): Tensor {
    const op = this.constructor.name;
    const nsp = this.nsp;
    const unbatched = x.ndim === nsp + 1;
    if (x.ndim !== nsp + 2 && !unbatched) {
      throw new RangeError(`${op}: expected a ${nsp + 2}-d input [N, C, ${nsp === 1 ? 'L' : 'H, W'}] (or ${nsp + 1}-d unbatched), got ${shapeStr(x.shape)}`);
    }
    const xb = unbatched ? A.unsqueeze(x, 0) : x;
    if (xb.shape[1] !== this.inChannels) throw new RangeError(`${op}: input ${shapeStr(x.shape)} has ${xb.shape[1]} channels but the layer expects ${this.inChannels}`);
    let outputPadding = this.outputPadding;
    if (outputSize !== undefined) {
      const want = (outputSize instanceof Tensor ? Array.from(outputSize.data) : [...outputSize]).slice(-nsp);
      outputPadding = want.map((s, i) => {
        const min = (xb.shape[2 + i] - 1) * this.stride[i] - 2 * this.padding[i] + this.dilation[i] * (this.kernelSize[i] - 1) + 1;
        const extra = s - min;
        if (extra < 0 || extra >= this.stride[i]) throw new RangeError(`${op}: outputSize [${want.join(', ')}] is not reachable: dim ${i} can be ${min} to ${min + this.stride[i] - 1}`);
        return extra;
      });
    }
    const out = convTransposeCore(op, xb, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding, dilation: this.dilation, groups: this.groups });
    return unbatched ? A.squeeze(out, 0) : out;
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=[${this.stride}], padding=[${this.padding}]` +
      `${this.outputPadding.some((p) => p) ? `, outputPadding=[${this.outputPadding}]` : ''}${this.groups !== 1 ? `, groups=${this.groups}` : ''}${this.bias ? '' : ', bias=false'}`;
  }
}

export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, o: ConvTransposeOptions = {}) {
    super(inChannels, outChannels, kernelSize, 1, o);
  }
}

export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, o: ConvTransposeOptions = {}) {
    super(inChannels, outChannels, kernelSize, 2, o);
  }
}
