/**
 * The sequence poolings of study S3: they turn embeddings x [B, T, E] (with an optional [B, T]
 * padding mask, nonzero = padding) into one vector [B, E], and return the weights they used
 * ([B, T], zero on padding) for heat-maps and the entropy penalty.
 *
 * - MeanPooling: the mean of the real tokens (uniform weights), the baseline.
 * - AttentionPooling with query:
 *   'learned' — a learned vector q: p(a_i) = softmax_i(q·x_i);
 *   'linear'  — q(t) = Linear(mean embedding of the text);
 *   'mlp'     — q(t) = Linear(ReLU(Linear(mean embedding))) with `hidden` units;
 *   and value: true — output Σ p_i·v(x_i) with a value network v = Linear(E, E), instead of Σ p_i·x_i.
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { uniform_ } from './init.js';
import { Linear } from './linear.js';
import { Module, Parameter } from './module.js';
import { checkArg, checkOptions, oneOf } from '../tensor/options.js';
import { SIZE } from './option-specs.js';

export interface PoolResult {
  output: Tensor;
  /** [B, T] attention weights, each row summing to 1 over the real tokens. */
  weights: Tensor;
}

function check(op: string, x: Tensor, e: number, mask?: Tensor | null): void {
  if (x.ndim !== 3 || x.shape[2] !== e) throw new RangeError(`${op}: expected [B, T, E] with E = ${e}, got ${shapeStr(x.shape)}`);
  if (mask && (mask.ndim !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1])) {
    throw new RangeError(`${op}: mask must be [B, T] = [${x.shape[0]}, ${x.shape[1]}], got ${shapeStr(mask.shape)}`);
  }
}

/** 1 for real tokens, 0 for padding, as [B, T] in x's dtype. */
function keep(x: Tensor, mask?: Tensor | null): Tensor {
  if (!mask) return A.cast(new Tensor(new Float32Array(x.shape[0] * x.shape[1]).fill(1), [x.shape[0], x.shape[1]]), x.dtype);
  return A.cast(A.eq(mask, 0), x.dtype);
}

/** Mean of the real tokens' embeddings: [B, E]. */
export function maskedMean(x: Tensor, mask?: Tensor | null): Tensor {
  const k = keep(x, mask);
  const s = A.sum(A.mul(x, A.unsqueeze(k, 2)), 1);
  return A.div(s, A.unsqueeze(A.clamp(A.sum(k, 1), 1), 1));
}

export class MeanPooling extends Module {
  constructor(readonly embedDim: number, o: Record<string, never> = {}) {
    super();
    checkOptions('MeanPooling', o, {});
    checkArg('MeanPooling', 'embedDim', embedDim, SIZE);
  }

  pool(x: Tensor, mask?: Tensor | null): PoolResult {
    check('MeanPooling', x, this.embedDim, mask);
    const k = keep(x, mask);
    const weights = A.div(k, A.clamp(A.sum(k, 1, { keepDim: true }), 1));
    return { output: A.squeeze(A.matmul(A.unsqueeze(weights, 1), x), 1), weights };
  }

  forward(x: Tensor, mask?: Tensor): Tensor {
    return this.pool(x, mask).output;
  }
}

export interface AttentionPoolingOptions {
  query?: 'learned' | 'linear' | 'mlp';
  /** Hidden units of the 'mlp' query network (128 in S3). */
  hidden?: number;
  /** Use a value network v(x) = Linear(E, E). */
  value?: boolean;
  generator?: Generator;
}

export class AttentionPooling extends Module {
  readonly queryKind: 'learned' | 'linear' | 'mlp';
  q: Parameter | null = null;
  queryNet: Linear | null = null;
  queryHidden: Linear | null = null;
  valueNet: Linear | null = null;

  constructor(readonly embedDim: number, o: AttentionPoolingOptions = {}) {
    super();
    checkOptions('AttentionPooling', o, { query: oneOf(['learned', 'linear', 'mlp']), hidden: SIZE, value: 'boolean', generator: 'any' });
    checkArg('AttentionPooling', 'embedDim', embedDim, SIZE);
    const gen = o.generator ?? defaultGenerator();
    this.queryKind = o.query ?? 'learned';
    if (this.queryKind === 'learned') {
      this.q = new Parameter(zeros([embedDim]));
      uniform_(this.q, -1 / Math.sqrt(embedDim), 1 / Math.sqrt(embedDim), gen);
    } else if (this.queryKind === 'linear') this.queryNet = new Linear(embedDim, embedDim, { generator: gen });
    else {
      const h = o.hidden ?? 128;
      this.queryHidden = new Linear(embedDim, h, { generator: gen });
      this.queryNet = new Linear(h, embedDim, { generator: gen });
    }
    if (o.value) this.valueNet = new Linear(embedDim, embedDim, { generator: gen });
  }

  /** The query per text: [B, E] (or [1, E] for the learned one). */
  private query(x: Tensor, mask?: Tensor | null): Tensor {
    if (this.q) return A.unsqueeze(this.q, 0);
    const m = maskedMean(x, mask);
    const h = this.queryHidden ? A.relu(this.queryHidden.forward(m)) : m;
    return (this.queryNet as Linear).forward(h);
  }

  pool(x: Tensor, mask?: Tensor | null): PoolResult {
    check('AttentionPooling', x, this.embedDim, mask);
    const q = this.query(x, mask);
    const B = x.shape[0];
    const qb = q.shape[0] === B ? q : A.broadcastTo(q, [B, this.embedDim]);
    let scores = A.squeeze(A.matmul(x, A.unsqueeze(qb, 2)), 2); // [B, T]
    if (mask) scores = A.where(mask, -Infinity, scores);
    const weights = A.softmax(scores, 1);
    const values = this.valueNet ? this.valueNet.forward(x) : x;
    return { output: A.squeeze(A.matmul(A.unsqueeze(weights, 1), values), 1), weights };
  }

  forward(x: Tensor, mask?: Tensor): Tensor {
    return this.pool(x, mask).output;
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, query=${this.queryKind}, value=${this.valueNet !== null}`;
  }
}
