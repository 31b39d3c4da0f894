/** Streaming accumulators give, batch by batch, what the batch metrics give on all the data at once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClassificationAccumulator, ConfusionMatrix } from '../../src/metrics/accumulator.js';
import { accuracyScore, confusionMatrix, logLoss, precisionRecallFscoreSupport } from '../../src/metrics/classification.js';
import { averagePrecisionScore, rocAucScore } from '../../src/metrics/ranking.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { near } from './fixtures.js';

function data(n: number, C: number, seed: number): { logits: number[][]; probs: number[][]; y: number[] } {
  const g = new Generator(seed);
  const y = Array.from({ length: n }, () => g.int(C));
  const logits = y.map((t) => Array.from({ length: C }, (_, j) => g.normal() + (j === t ? 1.5 : 0)));
  const probs = logits.map((r) => {
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
  return { logits, probs, y };
}

test('ClassificationAccumulator over batches equals the batch metrics', () => {
  const C = 4;
  const { logits, probs, y } = data(203, C, 3);
  const acc = new ClassificationAccumulator({ numClasses: C, outputs: 'logits', keepScores: true });
  for (let i = 0; i < y.length; i += 50) {
    const rows = logits.slice(i, i + 50);
    acc.update(new Tensor(Float64Array.from(rows.flat()), [rows.length, C]), y.slice(i, i + 50));
  }
  const s = acc.compute();
  const pred = probs.map((r) => r.indexOf(Math.max(...r)));
  assert.equal(s.n, 203);
  near(s.accuracy, accuracyScore(y, pred), 'accuracy');
  assert.deepEqual(s.confusion, confusionMatrix(y, pred).matrix);
  const per = precisionRecallFscoreSupport(y, pred, { average: null });
  near(s.perClass.map((k) => k.f1), per.fscore, 'per-class f1');
  near(s.perClass.map((k) => k.support), per.support ?? [], 'support');
  const macro = precisionRecallFscoreSupport(y, pred, { average: 'macro' });
  near([s.macro.precision, s.macro.recall, s.macro.f1], [macro.precision, macro.recall, macro.fscore], 'macro');
  const w = precisionRecallFscoreSupport(y, pred, { average: 'weighted' });
  near([s.weighted.precision, s.weighted.recall, s.weighted.f1], [w.precision, w.recall, w.fscore], 'weighted');
  near(s.logLoss ?? NaN, logLoss(y, probs), 'log-loss', 1e-12);
  near(s.rocAuc ?? NaN, rocAucScore(y, probs), 'ROC AUC', 1e-12);
  near(s.averagePrecision ?? NaN, averagePrecisionScore(y, probs), 'AP', 1e-12);
  assert.equal(s.roc?.length, C);
});

test('ConfusionMatrix takes predicted labels, uses present labels by default and resets', () => {
  const cm = new ConfusionMatrix(5);
  cm.update([0, 1, 1, 2], [0, 1, 2, 2]).update(Int32Array.from([2]), [1]);
  assert.equal(cm.n, 5);
  assert.deepEqual(cm.presentLabels(), [0, 1, 2]);
  assert.deepEqual(cm.matrix('true')[1], [0, 0.5, 0.5, 0, 0]);
  const r = precisionRecallFscoreSupport([0, 1, 2, 2, 1], [0, 1, 1, 2, 2], { average: 'macro' });
  near(cm.prf().fscore, r.fscore, 'macro F1 over present labels');
  near(cm.accuracy(), 0.6, 'accuracy');
  cm.reset();
  assert.equal(cm.n, 0);
  assert.ok(Number.isNaN(cm.accuracy()));
  // Without scores there is no log-loss.
  const acc = new ClassificationAccumulator({ numClasses: 3 });
  assert.equal(acc.update([0, 1], [0, 2]).compute().logLoss, null);
});

test('bad input is a clear error', () => {
  const cm = new ConfusionMatrix(3);
  assert.throws(() => cm.update([0, 1], [0]), /preds has 2 entries but labels has 1/);
  assert.throws(() => cm.update([0, 3], [0, 1]), /preds\[1\] = 3 is outside 0..2/);
  const acc = new ClassificationAccumulator({ numClasses: 3 });
  assert.throws(() => acc.update([[0.1, 0.9]], [0]), /2 columns but numClasses is 3/);
  assert.throws(() => acc.update([[0.1, NaN, 0.2]], [0]), /NaN at row 0, column 1/);
});
