/**
 * Ranking metrics with scikit-learn's definitions: ROC curve (with sklearn's dropping of
 * collinear points and its extra first threshold), trapezoidal AUC, ROC AUC (binary and
 * one-vs-rest multiclass, micro/macro/weighted), precision-recall curve and average precision
 * (the step-function sum Σ (R_n − R_{n−1}) P_n, not interpolated).
 *
 * NOTE: ties in scores form one threshold: all samples with an equal score enter the curve at
 * once, so the curve never depends on the order of tied samples.
 */
import { checkSameLength, encode, toLabels, toScores, uniqueSorted, type DenseMatrix, type MatrixLike, type Vector } from './input.js';

export interface Curve {
  thresholds: number[];
}
export interface RocCurve extends Curve {
  fpr: number[];
  tpr: number[];
}
export interface PrCurve extends Curve {
  precision: number[];
  recall: number[];
}

/** Cumulative false and true positives at each distinct score, highest score first. */
function binaryClfCurve(isPos: Uint8Array, score: ArrayLike<number>): { fps: number[]; tps: number[]; thresholds: number[] } {
  const n = isPos.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    tp += isPos[i];
    if (r === n - 1 || score[order[r + 1]] !== score[i]) {
      tps.push(tp);
      fps.push(r + 1 - tp);
      thresholds.push(score[i]);
    }
  }
  return { fps, tps, thresholds };
}

/** sklearn's pos_label rule: default 1, and only when the labels are a subset of {0,1}, {-1,1}. */
function positives(fn: string, t: Int32Array, posLabel: number | undefined): Uint8Array {
  const classes = uniqueSorted(t);
  if (classes.length > 2 && posLabel === undefined) throw new RangeError(`${fn}: yTrue has ${classes.length} classes [${classes.join(', ')}]; a binary curve needs posLabel`);
  if (posLabel === undefined) {
    const ok = classes.every((c) => c === 0 || c === 1) || classes.every((c) => c === -1 || c === 1);
    if (!ok) throw new RangeError(`${fn}: yTrue takes values [${classes.join(', ')}] and posLabel is not given; pass posLabel`);
  }
  const pos = posLabel ?? 1;
  const out = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) out[i] = t[i] === pos ? 1 : 0;
  return out;
}

function binaryInputs(fn: string, yTrue: Vector, yScore: Vector): { t: Int32Array; s: Float64Array } {
  const t = toLabels(yTrue, fn, 'yTrue');
  const sc = toScores(yScore, fn, 'yScore');
  if (sc.cols !== 1) throw new RangeError(`${fn}: yScore must be 1-d (one score per sample), got ${sc.rows}×${sc.cols}`);
  checkSameLength(fn, 'yTrue', t.length, 'yScore', sc.rows);
  return { t, s: sc.data };
}

/**
 * ROC curve of a binary problem. fpr/tpr start at (0, 0) with threshold max(score) + 1; with
 * dropIntermediate (default) points collinear with their neighbours are removed, as in sklearn.
 * With no negatives (or positives) fpr (or tpr) is all NaN.
 */
export function rocCurve(yTrue: Vector, yScore: Vector, opts: { posLabel?: number; dropIntermediate?: boolean } = {}): RocCurve {
  const { t, s } = binaryInputs('rocCurve', yTrue, yScore);
  return rocFromPositives(positives('rocCurve', t, opts.posLabel), s, opts.dropIntermediate ?? true);
}

function rocFromPositives(isPos: Uint8Array, s: ArrayLike<number>, drop: boolean): RocCurve {
  let { fps, tps, thresholds } = binaryClfCurve(isPos, s);
  if (drop && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      const d2f = fps[i + 1] - 2 * fps[i] + fps[i - 1];
      const d2t = tps[i + 1] - 2 * tps[i] + tps[i - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(fps.length - 1);
    fps = keep.map((i) => fps[i]);
    tps = keep.map((i) => tps[i]);
    thresholds = keep.map((i) => thresholds[i]);
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  thresholds = [(thresholds.length ? thresholds[0] : 0) + 1, ...thresholds];
  const lastF = fps[fps.length - 1];
  const lastT = tps[tps.length - 1];
  return {
    fpr: fps.map((v) => (lastF <= 0 ? NaN : v / lastF)),
    tpr: tps.map((v) => (lastT <= 0 ? NaN : v / lastT)),
    thresholds,
  };
}

/** Area under a curve by the trapezoidal rule; x must be monotonic (either direction). */
export function auc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkSameLength('auc', 'x', x.length, 'y', y.length);
  if (x.length < 2) throw new RangeError(`auc: at least 2 points are needed, got ${x.length}`);
  let dir = 1;
  let anyNeg = false;
  let allNonPos = true;
  for (let i = 1; i < x.length; i++) {
    const d = x[i] - x[i - 1];
    if (d < 0) anyNeg = true;
    if (d > 0) allNonPos = false;
  }
  if (anyNeg) {
    if (allNonPos) dir = -1;
    else throw new RangeError(`auc: x is neither increasing nor decreasing`);
  }
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return dir * a;
}

/**
 * Precision-recall curve in sklearn's order: thresholds increasing, recall decreasing, with a
 * final point (recall 0, precision 1) that has no threshold. With no positives recall is all 1.
 */
export function precisionRecallCurve(yTrue: Vector, yScore: Vector, opts: { posLabel?: number } = {}): PrCurve {
  const { t, s } = binaryInputs('precisionRecallCurve', yTrue, yScore);
  return prFromPositives(positives('precisionRecallCurve', t, opts.posLabel), s);
}

function prFromPositives(isPos: Uint8Array, s: ArrayLike<number>): PrCurve {
  const { fps, tps, thresholds } = binaryClfCurve(isPos, s);
  const last = tps.length ? tps[tps.length - 1] : 0;
  const precision = tps.map((v, i) => (v + fps[i] === 0 ? 0 : v / (v + fps[i]))).reverse();
  const recall = tps.map((v) => (last === 0 ? 1 : v / last)).reverse();
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds: [...thresholds].reverse() };
}

function apFromPositives(isPos: Uint8Array, s: ArrayLike<number>): number {
  const { precision, recall } = prFromPositives(isPos, s);
  let ap = 0;
  for (let i = 0; i + 1 < recall.length; i++) ap -= (recall[i + 1] - recall[i]) * precision[i];
  return ap;
}

export type RankAverage = 'macro' | 'weighted' | 'micro' | null;

/** Column c of a one-vs-rest problem: sample i is positive when its label is classes[c]. */
function oneVsRest(idx: Int32Array, C: number): Uint8Array[] {
  const cols = Array.from({ length: C }, () => new Uint8Array(idx.length));
  for (let i = 0; i < idx.length; i++) cols[idx[i]][i] = 1;
  return cols;
}

function column(m: DenseMatrix, c: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + c];
  return out;
}

/** Shared one-vs-rest driver: a binary score per column, averaged like sklearn's _average_binary_score. */
function averageOvr(fn: string, score: (pos: Uint8Array, s: ArrayLike<number>) => number, cols: Uint8Array[], m: DenseMatrix, average: RankAverage): number | number[] {
  if (average === 'micro') {
    const pos = new Uint8Array(m.rows * m.cols);
    for (let i = 0; i < m.rows; i++) for (let c = 0; c < m.cols; c++) pos[i * m.cols + c] = cols[c][i];
    return score(pos, m.data);
  }
  const per = cols.map((pos, c) => score(pos, column(m, c)));
  if (average === null) return per;
  if (average === 'macro') return per.reduce((a, b) => a + b, 0) / per.length;
  if (average === 'weighted') {
    const w = cols.map((p) => p.reduce((a, b) => a + b, 0));
    const ws = w.reduce((a, b) => a + b, 0);
    if (ws === 0) return 0;
    return per.reduce((a, v, c) => a + v * w[c], 0) / ws;
  }
  throw new RangeError(`${fn}: average must be 'macro', 'weighted', 'micro' or null, got ${String(average)}`);
}

function binaryAuc(fn: string) {
  return (pos: Uint8Array, s: ArrayLike<number>): number => {
    let np = 0;
    for (let i = 0; i < pos.length; i++) np += pos[i];
    if (np === 0 || np === pos.length) throw new RangeError(`${fn}: only one class present in yTrue (${np === 0 ? 'no positives' : 'no negatives'}); ROC AUC is not defined in that case`);
    const r = rocFromPositives(pos, s, true);
    return auc(r.fpr, r.tpr);
  };
}

/**
 * Area under the ROC curve. With a 1-d yScore the problem is binary and the larger label is
 * positive. With an [n, C] matrix of class probabilities it is one-vs-rest over `labels`
 * (default: the sorted labels of yTrue, which must number C), averaged by `average` (default macro).
 * As in sklearn, multiclass scores must be probabilities (rows sum to 1); a 2-column matrix for a
 * binary problem uses column 1.
 */
export function rocAucScore(yTrue: Vector, yScore: Vector | MatrixLike, opts: { average: null; labels?: readonly number[] }): number[];
export function rocAucScore(yTrue: Vector, yScore: Vector | MatrixLike, opts?: { average?: RankAverage; labels?: readonly number[] }): number;
export function rocAucScore(yTrue: Vector, yScore: Vector | MatrixLike, opts: { average?: RankAverage; labels?: readonly number[] } = {}): number | number[] {
  const fn = 'rocAucScore';
  const t = toLabels(yTrue, fn, 'yTrue');
  const m = toScores(yScore, fn, 'yScore');
  checkSameLength(fn, 'yTrue', t.length, 'yScore rows', m.rows);
  const average = opts.average === undefined ? 'macro' : opts.average;
  const present = uniqueSorted(t);
  if (m.cols === 1 || (m.cols === 2 && present.length <= 2 && !opts.labels)) {
    if (present.length !== 2) throw new RangeError(`${fn}: only one class present in yTrue (${present.join(', ')}); ROC AUC is not defined in that case`);
    const pos = new Uint8Array(t.length);
    for (let i = 0; i < t.length; i++) pos[i] = t[i] === present[1] ? 1 : 0;
    return binaryAuc(fn)(pos, m.cols === 1 ? m.data : column(m, 1));
  }
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let c = 0; c < m.cols; c++) s += m.data[i * m.cols + c];
    if (!(Math.abs(s - 1) <= 1e-8 + 1e-5)) throw new RangeError(`${fn}: multiclass scores must be probabilities (rows summing to 1), row ${i} sums to ${s}; apply softmax first`);
  }
  const classes = ovrClasses(fn, t, m.cols, opts.labels);
  return averageOvr(fn, binaryAuc(fn), oneVsRest(encode(t, classes), m.cols), m, average);
}

function ovrClasses(fn: string, t: Int32Array, C: number, labels?: readonly number[]): number[] {
  const classes = labels ? [...labels] : uniqueSorted(t);
  if (labels) {
    for (let i = 1; i < classes.length; i++) if (!(classes[i] > classes[i - 1])) throw new RangeError(`${fn}: labels must be unique and increasing, got [${classes.join(', ')}]`);
  }
  if (classes.length !== C) throw new RangeError(`${fn}: ${classes.length} classes [${classes.join(', ')}] but yScore has ${C} columns; pass labels`);
  const idx = encode(t, classes);
  const bad = idx.indexOf(-1);
  if (bad >= 0) throw new RangeError(`${fn}: yTrue[${bad}] = ${t[bad]} is not one of the labels [${classes.join(', ')}]`);
  return classes;
}

/**
 * Average precision Σ (R_n − R_{n−1}) P_n. With a 1-d yScore the problem is binary with positive
 * label posLabel (default 1); with an [n, C] score matrix it is one-vs-rest over `labels`
 * (default 0..C-1), averaged by `average` (default macro) as sklearn does for label_binarize(y).
 */
export function averagePrecisionScore(yTrue: Vector, yScore: Vector | MatrixLike, opts: { average: null; posLabel?: number; labels?: readonly number[] }): number[];
export function averagePrecisionScore(yTrue: Vector, yScore: Vector | MatrixLike, opts?: { average?: RankAverage; posLabel?: number; labels?: readonly number[] }): number;
export function averagePrecisionScore(yTrue: Vector, yScore: Vector | MatrixLike, opts: { average?: RankAverage; posLabel?: number; labels?: readonly number[] } = {}): number | number[] {
  const fn = 'averagePrecisionScore';
  const t = toLabels(yTrue, fn, 'yTrue');
  const m = toScores(yScore, fn, 'yScore');
  checkSameLength(fn, 'yTrue', t.length, 'yScore rows', m.rows);
  if (m.cols === 1) {
    const present = uniqueSorted(t);
    if (present.length > 2) throw new RangeError(`${fn}: yTrue has ${present.length} classes; pass an [n, C] score matrix for one-vs-rest`);
    const pos = opts.posLabel ?? 1;
    if (present.length === 2 && !present.includes(pos)) throw new RangeError(`${fn}: posLabel=${pos} is not a valid label; it should be one of [${present.join(', ')}]`);
    return apFromPositives(positives(fn, t, pos), m.data);
  }
  const classes = ovrClasses(fn, t, m.cols, opts.labels ?? Array.from({ length: m.cols }, (_, i) => i));
  const average = opts.average === undefined ? 'macro' : opts.average;
  return averageOvr(fn, apFromPositives, oneVsRest(encode(t, classes), m.cols), m, average);
}

/** Per-class one-vs-rest ROC curves with their AUC (NaN AUC for a class absent from yTrue). */
export function rocCurvesOvr(yTrue: Vector, yScore: MatrixLike, opts: { labels?: readonly number[] } = {}): (RocCurve & { label: number; auc: number })[] {
  const fn = 'rocCurvesOvr';
  const t = toLabels(yTrue, fn, 'yTrue');
  const m = toScores(yScore, fn, 'yScore');
  checkSameLength(fn, 'yTrue', t.length, 'yScore rows', m.rows);
  const classes = ovrClasses(fn, t, m.cols, opts.labels ?? Array.from({ length: m.cols }, (_, i) => i));
  const cols = oneVsRest(encode(t, classes), m.cols);
  return classes.map((label, c) => {
    const r = rocFromPositives(cols[c], column(m, c), true);
    const defined = r.fpr.every((v) => !Number.isNaN(v)) && r.tpr.every((v) => !Number.isNaN(v));
    return { label, ...r, auc: defined ? auc(r.fpr, r.tpr) : NaN };
  });
}
