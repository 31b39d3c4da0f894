/** Classification metrics equal scikit-learn 1.2's on the fixtures (random and edge cases), and bad input errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accuracyScore, confusionMatrix, f1Score, fbetaScore, logLoss, precisionRecallFscoreSupport, precisionScore, recallScore, topKAccuracyScore,
  type Average, type Normalize,
} from '../../src/metrics/classification.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { loadFixture, near, type Nested } from './fixtures.js';

interface Prf { precision: Nested; recall: Nested; f1: Nested; support: Nested }
export interface ClsCase {
  name: string;
  y_true: number[];
  y_pred: number[];
  labels: number[] | null;
  probs?: number[][];
  expected: {
    accuracy: number;
    confusion: Record<string, number[][]>;
    confusion_labels?: number[][];
    prf: Record<string, Prf>;
    fbeta: Record<string, number>;
    log_loss?: number;
    top_k?: Record<string, number>;
    curves?: { fpr: Nested[]; tpr: Nested[]; thresholds: number[]; precision: number[]; recall: number[]; pr_thresholds: number[]; ap: number }[];
    ap?: Record<string, Nested>;
    roc_auc?: Record<string, Nested>;
  };
}

const fx = loadFixture<{ cases: ClsCase[] }>('classification.json');

for (const c of fx.cases) {
  test(`classification parity: ${c.name}`, () => {
    const e = c.expected;
    near(accuracyScore(c.y_true, c.y_pred), e.accuracy, `${c.name} accuracy`);
    for (const [norm, m] of Object.entries(e.confusion)) {
      const normalize = (norm === 'None' ? null : norm) as Normalize;
      near(confusionMatrix(c.y_true, c.y_pred, { normalize }).matrix, m, `${c.name} confusion ${norm}`);
    }
    if (c.labels && e.confusion_labels) near(confusionMatrix(c.y_true, c.y_pred, { labels: c.labels }).matrix, e.confusion_labels, `${c.name} confusion labels`);
    for (const [key, want] of Object.entries(e.prf)) {
      const [avg, zd, lab] = key.split('|');
      const average = (avg === 'None' ? null : avg) as Average;
      const opts = { average, zeroDivision: Number(zd) as 0 | 1, labels: lab === 'labels' && c.labels ? c.labels : undefined };
      const got = average === null ? precisionRecallFscoreSupport(c.y_true, c.y_pred, { ...opts, average: null }) : precisionRecallFscoreSupport(c.y_true, c.y_pred, opts);
      const what = `${c.name} prf ${key}`;
      near(got.precision, want.precision, `${what} precision`);
      near(got.recall, want.recall, `${what} recall`);
      near(got.fscore, want.f1, `${what} f1`);
      if (want.support !== null) near(got.support ?? [], want.support, `${what} support`);
      else assert.equal(got.support, null);
      if (average !== null) {
        near(precisionScore(c.y_true, c.y_pred, opts), want.precision, `${what} precisionScore`);
        near(recallScore(c.y_true, c.y_pred, opts), want.recall, `${what} recallScore`);
        near(f1Score(c.y_true, c.y_pred, opts), want.f1, `${what} f1Score`);
      }
    }
    for (const [beta, want] of Object.entries(e.fbeta)) near(fbetaScore(c.y_true, c.y_pred, Number(beta), { average: 'macro' }), want, `${c.name} fbeta ${beta}`);
    if (c.probs && e.log_loss !== undefined) {
      const labels = c.probs[0].map((_, i) => i);
      near(logLoss(c.y_true, c.probs, { labels }), e.log_loss, `${c.name} logLoss`);
    }
    if (c.probs && e.top_k) {
      for (const [k, want] of Object.entries(e.top_k)) near(topKAccuracyScore(c.y_true, c.probs, { k: Number(k) }), want, `${c.name} top-${k}`);
    }
  });
}

test('metrics accept Tensors as well as arrays', () => {
  const t = new Tensor(Int32Array.from([0, 1, 2, 2, 1]), [5]);
  const p = new Tensor(Float64Array.from([0, 2, 2, 2, 1]), [5]);
  assert.equal(accuracyScore(t, p), 0.8);
  const probs = new Tensor(Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6]), [3, 3]);
  // float32 input clips with float32's epsilon, like sklearn on a float32 array.
  near(logLoss([0, 1, 2], probs), -(Math.log(Math.fround(0.7)) + Math.log(Math.fround(0.8)) + Math.log(Math.fround(0.6))) / 3, 'logLoss tensor', 1e-7);
  assert.deepEqual(confusionMatrix(t, p).matrix, [[1, 0, 0], [0, 1, 1], [0, 0, 2]]);
});

test('log-loss clips probabilities of 0 and 1 with float64 machine epsilon', () => {
  const l = logLoss([0, 1], [[1, 0], [1, 0]]);
  near(l, -Math.log(2.220446049250313e-16 / (1 - 2.220446049250313e-16 + 2.220446049250313e-16)) / 2, 'clipped', 1e-12);
  // 1-d probabilities of the larger label
  near(logLoss([0, 1, 1], [0.2, 0.9, 0.6]), -(Math.log(0.8) + Math.log(0.9) + Math.log(0.6)) / 3, '1-d', 1e-12);
});

test('bad input is a clear error', () => {
  assert.throws(() => accuracyScore([0, 1, 2], [0, 1]), /yTrue has 3 entries but yPred has 2/);
  assert.throws(() => f1Score([0, 1, 2], [0, 1, 1]), /multiclass .* average='binary'/);
  assert.throws(() => precisionScore([0, 2], [2, 0]), /posLabel=1 is not a valid label/);
  assert.throws(() => accuracyScore([0, 1.5], [0, 1]), /yTrue\[1\] is 1.5/);
  assert.throws(() => logLoss([0, 1], [[0.5, NaN], [0.2, 0.8]]), /NaN at row 0, column 1/);
  assert.throws(() => logLoss([1, 1], [0.2, 0.3]), /only one label/);
  assert.throws(() => logLoss([0, 1, 2], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]), /3 classes .* 2 columns/);
  assert.throws(() => topKAccuracyScore([0, 5], [[0.5, 0.5], [0.5, 0.5]], { k: 1 }), /yTrue\[1\] = 5 is not one of the labels/);
  assert.throws(() => confusionMatrix([0, 1], [0, 1], { labels: [7] }), /none of labels \[7\] is in yTrue/);
});
