/**
 * Embedding as torch.nn.Embedding: a lookup table [numEmbeddings, embeddingDim] indexed by
 * int32 tensors of any shape. The row at paddingIdx gets no gradient (its value is kept, so
 * pre-trained vectors loaded into it stay as given). `Embedding.fromPretrained` loads vectors
 * and freezes them by default. Weights start N(0, 1), the padding row zero, as PyTorch.
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
  generator?: Generator;
}

export class Embedding extends Module {
  readonly paddingIdx: number | null;
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
  static fromPretrained(embeddings: Tensor, o: { freeze?: boolean; paddingIdx?: number | null } = {}): Embedding {
    checkOptions('Embedding.fromPretrained', o, FROM_PRETRAINED_OPTIONS);
    if (embeddings.ndim !== 2) throw new RangeError(`Embedding.fromPretrained: embeddings must be 2-d [n, dim], got ${shapeStr(embeddings.shape)}`);
    const [n, dim] = embeddings.shape;
    const e = new Embedding(n, dim, { paddingIdx: o.paddingIdx, generator: undefined });
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
    let rows = A.indexSelect(this.weight, 0, idx);
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
