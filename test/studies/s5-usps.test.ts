import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { DIGITS_PATH } from '../../src/data/datasets/digits.js';
import { manualSeed } from '../../src/tensor/random.js';
import { digitsSplits, s5Usps } from '../../src/studies/s5-usps.js';
import { StudyTracking } from '../../src/studies/tracking.js';

const haveDigits = existsSync(DIGITS_PATH);

test('digitsSplits: 1,797 digits in [0, 1], split 70/10/20 without overlap', { skip: !haveDigits && 'python3-sklearn is not installed' }, () => {
  const s = digitsSplits(manualSeed(1));
  assert.equal(s.all.length, 1797);
  assert.deepEqual([s.train.length, s.val.length, s.test.length], [1258, 180, 359]);
  const seen = new Set([...s.train.indices, ...s.val.indices, ...s.test.indices]);
  assert.equal(seen.size, 1797);
  const x = s.all.tensors[0].data;
  assert.equal(Math.max(...x), 1);
  assert.equal(Math.min(...x), 0);
});

test('s5-usps: sigmoid MLPs learn the digits; SGD 0.1 and Adam 1e-3 both pass 0.85 with 50 hidden units', { skip: !haveDigits && 'python3-sklearn is not installed' }, async () => {
  const lines: string[] = [];
  const sgd = await s5Usps.run({ epochs: 70, seed: 1, log: (l) => lines.push(l), tracking: StudyTracking.off('s5-usps', 1), params: { hidden: '5,50' } });
  const rows = sgd.results as { hidden: number; testAccuracy: number }[];
  assert.deepEqual(rows.map((r) => r.hidden), [5, 50]);
  assert.ok(rows[1].testAccuracy > 0.85, `SGD h=50: ${rows[1].testAccuracy}`);
  assert.ok(rows[0].testAccuracy > 0.3 && rows[0].testAccuracy < rows[1].testAccuracy, `SGD h=5: ${rows[0].testAccuracy}`);
  assert.ok(lines.some((l) => /^ {11}5 {3}\s+0\.\d{3}\s+0\.84$/.test(l)), lines.join('\n'));
  const adam = await s5Usps.run({ epochs: 45, seed: 1, log: () => {}, tracking: StudyTracking.off('s5-usps', 1), params: { hidden: '50', optimizer: 'adam' } });
  assert.ok(adam.testAccuracy > 0.86, `Adam h=50: ${adam.testAccuracy}`);
  await assert.rejects(s5Usps.run({ epochs: 1, seed: 1, log: () => {}, tracking: StudyTracking.off('s5-usps', 1), params: { optimizer: 'lbfgs' } }), /s5-usps: --set optimizer=lbfgs: not one of sgd, adam/);
});
