/**
 * Plain-object views of metric and analysis results in the shapes the run store's matrix, curve
 * and point-set records take (track's MatrixData, CurveData, PointsData), so that a study logs
 * them with one call: run.logMatrix('val/confusion', confusionRecord(cm), epoch),
 * run.logCurves('val/roc', rocRecord(curves), epoch), run.logPoints('codes/tsne', pointsRecord(r, y), 0).
 * metrics sits below track, so the shapes are repeated here structurally rather than imported.
 */
import type { ConfusionResult } from './classification.js';
import type { PrCurve, RocCurve } from './ranking.js';

export interface MatrixRecord {
  rows: number;
  cols: number;
  values: number[];
  rowLabels: string[];
  colLabels: string[];
  rowTitle: string;
  colTitle: string;
  caption?: string;
}

export interface CurvesRecord {
  series: { label: string; x: number[]; y: number[]; score?: number }[];
  xLabel: string;
  yLabel: string;
}

export interface PointsRecord {
  dims: 2 | 3;
  coords: number[];
  labels?: (string | number)[];
  caption?: string;
}

/** A confusion matrix (counts or normalized) as a matrix record: rows true, columns predicted. */
export function confusionRecord(cm: ConfusionResult | { matrix: number[][]; labels?: readonly number[] }, caption?: string): MatrixRecord {
  const L = cm.matrix.length;
  const labels = (cm.labels ?? Array.from({ length: L }, (_, i) => i)).map(String);
  return { rows: L, cols: L, values: cm.matrix.flat(), rowLabels: labels, colLabels: labels, rowTitle: 'true', colTitle: 'predicted', ...(caption ? { caption } : {}) };
}

/** ROC curves (one per class, AUC as the legend score) as a curves record. */
export function rocRecord(curves: readonly (RocCurve & { label: number | string; auc?: number })[]): CurvesRecord {
  return {
    series: curves.map((c) => ({ label: String(c.label), x: [...c.fpr], y: [...c.tpr], ...(c.auc !== undefined && !Number.isNaN(c.auc) ? { score: c.auc } : {}) })),
    xLabel: 'false positive rate',
    yLabel: 'true positive rate',
  };
}

/** Precision-recall curves (average precision as the legend score) as a curves record. */
export function prRecord(curves: readonly (PrCurve & { label: number | string; ap?: number })[]): CurvesRecord {
  return {
    series: curves.map((c) => ({ label: String(c.label), x: [...c.recall], y: [...c.precision], ...(c.ap !== undefined ? { score: c.ap } : {}) })),
    xLabel: 'recall',
    yLabel: 'precision',
  };
}

/** An embedding (t-SNE, PCA projections: rows×dims, dims 2 or 3) with optional labels as a point-set record. */
export function pointsRecord(e: { embedding?: ArrayLike<number>; data?: ArrayLike<number>; rows: number; cols: number }, labels?: ArrayLike<number | string>, caption?: string): PointsRecord {
  if (e.cols !== 2 && e.cols !== 3) throw new RangeError(`pointsRecord: points must have 2 or 3 dimensions, got ${e.cols}`);
  const coords = e.embedding ?? e.data;
  if (!coords || coords.length !== e.rows * e.cols) throw new RangeError(`pointsRecord: expected ${e.rows}×${e.cols} coordinates, got ${coords?.length ?? 0}`);
  if (labels && labels.length !== e.rows) throw new RangeError(`pointsRecord: ${e.rows} points but ${labels.length} labels`);
  return { dims: e.cols, coords: Array.from(coords), ...(labels ? { labels: Array.from(labels) } : {}), ...(caption ? { caption } : {}) };
}
