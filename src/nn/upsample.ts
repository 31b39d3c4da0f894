/**
 * Resizing as torch.nn.functional.interpolate and torch.nn.Upsample: modes 'nearest' and
 * 'nearest-exact' (1-d or 2-d), 'linear' (1-d), 'bilinear' and 'bicubic' (2-d, with or without
 * alignCorners) and 'area' (adaptive average). Each mode is separable: along every spatial dim the output is the input times a
 * constant [in, out] matrix built with PyTorch's source-index rule (computed in float32 as
 * PyTorch does), so the gradient is the transposed map. With scaleFactor the output size is
 * ⌊in·scale⌋ and, unless recomputeScaleFactor, the index rule uses 1/scale (as PyTorch).
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkOptions, oneOf } from '../tensor/options.js';
import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import { adaptiveBins } from './pooling-extra.js';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'area';
export const INTERPOLATE_MODES: readonly InterpolateMode[] = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'area'];

/** Keys' cubic convolution weights of the 4 taps around a fraction t, with PyTorch's A = −0.75. */
function cubicWeights(t: number): number[] {
  const A = -0.75;
  const near = (x: number): number => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number): number => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

export interface InterpolateOptions {
  size?: number | number[];
  scaleFactor?: number | number[];
  mode?: InterpolateMode;
  alignCorners?: boolean;
  recomputeScaleFactor?: boolean;
}

const f32 = Math.fround;

/** The [in, out] matrix of one dim. */
function resizeMatrix(mode: InterpolateMode, len: number, out: number, scaleFactor: number | null, alignCorners: boolean): Float64Array {
  const m = new Float64Array(len * out);
  if (mode === 'area') {
    adaptiveBins(len, out).forEach(([s, e], j) => { for (let i = s; i < e; i++) m[i * out + j] = 1 / (e - s); });
    return m;
  }
  if (mode === 'nearest' || mode === 'nearest-exact') {
    const scale = f32(scaleFactor !== null ? 1 / scaleFactor : len / out);
    const off = mode === 'nearest-exact' ? 0.5 : 0;
    for (let j = 0; j < out; j++) m[Math.min(Math.floor(f32(f32(j + off) * scale)), len - 1) * out + j] = 1;
    return m;
  }
  if (mode === 'bicubic') {
    // As PyTorch: the source index is not clamped at 0, the four taps are clamped to the edges.
    const scale = alignCorners ? (out > 1 ? f32((len - 1) / (out - 1)) : 0) : f32(scaleFactor !== null ? 1 / scaleFactor : len / out);
    for (let j = 0; j < out; j++) {
      const src = alignCorners ? f32(scale * j) : f32(f32(scale * f32(j + 0.5)) - 0.5);
      const i0 = Math.floor(src);
      const w = cubicWeights(f32(src - i0));
      for (let k = 0; k < 4; k++) m[Math.min(Math.max(i0 - 1 + k, 0), len - 1) * out + j] += w[k];
    }
    return m;
  }
  const scale = alignCorners ? (out > 1 ? f32((len - 1) / (out - 1)) : 0) : f32(scaleFactor !== null ? 1 / scaleFactor : len / out);
  for (let j = 0; j < out; j++) {
    let src = alignCorners ? f32(scale * j) : f32(f32(scale * f32(j + 0.5)) - 0.5);
    if (src < 0) src = 0;
    const i0 = Math.floor(src);
    const off = i0 < len - 1 ? 1 : 0;
    const l1 = Math.min(Math.max(f32(src - i0), 0), 1);
    const l0 = f32(1 - l1);
    m[i0 * out + j] += l0;
    m[(i0 + off) * out + j] += l1;
  }
  return m;
}

export function interpolate(x: Tensor, o: InterpolateOptions = {}): Tensor {
  const op = 'interpolate';
  checkOptions(op, o, { size: 'any', scaleFactor: 'any', mode: oneOf(INTERPOLATE_MODES), alignCorners: 'boolean', recomputeScaleFactor: 'boolean' });
  const mode = o.mode ?? 'nearest';
  const nsp = x.ndim - 2;
  if (nsp < 1 || nsp > 2) throw new RangeError(`${op}: expected a 3-d [N, C, L] or 4-d [N, C, H, W] input, got ${shapeStr(x.shape)}`);
  if (mode === 'linear' && nsp !== 1) throw new RangeError(`${op}: mode 'linear' needs a 3-d input [N, C, L], got ${shapeStr(x.shape)}`);
  if ((mode === 'bilinear' || mode === 'bicubic') && nsp !== 2) throw new RangeError(`${op}: mode '${mode}' needs a 4-d input [N, C, H, W], got ${shapeStr(x.shape)}`);
  if (o.alignCorners !== undefined && mode !== 'linear' && mode !== 'bilinear' && mode !== 'bicubic') {
    throw new RangeError(`${op}: alignCorners only applies to the linear modes, got mode '${mode}'`);
  }
  if ((o.size === undefined) === (o.scaleFactor === undefined)) throw new RangeError(`${op}: give exactly one of size and scaleFactor`);
  const inSize = x.shape.slice(2);
  const list = (v: number | number[], name: string): number[] => {
    const a = typeof v === 'number' ? new Array<number>(nsp).fill(v) : [...v];
    if (a.length !== nsp || a.some((s) => !(s > 0) || !Number.isFinite(s))) throw new RangeError(`${op}: ${name} needs ${nsp} positive value(s), got ${JSON.stringify(v)}`);
    return a;
  };
  let outSize: number[];
  let scales: (number | null)[];
  if (o.size !== undefined) {
    outSize = list(o.size, 'size');
    if (outSize.some((s) => !Number.isInteger(s))) throw new RangeError(`${op}: size must be integers, got ${JSON.stringify(o.size)}`);
    scales = outSize.map(() => null);
  } else {
    const sf = list(o.scaleFactor as number | number[], 'scaleFactor');
    outSize = inSize.map((l, i) => Math.floor(l * sf[i]));
    if (outSize.some((s) => s < 1)) throw new RangeError(`${op}: scaleFactor ${JSON.stringify(o.scaleFactor)} gives an empty output for input ${shapeStr(x.shape)}`);
    scales = o.recomputeScaleFactor ? outSize.map(() => null) : sf;
  }
  const align = o.alignCorners ?? false;
  const dt = x.dtype === 'float64' ? 'float64' : 'float32';
  let y = x;
  for (let i = nsp - 1; i >= 0; i--) {
    const m = A.cast(new Tensor(resizeMatrix(mode, inSize[i], outSize[i], scales[i], align), [inSize[i], outSize[i]]), dt);
    const d = 2 + i;
    if (d === x.ndim - 1) y = A.matmul(y, m);
    else y = A.transpose(A.matmul(A.transpose(y, d, -1), m), d, -1);
  }
  return y;
}

export interface UpsampleOptions extends InterpolateOptions {}

export class Upsample extends Module {
  readonly options: UpsampleOptions;

  constructor(o: UpsampleOptions = {}) {
    super();
    checkOptions('Upsample', o, { size: 'any', scaleFactor: 'any', mode: oneOf(INTERPOLATE_MODES), alignCorners: 'boolean', recomputeScaleFactor: 'boolean' });
    if ((o.size === undefined) === (o.scaleFactor === undefined)) throw new RangeError('Upsample: give exactly one of size and scaleFactor');
    this.options = { ...o };
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }

  override extraRepr(): string {
    return `${this.options.size !== undefined ? `size=${JSON.stringify(this.options.size)}` : `scaleFactor=${JSON.stringify(this.options.scaleFactor)}`}, mode=${this.options.mode ?? 'nearest'}`;
  }
}
