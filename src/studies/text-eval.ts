/**
 * Test-set scoring shared by the S3 and S4 studies: class probabilities over a loader (eval
 * mode, no graph), then accuracy, macro precision / recall / F1, cross-entropy (log-loss of the
 * softmax) and one-vs-rest ROC curves with their AUC; plus a plain-text table for the log.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { softmax } from '../autograd/ops/nn.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { accuracyScore, logLoss, precisionRecallFscoreSupport } from '../metrics/classification.js';
import { rocCurvesOvr } from '../metrics/ranking.js';
import type { Run } from '../track/run.js';

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

/** Logs the test metrics as 'test/<name>' scalars and the ROC curves as one curves record. */
export function logReport(run: Run, r: ClassificationReport, classes: readonly string[], step: number): void {
  run.batch(() => {
    run.logScalars({
      'test/accuracy': r.accuracy, 'test/f1_macro': r.f1, 'test/recall_macro': r.recall,
      'test/precision_macro': r.precision, 'test/cross_entropy': r.crossEntropy,
    }, step);
    r.auc.forEach((a, c) => { if (Number.isFinite(a)) run.logScalar(`test/auc_${classes[c]}`, a, step); });
    run.logCurves('test/roc', {
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
