/**
 * Embedding as torch.nn.Embedding: a lookup table [numEmbeddings, embeddingDim] indexed by
 * int32 tensors of any shape. The row at paddingIdx gets no gradient (its value is kept, so
 * pre-trained vectors loaded into it stay as given). `Embedding.fromPretrained` loads vectors
 * and freezes them by default. Weights start N(0, 1), the padding row zero, as PyTorch.
 * maxNorm renormalises the looked-up rows in place before the lookup (PyTorch's max_norm, with
 * normType); scaleGradByFreq divides each row's gradient by its index's count in the batch.
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor, allocData } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { normal_ } from './init.js';
import { Module, Parameter } from './module.js';
import { checkArg, checkOptions, num } from '../tensor/options.js';
import { notImplemented, nullable } from '../tensor/option-rules.js';
import { INT, PARAM_OPTIONS, SIZE } from './option-specs.js';

const EMBEDDING_COMMON = {
  paddingIdx: nullable(INT), maxNorm: nullable(num({ min: 0, minExclusive: true })), normType: num({ min: 0, minExclusive: true }),
  scaleGradByFreq: 'boolean', sparse: notImplemented(false, 'gradients are dense'),
} as const;
export const EMBEDDING_OPTIONS = { ...EMBEDDING_COMMON, ...PARAM_OPTIONS } as const;
export const FROM_PRETRAINED_OPTIONS = { ...EMBEDDING_COMMON, freeze: 'boolean' } as const;

export interface EmbeddingOptions {
  /** Index whose row is not trained (negative counts from the end). */
  paddingIdx?: number | null;
  /** Rows looked up with a normType-norm above this are rescaled in place to norm maxNorm (PyTorch's max_norm). */
  maxNorm?: number | null;
  /** The p of the maxNorm norm (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in the batch. */
  scaleGradByFreq?: boolean;
  generator?: Generator;
}

/**
 * PyTorch's embedding_renorm_: each distinct row of `weight` named in idx whose p-norm exceeds
 * maxNorm is scaled in place by maxNorm / (norm + 1e-7). No gradient is recorded.
 */
export function embeddingRenorm_(weight: Tensor, idx: Int32Array, maxNorm: number, normType = 2): void {
  if (idx.length === 0) return;
  const uniq = Int32Array.from(new Set(idx)).sort();
  const dim = weight.shape[1];
  A.noGrad(() => {
    const rows = A.indexSelect(weight, 0, uniq);
    const a = A.abs(rows);
    const norm = normType === 2 ? A.sqrt(A.sum(A.square(rows), 1, { keepDim: true }))
      : normType === Infinity ? A.max(a, 1, { keepDim: true })
        : normType === 1 ? A.sum(a, 1, { keepDim: true }) : A.pow(A.sum(A.pow(a, normType), 1, { keepDim: true }), 1 / normType);
    const scale = A.where(A.gt(norm, maxNorm), A.div(maxNorm, A.add(norm, 1e-7)), 1);
    const scaled = A.mul(rows, scale);
    const d = scaled.data;
    uniq.forEach((r, i) => weight.data.set(d.subarray(i * dim, (i + 1) * dim), r * dim));
  });
}

/** [n, 1] factors 1/count(idx[i]) for scaleGradByFreq. */
export function inverseFrequency(idx: Int32Array, dtype: Tensor['dtype']): Tensor {
  const count = new Map<number, number>();
  for (const v of idx) count.set(v, (count.get(v) ?? 0) + 1);
  const f = allocData(dtype === 'float64' ? 'float64' : 'float32', idx.length);
  idx.forEach((v, i) => { f[i] = 1 / (count.get(v) as number); });
  return new Tensor(f, [idx.length, 1]);
}

export class Embedding extends Module {
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  weight: Parameter;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, o: EmbeddingOptions = {}) {
    super();
    checkOptions('Embedding', o, EMBEDDING_OPTIONS);
    checkArg('Embedding', 'numEmbeddings', numEmbeddings, SIZE);
    checkArg('Embedding', 'embeddingDim', embeddingDim, SIZE);
    if (!(Number.isInteger(numEmbeddings) && numEmbeddings > 0 && Number.isInteger(embeddingDim) && embeddingDim > 0)) {
      throw new RangeError(`Embedding: sizes must be positive integers, got (${numEmbeddings}, ${embeddingDim})`);
    }
    let pad = o.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad >= numEmbeddings || pad < -numEmbeddings) {
        throw new RangeError(`Embedding: paddingIdx ${pad} is outside [${-numEmbeddings}, ${numEmbeddings})`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.maxNorm = o.maxNorm ?? null;
    if (this.maxNorm !== null && !(this.maxNorm > 0)) throw new RangeError(`Embedding: maxNorm must be > 0, got ${this.maxNorm}`);
    this.normType = o.normType ?? 2;
    if (!(this.normType > 0)) throw new RangeError(`Embedding: normType must be > 0, got ${this.normType}`);
    this.scaleGradByFreq = o.scaleGradByFreq ?? false;
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim]));
    this.resetParameters(o.generator ?? defaultGenerator());
  }

  resetParameters(gen: Generator): void {
    normal_(this.weight, 0, 1, gen);
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * this.embeddingDim, (this.paddingIdx + 1) * this.embeddingDim);
  }

  /**
   * A layer holding a copy of `embeddings` [n, dim]. With freeze (default true) the weight does
   * not require grad; the padding row keeps its given values.
   */
  static fromPretrained(embeddings: Tensor, o: { freeze?: boolean; paddingIdx?: number | null; maxNorm?: number | null; normType?: number; scaleGradByFreq?: boolean } = {}): Embedding {
    checkOptions('Embedding.fromPretrained', o, FROM_PRETRAINED_OPTIONS);
    if (embeddings.ndim !== 2) throw new RangeError(`Embedding.fromPretrained: embeddings must be 2-d [n, dim], got ${shapeStr(embeddings.shape)}`);
    const [n, dim] = embeddings.shape;
    const e = new Embedding(n, dim, { paddingIdx: o.paddingIdx, maxNorm: o.maxNorm, normType: o.normType, scaleGradByFreq: o.scaleGradByFreq, generator: undefined });
    const data = allocData(embeddings.dtype === 'int32' ? 'float32' : embeddings.dtype, embeddings.size);
    for (let i = 0; i < data.length; i++) data[i] = embeddings.data[i];
    e.weight = new Parameter(new Tensor(data, [n, dim]));
    e.weight.requiresGrad = !(o.freeze ?? true);
    return e;
  }

  forward(indices: Tensor): Tensor {
    if (indices.dtype !== 'int32') throw new TypeError(`Embedding: indices must be an int32 tensor, got ${indices.dtype}`);
    const idx = indices.data as Int32Array;
    if (idx.length > 0 && (A.min(indices).item() < 0 || A.max(indices).item() >= this.numEmbeddings)) {
      const i = idx.findIndex((v) => v < 0 || v >= this.numEmbeddings);
      throw new RangeError(`Embedding: index ${idx[i]} at position ${i} of ${shapeStr(indices.shape)} is out of range for ${this.numEmbeddings} embeddings`);
    }
    if (this.maxNorm !== null) embeddingRenorm_(this.weight, idx, this.maxNorm, this.normType);
    let rows = A.indexSelect(this.weight, 0, idx);
    if (this.scaleGradByFreq && rows.requiresGrad) rows = A.scaleGrad(rows, inverseFrequency(idx, rows.dtype));
    if (this.paddingIdx !== null && rows.requiresGrad) {
      // Same values, but the padding rows are cut from the graph so they get no gradient.
      const notPad = A.reshape(A.ne(indices, this.paddingIdx), [idx.length, 1]);
      rows = A.where(notPad, rows, A.detach(rows));
    }
    return A.reshape(rows, [...indices.shape, this.embeddingDim]);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}
