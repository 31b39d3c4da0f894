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

test('s5-usps data=usps reads a USPS libsvm file (16×16 rows); per-batch loss recorded; verbose 3 prints batches', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { RunStore } = await import('../../src/track/store.js');
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-s5usps-'));
  // 200 rows: digit d lights pixels 20d+1..20d+20 (libsvm labels are digit + 1).
  const rows: string[] = [];
  for (let i = 0; i < 200; i++) {
    const d = i % 10;
    rows.push(`${d + 1} ${Array.from({ length: 20 }, (_, k) => `${20 * d + k + 1}:1`).join(' ')}`);
  }
  writeFileSync(join(dir, 'usps'), rows.join('\n') + '\n');
  const store = RunStore.open(join(dir, 'r.db'));
  const tracking = new StudyTracking(store, 's5-usps', 1);
  const lines: string[] = [];
  const r = await s5Usps.run({ epochs: 30, seed: 1, log: (l) => lines.push(l), tracking, params: { data: 'usps', dataPath: dir, hidden: '20', verbose: '3', optimizer: 'adam', lr: '0.03' } });
  tracking.finish();
  assert.match(lines[0], /USPS 200 16×16 digits/);
  assert.match(lines[0], /256-h-10/);
  assert.ok(r.testAccuracy > 0.9, `separable toy USPS: ${r.testAccuracy}`);
  assert.ok(lines.some((l) => /h=20 batch 1: loss/.test(l)));
  assert.ok(lines.some((l) => /h=20 epoch 1\/30/.test(l)));
  const batches = store.scalars(tracking.runIds[0], { tag: 'batch/loss' });
  assert.equal(batches.length, 30 * 2, '140 training rows in batches of 100: 2 per epoch');
  store.close();
  await assert.rejects(s5Usps.run({ epochs: 1, seed: 1, log: () => {}, tracking: StudyTracking.off('s5-usps', 1), params: { data: 'usps', dataPath: join(dir, 'nope') } }), /nope/);
});
