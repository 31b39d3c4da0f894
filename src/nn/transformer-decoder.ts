/**
 * Transformer decoder and the full encoder–decoder, as torch.nn.TransformerDecoderLayer,
 * TransformerDecoder and Transformer.
 *
 * Decoder layer, post-norm (PyTorch's default): x = norm1(x + SA(x)); x = norm2(x + MHA(x, memory));
 * x = norm3(x + FF(x)). Pre-norm (normFirst): x = x + SA(norm1(x)); x = x + MHA(norm2(x), memory);
 * x = x + FF(norm3(x)). FF(x) = linear2(dropout(act(linear1(x)))). Sub-modules are named as
 * PyTorch's (self_attn → selfAttn, multihead_attn → multiheadAttn, norm1..3, dropout1..3), so
 * state dicts translate key by key. Transformer builds an encoder (with a final LayerNorm) and a
 * decoder (with a final LayerNorm) from the same options and, as PyTorch, re-initialises every
 * matrix parameter with Xavier uniform. generateSquareSubsequentMask(n) is PyTorch's causal
 * mask (0 on and below the diagonal, −∞ above).
 */
import * as A from '../autograd/index.js';
import { checkArg, checkOptions, num } from '../tensor/options.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { MultiheadAttention } from './attention.js';
import { Dropout } from './dropout.js';
import { xavierUniform } from './init.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { LayerNorm } from './normalization.js';
import { Activation, TransformerEncoder, TransformerEncoderLayer, applyActivation, checkActivation } from './transformer.js';

export interface TransformerDecoderLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: Activation;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
  generator?: Generator;
}

export interface DecoderMasks {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}

const LAYER_SPEC = {
  dimFeedforward: num({ min: 1, integer: true }), dropout: num({ min: 0, max: 1 }), activation: 'any', layerNormEps: num({ min: 0 }),
  batchFirst: 'boolean', normFirst: 'boolean', bias: 'boolean', generator: 'any',
} as const;

export class TransformerDecoderLayer extends Module {
  selfAttn: MultiheadAttention;
  multiheadAttn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  readonly activation: Activation;
  private readonly options: TransformerDecoderLayerOptions;

  constructor(readonly dModel: number, readonly nhead: number, o: TransformerDecoderLayerOptions = {}) {
    super();
    checkOptions('TransformerDecoderLayer', o, LAYER_SPEC);
    checkArg('TransformerDecoderLayer', 'dModel', dModel, num({ min: 1, integer: true }));
    checkArg('TransformerDecoderLayer', 'nhead', nhead, num({ min: 1, integer: true }));
    this.options = { ...o };
    const gen = o.generator ?? defaultGenerator();
    const ff = o.dimFeedforward ?? 2048;
    const p = o.dropout ?? 0.1;
    const eps = o.layerNormEps ?? 1e-5;
    const bias = o.bias ?? true;
    const batchFirst = o.batchFirst ?? false;
    this.selfAttn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst, generator: gen });
    this.multiheadAttn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst, generator: gen });
    this.linear1 = new Linear(dModel, ff, { bias, generator: gen });
    this.dropout = new Dropout(p, { generator: gen });
    this.linear2 = new Linear(ff, dModel, { bias, generator: gen });
    this.normFirst = o.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps, bias });
    this.norm2 = new LayerNorm(dModel, { eps, bias });
    this.norm3 = new LayerNorm(dModel, { eps, bias });
    this.dropout1 = new Dropout(p, { generator: gen });
    this.dropout2 = new Dropout(p, { generator: gen });
    this.dropout3 = new Dropout(p, { generator: gen });
    this.activation = checkActivation('TransformerDecoderLayer', o.activation);
  }

  /** A new layer with the same configuration and a copy of this one's weights. */
  clone(): TransformerDecoderLayer {
    const c = new TransformerDecoderLayer(this.dModel, this.nhead, this.options);
    c.loadStateDict(this.stateDict());
    return c;
  }

  private sa(x: Tensor, m: DecoderMasks): Tensor {
    const r = this.selfAttn.attend(x, x, x, { attnMask: m.tgtMask, keyPaddingMask: m.tgtKeyPaddingMask, needWeights: false });
    return this.dropout1.forward(r.output);
  }

  private mha(x: Tensor, memory: Tensor, m: DecoderMasks): Tensor {
    const r = this.multiheadAttn.attend(x, memory, memory, { attnMask: m.memoryMask, keyPaddingMask: m.memoryKeyPaddingMask, needWeights: false });
    return this.dropout2.forward(r.output);
  }

  private ff(x: Tensor): Tensor {
    const h = applyActivation(this.activation, this.linear1.forward(x));
    return this.dropout3.forward(this.linear2.forward(this.dropout.forward(h)));
  }

  run(tgt: Tensor, memory: Tensor, m: DecoderMasks = {}): Tensor {
    let x = tgt;
    if (this.normFirst) {
      x = A.add(x, this.sa(this.norm1.forward(x), m));
      x = A.add(x, this.mha(this.norm2.forward(x), memory, m));
      return A.add(x, this.ff(this.norm3.forward(x)));
    }
    x = this.norm1.forward(A.add(x, this.sa(x, m)));
    x = this.norm2.forward(A.add(x, this.mha(x, memory, m)));
    return this.norm3.forward(A.add(x, this.ff(x)));
  }

  forward(tgt: Tensor, memory: Tensor): Tensor {
    return this.run(tgt, memory);
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`;
  }
}

/** numLayers copies of a decoder layer (same initial weights, as PyTorch), then an optional norm. */
export class TransformerDecoder extends Module {
  layers: TransformerDecoderLayer[];
  norm: LayerNorm | null;

  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, o: { norm?: LayerNorm | null } = {}) {
    super();
    checkOptions('TransformerDecoder', o, { norm: 'any' });
    checkArg('TransformerDecoder', 'numLayers', numLayers, num({ min: 1, integer: true }));
    this.layers = Array.from({ length: numLayers }, () => decoderLayer.clone());
    this.norm = o.norm ?? null;
  }

  run(tgt: Tensor, memory: Tensor, m: DecoderMasks = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.run(x, memory, m);
    return this.norm ? this.norm.forward(x) : x;
  }

  forward(tgt: Tensor, memory: Tensor): Tensor {
    return this.run(tgt, memory);
  }
}

export interface TransformerOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  dimFeedforward?: number;
  dropout?: number;
  activation?: Activation;
  customEncoder?: Module | null;
  customDecoder?: Module | null;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
  generator?: Generator;
}

export interface TransformerMasks extends DecoderMasks {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

/** Encoder–decoder transformer (Vaswani et al.), as torch.nn.Transformer. */
export class Transformer extends Module {
  encoder: TransformerEncoder | Module;
  decoder: TransformerDecoder | Module;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(o: TransformerOptions = {}) {
    super();
    checkOptions('Transformer', o, {
      ...LAYER_SPEC, dModel: num({ min: 1, integer: true }), nhead: num({ min: 1, integer: true }), numEncoderLayers: num({ min: 1, integer: true }),
      numDecoderLayers: num({ min: 1, integer: true }), customEncoder: 'any', customDecoder: 'any',
    });
    this.dModel = o.dModel ?? 512;
    this.nhead = o.nhead ?? 8;
    this.batchFirst = o.batchFirst ?? false;
    const gen = o.generator ?? defaultGenerator();
    const layerOpts = {
      dimFeedforward: o.dimFeedforward ?? 2048, dropout: o.dropout ?? 0.1, activation: o.activation, layerNormEps: o.layerNormEps ?? 1e-5,
      batchFirst: this.batchFirst, normFirst: o.normFirst ?? false, bias: o.bias ?? true, generator: gen,
    };
    const eps = layerOpts.layerNormEps;
    this.encoder = o.customEncoder ?? new TransformerEncoder(new TransformerEncoderLayer(this.dModel, this.nhead, layerOpts), o.numEncoderLayers ?? 6,
      { norm: new LayerNorm(this.dModel, { eps, bias: layerOpts.bias }) });
    this.decoder = o.customDecoder ?? new TransformerDecoder(new TransformerDecoderLayer(this.dModel, this.nhead, layerOpts), o.numDecoderLayers ?? 6,
      { norm: new LayerNorm(this.dModel, { eps, bias: layerOpts.bias }) });
    // As PyTorch's _reset_parameters: Xavier uniform for every parameter with more than one dim.
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform(p, 1, gen);
  }

  run(src: Tensor, tgt: Tensor, m: TransformerMasks = {}): Tensor {
    const bDim = this.batchFirst ? 0 : 1;
    if (src.ndim === 3 && tgt.ndim === 3 && src.shape[bDim] !== tgt.shape[bDim]) {
      throw new RangeError(`Transformer: the batch size of src [${src.shape}] and tgt [${tgt.shape}] must be equal`);
    }
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new RangeError(`Transformer: the feature size of src [${src.shape}] and tgt [${tgt.shape}] must be dModel = ${this.dModel}`);
    }
    const memory = this.encoder instanceof TransformerEncoder
      ? this.encoder.run(src, { srcMask: m.srcMask, srcKeyPaddingMask: m.srcKeyPaddingMask }).output
      : this.encoder.forward(src);
    return this.decoder instanceof TransformerDecoder
      ? this.decoder.run(tgt, memory, m)
      : this.decoder.forward(tgt, memory);
  }

  forward(src: Tensor, tgt: Tensor): Tensor {
    return this.run(src, tgt);
  }

  /** PyTorch's causal mask [n, n]: 0 on and below the diagonal, −∞ above (a float mask, added to the scores). */
  static generateSquareSubsequentMask(n: number): Tensor {
    checkArg('Transformer.generateSquareSubsequentMask', 'n', n, num({ min: 1, integer: true }));
    const m = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[i * n + j] = -Infinity;
    return new Tensor(m, [n, n]);
  }
}
