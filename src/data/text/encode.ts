/**
 * Token lists to fixed-size index batches: padded or truncated to one length, with the true
 * lengths and a mask (1 on tokens, 0 on padding), optionally a <cls> token in front. And batching
 * by similar length ("bucketing"), which cuts the padding a recurrent or attention model computes
 * over: texts are shuffled, sorted by length within pools of several batches, cut into batches,
 * and the batches shuffled, all from one seeded Generator.
 */
import { Generator } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Vocabulary } from './vocab.js';
import { checkOptions, num, oneOf } from '../../tensor/options.js';

const ENCODE_SPEC = { maxLen: num({ min: 1, integer: true }), truncate: oneOf(['end', 'start']), pad: oneOf(['end', 'start']), clsToken: 'string' } as const;
const BUCKET_SPEC = { batchSize: num({ min: 1, integer: true }), poolBatches: num({ min: 1 }), shuffle: 'boolean', gen: 'any', seed: num({ integer: true }) } as const;

export interface EncodeOptions {
  /** Length of every row; default the longest sequence (after the cls token). */
  maxLen?: number;
  /** Which end to cut when too long (default 'end': keep the beginning). */
  truncate?: 'end' | 'start';
  /** Where padding goes (default 'end'). */
  pad?: 'end' | 'start';
  /** Prepend this special token (e.g. '<cls>') to every sequence. */
  clsToken?: string;
}

export interface EncodedBatch {
  /** Token indices [n, maxLen], row-major. */
  ids: Int32Array;
  /** Number of real tokens per row (≤ maxLen). */
  lengths: Int32Array;
  /** 1 on real tokens, 0 on padding, [n, maxLen]. */
  mask: Float32Array;
  n: number;
  maxLen: number;
}

/** Encodes tokenised texts into one padded batch. */
export function encodeBatch(vocab: Vocabulary, texts: readonly (readonly string[])[], opts: EncodeOptions = {}): EncodedBatch {
  checkOptions('encodeBatch', opts, ENCODE_SPEC);
  if (vocab.padIndex < 0) throw new Error('encodeBatch: the vocabulary has no pad token');
  const cls = opts.clsToken !== undefined ? vocab.indexOf(opts.clsToken) : -1;
  if (opts.clsToken !== undefined && !vocab.has(opts.clsToken)) throw new Error(`encodeBatch: cls token '${opts.clsToken}' is not in the vocabulary`);
  const extra = cls >= 0 ? 1 : 0;
  let maxLen = opts.maxLen ?? 0;
  if (opts.maxLen === undefined) for (const t of texts) maxLen = Math.max(maxLen, t.length + extra);
  if (!Number.isInteger(maxLen) || maxLen < 0) throw new RangeError(`encodeBatch: maxLen must be an integer ≥ 0, got ${maxLen}`);
  const n = texts.length;
  const ids = new Int32Array(n * maxLen).fill(vocab.padIndex);
  const lengths = new Int32Array(n);
  const mask = new Float32Array(n * maxLen);
  for (let i = 0; i < n; i++) {
    let toks = texts[i];
    const room = maxLen - extra;
    if (toks.length > room) toks = opts.truncate === 'start' ? toks.slice(toks.length - Math.max(room, 0)) : toks.slice(0, Math.max(room, 0));
    const seq: number[] = cls >= 0 && maxLen > 0 ? [cls] : [];
    for (const t of toks) seq.push(vocab.indexOf(t));
    const len = seq.length;
    lengths[i] = len;
    const off = i * maxLen + (opts.pad === 'start' ? maxLen - len : 0);
    for (let k = 0; k < len; k++) {
      ids[off + k] = seq[k];
      mask[off + k] = 1;
    }
  }
  return { ids, lengths, mask, n, maxLen };
}

/** The batch as tensors: ids [n, maxLen] int32, lengths [n] int32, mask [n, maxLen] float32. */
export function batchTensors(b: EncodedBatch): { ids: Tensor; lengths: Tensor; mask: Tensor } {
  return {
    ids: new Tensor(b.ids, [b.n, b.maxLen]),
    lengths: new Tensor(b.lengths, [b.n]),
    mask: new Tensor(b.mask, [b.n, b.maxLen]),
  };
}

export interface BucketOptions {
  batchSize: number;
  /** Batches per sorting pool (default 50); 1 sorts within each batch only, Infinity sorts all. */
  poolBatches?: number;
  /** Shuffle before pooling and shuffle the batch order (default true). */
  shuffle?: boolean;
  gen?: Generator;
  seed?: number;
}

/** Index batches grouping texts of similar length; every index appears exactly once. */
export function bucketBatches(lengths: ArrayLike<number>, opts: BucketOptions): Int32Array[] {
  checkOptions('bucketBatches', opts, BUCKET_SPEC);
  const bs = opts.batchSize;
  if (!Number.isInteger(bs) || bs < 1) throw new RangeError(`bucketBatches: batchSize must be a positive integer, got ${bs}`);
  const n = lengths.length;
  const g = opts.gen ?? new Generator(opts.seed ?? 0);
  const shuffle = opts.shuffle ?? true;
  const order = shuffle ? g.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const pool = Math.min(n, bs * (opts.poolBatches ?? 50));
  const batches: Int32Array[] = [];
  for (let s = 0; s < n; s += pool || 1) {
    const chunk = Array.from(order.subarray(s, Math.min(n, s + pool)));
    chunk.sort((a, b) => lengths[a] - lengths[b] || a - b);
    for (let k = 0; k < chunk.length; k += bs) batches.push(Int32Array.from(chunk.slice(k, k + bs)));
  }
  if (shuffle) g.shuffle(batches);
  return batches;
}

/** Encodes texts batch by batch, each padded only to its own longest text (capped by maxLen). */
export function* bucketedEncoded(vocab: Vocabulary, texts: readonly (readonly string[])[], opts: BucketOptions & { maxLen?: number; clsToken?: string; truncate?: 'end' | 'start' }): IterableIterator<EncodedBatch & { indices: Int32Array }> {
  checkOptions('bucketedEncoded', opts, { ...BUCKET_SPEC, maxLen: ENCODE_SPEC.maxLen, clsToken: 'string', truncate: ENCODE_SPEC.truncate });
  const extra = opts.clsToken !== undefined ? 1 : 0;
  const lens = texts.map((t) => t.length + extra);
  for (const idx of bucketBatches(lens, opts)) {
    const sel = Array.from(idx, (i) => texts[i]);
    let longest = 0;
    for (const i of idx) longest = Math.max(longest, lens[i]);
    const maxLen = opts.maxLen !== undefined ? Math.min(opts.maxLen, longest) : longest;
    yield { ...encodeBatch(vocab, sel, { maxLen, clsToken: opts.clsToken, truncate: opts.truncate }), indices: idx };
  }
}
