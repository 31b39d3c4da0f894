import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classificationReport, formatTable, pct } from '../../src/studies/text-eval.js';

test('classificationReport: accuracy, macro scores, cross-entropy and one-vs-rest ROC from probabilities', () => {
  // 4 texts, 3 classes; predictions 0, 1, 1, 2 for targets 0, 1, 2, 2.
  const probs = Float32Array.from([0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.5, 0.4, 0.1, 0.2, 0.7]);
  const r = classificationReport({ probs, target: Int32Array.from([0, 1, 2, 2]), n: 4, classes: 3 });
  assert.deepEqual(Array.from(r.pred), [0, 1, 1, 2]);
  assert.equal(r.accuracy, 0.75);
  // precision: 1, 0.5, 1 → 5/6; recall: 1, 1, 0.5 → 5/6; F1: 1, 2/3, 2/3 → 7/9.
  assert.ok(Math.abs(r.precision - 5 / 6) < 1e-12);
  assert.ok(Math.abs(r.recall - 5 / 6) < 1e-12);
  assert.ok(Math.abs(r.f1 - 7 / 9) < 1e-12);
  const ce = -(Math.log(0.8) + Math.log(0.7) + Math.log(0.4) + Math.log(0.7)) / 4;
  assert.ok(Math.abs(r.crossEntropy - ce) < 1e-6);
  assert.equal(r.roc.length, 3);
  assert.equal(r.auc[0], 1);
  assert.equal(r.auc[2], 1);
});

test('formatTable pads columns; pct formats percentages', () => {
  assert.deepEqual(formatTable(['a', 'bb'], [['xyz', '1'], ['q', '22']]), ['a    bb', '---  --', 'xyz   1', 'q    22']);
  assert.equal(pct(0.81234), '81.23');
  assert.equal(pct(NaN), '–');
});
