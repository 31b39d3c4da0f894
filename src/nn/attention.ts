/**
 * Multi-head attention as torch.nn.MultiheadAttention: packed input projection inProjWeight
 * [3E, E] / inProjBias [3E] (PyTorch's in_proj_weight / in_proj_bias) and outProj (Linear E→E),
 * softmax(q·kᵀ/√d + mask)·v per head. Inputs are [L, B, E] (or [B, L, E] with batchFirst).
 *
 * Masks: an int32 mask is boolean (nonzero = masked out, like PyTorch's True); a float mask is
 * added to the scores. keyPaddingMask is [B, S]; attnMask is [L, S] or [B·H, L, S].
 * `attend` returns the attention weights, averaged over heads by default (PyTorch's
 * average_attn_weights=True), shaped [B, L, S] (or [B, H, L, S]).
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { dropout } from './functional.js';
import { xavierUniform } from './init.js';
import { Linear } from './linear.js';
import { Module, Parameter } from './module.js';
import { checkOptions, num } from '../tensor/options.js';
import { notImplemented, nullable } from '../tensor/option-rules.js';
import { PARAM_OPTIONS, PROB } from './option-specs.js';

/** Options of MultiheadAttention (addBiasKv, addZeroAttn, kdim, vdim as PyTorch). */
export const MHA_OPTIONS = {
  dropout: PROB, bias: 'boolean', batchFirst: 'boolean', addBiasKv: 'boolean', addZeroAttn: 'boolean',
  kdim: nullable(num({ min: 1, integer: true })), vdim: nullable(num({ min: 1, integer: true })), ...PARAM_OPTIONS,
} as const;
export const ATTEND_OPTIONS = {
  keyPaddingMask: 'any', attnMask: 'any', needWeights: 'boolean', averageAttnWeights: 'boolean',
  isCausal: notImplemented(false, 'pass a causal attnMask'),
} as const;

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  batchFirst?: boolean;
  generator?: Generator;
}

export interface AttendOptions {
  keyPaddingMask?: Tensor | null;
  attnMask?: Tensor | null;
  /** Whether to return the weights (default true). */
  needWeights?: boolean;
  /** Average the weights over heads (default true). */
  averageAttnWeights?: boolean;
}

export interface AttentionResult {
  output: Tensor;
  weights: Tensor | null;
}

/** Applies a mask to scores [B, H, L, S]: boolean (int32) masks fill −∞, float masks add. */
export function applyMask(scores: Tensor, mask: Tensor, shape: number[]): Tensor {
  const m = A.reshape(mask, shape);
  return mask.dtype === 'int32' ? A.where(m, -Infinity, scores) : A.add(scores, m);
}

export class MultiheadAttention extends Module {
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  inProjWeight: Parameter;
  inProjBias: Parameter | null;
  outProj: Linear;
  private readonly gen: Generator;

  constructor(readonly embedDim: number, readonly numHeads: number, o: MultiheadAttentionOptions = {}) {
    super();
    checkOptions('MultiheadAttention', o, MHA_OPTIONS);
    if (!(Number.isInteger(embedDim) && Number.isInteger(numHeads) && embedDim > 0 && numHeads > 0) || embedDim % numHeads !== 0) {
      throw new RangeError(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    }
    this.headDim = embedDim / numHeads;
    this.dropout = o.dropout ?? 0;
    this.batchFirst = o.batchFirst ?? false;
    this.gen = o.generator ?? defaultGenerator();
    const bias = o.bias ?? true;
    this.inProjWeight = new Parameter(zeros([3 * embedDim, embedDim]));
    this.inProjBias = bias ? new Parameter(zeros([3 * embedDim])) : null;
    this.outProj = new Linear(embedDim, embedDim, { bias, generator: this.gen });
    xavierUniform(this.inProjWeight, 1, this.gen);
    if (this.outProj.bias) this.outProj.bias.data.fill(0);
  }

  forward(query: Tensor, key?: Tensor, value?: Tensor): Tensor {
    return this.attend(query, key ?? query, value ?? key ?? query, { needWeights: false }).output;
  }

  /** Attention output and weights; key and value default to the query (self-attention). */
  attend(query: Tensor, key: Tensor = query, value: Tensor = key, o: AttendOptions = {}): AttentionResult {
    checkOptions('MultiheadAttention.attend', o, ATTEND_OPTIONS);
    const E = this.embedDim;
    for (const [n, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (t.ndim !== 3 || t.shape[2] !== E) throw new RangeError(`MultiheadAttention: ${n} must be ${this.batchFirst ? '[B, L, E]' : '[L, B, E]'} with E = ${E}, got ${shapeStr(t.shape)}`);
    }
    // Work batch-first: [B, L, E].
    const q0 = this.batchFirst ? query : A.transpose(query, 0, 1);
    const k0 = this.batchFirst ? key : A.transpose(key, 0, 1);
    const v0 = this.batchFirst ? value : A.transpose(value, 0, 1);
    const [B, L] = q0.shape;
    const S = k0.shape[1];
    if (k0.shape[0] !== B || v0.shape[0] !== B || v0.shape[1] !== S) {
      throw new RangeError(`MultiheadAttention: query ${shapeStr(query.shape)}, key ${shapeStr(key.shape)} and value ${shapeStr(value.shape)} disagree on batch or length`);
    }
    const [wq, wk, wv] = A.split(this.inProjWeight, E, 0);
    const [bq, bk, bv] = this.inProjBias ? A.split(this.inProjBias, E, 0) : [null, null, null];
    const H = this.numHeads;
    const d = this.headDim;
    const heads = (t: Tensor, len: number): Tensor => A.reshape(A.permute(A.reshape(t, [B, len, H, d]), [0, 2, 1, 3]), [B * H, len, d]);
    const q = heads(A.mul(A.linear(q0, wq, bq), 1 / Math.sqrt(d)), L);
    const k = heads(A.linear(k0, wk, bk), S);
    const v = heads(A.linear(v0, wv, bv), S);
    let scores = A.reshape(A.mm(q, k, false, true), [B, H, L, S]);
    if (o.attnMask) {
      const m = o.attnMask;
      if (m.ndim === 2 && m.shape[0] === L && m.shape[1] === S) scores = applyMask(scores, m, [1, 1, L, S]);
      else if (m.ndim === 3 && m.shape[0] === B * H && m.shape[1] === L && m.shape[2] === S) scores = applyMask(scores, m, [B, H, L, S]);
      else throw new RangeError(`MultiheadAttention: attnMask must be [${L}, ${S}] or [${B * H}, ${L}, ${S}], got ${shapeStr(m.shape)}`);
    }
    if (o.keyPaddingMask) {
      const m = o.keyPaddingMask;
      if (m.ndim !== 2 || m.shape[0] !== B || m.shape[1] !== S) throw new RangeError(`MultiheadAttention: keyPaddingMask must be [B, S] = [${B}, ${S}], got ${shapeStr(m.shape)}`);
      scores = applyMask(scores, m, [B, 1, 1, S]);
    }
    const attn = A.softmax(scores, -1); // [B, H, L, S]
    const dropped = dropout(attn, this.dropout, this.training, this.gen);
    const ctx = A.mm(A.reshape(dropped, [B * H, L, S]), v); // [B·H, L, d]
    const merged = A.reshape(A.permute(A.reshape(ctx, [B, H, L, d]), [0, 2, 1, 3]), [B, L, E]);
    const out = this.outProj.forward(merged);
    const output = this.batchFirst ? out : A.transpose(out, 0, 1);
    let weights: Tensor | null = null;
    // NOTE: as PyTorch, the returned weights are the ones applied (after dropout in training).
    if (o.needWeights ?? true) weights = (o.averageAttnWeights ?? true) ? A.mean(dropped, 1) : dropped;
    return { output, weights };
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, dropout=${this.dropout}, batchFirst=${this.batchFirst}`;
  }
}
