/**
 * Test-set scoring shared by the S3 and S4 studies: class probabilities over a loader (eval
 * mode, no graph), then accuracy, macro precision / recall / F1, cross-entropy (log-loss of the
 * softmax) and one-vs-rest ROC curves with their AUC; plus a plain-text table for the log.
 * This is the one test-set report of every classification study (classification-report.ts wraps
 * it for studies that keep a model and a loader), logged under one set of names (TEST_METRICS).
 */
import { noGrad } from '../autograd/grad-mode.js';
import { softmax } from '../autograd/ops/nn.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { accuracyScore, logLoss, precisionRecallFscoreSupport } from '../metrics/classification.js';
import { rocCurvesOvr } from '../metrics/ranking.js';
import type { Run } from '../track/run.js';
import type { ConfusionResult } from '../metrics/classification.js';
import { confusionRecord } from '../metrics/records.js';

export interface Scores {
  /** Softmax of the model's outputs, [n, C] row-major. */
  probs: Float32Array;
  target: Int32Array;
  n: number;
  classes: number;
}

/** Softmax probabilities and targets over a loader, in eval mode without a graph. */
export function predictProbs(model: Module, loader: Iterable<Tensor[]>): Scores {
  const wasTraining = model.training;
  model.eval();
  const probs: number[] = [];
  const target: number[] = [];
  let C = 0;
  try {
    noGrad(() => {
      for (const [x, y] of loader) {
        const p = softmax(model.forward(x), 1);
        C = p.shape[1];
        for (const v of p.data) probs.push(v);
        for (const v of y.data) target.push(v);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { probs: Float32Array.from(probs), target: Int32Array.from(target), n: target.length, classes: C };
}

export interface ClassificationReport {
  accuracy: number;
  f1: number;
  recall: number;
  precision: number;
  crossEntropy: number;
  /** Per class, one-vs-rest. */
  auc: number[];
  roc: { label: number; fpr: number[]; tpr: number[]; auc: number }[];
  pred: Int32Array;
}

export function classificationReport(s: Scores): ClassificationReport {
  const C = s.classes;
  const pred = new Int32Array(s.n);
  for (let i = 0; i < s.n; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (s.probs[i * C + c] > s.probs[i * C + best]) best = c;
    pred[i] = best;
  }
  const labels = Array.from({ length: C }, (_, i) => i);
  const prf = precisionRecallFscoreSupport(s.target, pred, { average: 'macro', labels });
  const scores = { rows: s.n, cols: C, data: s.probs };
  const roc = rocCurvesOvr(s.target, scores, { labels });
  return {
    accuracy: accuracyScore(s.target, pred),
    f1: prf.fscore,
    recall: prf.recall,
    precision: prf.precision,
    crossEntropy: logLoss(s.target, scores, { labels }),
    auc: roc.map((r) => r.auc),
    roc: roc.map((r) => ({ label: r.label, fpr: r.fpr, tpr: r.tpr, auc: r.auc })),
    pred,
  };
}

/**
 * The one set of test-set metric names every study logs (S1…S5 alike), so runs of different
 * studies overlay in the dashboard and the study report: 'test/accuracy', 'test/f1_macro', …
 */
export const TEST_METRICS = {
  accuracy: 'test/accuracy',
  f1: 'test/f1_macro',
  recall: 'test/recall_macro',
  precision: 'test/precision_macro',
  crossEntropy: 'test/cross_entropy',
  /** Per class: `test/auc_<class>`. */
  aucPrefix: 'test/auc_',
  roc: 'test/roc',
  confusion: 'test/confusion',
} as const;

/** The test metrics of a report under their names (TEST_METRICS), ready for run.logScalars. */
export function testScalars(r: Pick<ClassificationReport, 'accuracy' | 'f1' | 'recall' | 'precision' | 'crossEntropy' | 'auc'>, classes: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {
    [TEST_METRICS.accuracy]: r.accuracy, [TEST_METRICS.f1]: r.f1, [TEST_METRICS.recall]: r.recall,
    [TEST_METRICS.precision]: r.precision, [TEST_METRICS.crossEntropy]: r.crossEntropy,
  };
  r.auc.forEach((a, c) => { if (Number.isFinite(a)) out[`${TEST_METRICS.aucPrefix}${classes[c] ?? c}`] = a; });
  return out;
}

/**
 * Logs the test metrics (TEST_METRICS names), the ROC curves as one curves record and, when
 * given, the confusion matrix (rows: true class, columns: predicted).
 */
export function logReport(run: Run, r: ClassificationReport, classes: readonly string[], step: number, confusion?: ConfusionResult, skip: readonly string[] = []): void {
  run.batch(() => {
    const scalars = testScalars(r, classes);
    for (const k of skip) delete scalars[k];
    run.logScalars(scalars, step);
    if (confusion) {
      run.logMatrix(TEST_METRICS.confusion, { ...confusionRecord(confusion), rowLabels: [...classes], colLabels: [...classes] }, step);
    }
    run.logCurves(TEST_METRICS.roc, {
      series: r.roc.map((c) => ({ label: `${classes[c.label]} (AUC ${c.auc.toFixed(3)})`, x: c.fpr, y: c.tpr, score: c.auc })),
      xLabel: 'false positive rate', yLabel: 'true positive rate', caption: 'ROC, one class against the rest (test set)',
    }, step);
  });
}

/** A plain-text table: a header row, a rule, then rows; columns padded to their widest cell. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(header), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)];
}

/** 0.8123 → '81.23'. */
export const pct = (v: number): string => (Number.isFinite(v) ? (100 * v).toFixed(2) : '–');
