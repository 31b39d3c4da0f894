/**
 * Streaming accumulators: a validation pass calls update(batchOutputs, batchLabels) per batch and
 * compute() at the end, without keeping every prediction. Only the ROC/PR curves need the scores
 * themselves; ask for them with keepScores.
 *
 * Results are plain objects and arrays (ready to log in the run store) and equal what the batch
 * functions of classification.ts / ranking.ts give on the concatenated data.
 */
import { Tensor } from '../tensor/tensor.js';
import { prfFromCounts, normalizeMatrix, type ClassCounts, type Normalize, type PrfOptions } from './classification.js';
import { checkSameLength, toLabels, toMatrix, type MatrixLike, type Vector } from './input.js';
import { averagePrecisionScore, rocCurvesOvr, type RocCurve } from './ranking.js';

function isMatrix(x: Vector | MatrixLike): x is MatrixLike {
  if (x instanceof Tensor) return x.shape.length === 2;
  if (Array.isArray(x)) return x.length > 0 && typeof x[0] !== 'number';
  return typeof (x as { rows?: unknown }).rows === 'number';
}

/** Row-wise argmax (first maximum on ties, as numpy and torch). */
export function argmaxRows(m: { data: ArrayLike<number>; rows: number; cols: number }): Int32Array {
  const out = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let best = 0;
    for (let j = 1; j < m.cols; j++) if (m.data[i * m.cols + j] > m.data[i * m.cols + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** A C×C confusion matrix over labels 0..C-1, filled batch by batch. */
export class ConfusionMatrix {
  readonly numClasses: number;
  /** counts[t * C + p]: samples of true class t predicted as p. */
  readonly counts: Float64Array;
  private total = 0;

  constructor(numClasses: number) {
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`ConfusionMatrix: numClasses must be an integer ≥ 1, got ${numClasses}`);
    this.numClasses = numClasses;
    this.counts = new Float64Array(numClasses * numClasses);
  }

  /** Adds a batch: predicted labels [n], or scores [n, C] (argmax is the prediction). */
  update(predsOrScores: Vector | MatrixLike, labels: Vector): this {
    const fn = 'ConfusionMatrix.update';
    const preds = isMatrix(predsOrScores) ? argmaxRows(toMatrix(predsOrScores, fn, 'scores')) : toLabels(predsOrScores, fn, 'preds');
    const t = toLabels(labels, fn, 'labels');
    checkSameLength(fn, 'preds', preds.length, 'labels', t.length);
    const C = this.numClasses;
    for (let i = 0; i < t.length; i++) {
      if (t[i] < 0 || t[i] >= C) throw new RangeError(`${fn}: labels[${i}] = ${t[i]} is outside 0..${C - 1}`);
      if (preds[i] < 0 || preds[i] >= C) throw new RangeError(`${fn}: preds[${i}] = ${preds[i]} is outside 0..${C - 1}`);
      this.counts[t[i] * C + preds[i]]++;
    }
    this.total += t.length;
    return this;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }

  get n(): number {
    return this.total;
  }

  /** Labels seen as truth or prediction so far (sklearn's default label set). */
  presentLabels(): number[] {
    const C = this.numClasses;
    const out: number[] = [];
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let k = 0; k < C; k++) s += this.counts[c * C + k] + this.counts[k * C + c];
      if (s > 0) out.push(c);
    }
    return out;
  }

  /** The matrix as rows of numbers; normalize as sklearn ('true' rows, 'pred' columns, 'all'). */
  matrix(normalize: Normalize = null): number[][] {
    const C = this.numClasses;
    const m = Array.from({ length: C }, (_, i) => Array.from(this.counts.subarray(i * C, (i + 1) * C)));
    return normalizeMatrix(m, normalize);
  }

  accuracy(): number {
    let hits = 0;
    for (let c = 0; c < this.numClasses; c++) hits += this.counts[c * this.numClasses + c];
    return this.total === 0 ? NaN : hits / this.total;
  }

  /** tp / predicted / actual per label (default: the labels present, like sklearn). */
  classCounts(labels: readonly number[] = this.presentLabels()): ClassCounts {
    const C = this.numClasses;
    const tp: number[] = [];
    const predicted: number[] = [];
    const actual: number[] = [];
    for (const c of labels) {
      let p = 0;
      let a = 0;
      for (let k = 0; k < C; k++) {
        p += this.counts[k * C + c];
        a += this.counts[c * C + k];
      }
      tp.push(this.counts[c * C + c]);
      predicted.push(p);
      actual.push(a);
    }
    return { labels: [...labels], tp, predicted, actual };
  }

  /** Precision/recall/F-beta as precisionRecallFscoreSupport (average default 'macro' here). */
  prf(opts: Omit<PrfOptions, 'average' | 'posLabel'> & { average?: 'micro' | 'macro' | 'weighted' } = {}): { precision: number; recall: number; fscore: number } {
    const r = prfFromCounts(this.classCounts(opts.labels), { ...opts, average: opts.average ?? 'macro' });
    return { precision: r.precision, recall: r.recall, fscore: r.fscore };
  }
}

export interface ClassMetrics {
  label: number;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationSummary {
  n: number;
  accuracy: number;
  labels: number[];
  /** Counts, rows = true label 0..C-1, columns = predicted. */
  confusion: number[][];
  perClass: ClassMetrics[];
  macro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
  /** Mean log-loss of the probabilities (softmax of logits); null when only labels were given. */
  logLoss: number | null;
  /**
   * One-vs-rest macro ROC AUC (mean over the classes present in the labels) and macro average
   * precision, with per-class ROC curves (keepScores only).
   */
  rocAuc?: number;
  averagePrecision?: number;
  roc?: (RocCurve & { label: number; auc: number })[];
}

const EPS64 = 2.220446049250313e-16;

/**
 * Everything a classification validation pass reports, in one accumulator: confusion matrix,
 * accuracy, per-class and averaged precision/recall/F1, log-loss, and optionally (keepScores)
 * ROC AUC, average precision and ROC curves. update() takes scores [n, C] (probabilities, or
 * logits with outputs: 'logits') or predicted labels [n].
 */
export class ClassificationAccumulator {
  readonly cm: ConfusionMatrix;
  private readonly keepScores: boolean;
  private readonly logits: boolean;
  private lossSum = 0;
  private lossN = 0;
  private scoreChunks: Float64Array[] = [];
  private labelChunks: Int32Array[] = [];

  constructor(opts: { numClasses: number; outputs?: 'probabilities' | 'logits'; keepScores?: boolean }) {
    this.cm = new ConfusionMatrix(opts.numClasses);
    this.keepScores = opts.keepScores ?? false;
    this.logits = opts.outputs === 'logits';
  }

  update(output: Vector | MatrixLike, labels: Vector): this {
    const fn = 'ClassificationAccumulator.update';
    if (!isMatrix(output)) {
      this.cm.update(output, labels);
      return this;
    }
    const m = toMatrix(output, fn, 'output');
    const C = this.cm.numClasses;
    if (m.cols !== C) throw new RangeError(`${fn}: output has ${m.cols} columns but numClasses is ${C}`);
    const t = toLabels(labels, fn, 'labels');
    this.cm.update(m, t);
    const probs = this.logits ? softmaxRows(m.data, m.rows, C) : m.data;
    for (let i = 0; i < m.rows; i++) {
      let sum = 0;
      for (let j = 0; j < C; j++) sum += clip(probs[i * C + j]);
      this.lossSum += -Math.log(clip(probs[i * C + t[i]]) / sum);
    }
    this.lossN += m.rows;
    if (this.keepScores) {
      this.scoreChunks.push(probs === m.data ? m.data : probs);
      this.labelChunks.push(Int32Array.from(t));
    }
    return this;
  }

  reset(): void {
    this.cm.reset();
    this.lossSum = 0;
    this.lossN = 0;
    this.scoreChunks = [];
    this.labelChunks = [];
  }

  compute(): ClassificationSummary {
    const counts = this.cm.classCounts();
    const per = prfFromCounts(counts, { average: null });
    const macro = prfFromCounts(counts, { average: 'macro' });
    const weighted = prfFromCounts(counts, { average: 'weighted' });
    const out: ClassificationSummary = {
      n: this.cm.n,
      accuracy: this.cm.accuracy(),
      labels: counts.labels,
      confusion: this.cm.matrix(),
      perClass: counts.labels.map((label, i) => ({ label, precision: per.precision[i], recall: per.recall[i], f1: per.fscore[i], support: counts.actual[i] })),
      macro: { precision: macro.precision, recall: macro.recall, f1: macro.fscore },
      weighted: { precision: weighted.precision, recall: weighted.recall, f1: weighted.fscore },
      logLoss: this.lossN === this.cm.n && this.lossN > 0 ? this.lossSum / this.lossN : null,
    };
    if (this.keepScores && this.scoreChunks.length > 0) {
      const C = this.cm.numClasses;
      const n = this.labelChunks.reduce((a, c) => a + c.length, 0);
      const data = new Float64Array(n * C);
      const labels = new Int32Array(n);
      let off = 0;
      this.scoreChunks.forEach((s, k) => {
        data.set(s, off * C);
        labels.set(this.labelChunks[k], off);
        off += this.labelChunks[k].length;
      });
      const scores = { data, rows: n, cols: C };
      const all = Array.from({ length: C }, (_, i) => i);
      out.roc = rocCurvesOvr(labels, scores, { labels: all });
      const seen = out.roc.filter((r) => !Number.isNaN(r.auc));
      out.rocAuc = seen.length ? seen.reduce((a, r) => a + r.auc, 0) / seen.length : NaN;
      out.averagePrecision = averagePrecisionScore(labels, scores, { labels: all });
    }
    return out;
  }
}

function clip(v: number): number {
  return Math.min(Math.max(v, EPS64), 1 - EPS64);
}

function softmaxRows(x: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < rows; i++) {
    let mx = -Infinity;
    for (let j = 0; j < cols; j++) mx = Math.max(mx, x[i * cols + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) s += out[i * cols + j] = Math.exp(x[i * cols + j] - mx);
    for (let j = 0; j < cols; j++) out[i * cols + j] /= s;
  }
  return out;
}
