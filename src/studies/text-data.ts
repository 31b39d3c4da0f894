/**
 * The text side shared by the S3 and S4 studies (s3-cnn, s3-attention, s3-transformer,
 * s4-compare): which corpus, tokenised and split; a vocabulary from the training split with
 * pretrained 100-d vectors; and batches of token indices padded only to each batch's longest text.
 *
 * Corpus (`--set data=`): 'spam' (default) is the SpamAssassin e-mails installed with gradlab,
 * ham/spam or easy-ham/hard-ham/spam, split 70/15/15 with the seed; 'imdb' reads an aclImdb
 * folder (`--set imdb=/path/to/aclImdb` or $GRADLAB_IMDB): its train folder split 85/15 into
 * train and validation, its test folder as test. `--set limit=N` keeps N texts (spam: a seeded
 * random subset; imdb: N/2 per class from train and from test; 0: everything).
 * Vectors: wink's 100-d (default) or a GloVe text file (`--set glove=/path/glove.6B.100d.txt`).
 */
import { embeddingMatrix, embeddingTensor, coverageLine } from '../data/embeddings/embedding.js';
import { loadGlove } from '../data/embeddings/glove.js';
import type { WordVectors } from '../data/embeddings/vectors.js';
import { loadWinkVectors } from '../data/embeddings/wink.js';
import { findImdb, IMDB_HOWTO, loadImdb } from '../data/readers/imdb.js';
import { loadSpamAssassin, SPAM_CLASSES, SPAM_CLASSES3 } from '../data/readers/spam.js';
import { tokenize } from '../data/text/tokenizer.js';
import { Vocabulary } from '../data/text/vocab.js';
import type { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { ParamSpec } from './study.js';
import type { StudyParams } from './params.js';
import { DEFAULT_LR, OPTIMIZERS, type OptimizerName } from './choices.js';

// ---------- declared parameters shared by the text studies ----------

/**
 * The corpus, vectors and vocabulary parameters every text study declares (limit's default
 * differs: s3-transformer cuts to 2,000 texts).
 */
export function textParams(o: { limit?: number } = {}): ParamSpec[] {
  return [
    { name: 'data', type: 'choice', choices: ['spam', 'imdb'], default: 'spam', help: 'corpus: the SpamAssassin e-mails installed with gradlab, or an aclImdb folder' },
    { name: 'imdb', type: 'path', help: 'the aclImdb folder for data=imdb (default $GRADLAB_IMDB)' },
    { name: 'limit', type: 'int', min: 0, max: 100000000, default: o.limit ?? 0, help: 'keep this many texts (0: all; spam: a seeded subset, imdb: half per class from train and test)' },
    { name: 'glove', type: 'path', help: 'a GloVe text file of word vectors (default: wink\'s 100-d vectors)' },
    { name: 'vocab', type: 'int', min: 10, max: 10000000, default: 20000, help: 'largest vocabulary (training-split words seen at least twice)' },
  ];
}

/** An optimizer parameter with the study's default. */
export function optimizerParam(dflt: OptimizerName): ParamSpec {
  return { name: 'optimizer', type: 'choice', choices: OPTIMIZERS, default: dflt, help: 'optimizer' };
}

/** The learning rate: no declared default, the optimizer's own (choices.ts DEFAULT_LR) applies. */
export const LR_PARAM: ParamSpec = { name: 'lr', type: 'float', min: 1e-7, max: 100, help: 'learning rate (default: the optimizer\'s, see choices.ts)' };

/** The learning rate given, else the optimizer's default. */
export function lrOf(P: StudyParams, opt: OptimizerName): number {
  return P.numOpt('lr') ?? DEFAULT_LR[opt];
}

const isPosInt = (v: number): boolean => Number.isInteger(v) && v > 0;

// ---------- corpus ----------

export interface TextCorpus {
  source: 'spam' | 'imdb';
  /** One line for the log. */
  description: string;
  classes: readonly string[];
  /** Tokens of every text (each cut to maxTokens, never empty: an empty text becomes ['<unk>']). */
  tokens: string[][];
  labels: Int32Array;
  /** Indices into tokens/labels. */
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

/** 70/15/15 of a seeded permutation, with the remainder going to the first parts (randomSplit's rule). */
function splitIndices(n: number, fractions: number[], gen: Generator): Int32Array[] {
  const counts = fractions.map((f) => Math.floor(f * n));
  let rest = n - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]++;
  const perm = gen.permutation(n);
  const out: Int32Array[] = [];
  let off = 0;
  for (const c of counts) {
    out.push(perm.slice(off, off + c));
    off += c;
  }
  return out;
}

function tok(text: string, maxTokens: number): string[] {
  const t = tokenize(text);
  if (t.length === 0) return ['<unk>'];
  return t.length > maxTokens ? t.slice(0, maxTokens) : t;
}

/**
 * The corpus named by `--set data=` (spam or imdb). threeWay picks easy-ham/hard-ham/spam on
 * the e-mails (IMDB stays neg/pos: it has no third class).
 */
export function loadTextCorpus(P: StudyParams, opts: { threeWay?: boolean; maxTokens?: number; gen: Generator }): TextCorpus {
  const data = P.str('data');
  const maxTokens = opts.maxTokens ?? 1000;
  const limit = P.num('limit') > 0 ? P.num('limit') : undefined;
  if (data === 'spam') {
    const c = loadSpamAssassin();
    let keep = Int32Array.from({ length: c.n }, (_, i) => i);
    if (limit !== undefined && limit < c.n) keep = opts.gen.permutation(c.n).slice(0, limit).sort();
    const all = opts.threeWay ? c.labels3 : c.labels;
    const labels = Int32Array.from(keep, (i) => all[i]);
    const tokens = Array.from(keep, (i) => tok(c.texts[i], maxTokens));
    const [train, val, test] = splitIndices(keep.length, [0.7, 0.15, 0.15], opts.gen);
    const classes = opts.threeWay ? SPAM_CLASSES3 : SPAM_CLASSES;
    return {
      source: 'spam', classes, tokens, labels, train, val, test,
      description: `SpamAssassin e-mails: ${keep.length}${limit !== undefined ? ` (--set limit=${limit})` : ''}, ${classes.join(' / ')}, split ${train.length}/${val.length}/${test.length}`,
    };
  }
  if (data === 'imdb') {
    const dir = P.strOpt('imdb') ?? findImdb();
    if (!dir) throw new Error(`--set data=imdb needs the aclImdb folder: --set imdb=/path/to/aclImdb (or set GRADLAB_IMDB); ${IMDB_HOWTO}`);
    const per = limit !== undefined ? Math.max(1, Math.floor(limit / 2)) : undefined;
    const tr = loadImdb(dir, { split: 'train', limit: per });
    const te = loadImdb(dir, { split: 'test', limit: per });
    const tokens = [...tr.texts, ...te.texts].map((t) => tok(t, maxTokens));
    const labels = new Int32Array(tr.n + te.n);
    labels.set(tr.labels, 0);
    labels.set(te.labels, tr.n);
    const [trIdx, valIdx] = splitIndices(tr.n, [0.85, 0.15], opts.gen);
    const test = Int32Array.from({ length: te.n }, (_, i) => tr.n + i);
    return {
      source: 'imdb', classes: tr.classes, tokens, labels, train: trIdx, val: valIdx, test,
      description: `IMDB reviews from ${dir}: ${tr.n} train + ${te.n} test${limit !== undefined ? ` (--set limit=${limit})` : ''}, neg / pos, split ${trIdx.length}/${valIdx.length}/${test.length}`,
    };
  }
  throw new RangeError(`--set data=${data}: unknown corpus (choose spam or imdb)`);
}

/** Class counts of a set of indices. */
export function classCountsOf(labels: Int32Array, idx: Int32Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const i of idx) c[labels[i]]++;
  return c;
}

/** Accuracy of always predicting the training split's most frequent class, on `idx`. */
export function majorityAccuracy(c: TextCorpus, idx: Int32Array): { label: number; accuracy: number } {
  const counts = classCountsOf(c.labels, c.train, c.classes.length);
  const label = counts.indexOf(Math.max(...counts));
  let hit = 0;
  for (const i of idx) if (c.labels[i] === label) hit++;
  return { label, accuracy: idx.length ? hit / idx.length : NaN };
}

// ---------- vectors and vocabulary ----------

/** wink's 100-d vectors, or the GloVe file of `--set glove=`. */
export function loadVectors(P: StudyParams): { vectors: WordVectors; name: string } {
  const glove = P.strOpt('glove');
  if (glove) return { vectors: loadGlove(glove, { cache: true }), name: `GloVe ${glove}` };
  return { vectors: loadWinkVectors(), name: 'wink 100-d' };
}

export interface TextVocab {
  vocab: Vocabulary;
  /** Pretrained rows [vocab.size, dim] (pad row zero; words without a vector random, seeded). */
  weight: Tensor;
  dim: number;
  coverage: string;
}

/** Vocabulary of the training split (minFreq 2, `--set vocab=` entries, default 20,000) with its vector matrix. */
export function buildVocab(P: StudyParams, c: TextCorpus, vectors: WordVectors, gen: Generator): TextVocab {
  const maxSize = P.num('vocab');
  const vocab = Vocabulary.build(Array.from(c.train, (i) => c.tokens[i]), { minFreq: 2, maxSize });
  const m = embeddingMatrix(vocab, vectors, { missing: 'random', gen: gen.fork() });
  return { vocab, weight: embeddingTensor(m), dim: m.dim, coverage: `vocabulary ${vocab.size.toLocaleString('en-US')} words: ${coverageLine(m)}` };
}

// ---------- batches ----------

export interface TextBatchOptions {
  batchSize: number;
  /** Longest sequence kept (texts are cut at the end). */
  maxLen: number;
  /** Pad every batch to at least this length (convolutions need room). Default 1. */
  minLen?: number;
  shuffle?: boolean;
  gen?: Generator;
}

/**
 * Batches [ids int32 [B, T], labels int32 [B]] over a set of texts. Each text is encoded once;
 * a batch is padded (with the vocabulary's pad index) to its longest text, capped at maxLen.
 * With shuffle, each epoch groups texts of similar length into batches (shuffled within
 * pools of 50 batches, then the batches shuffled); without, batches follow length order.
 */
export class TextBatches implements Iterable<Tensor[]> {
  private readonly ids: Int32Array[];
  private readonly y: Int32Array;
  readonly padIndex: number;

  constructor(vocab: Vocabulary, c: TextCorpus, readonly indices: Int32Array, readonly o: TextBatchOptions) {
    if (!isPosInt(o.batchSize) || !isPosInt(o.maxLen)) throw new RangeError(`TextBatches: batchSize ${o.batchSize} and maxLen ${o.maxLen} must be positive integers`);
    this.padIndex = vocab.padIndex;
    this.ids = Array.from(indices, (i) => vocab.encode(c.tokens[i].slice(0, o.maxLen)));
    this.y = Int32Array.from(indices, (i) => c.labels[i]);
  }

  get length(): number {
    return Math.ceil(this.ids.length / this.o.batchSize);
  }

  /** The order of texts this epoch, cut into batches. */
  private batches(): Int32Array[] {
    const n = this.ids.length;
    const bs = this.o.batchSize;
    const lens = Array.from(this.ids, (t) => t.length);
    let order: Int32Array = Int32Array.from({ length: n }, (_, i) => i);
    if (this.o.shuffle && this.o.gen) order = this.o.gen.permutation(n);
    const pool = this.o.shuffle ? bs * 50 : n;
    const out: Int32Array[] = [];
    for (let s = 0; s < n; s += pool) {
      const chunk = Array.from(order.subarray(s, Math.min(n, s + pool)));
      chunk.sort((a, b) => lens[a] - lens[b] || a - b);
      for (let k = 0; k < chunk.length; k += bs) out.push(Int32Array.from(chunk.slice(k, k + bs)));
    }
    if (this.o.shuffle && this.o.gen) this.o.gen.shuffle(out);
    return out;
  }

  /** One batch of the given local rows (0..indices.length-1). */
  batch(rows: ArrayLike<number>): Tensor[] {
    let T = this.o.minLen ?? 1;
    for (let k = 0; k < rows.length; k++) T = Math.max(T, this.ids[rows[k]].length);
    const ids = new Int32Array(rows.length * T).fill(this.padIndex);
    const y = new Int32Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      ids.set(this.ids[rows[k]], k * T);
      y[k] = this.y[rows[k]];
    }
    return [new Tensor(ids, [rows.length, T]), new Tensor(y, [rows.length])];
  }

  *[Symbol.iterator](): Iterator<Tensor[]> {
    for (const b of this.batches()) yield this.batch(b);
  }
}

/** The padding mask of an index batch: int32 [B, T], 1 where the token is padding. */
export function padMask(ids: Tensor, padIndex: number): Tensor {
  const d = ids.data as Int32Array;
  const m = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) m[i] = d[i] === padIndex ? 1 : 0;
  return new Tensor(m, [...ids.shape]);
}

/** Seconds since t0 (performance.now()), one decimal. */
export function secondsSince(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(1);
}

/**
 * Adds 'val/relative_accuracy' (validation accuracy ÷ the majority-class model's on the same
 * split) to each epoch's metrics, so the tracker records it as a per-epoch curve. Put it before
 * the tracker in the callback list.
 */
export class RelativeAccuracy {
  constructor(readonly majorityVal: number) {
    if (!(majorityVal > 0)) throw new RangeError(`RelativeAccuracy: the majority accuracy must be > 0, got ${majorityVal}`);
  }

  onEpochEnd(_ctx: unknown, logs: { metrics: Record<string, number> }): void {
    const a = logs.metrics['val/accuracy'];
    if (a !== undefined) logs.metrics['val/relative_accuracy'] = a / this.majorityVal;
  }
}
