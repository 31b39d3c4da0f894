/**
 * Transformer encoder as torch.nn.TransformerEncoderLayer / TransformerEncoder.
 * Post-norm (PyTorch's default normFirst = false): x = norm1(x + SA(x)); x = norm2(x + FF(x)).
 * Pre-norm (normFirst = true): x = x + SA(norm1(x)); x = x + FF(norm2(x)).
 * FF(x) = linear2(dropout(act(linear1(x)))). Sub-module names follow PyTorch in camelCase
 * (self_attn → selfAttn, linear1, norm1, dropout1...), so state dicts translate key by key.
 * `run` also returns each layer's attention weights (averaged over heads) for heat-maps.
 */
import * as A from '../autograd/index.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { MultiheadAttention } from './attention.js';
import { Dropout } from './dropout.js';
import { gelu } from './activation-extra.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { LayerNorm } from './normalization.js';
import { checkArg, checkOptions, OptionRule } from '../tensor/options.js';
import { notImplemented } from '../tensor/option-rules.js';
import { POSITIVE, PROB, SIZE } from './option-specs.js';

const ACTIVATION: OptionRule = (v) => (v === 'relu' || v === 'gelu' || typeof v === 'function' ? null : `must be 'relu', 'gelu' or a function, got ${JSON.stringify(v)}`);
/** Options of TransformerEncoderLayer, as PyTorch's. */
export const ENCODER_LAYER_OPTIONS = {
  dimFeedforward: SIZE, dropout: PROB, activation: ACTIVATION, layerNormEps: POSITIVE, batchFirst: 'boolean', normFirst: 'boolean',
  bias: 'boolean', generator: 'any',
} as const;
const ENCODER_MASKS = { srcMask: 'any', srcKeyPaddingMask: 'any', isCausal: notImplemented(false, 'pass a causal srcMask') } as const;

/** 'relu', 'gelu' or any unary function of a tensor (PyTorch accepts the two names or a callable). */
export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

/** Checks an activation option: the two names PyTorch knows, or a function; anything else is a named error. */
export function checkActivation(owner: string, a: unknown): Activation {
  if (a === undefined) return 'relu';
  if (a === 'relu' || a === 'gelu' || typeof a === 'function') return a as Activation;
  throw new RangeError(`${owner}: activation must be 'relu', 'gelu' or a function (x: Tensor) => Tensor, got ${typeof a === 'string' ? `'${a}'` : String(a)}`);
}

export function applyActivation(a: Activation, x: Tensor): Tensor {
  if (a === 'relu') return A.relu(x);
  if (a === 'gelu') return gelu(x);
  return a(x);
}

export interface TransformerEncoderLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: Activation;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
  generator?: Generator;
}

export interface EncoderMasks {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

export class TransformerEncoderLayer extends Module {
  selfAttn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly activation: Activation;
  private readonly options: TransformerEncoderLayerOptions;

  constructor(readonly dModel: number, readonly nhead: number, o: TransformerEncoderLayerOptions = {}) {
    super();
    checkOptions('TransformerEncoderLayer', o, ENCODER_LAYER_OPTIONS);
    this.options = { ...o };
    const gen = o.generator ?? defaultGenerator();
    const ff = o.dimFeedforward ?? 2048;
    const p = o.dropout ?? 0.1;
    const eps = o.layerNormEps ?? 1e-5;
    const bias = o.bias ?? true;
    this.selfAttn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst: o.batchFirst ?? false, generator: gen });
    this.linear1 = new Linear(dModel, ff, { bias, generator: gen });
    this.dropout = new Dropout(p, { generator: gen });
    this.linear2 = new Linear(ff, dModel, { bias, generator: gen });
    this.normFirst = o.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { eps, bias });
    this.norm2 = new LayerNorm(dModel, { eps, bias });
    this.dropout1 = new Dropout(p, { generator: gen });
    this.dropout2 = new Dropout(p, { generator: gen });
    this.activation = checkActivation('TransformerEncoderLayer', o.activation);
  }

  /** A new layer with the same configuration and a copy of this one's weights. */
  clone(): TransformerEncoderLayer {
    const c = new TransformerEncoderLayer(this.dModel, this.nhead, this.options);
    c.loadStateDict(this.stateDict());
    return c;
  }

  private sa(x: Tensor, m: EncoderMasks): { y: Tensor; weights: Tensor | null } {
    const r = this.selfAttn.attend(x, x, x, { attnMask: m.srcMask, keyPaddingMask: m.srcKeyPaddingMask, needWeights: true });
    return { y: this.dropout1.forward(r.output), weights: r.weights };
  }

  private ff(x: Tensor): Tensor {
    const h = this.linear1.forward(x);
    const a = applyActivation(this.activation, h);
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(a)));
  }

  run(src: Tensor, m: EncoderMasks = {}): { output: Tensor; weights: Tensor | null } {
    checkOptions('TransformerEncoderLayer.run', m, ENCODER_MASKS);
    if (this.normFirst) {
      const s = this.sa(this.norm1.forward(src), m);
      const x = A.add(src, s.y);
      return { output: A.add(x, this.ff(this.norm2.forward(x))), weights: s.weights };
    }
    const s = this.sa(src, m);
    const x = this.norm1.forward(A.add(src, s.y));
    return { output: this.norm2.forward(A.add(x, this.ff(x))), weights: s.weights };
  }

  forward(src: Tensor, srcKeyPaddingMask?: Tensor): Tensor {
    return this.run(src, { srcKeyPaddingMask }).output;
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`;
  }
}

/** A stack of numLayers copies of an encoder layer (same initial weights, as PyTorch), then an optional norm. */
export class TransformerEncoder extends Module {
  layers: TransformerEncoderLayer[];
  norm: LayerNorm | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, o: { norm?: LayerNorm | null; enableNestedTensor?: boolean; maskCheck?: boolean } = {}) {
    super();
    checkOptions('TransformerEncoder', o, { norm: 'any', enableNestedTensor: 'boolean', maskCheck: 'boolean' });
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new TypeError('TransformerEncoder: encoderLayer must be a TransformerEncoderLayer');
    checkArg('TransformerEncoder', 'numLayers', numLayers, SIZE);
    if (!(Number.isInteger(numLayers) && numLayers >= 1)) throw new RangeError(`TransformerEncoder: numLayers must be an integer ≥ 1, got ${numLayers}`);
    this.layers = Array.from({ length: numLayers }, () => encoderLayer.clone());
    this.norm = o.norm ?? null;
  }

  run(src: Tensor, m: EncoderMasks = {}): { output: Tensor; weights: (Tensor | null)[] } {
    checkOptions('TransformerEncoder.run', m, ENCODER_MASKS);
    let x = src;
    const weights: (Tensor | null)[] = [];
    for (const layer of this.layers) {
      const r = layer.run(x, m);
      x = r.output;
      weights.push(r.weights);
    }
    return { output: this.norm ? this.norm.forward(x) : x, weights };
  }

  forward(src: Tensor, srcKeyPaddingMask?: Tensor): Tensor {
    return this.run(src, { srcKeyPaddingMask }).output;
  }
}
