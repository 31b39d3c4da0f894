/**
 * Classification metrics with scikit-learn's definitions (checked against sklearn 1.2 fixtures):
 * accuracy, top-k accuracy, confusion matrix, precision / recall / F-beta per class and
 * averaged (binary, micro, macro, weighted), and log-loss.
 *
 * Labels are integers. The label set is, as in sklearn, the sorted union of the labels seen in
 * yTrue and yPred unless `labels` is given. Where a ratio has a zero denominator (a class never
 * predicted, or absent from yTrue) the result is `zeroDivision` (0 by default, sklearn's 'warn').
 */
import { checkSameLength, encode, toLabels, toScores, uniqueSorted, type MatrixLike, type Vector } from './input.js';

/** Accuracy: the fraction (or, with normalize false, the count) of exact matches. */
export function accuracyScore(yTrue: Vector, yPred: Vector, opts: { normalize?: boolean } = {}): number {
  const t = toLabels(yTrue, 'accuracyScore', 'yTrue');
  const p = toLabels(yPred, 'accuracyScore', 'yPred');
  checkSameLength('accuracyScore', 'yTrue', t.length, 'yPred', p.length);
  let hits = 0;
  for (let i = 0; i < t.length; i++) if (t[i] === p[i]) hits++;
  if (opts.normalize === false) return hits;
  return t.length === 0 ? NaN : hits / t.length;
}

/**
 * Top-k accuracy from an [n, C] score matrix whose column c scores label `labels[c]`
 * (default labels 0..C-1). A sample is a hit when its true label is among the k best scores.
 * NOTE: ties are broken as sklearn does (stable ascending sort, reversed): among equal scores
 * the later column ranks first.
 */
export function topKAccuracyScore(yTrue: Vector, yScore: MatrixLike, opts: { k?: number; labels?: readonly number[]; normalize?: boolean } = {}): number {
  const fn = 'topKAccuracyScore';
  const k = opts.k ?? 2;
  const t = toLabels(yTrue, fn, 'yTrue');
  const s = toScores(yScore, fn, 'yScore');
  checkSameLength(fn, 'yTrue', t.length, 'yScore rows', s.rows);
  const C = s.cols;
  if (C < 2) throw new RangeError(`${fn}: yScore needs one column per class (got ${C})`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${fn}: k must be an integer ≥ 1, got ${k}`);
  const labels = opts.labels ?? Array.from({ length: C }, (_, i) => i);
  if (labels.length !== C) throw new RangeError(`${fn}: ${labels.length} labels given but yScore has ${C} columns`);
  const idx = encode(t, labels);
  let hits = 0;
  for (let i = 0; i < t.length; i++) {
    const c = idx[i];
    if (c < 0) throw new RangeError(`${fn}: yTrue[${i}] = ${t[i]} is not one of the labels [${labels.join(', ')}]`);
    // Rank of the true column: columns strictly better, plus equal-scored columns after it.
    const v = s.data[i * C + c];
    let better = 0;
    for (let j = 0; j < C; j++) {
      const w = s.data[i * C + j];
      if (w > v || (w === v && j > c)) better++;
    }
    if (better < k) hits++;
  }
  if (opts.normalize === false) return hits;
  return t.length === 0 ? NaN : hits / t.length;
}

export type Normalize = 'true' | 'pred' | 'all' | null;

/** A confusion matrix: matrix[i][j] counts samples of true label labels[i] predicted as labels[j]. */
export interface ConfusionResult {
  labels: number[];
  matrix: number[][];
}

/**
 * Confusion matrix (rows: true labels, columns: predicted). Samples whose true or predicted label
 * is outside `labels` are ignored, as in sklearn. normalize divides by row ('true'), column
 * ('pred') or total ('all') sums; 0/0 gives 0.
 */
export function confusionMatrix(yTrue: Vector, yPred: Vector, opts: { labels?: readonly number[]; normalize?: Normalize } = {}): ConfusionResult {
  const fn = 'confusionMatrix';
  const t = toLabels(yTrue, fn, 'yTrue');
  const p = toLabels(yPred, fn, 'yPred');
  checkSameLength(fn, 'yTrue', t.length, 'yPred', p.length);
  let labels: number[];
  if (opts.labels) {
    labels = [...opts.labels];
    if (labels.length === 0) throw new RangeError(`${fn}: 'labels' should contain at least one label`);
    const present = new Set(t);
    if (t.length > 0 && !labels.some((l) => present.has(l))) throw new RangeError(`${fn}: none of labels [${labels.join(', ')}] is in yTrue`);
  } else {
    labels = uniqueSorted(t, p);
  }
  const L = labels.length;
  const ti = encode(t, labels);
  const pi = encode(p, labels);
  const m = Array.from({ length: L }, () => new Array<number>(L).fill(0));
  for (let i = 0; i < t.length; i++) if (ti[i] >= 0 && pi[i] >= 0) m[ti[i]][pi[i]]++;
  return { labels, matrix: normalizeMatrix(m, opts.normalize ?? null) };
}

/** Normalizes a count matrix like sklearn's confusion_matrix(normalize=...), 0/0 → 0. */
export function normalizeMatrix(m: number[][], normalize: Normalize): number[][] {
  if (normalize === null) return m.map((r) => [...r]);
  const L = m.length;
  const div = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  if (normalize === 'true') return m.map((r) => { const s = r.reduce((a, b) => a + b, 0); return r.map((v) => div(v, s)); });
  if (normalize === 'pred') {
    const col = new Array<number>(L).fill(0);
    for (const r of m) r.forEach((v, j) => (col[j] += v));
    return m.map((r) => r.map((v, j) => div(v, col[j])));
  }
  if (normalize === 'all') {
    const s = m.reduce((a, r) => a + r.reduce((x, y) => x + y, 0), 0);
    return m.map((r) => r.map((v) => div(v, s)));
  }
  throw new RangeError(`normalize must be 'true', 'pred', 'all' or null, got ${String(normalize)}`);
}

/** Per-label sufficient statistics: true positives, predicted and true counts. */
export interface ClassCounts {
  labels: number[];
  tp: number[];
  predicted: number[];
  actual: number[];
}

/** Counts for the given labels (labels absent from the data count 0). */
export function classCounts(yTrue: Int32Array, yPred: Int32Array, labels: readonly number[]): ClassCounts {
  const idxT = encode(yTrue, labels);
  const idxP = encode(yPred, labels);
  const L = labels.length;
  const tp = new Array<number>(L).fill(0);
  const predicted = new Array<number>(L).fill(0);
  const actual = new Array<number>(L).fill(0);
  for (let i = 0; i < yTrue.length; i++) {
    if (idxT[i] >= 0) actual[idxT[i]]++;
    if (idxP[i] >= 0) predicted[idxP[i]]++;
    if (idxT[i] >= 0 && yTrue[i] === yPred[i]) tp[idxT[i]]++;
  }
  return { labels: [...labels], tp, predicted, actual };
}

export type Average = 'binary' | 'micro' | 'macro' | 'weighted' | null;

export interface PrfOptions {
  /** 'binary' (sklearn's default: scores of posLabel only, binary targets), 'micro', 'macro', 'weighted', or null for per-label arrays. */
  average?: Average;
  /** Labels to score, in this order (default: the sorted union of yTrue and yPred). */
  labels?: readonly number[];
  /** The positive label for average 'binary' (default 1). */
  posLabel?: number;
  /** Value of a 0/0 ratio: 0 (default, sklearn's 'warn') or 1. */
  zeroDivision?: 0 | 1;
  /** Weight of recall in the F-score (default 1: F1). */
  beta?: number;
}

/** Per-label results (average null) or averaged ones; support is per-label only. */
export interface PrfResult<T> {
  labels: number[];
  precision: T;
  recall: T;
  fscore: T;
  support: number[] | null;
}

/** Precision, recall, F-beta and support with sklearn's precision_recall_fscore_support rules. */
export function precisionRecallFscoreSupport(yTrue: Vector, yPred: Vector, opts: PrfOptions & { average: null }): PrfResult<number[]>;
export function precisionRecallFscoreSupport(yTrue: Vector, yPred: Vector, opts?: PrfOptions): PrfResult<number>;
export function precisionRecallFscoreSupport(yTrue: Vector, yPred: Vector, opts: PrfOptions = {}): PrfResult<number[]> | PrfResult<number> {
  const fn = 'precisionRecallFscoreSupport';
  const t = toLabels(yTrue, fn, 'yTrue');
  const p = toLabels(yPred, fn, 'yPred');
  checkSameLength(fn, 'yTrue', t.length, 'yPred', p.length);
  const average = opts.average === undefined ? 'binary' : opts.average;
  const present = uniqueSorted(t, p);
  let labels: readonly number[];
  if (average === 'binary') {
    const pos = opts.posLabel ?? 1;
    if (present.length > 2) {
      throw new RangeError(`${fn}: target is multiclass (labels ${present.join(', ')}) but average='binary'; choose one of 'micro', 'macro', 'weighted' or null`);
    }
    if (!present.includes(pos) && present.length >= 2) throw new RangeError(`${fn}: posLabel=${pos} is not a valid label; it should be one of [${present.join(', ')}]`);
    labels = [pos];
  } else {
    labels = opts.labels ?? present;
  }
  return prfFromCounts(classCounts(t, p, labels), { ...opts, average });
}

/** The averaging step of precisionRecallFscoreSupport on precomputed counts (used by the streaming accumulators too). */
export function prfFromCounts(c: ClassCounts, opts: PrfOptions & { average: null }): PrfResult<number[]>;
export function prfFromCounts(c: ClassCounts, opts?: PrfOptions): PrfResult<number>;
export function prfFromCounts(c: ClassCounts, opts: PrfOptions = {}): PrfResult<number[]> | PrfResult<number> {
  const average = opts.average === undefined ? 'binary' : opts.average;
  const zd = opts.zeroDivision ?? 0;
  if (zd !== 0 && zd !== 1) throw new RangeError(`zeroDivision must be 0 or 1, got ${String(zd)}`);
  const beta = opts.beta ?? 1;
  if (!(beta >= 0)) throw new RangeError(`beta should be ≥ 0 in the F-beta score, got ${beta}`);
  let { tp, predicted, actual } = c;
  if (average === 'micro') {
    const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
    tp = [sum(tp)];
    predicted = [sum(predicted)];
    actual = [sum(actual)];
  }
  const b2 = beta * beta;
  const precision = tp.map((v, i) => (predicted[i] === 0 ? zd : v / predicted[i]));
  const recall = tp.map((v, i) => (actual[i] === 0 ? zd : v / actual[i]));
  const fscore = precision.map((pr, i) => {
    if (beta === Infinity) return recall[i];
    const denom = b2 * pr + recall[i];
    return ((1 + b2) * pr * recall[i]) / (denom === 0 ? 1 : denom);
  });
  if (average === null) return { labels: c.labels, precision, recall, fscore, support: [...c.actual] };
  let weights: number[] | null = null;
  if (average === 'weighted') {
    weights = actual;
    const wsum = weights.reduce((a, b) => a + b, 0);
    if (wsum === 0) {
      const allNeg = predicted.reduce((a, b) => a + b, 0) === 0;
      return { labels: c.labels, precision: allNeg ? zd : 0, recall: zd, fscore: allNeg ? zd : 0, support: null };
    }
  }
  return { labels: c.labels, precision: mean(precision, weights), recall: mean(recall, weights), fscore: mean(fscore, weights), support: null };
}

function mean(x: number[], w: number[] | null): number {
  let s = 0;
  let ws = 0;
  for (let i = 0; i < x.length; i++) {
    const wi = w ? w[i] : 1;
    s += x[i] * wi;
    ws += wi;
  }
  return s / ws;
}

type PerLabel = PrfOptions & { average: null };
type Averaged = Omit<PrfOptions, 'beta'>;

export function precisionScore(yTrue: Vector, yPred: Vector, opts: PerLabel): number[];
export function precisionScore(yTrue: Vector, yPred: Vector, opts?: Averaged): number;
export function precisionScore(yTrue: Vector, yPred: Vector, opts: PrfOptions = {}): number | number[] {
  return precisionRecallFscoreSupport(yTrue, yPred, opts).precision;
}

export function recallScore(yTrue: Vector, yPred: Vector, opts: PerLabel): number[];
export function recallScore(yTrue: Vector, yPred: Vector, opts?: Averaged): number;
export function recallScore(yTrue: Vector, yPred: Vector, opts: PrfOptions = {}): number | number[] {
  return precisionRecallFscoreSupport(yTrue, yPred, opts).recall;
}

export function f1Score(yTrue: Vector, yPred: Vector, opts: PerLabel): number[];
export function f1Score(yTrue: Vector, yPred: Vector, opts?: Averaged): number;
export function f1Score(yTrue: Vector, yPred: Vector, opts: PrfOptions = {}): number | number[] {
  return precisionRecallFscoreSupport(yTrue, yPred, { ...opts, beta: 1 }).fscore;
}

export function fbetaScore(yTrue: Vector, yPred: Vector, beta: number, opts: PerLabel): number[];
export function fbetaScore(yTrue: Vector, yPred: Vector, beta: number, opts?: Averaged): number;
export function fbetaScore(yTrue: Vector, yPred: Vector, beta: number, opts: PrfOptions = {}): number | number[] {
  return precisionRecallFscoreSupport(yTrue, yPred, { ...opts, beta }).fscore;
}

const EPS64 = 2.220446049250313e-16;
const EPS32 = 1.1920928955078125e-7;

/**
 * Log-loss (cross-entropy) of predicted probabilities, as sklearn 1.2 computes it: probabilities
 * are clipped to [eps, 1 − eps] (eps = machine epsilon of the input's float type unless given),
 * each row is renormalised to sum 1, and the mean of −log p(true label) is returned.
 * yProb is [n, C] with column c for label `labels[c]` (default: sorted labels of yTrue), or a
 * 1-d vector of probabilities of the larger of two labels.
 */
export function logLoss(yTrue: Vector, yProb: Vector | MatrixLike, opts: { eps?: number; labels?: readonly number[]; normalize?: boolean } = {}): number {
  const fn = 'logLoss';
  const t = toLabels(yTrue, fn, 'yTrue');
  const s = toScores(yProb, fn, 'yProb');
  checkSameLength(fn, 'yTrue', t.length, 'yProb rows', s.rows);
  const eps = opts.eps ?? (s.float32 ? EPS32 : EPS64);
  const classes = uniqueSorted(opts.labels ?? t);
  if (classes.length === 1) {
    throw new RangeError(opts.labels ? `${fn}: labels must contain at least two labels, got [${classes.join(', ')}]` : `${fn}: yTrue contains only one label (${classes[0]}); pass all labels through opts.labels`);
  }
  const C = s.cols === 1 ? 2 : s.cols;
  if (classes.length !== C) {
    throw new RangeError(`${fn}: yTrue/labels have ${classes.length} classes [${classes.join(', ')}] but yProb has ${C} columns; pass all labels through opts.labels`);
  }
  const idx = encode(t, classes);
  const clip = (v: number): number => Math.min(Math.max(v, eps), 1 - eps);
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    if (idx[i] < 0) throw new RangeError(`${fn}: yTrue[${i}] = ${t[i]} is not one of the labels [${classes.join(', ')}]`);
    let sum = 0;
    let own = 0;
    if (s.cols === 1) {
      const p1 = clip(s.data[i]);
      sum = 1 - p1 + p1;
      own = idx[i] === 1 ? p1 : 1 - p1;
    } else {
      for (let j = 0; j < C; j++) sum += clip(s.data[i * C + j]);
      own = clip(s.data[i * C + idx[i]]);
    }
    total += -Math.log(own / sum);
  }
  if (opts.normalize === false) return total;
  return total / t.length;
}
