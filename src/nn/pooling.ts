/**
 * Pooling as in torch.nn: MaxPool1d/2d, AvgPool1d/2d (ceil mode, count-include-pad) and the
 * adaptive average poolings (global pooling when the output size is 1). Max and average pools
 * run the fused window kernels (the maxPool / avgPool ops: the max gradient goes to the first
 * maximum of each window, as in PyTorch); adaptive pooling multiplies by a constant averaging
 * matrix.
 */
import type { WindowSpec } from '../backend/backend.js';
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import { Size, expand, windowOut } from './conv.js';
import { checkArg, checkOptions, num } from '../tensor/options.js';
import { SIZE } from './option-specs.js';

const POOL = { stride: 'any', padding: 'any', ceilMode: 'boolean' } as const;
export const MAX_POOL_OPTIONS = { ...POOL, dilation: 'any', returnIndices: 'boolean' } as const;
export const AVG_POOL_OPTIONS = { ...POOL, countIncludePad: 'boolean', divisorOverride: num({ min: 1, integer: true }) } as const;

export interface PoolOptions {
  /** Defaults to the kernel size. */
  stride?: Size;
  padding?: Size;
  ceilMode?: boolean;
}

export interface MaxPoolOptions extends PoolOptions {
  dilation?: Size;
  /** Also return the winners' flat indices (PyTorch's return_indices): call run(x) for them. */
  returnIndices?: boolean;
}

/** A pooling output with the flat index of each maximum in its input plane (int32), as PyTorch. */
export interface MaxPoolResult {
  output: Tensor;
  indices: Tensor;
}

export interface AvgPoolOptions extends PoolOptions {
  /** Whether zero padding counts in the divisor (PyTorch's default true). */
  countIncludePad?: boolean;
  divisorOverride?: number;
}

/** Batched input and its window spec, with checks that name the layer and the shapes. */
function prepare(op: string, x: Tensor, nsp: number, kernel: number[], stride: number[], padding: number[], dilation: number[], ceil: boolean): { xb: Tensor; spec: WindowSpec; unbatched: boolean } {
  const unbatched = x.ndim === nsp + 1;
  if (x.ndim !== nsp + 2 && !unbatched) throw new RangeError(`${op}: expected a ${nsp + 2}-d input [N, C, ${nsp === 1 ? 'L' : 'H, W'}] (or ${nsp + 1}-d unbatched), got ${shapeStr(x.shape)}`);
  const xb = unbatched ? A.unsqueeze(x, 0) : x;
  kernel.forEach((k, i) => {
    if (padding[i] > k / 2) throw new RangeError(`${op}: padding ${padding[i]} should be at most half the kernel size ${k}`);
  });
  const inSize = xb.shape.slice(2);
  const outSize = inSize.map((l, i) => windowOut(l, kernel[i], stride[i], padding[i], dilation[i], ceil));
  if (outSize.some((s) => s <= 0)) throw new RangeError(`${op}: input ${shapeStr(x.shape)} is too small for kernel [${kernel.join(',')}] (output size [${outSize.join(',')}])`);
  return { xb, unbatched, spec: { inSize, outSize, kernel, stride, padding, dilation } };
}

abstract class MaxPoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly ceilMode: boolean;
  readonly returnIndices: boolean;

  constructor(kernelSize: Size, private readonly nsp: number, o: MaxPoolOptions = {}) {
    super();
    const op = this.constructor.name;
    checkOptions(op, o, MAX_POOL_OPTIONS);
    this.returnIndices = o.returnIndices ?? false;
    this.kernelSize = expand(op, 'kernelSize', kernelSize, nsp);
    this.stride = expand(op, 'stride', o.stride ?? this.kernelSize, nsp);
    this.padding = expand(op, 'padding', o.padding ?? 0, nsp);
    this.dilation = expand(op, 'dilation', o.dilation ?? 1, nsp);
    this.ceilMode = o.ceilMode ?? false;
    if (this.kernelSize.some((k) => k < 1) || this.stride.some((s) => s < 1)) throw new RangeError(`${op}: kernel and stride must be ≥ 1, got [${this.kernelSize}] and [${this.stride}]`);
  }

  forward(x: Tensor): Tensor {
    if (this.returnIndices) {
      throw new Error(`${this.constructor.name}: returnIndices is set, so the output comes with indices: call run(x) for { output, indices }`);
    }
    const { xb, spec, unbatched } = prepare(this.constructor.name, x, this.nsp, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
    const out = A.maxPool(xb, spec);
    return unbatched ? A.squeeze(out, 0) : out;
  }

  /** The pooled output and the flat index of each maximum in its input plane (PyTorch's return_indices). */
  run(x: Tensor): MaxPoolResult {
    const { xb, spec, unbatched } = prepare(this.constructor.name, x, this.nsp, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
    const r = A.maxPoolWithIndices(xb, spec);
    return unbatched ? { output: A.squeeze(r.output, 0), indices: A.squeeze(r.indices, 0) } : r;
  }

  override extraRepr(): string {
    return `kernelSize=[${this.kernelSize}], stride=[${this.stride}], padding=[${this.padding}]`;
  }
}

export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: Size, o: MaxPoolOptions = {}) {
    super(kernelSize, 1, o);
  }
}

export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: Size, o: MaxPoolOptions = {}) {
    super(kernelSize, 2, o);
  }
}

abstract class AvgPoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | undefined;

  constructor(kernelSize: Size, private readonly nsp: number, o: AvgPoolOptions = {}) {
    super();
    const op = this.constructor.name;
    checkOptions(op, o, AVG_POOL_OPTIONS);
    this.kernelSize = expand(op, 'kernelSize', kernelSize, nsp);
    this.stride = expand(op, 'stride', o.stride ?? this.kernelSize, nsp);
    this.padding = expand(op, 'padding', o.padding ?? 0, nsp);
    this.ceilMode = o.ceilMode ?? false;
    this.countIncludePad = o.countIncludePad ?? true;
    this.divisorOverride = o.divisorOverride;
    if (this.kernelSize.some((k) => k < 1) || this.stride.some((s) => s < 1)) throw new RangeError(`${op}: kernel and stride must be ≥ 1, got [${this.kernelSize}] and [${this.stride}]`);
  }

  /** PyTorch's divisor per output position: the window clipped to the padded (or real) input. */
  private divisors(spec: WindowSpec): Float64Array {
    const per = spec.outSize.map((o, i) => {
      const d = new Float64Array(o);
      const len = spec.inSize[i];
      const p = spec.padding[i];
      for (let j = 0; j < o; j++) {
        const start = j * spec.stride[i] - p;
        const endPad = Math.min(start + spec.kernel[i], len + p);
        const poolSize = endPad - start;
        const real = Math.min(endPad, len) - Math.max(start, 0);
        d[j] = this.countIncludePad ? poolSize : real;
      }
      return d;
    });
    const total = spec.outSize.reduce((a, b) => a * b, 1);
    const out = new Float64Array(total);
    if (per.length === 1) out.set(per[0]);
    else for (let a = 0; a < spec.outSize[0]; a++) for (let b = 0; b < spec.outSize[1]; b++) out[a * spec.outSize[1] + b] = per[0][a] * per[1][b];
    if (this.divisorOverride !== undefined) out.fill(this.divisorOverride);
    return out;
  }

  forward(x: Tensor): Tensor {
    const ones = this.kernelSize.map(() => 1);
    const { xb, spec, unbatched } = prepare(this.constructor.name, x, this.nsp, this.kernelSize, this.stride, this.padding, ones, this.ceilMode);
    const out = A.avgPool(xb, spec, this.divisors(spec).map((d) => 1 / d));
    return unbatched ? A.squeeze(out, 0) : out;
  }

  override extraRepr(): string {
    return `kernelSize=[${this.kernelSize}], stride=[${this.stride}], padding=[${this.padding}]`;
  }
}

export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: Size, o: AvgPoolOptions = {}) {
    super(kernelSize, 1, o);
  }
}

export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: Size, o: AvgPoolOptions = {}) {
    super(kernelSize, 2, o);
  }
}

/** [len, out] matrix averaging PyTorch's adaptive bins [⌊i·len/out⌋, ⌈(i+1)·len/out⌉). */
function adaptiveMatrix(len: number, out: number): Tensor {
  const m = new Float32Array(len * out);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * len) / out);
    const end = Math.ceil(((i + 1) * len) / out);
    for (let j = start; j < end; j++) m[j * out + i] = 1 / (end - start);
  }
  return new Tensor(m, [len, out]);
}

/** Average over adaptive bins of the last dim: [N, C, L] → [N, C, outputSize]. */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number, o: Record<string, never> = {}) {
    super();
    checkOptions('AdaptiveAvgPool1d', o, {});
    checkArg('AdaptiveAvgPool1d', 'outputSize', outputSize, SIZE);
    if (!(Number.isInteger(outputSize) && outputSize >= 1)) throw new RangeError(`AdaptiveAvgPool1d: outputSize must be an integer ≥ 1, got ${outputSize}`);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`AdaptiveAvgPool1d: expected [N, C, L] or [C, L], got ${shapeStr(x.shape)}`);
    const m = adaptiveMatrix(x.shape[x.ndim - 1], this.outputSize);
    return A.matmul(x, x.dtype === 'float64' ? A.cast(m, 'float64') : m);
  }

  override extraRepr(): string {
    return `outputSize=${this.outputSize}`;
  }
}

/** Average over adaptive bins of the last two dims: [N, C, H, W] → [N, C, oh, ow]. */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: number[];

  constructor(outputSize: Size, o: Record<string, never> = {}) {
    super();
    checkOptions('AdaptiveAvgPool2d', o, {});
    this.outputSize = expand('AdaptiveAvgPool2d', 'outputSize', outputSize, 2);
    if (this.outputSize.some((s) => s < 1)) throw new RangeError(`AdaptiveAvgPool2d: outputSize must be ≥ 1, got [${this.outputSize}]`);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) throw new RangeError(`AdaptiveAvgPool2d: expected [N, C, H, W] or [C, H, W], got ${shapeStr(x.shape)}`);
    const [h, w] = x.shape.slice(-2);
    const cast = (t: Tensor): Tensor => (x.dtype === 'float64' ? A.cast(t, 'float64') : t);
    const mw = cast(adaptiveMatrix(w, this.outputSize[1]));
    const mh = cast(adaptiveMatrix(h, this.outputSize[0]));
    const rows = A.matmul(x, mw); // [..., H, ow]
    return A.transpose(A.matmul(A.transpose(rows, -1, -2), mh), -1, -2); // [..., oh, ow]
  }
}
