import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { DIGITS_PATH } from '../../src/data/datasets/digits.js';
import { manualSeed } from '../../src/tensor/random.js';
import { randn } from '../../src/tensor/creation.js';
import { conv1dNet, mlpNet, s5Conv1d } from '../../src/studies/s5-conv1d.js';
import { StudyTracking } from '../../src/studies/tracking.js';

test('conv1dNet maps [N, 64] to [N, 10] through 32 channels of length 31', () => {
  const net = conv1dNet(64, 32, manualSeed(1));
  assert.deepEqual(net.forward(randn([4, 64], { generator: manualSeed(2) })).shape, [4, 10]);
  assert.equal(net.countParameters(), 32 * 3 + 32 + 992 * 100 + 100 + 100 * 10 + 10);
  assert.equal(mlpNet(64, manualSeed(1)).countParameters(), 64 * 100 + 100 + 100 * 10 + 10);
});

test('s5-conv1d: after 10 epochs the CNN and the MLP both classify the digits, scored at the checkpoints', { skip: !existsSync(DIGITS_PATH) && 'python3-sklearn is not installed' }, async () => {
  const lines: string[] = [];
  const r = await s5Conv1d.run({ epochs: 10, seed: 1, log: (l) => lines.push(l), tracking: StudyTracking.off('s5-conv1d', 1), params: { channels: '8' } });
  assert.deepEqual(r.checkpoints, [10]);
  const acc = r.accuracy as Record<string, Record<number, number>>;
  assert.ok(acc.cnn[10] > 0.85, `cnn ${acc.cnn[10]}`);
  assert.ok(acc.mlp[10] > 0.8, `mlp ${acc.mlp[10]}`);
  assert.equal(r.testAccuracy, acc.cnn[10]);
  assert.ok(lines.some((l) => /^ {2}cnn\s+0\.\d{3} \(0\.891\)$/.test(l)), lines.join('\n'));
  assert.equal((r.histories as Record<string, unknown[]>).mlp.length, 10);
});
