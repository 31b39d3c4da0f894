/**
 * The test-set report every classification study ends with (S1's confusion matrix, S4's metric
 * table and ROC curves): accuracy, macro precision / recall / F1, one-vs-rest ROC curves with
 * AUC per class, logged to the variant's run as a matrix, curves and scalars.
 */
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { predictClasses } from '../train/evaluate.js';
import { confusionMatrix, precisionRecallFscoreSupport, type ConfusionResult } from '../metrics/classification.js';
import { rocCurvesOvr } from '../metrics/ranking.js';
import { confusionRecord, rocRecord } from '../metrics/records.js';
import type { Run } from '../track/run.js';

export interface ClassificationReport {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** AUC per class (one-vs-rest; NaN for a class absent from the test set). */
  auc: number[];
  confusion: ConfusionResult;
}

export function classificationReport(model: Module, loader: Iterable<Tensor[]>, classNames: readonly string[], run: Run | null, step: number): ClassificationReport {
  const p = predictClasses(model, loader);
  const labels = classNames.map((_, i) => i);
  const cm = confusionMatrix(p.target, p.pred, { labels });
  const prf = precisionRecallFscoreSupport(p.target, p.pred, { average: 'macro', labels, zeroDivision: 0 });
  const curves = rocCurvesOvr(p.target, { data: p.probs, rows: p.target.length, cols: p.classes }, { labels });
  let correct = 0;
  for (let i = 0; i < p.pred.length; i++) if (p.pred[i] === p.target[i]) correct++;
  const r: ClassificationReport = {
    accuracy: correct / Math.max(p.pred.length, 1), precision: prf.precision, recall: prf.recall, f1: prf.fscore,
    auc: curves.map((c) => c.auc), confusion: cm,
  };
  if (run) {
    run.batch(() => {
      run.logMatrix('test/confusion', { ...confusionRecord(cm), rowLabels: [...classNames], colLabels: [...classNames] }, step);
      run.logCurves('test/roc', rocRecord(curves.map((c) => ({ ...c, label: classNames[c.label] ?? c.label }))), step);
      run.logScalars({ 'final/test_macro_precision': r.precision, 'final/test_macro_recall': r.recall, 'final/test_macro_f1': r.f1 }, step);
    });
  }
  return r;
}

/** The confusion matrix as aligned text lines (rows: true class, columns: predicted). */
export function confusionLines(cm: ConfusionResult, names: readonly string[]): string[] {
  const w = Math.max(4, ...names.map((n) => n.length + 1), ...cm.matrix.flat().map((v) => String(v).length + 1));
  const lines = [' '.repeat(w + 2) + names.map((n) => n.padStart(w)).join('')];
  cm.matrix.forEach((row, i) => lines.push(`${names[i].padStart(w)}  ` + row.map((v) => String(v).padStart(w)).join('')));
  return lines;
}
