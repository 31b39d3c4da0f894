/** Record views of results have the run store's shapes (rows/cols/values, series, dims/coords). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confusionMatrix } from '../../src/metrics/classification.js';
import { rocCurvesOvr, precisionRecallCurve } from '../../src/metrics/ranking.js';
import { confusionRecord, pointsRecord, prRecord, rocRecord } from '../../src/metrics/records.js';

test('confusion, ROC, PR and points records', () => {
  const m = confusionRecord(confusionMatrix([0, 1, 2, 2], [0, 2, 2, 2]), 'val');
  assert.deepEqual(m, { rows: 3, cols: 3, values: [1, 0, 0, 0, 0, 1, 0, 0, 2], rowLabels: ['0', '1', '2'], colLabels: ['0', '1', '2'], rowTitle: 'true', colTitle: 'predicted', caption: 'val' });
  const roc = rocRecord(rocCurvesOvr([0, 1, 0, 1], [[0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.45, 0.55]]));
  assert.equal(roc.series.length, 2);
  assert.deepEqual(roc.series[1], { label: '1', x: [0, 0, 0, 1], y: [0, 0.5, 1, 1], score: 1 });
  assert.equal(roc.xLabel, 'false positive rate');
  const pr = prRecord([{ label: 'spam', ...precisionRecallCurve([0, 1, 1], [0.1, 0.9, 0.4]), ap: 1 }]);
  assert.deepEqual(pr.series[0].x, [1, 1, 0.5, 0]);
  const p = pointsRecord({ embedding: Float64Array.from([0, 1, 2, 3]), rows: 2, cols: 2 }, Int32Array.from([7, 8]));
  assert.deepEqual(p, { dims: 2, coords: [0, 1, 2, 3], labels: [7, 8] });
  assert.throws(() => pointsRecord({ data: new Float64Array(8), rows: 2, cols: 4 }), /2 or 3 dimensions, got 4/);
  assert.throws(() => pointsRecord({ data: new Float64Array(4), rows: 2, cols: 2 }, [1]), /2 points but 1 labels/);
});
