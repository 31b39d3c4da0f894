/**
 * The rest of torch.nn.functional (joined with functional.ts as `nn.F`): convolutions,
 * transposed convolutions, poolings, activations, losses, pad, interpolate, oneHot, normalize,
 * group norm, bilinear, cosine similarity and pairwise distance. Each checks its options object
 * with checkOptions and runs the same code as the matching module.
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkOptions, num } from '../tensor/options.js';
import { arange } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { Padding, Size, convCore, expand, resolvePadding } from './conv.js';
import { convTransposeCore } from './conv-transpose.js';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, AvgPoolOptions, MaxPool1d, MaxPool2d, MaxPoolOptions, MaxPoolResult } from './pooling.js';
import { adaptiveMaxPool } from './pooling-extra.js';
import { embeddingRenorm_, inverseFrequency } from './embedding.js';
import { MaxUnpool1d, MaxUnpool2d, MaxUnpoolOptions } from './unpool.js';

export { pad } from './pad.js';
export type { PadMode } from './pad.js';
export { interpolate } from './upsample.js';
export type { InterpolateOptions, InterpolateMode } from './upsample.js';
export { elu, celu, selu, gelu, softplus, logSigmoid, silu, hardtanh, prelu } from './activation-extra.js';
export { hardswish, mish, softsign, glu, threshold, softmin } from './activation-more.js';
export {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, l1Loss, smoothL1Loss, huberLoss, klDiv, gaussianNllLoss, poissonNllLoss,
  multiMarginLoss, hingeEmbeddingLoss,
} from './losses-extra.js';
export {
  cosineEmbeddingLoss, marginRankingLoss, tripletMarginLoss, softMarginLoss, multilabelSoftMarginLoss, multilabelMarginLoss, pairwiseDistance,
} from './losses-more.js';
export { groupNorm } from './normalization-extra.js';
export { ctcLoss } from './ctc.js';
export { bilinear } from './bilinear.js';

export interface ConvFunctionalOptions {
  stride?: Size;
  padding?: Padding;
  dilation?: Size;
  groups?: number;
}

const CONV_SPEC = { stride: 'any', padding: 'any', dilation: 'any', groups: num({ min: 1, integer: true }) } as const;

function convN(op: string, nsp: number, x: Tensor, weight: Tensor, bias: Tensor | null, o: ConvFunctionalOptions): Tensor {
  checkOptions(op, o, CONV_SPEC);
  const unbatched = x.ndim === nsp + 1;
  if (x.ndim !== nsp + 2 && !unbatched) throw new RangeError(`${op}: expected a ${nsp + 2}-d input (or ${nsp + 1}-d unbatched), got ${shapeStr(x.shape)}`);
  if (weight.ndim !== nsp + 2) throw new RangeError(`${op}: weight must be ${nsp + 2}-d [Cout, Cin/groups, ...kernel], got ${shapeStr(weight.shape)}`);
  const kernel = weight.shape.slice(2);
  const stride = expand(op, 'stride', o.stride ?? 1, nsp);
  const dilation = expand(op, 'dilation', o.dilation ?? 1, nsp);
  const padding = resolvePadding(op, o.padding ?? 0, kernel, stride, dilation);
  const xb = unbatched ? A.unsqueeze(x, 0) : x;
  const out = convCore(op, xb, weight, bias, { kernel, stride, padding, dilation, groups: o.groups ?? 1, paddingMode: 'zeros' });
  return unbatched ? A.squeeze(out, 0) : out;
}

/** torch.nn.functional.conv1d: x [N, Cin, L], weight [Cout, Cin/groups, k]. */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvFunctionalOptions = {}): Tensor {
  return convN('conv1d', 1, x, weight, bias, o);
}

/** torch.nn.functional.conv2d: x [N, Cin, H, W], weight [Cout, Cin/groups, kh, kw]. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvFunctionalOptions = {}): Tensor {
  return convN('conv2d', 2, x, weight, bias, o);
}

export interface ConvTransposeFunctionalOptions {
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  groups?: number;
  dilation?: Size;
}

function convTransposeN(op: string, nsp: number, x: Tensor, weight: Tensor, bias: Tensor | null, o: ConvTransposeFunctionalOptions): Tensor {
  checkOptions(op, o, { ...CONV_SPEC, outputPadding: 'any' });
  const unbatched = x.ndim === nsp + 1;
  if (x.ndim !== nsp + 2 && !unbatched) throw new RangeError(`${op}: expected a ${nsp + 2}-d input (or ${nsp + 1}-d unbatched), got ${shapeStr(x.shape)}`);
  const xb = unbatched ? A.unsqueeze(x, 0) : x;
  const out = convTransposeCore(op, xb, weight, bias, {
    stride: expand(op, 'stride', o.stride ?? 1, nsp), padding: expand(op, 'padding', o.padding ?? 0, nsp),
    outputPadding: expand(op, 'outputPadding', o.outputPadding ?? 0, nsp), dilation: expand(op, 'dilation', o.dilation ?? 1, nsp), groups: o.groups ?? 1,
  });
  return unbatched ? A.squeeze(out, 0) : out;
}

/** torch.nn.functional.conv_transpose1d: weight [Cin, Cout/groups, k]. */
export function convTranspose1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvTransposeFunctionalOptions = {}): Tensor {
  return convTransposeN('convTranspose1d', 1, x, weight, bias, o);
}

/** torch.nn.functional.conv_transpose2d: weight [Cin, Cout/groups, kh, kw]. */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvTransposeFunctionalOptions = {}): Tensor {
  return convTransposeN('convTranspose2d', 2, x, weight, bias, o);
}

export function maxPool1d(x: Tensor, kernelSize: Size, o: Omit<MaxPoolOptions, 'returnIndices'> = {}): Tensor {
  return new MaxPool1d(kernelSize, o).forward(x);
}

export function maxPool2d(x: Tensor, kernelSize: Size, o: Omit<MaxPoolOptions, 'returnIndices'> = {}): Tensor {
  return new MaxPool2d(kernelSize, o).forward(x);
}

/** Max pooling with the flat index of each maximum in its input plane (return_indices=True). */
export function maxPool1dWithIndices(x: Tensor, kernelSize: Size, o: Omit<MaxPoolOptions, 'returnIndices'> = {}): MaxPoolResult {
  return new MaxPool1d(kernelSize, { ...o, returnIndices: true }).run(x);
}

export function maxPool2dWithIndices(x: Tensor, kernelSize: Size, o: Omit<MaxPoolOptions, 'returnIndices'> = {}): MaxPoolResult {
  return new MaxPool2d(kernelSize, { ...o, returnIndices: true }).run(x);
}

export function avgPool1d(x: Tensor, kernelSize: Size, o: AvgPoolOptions = {}): Tensor {
  return new AvgPool1d(kernelSize, o).forward(x);
}

export function avgPool2d(x: Tensor, kernelSize: Size, o: AvgPoolOptions = {}): Tensor {
  return new AvgPool2d(kernelSize, o).forward(x);
}

export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  return new AdaptiveAvgPool1d(outputSize).forward(x);
}

export function adaptiveAvgPool2d(x: Tensor, outputSize: Size): Tensor {
  return new AdaptiveAvgPool2d(outputSize).forward(x);
}

export function adaptiveMaxPool1d(x: Tensor, outputSize: number): Tensor {
  if (x.ndim !== 2 && x.ndim !== 3) throw new RangeError(`adaptiveMaxPool1d: expected [N, C, L] or [C, L], got ${shapeStr(x.shape)}`);
  return adaptiveMaxPool(x, expand('adaptiveMaxPool1d', 'outputSize', outputSize, 1)).output;
}

export function adaptiveMaxPool2d(x: Tensor, outputSize: Size): Tensor {
  if (x.ndim !== 3 && x.ndim !== 4) throw new RangeError(`adaptiveMaxPool2d: expected [N, C, H, W] or [C, H, W], got ${shapeStr(x.shape)}`);
  return adaptiveMaxPool(x, expand('adaptiveMaxPool2d', 'outputSize', outputSize, 2)).output;
}

/**
 * One-hot encoding of int32 class indices (torch.nn.functional.one_hot): [...] → [..., C] int32,
 * C = numClasses or max + 1 when numClasses is −1.
 */
export function oneHot(t: Tensor, numClasses = -1): Tensor {
  if (t.dtype !== 'int32') throw new TypeError(`oneHot: expected an int32 tensor of class indices, got ${t.dtype}`);
  if (t.size === 0 && numClasses < 0) throw new RangeError('oneHot: cannot infer the number of classes of an empty tensor; pass numClasses');
  const lo = t.size ? A.min(t).item() : 0;
  const hi = t.size ? A.max(t).item() : -1;
  if (lo < 0) throw new RangeError(`oneHot: class values must be ≥ 0, got ${lo}`);
  const c = numClasses === -1 ? hi + 1 : numClasses;
  if (!Number.isInteger(c) || c < 1) throw new RangeError(`oneHot: numClasses must be a positive integer or -1, got ${numClasses}`);
  if (hi >= c) throw new RangeError(`oneHot: class value ${hi} is outside [0, ${c}) for numClasses ${numClasses}`);
  return A.eq(A.unsqueeze(t, -1), arange(0, c, 1, { dtype: 'int32' }));
}

export interface NormalizeOptions {
  p?: number;
  dim?: number;
  eps?: number;
}

/** x / max(‖x‖_p, eps) along dim (torch.nn.functional.normalize; p = 2, dim = 1, eps = 1e-12). */
export function normalize(x: Tensor, o: NormalizeOptions = {}): Tensor {
  checkOptions('normalize', o, { p: num({ min: 0, minExclusive: true }), dim: num({ integer: true }), eps: num({ min: 0 }) });
  const p = o.p ?? 2;
  const dim = o.dim ?? 1;
  let norm: Tensor;
  if (p === 2) norm = A.sqrt(A.sum(A.square(x), dim, { keepDim: true }));
  else if (p === 1) norm = A.sum(A.abs(x), dim, { keepDim: true });
  else if (p === Infinity) norm = A.max(A.abs(x), dim, { keepDim: true });
  else norm = A.pow(A.sum(A.pow(A.abs(x), p), dim, { keepDim: true }), 1 / p);
  return A.div(x, A.clamp(norm, o.eps ?? 1e-12));
}

/** Σ x1·x2 / max(‖x1‖·‖x2‖, eps) along dim (torch.nn.functional.cosine_similarity, dim 1, eps 1e-8). */
export function cosineSimilarity(x1: Tensor, x2: Tensor, o: { dim?: number; eps?: number } = {}): Tensor {
  checkOptions('cosineSimilarity', o, { dim: num({ integer: true }), eps: num({ min: 0 }) });
  const dim = o.dim ?? 1;
  const eps = o.eps ?? 1e-8;
  const n1 = A.sqrt(A.sum(A.square(x1), dim));
  const n2 = A.sqrt(A.sum(A.square(x2), dim));
  return A.div(A.sum(A.mul(x1, x2), dim), A.clamp(A.mul(n1, n2), eps));
}


export function maxUnpool1d(x: Tensor, indices: Tensor, kernelSize: Size, o: MaxUnpoolOptions & { outputSize?: readonly number[] } = {}): Tensor {
  const { outputSize, ...rest } = o;
  return new MaxUnpool1d(kernelSize, rest).forward(x, indices, outputSize);
}

export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: Size, o: MaxUnpoolOptions & { outputSize?: readonly number[] } = {}): Tensor {
  const { outputSize, ...rest } = o;
  return new MaxUnpool2d(kernelSize, rest).forward(x, indices, outputSize);
}

export interface EmbeddingFunctionalOptions {
  paddingIdx?: number | null;
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
}

/**
 * torch.nn.functional.embedding: rows of weight [n, dim] at int32 indices of any shape. maxNorm
 * renormalises the looked-up rows of weight in place; the paddingIdx row gets no gradient.
 */
export function embedding(input: Tensor, weight: Tensor, o: EmbeddingFunctionalOptions = {}): Tensor {
  checkOptions('embedding', o, {
    paddingIdx: 'any', maxNorm: (v) => (v === null || (typeof v === 'number' && v > 0) ? null : `must be a number > 0 or null, got ${JSON.stringify(v)}`),
    normType: num({ min: 0, minExclusive: true }), scaleGradByFreq: 'boolean',
  });
  if (input.dtype !== 'int32') throw new TypeError(`embedding: indices must be an int32 tensor, got ${input.dtype}`);
  if (weight.ndim !== 2) throw new RangeError(`embedding: weight must be [n, dim], got ${shapeStr(weight.shape)}`);
  const [n, dim] = weight.shape;
  const idx = input.data as Int32Array;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= n) throw new RangeError(`embedding: index ${idx[i]} at position ${i} of ${shapeStr(input.shape)} is out of range for ${n} rows`);
  }
  if (o.maxNorm != null) embeddingRenorm_(weight, idx, o.maxNorm, o.normType ?? 2);
  let rows = A.indexSelect(weight, 0, idx);
  if (o.scaleGradByFreq && rows.requiresGrad) rows = A.scaleGrad(rows, inverseFrequency(idx, rows.dtype));
  const pad = o.paddingIdx ?? null;
  if (pad !== null && rows.requiresGrad) {
    const p = pad < 0 ? pad + n : pad;
    rows = A.where(A.reshape(A.ne(input, p), [idx.length, 1]), rows, A.detach(rows));
  }
  return A.reshape(rows, [...input.shape, dim]);
}
