/** ROC / PR curves, AUC and average precision equal scikit-learn 1.2's, ties included; bad input errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auc, averagePrecisionScore, precisionRecallCurve, rocAucScore, rocCurve, rocCurvesOvr, type RankAverage } from '../../src/metrics/ranking.js';
import type { ClsCase } from './classification.test.js';
import { loadFixture, near } from './fixtures.js';

const fx = loadFixture<{ cases: ClsCase[] }>('classification.json');

for (const c of fx.cases.filter((k) => k.probs)) {
  test(`ranking parity: ${c.name}`, () => {
    const probs = c.probs as number[][];
    const e = c.expected;
    const C = probs[0].length;
    const curves = e.curves ?? [];
    for (let k = 0; k < C; k++) {
      const y = c.y_true.map((v) => (v === k ? 1 : 0));
      const s = probs.map((r) => r[k]);
      const want = curves[k];
      const r = rocCurve(y, s);
      near(r.fpr, want.fpr, `${c.name} class ${k} fpr`);
      near(r.tpr, want.tpr, `${c.name} class ${k} tpr`);
      near(r.thresholds, want.thresholds, `${c.name} class ${k} roc thresholds`);
      const pr = precisionRecallCurve(y, s);
      near(pr.precision, want.precision, `${c.name} class ${k} precision`);
      near(pr.recall, want.recall, `${c.name} class ${k} recall`);
      near(pr.thresholds, want.pr_thresholds, `${c.name} class ${k} pr thresholds`);
      near(averagePrecisionScore(y, s), want.ap, `${c.name} class ${k} AP`);
    }
    const ovr = rocCurvesOvr(c.y_true, probs);
    ovr.forEach((r, k) => near(r.fpr, curves[k].fpr, `${c.name} rocCurvesOvr ${k}`));
    for (const [avg, want] of Object.entries(e.ap ?? {})) {
      const average = (avg === 'None' ? null : avg) as RankAverage;
      const got = average === null ? averagePrecisionScore(c.y_true, probs, { average: null }) : averagePrecisionScore(c.y_true, probs, { average });
      near(got, want, `${c.name} AP ${avg}`);
    }
    for (const [avg, want] of Object.entries(e.roc_auc ?? {})) {
      if (avg === 'binary') {
        near(rocAucScore(c.y_true, probs.map((r) => r[1])), want, `${c.name} binary AUC (1-d)`);
        near(rocAucScore(c.y_true, probs), want, `${c.name} binary AUC (2 columns)`);
        continue;
      }
      const average = (avg === 'None' ? null : avg) as RankAverage;
      const got = average === null ? rocAucScore(c.y_true, probs, { average: null }) : rocAucScore(c.y_true, probs, { average });
      near(got, want, `${c.name} ROC AUC ${avg}`);
    }
  });
}

test('ties in scores enter the ROC curve at once', () => {
  // Two positives and two negatives all scored 0.5: one diagonal step, AUC 0.5.
  const r = rocCurve([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5]);
  assert.deepEqual(r.fpr, [0, 1]);
  assert.deepEqual(r.tpr, [0, 1]);
  assert.deepEqual(r.thresholds, [1.5, 0.5]);
  assert.equal(auc(r.fpr, r.tpr), 0.5);
  // sklearn's docstring example
  near(averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.8333333333333333, 'AP example');
});

test('auc integrates decreasing x too and rejects non-monotonic x', () => {
  assert.equal(auc([1, 0.5, 0], [1, 1, 1]), 1);
  assert.throws(() => auc([0, 1, 0.5], [1, 1, 1]), /neither increasing nor decreasing/);
});

test('bad input is a clear error', () => {
  assert.throws(() => rocAucScore([1, 1, 1], [0.2, 0.3, 0.4]), /only one class present/);
  assert.throws(() => rocCurve([0, 1], [0.1, 0.2, 0.3]), /yTrue has 2 entries but yScore has 3/);
  assert.throws(() => rocCurve([2, 3], [0.1, 0.2]), /posLabel is not given/);
  assert.throws(() => rocCurve([0, 1], [0.1, NaN]), /yScore\[1\] is NaN/);
  assert.throws(() => rocAucScore([0, 1, 2], [[0.5, 0.5, 0.5], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]), /row 0 sums to 1.5/);
  assert.throws(() => rocAucScore([0, 1, 2], [[0.5, 0.5], [0.2, 0.8], [0.1, 0.9]]), /3 classes .* 2 columns/);
});
