/**
 * Sequence helpers for transformers: the sinusoidal positional encoding of "Attention is all
 * you need" (PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(...), added to the
 * input then dropout, as in PyTorch's tutorial module), and a learned CLS token prepended to
 * every sequence (its output position summarises the sequence instead of pooling).
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { dropout } from './functional.js';
import { normal_ } from './init.js';
import { Module, Parameter } from './module.js';
import { checkArg, checkOptions } from '../tensor/options.js';
import { POSITIVE, PROB, SIZE } from './option-specs.js';

/** The [maxLen, dModel] sinusoid table. */
export function sinusoidTable(maxLen: number, dModel: number): Tensor {
  const pe = new Float32Array(maxLen * dModel);
  for (let pos = 0; pos < maxLen; pos++) {
    for (let i = 0; i < dModel; i += 2) {
      const angle = pos * Math.exp((-i * Math.log(10000)) / dModel);
      pe[pos * dModel + i] = Math.sin(angle);
      if (i + 1 < dModel) pe[pos * dModel + i + 1] = Math.cos(angle);
    }
  }
  return new Tensor(pe, [maxLen, dModel]);
}

export interface PositionalEncodingOptions {
  dropout?: number;
  maxLen?: number;
  /** Input [B, L, E] instead of [L, B, E]. */
  batchFirst?: boolean;
  generator?: Generator;
}

export class PositionalEncoding extends Module {
  readonly maxLen: number;
  readonly p: number;
  readonly batchFirst: boolean;
  declare pe: Tensor;
  private readonly gen: Generator;

  constructor(readonly dModel: number, o: PositionalEncodingOptions = {}) {
    super();
    checkOptions('PositionalEncoding', o, { dropout: PROB, maxLen: SIZE, batchFirst: 'boolean', generator: 'any' });
    checkArg('PositionalEncoding', 'dModel', dModel, SIZE);
    this.maxLen = o.maxLen ?? 5000;
    this.p = o.dropout ?? 0.1;
    this.batchFirst = o.batchFirst ?? false;
    this.gen = o.generator ?? defaultGenerator();
    this.registerBuffer('pe', sinusoidTable(this.maxLen, dModel));
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 || x.shape[2] !== this.dModel) {
      throw new RangeError(`PositionalEncoding: expected ${this.batchFirst ? '[B, L, E]' : '[L, B, E]'} with E = ${this.dModel}, got ${shapeStr(x.shape)}`);
    }
    const len = x.shape[this.batchFirst ? 1 : 0];
    if (len > this.maxLen) throw new RangeError(`PositionalEncoding: sequence length ${len} is longer than maxLen ${this.maxLen}`);
    const table = A.narrow(this.pe, 0, 0, len);
    const pe = A.reshape(table, this.batchFirst ? [1, len, this.dModel] : [len, 1, this.dModel]);
    return dropout(A.add(x, pe), this.p, this.training, this.gen);
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, maxLen=${this.maxLen}, dropout=${this.p}`;
  }
}

/**
 * A learned [1, 1, E] token put before each sequence: [B, L, E] → [B, L+1, E] (batchFirst,
 * the default here) or [L, B, E] → [L+1, B, E]. `extendMask` adds the matching unpadded
 * column to a [B, L] key-padding mask. Initialised N(0, 0.02²) (ViT / BERT practice).
 */
export class ClsToken extends Module {
  cls: Parameter;
  readonly batchFirst: boolean;

  constructor(readonly embedDim: number, o: { batchFirst?: boolean; std?: number; generator?: Generator } = {}) {
    super();
    checkOptions('ClsToken', o, { batchFirst: 'boolean', std: POSITIVE, generator: 'any' });
    checkArg('ClsToken', 'embedDim', embedDim, SIZE);
    this.batchFirst = o.batchFirst ?? true;
    this.cls = new Parameter(zeros([1, 1, embedDim]));
    normal_(this.cls, 0, o.std ?? 0.02, o.generator ?? defaultGenerator());
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 || x.shape[2] !== this.embedDim) {
      throw new RangeError(`ClsToken: expected ${this.batchFirst ? '[B, L, E]' : '[L, B, E]'} with E = ${this.embedDim}, got ${shapeStr(x.shape)}`);
    }
    const b = x.shape[this.batchFirst ? 0 : 1];
    const cls = A.broadcastTo(A.cast(this.cls, x.dtype), this.batchFirst ? [b, 1, this.embedDim] : [1, b, this.embedDim]);
    return A.cat([cls, x], this.batchFirst ? 1 : 0);
  }

  /** [B, L] padding mask → [B, L+1] with the CLS position never masked. */
  extendMask(mask: Tensor): Tensor {
    if (mask.ndim !== 2) throw new RangeError(`ClsToken.extendMask: expected a [B, L] mask, got ${shapeStr(mask.shape)}`);
    return A.cat([zeros([mask.shape[0], 1], { dtype: mask.dtype }), mask], 1);
  }

  /** The CLS position of an encoded sequence: [B, E]. */
  pick(encoded: Tensor): Tensor {
    return A.select(encoded, this.batchFirst ? 1 : 0, 0);
  }
}
