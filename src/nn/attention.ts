/**
 * Multi-head attention as torch.nn.MultiheadAttention: packed input projection inProjWeight
 * [3E, E] / inProjBias [3E] (PyTorch's in_proj_weight / in_proj_bias) and outProj (Linear E→E),
 * or, with kdim / vdim ≠ E, separate qProjWeight [E, E], kProjWeight [E, kdim], vProjWeight
 * [E, vdim]. addBiasKv appends learned rows biasK / biasV to the projected keys and values;
 * addZeroAttn appends a zero key and value per head (masks get an unmasked column for each),
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
import { xavierNormal, xavierUniform } from './init.js';
import { pad } from './pad.js';
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
  /** Learned key and value rows biasK, biasV [1, 1, E] appended to every sequence (PyTorch's add_bias_kv). */
  addBiasKv?: boolean;
  /** A zero key and value appended after the projection (PyTorch's add_zero_attn). */
  addZeroAttn?: boolean;
  /** Feature size of the key input (default embedDim); with kdim or vdim ≠ embedDim the projections are separate: qProjWeight, kProjWeight, vProjWeight. */
  kdim?: number;
  /** Feature size of the value input (default embedDim). */
  vdim?: number;
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
  readonly kdim: number;
  readonly vdim: number;
  readonly addZeroAttn: boolean;
  /** Packed [3E, E] projection when kdim = vdim = embedDim, else null (then q/k/vProjWeight). */
  inProjWeight: Parameter | null;
  qProjWeight: Parameter | null = null;
  kProjWeight: Parameter | null = null;
  vProjWeight: Parameter | null = null;
  inProjBias: Parameter | null;
  biasK: Parameter | null = null;
  biasV: Parameter | null = null;
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
    this.kdim = o.kdim ?? embedDim;
    this.vdim = o.vdim ?? embedDim;
    for (const [n, v] of [['kdim', this.kdim], ['vdim', this.vdim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`MultiheadAttention: ${n} must be a positive integer, got ${v}`);
    }
    this.addZeroAttn = o.addZeroAttn ?? false;
    const packed = this.kdim === embedDim && this.vdim === embedDim;
    if (packed) {
      this.inProjWeight = new Parameter(zeros([3 * embedDim, embedDim]));
    } else {
      this.inProjWeight = null;
      this.qProjWeight = new Parameter(zeros([embedDim, embedDim]));
      this.kProjWeight = new Parameter(zeros([embedDim, this.kdim]));
      this.vProjWeight = new Parameter(zeros([embedDim, this.vdim]));
    }
    this.inProjBias = bias ? new Parameter(zeros([3 * embedDim])) : null;
    if (o.addBiasKv) {
      this.biasK = new Parameter(zeros([1, 1, embedDim]));
      this.biasV = new Parameter(zeros([1, 1, embedDim]));
    }
    this.outProj = new Linear(embedDim, embedDim, { bias, generator: this.gen });
    if (this.inProjWeight) xavierUniform(this.inProjWeight, 1, this.gen);
    else for (const w of [this.qProjWeight, this.kProjWeight, this.vProjWeight]) xavierUniform(w as Parameter, 1, this.gen);
    if (this.outProj.bias) this.outProj.bias.data.fill(0);
    if (this.biasK && this.biasV) {
      xavierNormal(this.biasK, 1, this.gen);
      xavierNormal(this.biasV, 1, this.gen);
    }
  }

  forward(query: Tensor, key?: Tensor, value?: Tensor): Tensor {
    return this.attend(query, key ?? query, value ?? key ?? query, { needWeights: false }).output;
  }

  /** Attention output and weights; key and value default to the query (self-attention). */
  attend(query: Tensor, key: Tensor = query, value: Tensor = key, o: AttendOptions = {}): AttentionResult {
    checkOptions('MultiheadAttention.attend', o, ATTEND_OPTIONS);
    const E = this.embedDim;
    for (const [n, t, f, label] of [['query', query, E, 'E'], ['key', key, this.kdim, 'kdim'], ['value', value, this.vdim, 'vdim']] as const) {
      if (t.ndim !== 3 || t.shape[2] !== f) throw new RangeError(`MultiheadAttention: ${n} must be ${this.batchFirst ? `[B, L, ${label}]` : `[L, B, ${label}]`} with ${label} = ${f}, got ${shapeStr(t.shape)}`);
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
    const [wq, wk, wv] = this.inProjWeight ? A.split(this.inProjWeight, E, 0)
      : [this.qProjWeight as Parameter, this.kProjWeight as Parameter, this.vProjWeight as Parameter];
    const [bq, bk, bv] = this.inProjBias ? A.split(this.inProjBias, E, 0) : [null, null, null];
    const H = this.numHeads;
    const d = this.headDim;
    const heads = (t: Tensor, len: number): Tensor => A.reshape(A.permute(A.reshape(t, [B, len, H, d]), [0, 2, 1, 3]), [B * H, len, d]);
    const q = heads(A.mul(A.linear(q0, wq, bq), 1 / Math.sqrt(d)), L);
    let kp = A.linear(k0, wk, bk);
    let vp = A.linear(v0, wv, bv);
    let Sx = S; // key length after the extra bias / zero rows
    if (this.biasK && this.biasV) {
      kp = A.cat([kp, A.broadcastTo(this.biasK, [B, 1, E])], 1);
      vp = A.cat([vp, A.broadcastTo(this.biasV, [B, 1, E])], 1);
      Sx++;
    }
    let k = heads(kp, Sx);
    let v = heads(vp, Sx);
    if (this.addZeroAttn) {
      k = A.cat([k, A.cast(zeros([B * H, 1, d]), k.dtype)], 1);
      v = A.cat([v, A.cast(zeros([B * H, 1, d]), v.dtype)], 1);
      Sx++;
    }
    // Masks get a zero (not masked) column per extra key, as PyTorch pads them.
    const widen = (m: Tensor): Tensor => (Sx === S ? m : pad(m, [0, Sx - S]));
    let scores = A.reshape(A.mm(q, k, false, true), [B, H, L, Sx]);
    if (o.attnMask) {
      const m = o.attnMask;
      if (m.ndim === 2 && m.shape[0] === L && m.shape[1] === S) scores = applyMask(scores, widen(m), [1, 1, L, Sx]);
      else if (m.ndim === 3 && m.shape[0] === B * H && m.shape[1] === L && m.shape[2] === S) scores = applyMask(scores, widen(m), [B, H, L, Sx]);
      else throw new RangeError(`MultiheadAttention: attnMask must be [${L}, ${S}] or [${B * H}, ${L}, ${S}], got ${shapeStr(m.shape)}`);
    }
    if (o.keyPaddingMask) {
      const m = o.keyPaddingMask;
      if (m.ndim !== 2 || m.shape[0] !== B || m.shape[1] !== S) throw new RangeError(`MultiheadAttention: keyPaddingMask must be [B, S] = [${B}, ${S}], got ${shapeStr(m.shape)}`);
      scores = applyMask(scores, widen(m), [B, 1, 1, Sx]);
    }
    const attn = A.softmax(scores, -1); // [B, H, L, S]
    const dropped = dropout(attn, this.dropout, this.training, this.gen);
    const ctx = A.mm(A.reshape(dropped, [B * H, L, Sx]), v); // [B·H, L, d]
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
