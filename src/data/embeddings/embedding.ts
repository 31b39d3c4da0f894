/**
 * Builds an Embedding weight [vocab.size, dim] for a Vocabulary from pretrained WordVectors,
 * with coverage reported (how many vocabulary words were found, and what share of the training
 * tokens they cover) and a chosen rule for the missing ones: zeros, or seeded N(0, std²) (std
 * defaults to the std of the found vectors, so random rows have the same scale). The pad row is
 * always zero. A word missing as written is also looked up lower-cased when `lowerFallback`.
 */
import { Generator } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Vocabulary } from '../text/vocab.js';
import type { WordVectors } from './vectors.js';

export interface EmbeddingMatrixOptions {
  /** Rule for words without a vector (default 'zeros'). */
  missing?: 'zeros' | 'random';
  /** Std for 'random' (default: std of the found vectors' values). */
  std?: number;
  seed?: number;
  gen?: Generator;
  /** Try the lower-cased word when the word itself is missing (default true). */
  lowerFallback?: boolean;
}

export interface EmbeddingMatrix {
  /** [vocab.size, dim] row-major. */
  weight: Float32Array;
  rows: number;
  dim: number;
  /** Vocabulary entries (specials excluded) that got a pretrained vector. */
  found: number;
  /** Vocabulary entries (specials excluded). */
  total: number;
  /** found / total. */
  coverage: number;
  /** Share of training tokens (vocab counts) whose word has a vector. */
  tokenCoverage: number;
  /** Up to 20 of the most frequent missing words, for the report. */
  missingExamples: string[];
}

export function embeddingMatrix(vocab: Vocabulary, vectors: WordVectors, opts: EmbeddingMatrixOptions = {}): EmbeddingMatrix {
  const dim = vectors.dim;
  const rows = vocab.size;
  const weight = new Float32Array(rows * dim);
  const special = new Set(vocab.specials);
  const isMissing: boolean[] = new Array(rows).fill(false);
  let found = 0, total = 0, tokFound = 0, tokTotal = 0;
  let sum = 0, sumSq = 0, cnt = 0;
  const missingExamples: string[] = [];
  for (let i = 0; i < rows; i++) {
    const w = vocab.itos[i];
    if (special.has(w)) continue;
    total++;
    tokTotal += vocab.counts[i];
    let v = vectors.get(w);
    if (!v && (opts.lowerFallback ?? true)) v = vectors.get(w.toLowerCase());
    if (v) {
      weight.set(v, i * dim);
      found++;
      tokFound += vocab.counts[i];
      for (let k = 0; k < dim; k++) {
        sum += v[k];
        sumSq += v[k] * v[k];
      }
      cnt += dim;
    } else {
      isMissing[i] = true;
      if (missingExamples.length < 20) missingExamples.push(w);
    }
  }
  if (opts.missing === 'random') {
    const mean = cnt ? sum / cnt : 0;
    const std = opts.std ?? (cnt ? Math.sqrt(Math.max(0, sumSq / cnt - mean * mean)) : 1);
    const g = opts.gen ?? new Generator(opts.seed ?? 0);
    for (let i = 0; i < rows; i++) {
      const unkRow = i === vocab.unkIndex;
      if (!isMissing[i] && !unkRow) continue;
      for (let k = 0; k < dim; k++) weight[i * dim + k] = g.normal(0, std);
    }
  }
  return {
    weight,
    rows,
    dim,
    found,
    total,
    coverage: total ? found / total : 0,
    tokenCoverage: tokTotal ? tokFound / tokTotal : 0,
    missingExamples,
  };
}

/** The weight as a [rows, dim] float32 tensor (e.g. to copy into nn.Embedding's weight). */
export function embeddingTensor(m: EmbeddingMatrix): Tensor {
  return new Tensor(m.weight, [m.rows, m.dim]);
}

/** Coverage as one line for logs: "found 9,123 / 10,000 words (91.2%), 98.7% of tokens". */
export function coverageLine(m: EmbeddingMatrix): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return `found ${m.found.toLocaleString('en-US')} / ${m.total.toLocaleString('en-US')} words (${pct(m.coverage)}), ${pct(m.tokenCoverage)} of training tokens`;
}
