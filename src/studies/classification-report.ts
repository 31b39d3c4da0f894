/**
 * The test-set report every classification study ends with (S1's confusion matrix, S4's metric
 * table and ROC curves), for studies that hold a model and a loader: the probabilities come from
 * text-eval.ts's predictProbs, the scores from its classificationReport, and the run gets them
 * under the one set of names every study uses (TEST_METRICS: 'test/accuracy', 'test/f1_macro',
 * 'test/precision_macro', 'test/recall_macro', 'test/cross_entropy', 'test/auc_<class>',
 * 'test/roc', 'test/confusion').
 */
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { confusionMatrix, type ConfusionResult } from '../metrics/classification.js';
import type { Run } from '../track/run.js';
import { classificationReport as scoreReport, logReport, predictProbs } from './text-eval.js';

export interface ClassificationReport {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  crossEntropy: number;
  /** AUC per class (one-vs-rest; NaN for a class absent from the test set). */
  auc: number[];
  confusion: ConfusionResult;
}

/**
 * `opts.skip`: metric names not to log (a study whose fit already logs, say, 'test/accuracy' as a
 * per-epoch curve keeps that curve free of a second point at the last step).
 */
export function classificationReport(model: Module, loader: Iterable<Tensor[]>, classNames: readonly string[], run: Run | null, step: number, opts: { skip?: readonly string[] } = {}): ClassificationReport {
  const s = predictProbs(model, loader);
  const r = scoreReport(s);
  const labels = classNames.map((_, i) => i);
  const cm = confusionMatrix(s.target, r.pred, { labels });
  if (run) logReport(run, r, classNames, step, cm, opts.skip);
  return { accuracy: r.accuracy, precision: r.precision, recall: r.recall, f1: r.f1, crossEntropy: r.crossEntropy, auc: r.auc, confusion: cm };
}

/** The confusion matrix as aligned text lines (rows: true class, columns: predicted). */
export function confusionLines(cm: ConfusionResult, names: readonly string[]): string[] {
  const w = Math.max(4, ...names.map((n) => n.length + 1), ...cm.matrix.flat().map((v) => String(v).length + 1));
  const lines = [' '.repeat(w + 2) + names.map((n) => n.padStart(w)).join('')];
  cm.matrix.forEach((row, i) => lines.push(`${names[i].padStart(w)}  ` + row.map((v) => String(v).padStart(w)).join('')));
  return lines;
}
