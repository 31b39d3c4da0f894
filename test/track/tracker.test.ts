/** Tracker: a real fit() run logs every metric per epoch and weight/gradient histograms of every parameter. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Linear, MSELoss, ReLU, Sequential } from '../../src/nn/index.js';
import { SGD } from '../../src/optim/sgd.js';
import { fit } from '../../src/train/fit.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { RunStore } from '../../src/track/store.js';
import { Tracker } from '../../src/track/tracker.js';

function batches(seed: number): Tensor[][] {
  const g = new Generator(seed);
  const out: Tensor[][] = [];
  for (let b = 0; b < 3; b++) {
    const x = Float32Array.from({ length: 8 * 2 }, () => g.uniform(-1, 1));
    const y = Float32Array.from({ length: 8 }, (_, i) => x[2 * i]! - 0.5 * x[2 * i + 1]!);
    out.push([new Tensor(x, [8, 2]), new Tensor(y, [8, 1])]);
  }
  return out;
}

test('Tracker logs metrics and weight/gradient histograms of every parameter, then finishes the run', async () => {
  const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'gradlab-tracker-')), 'g.db'));
  const gen = new Generator(7);
  const model = new Sequential(new Linear(2, 4, { generator: gen }), new ReLU(), new Linear(4, 1, { generator: gen }));
  const tracker = Tracker.start({ db: store, study: 'toy', config: { hidden: 4 }, seed: 7 }, { histogramEvery: 2, logBatches: true, buckets: 5 });
  const loss = new MSELoss();
  const result = await fit({
    model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), lossFn: (o, t) => loss.forward(o, t),
    train: batches(1), val: batches(2), test: batches(3), epochs: 3, callbacks: [tracker],
  });
  const id = tracker.run.id;
  const info = store.getRun(id);
  assert.equal(info.status, 'finished');
  assert.equal(info.study, 'toy');

  const tags = store.tags(id);
  assert.deepEqual(tags.scalars, ['batch/loss', 'diag/dead_relu/1', 'final/bestEpoch', 'final/test_loss', 'lr', 'time/epoch_seconds', 'train/loss', 'val/loss']);
  // The ReLU's dead fraction on the validation batch, each epoch, in [0, 1] in quarters (4 units).
  const dead = store.scalars(id, { tag: 'diag/dead_relu/1' });
  assert.deepEqual(dead.map((p) => p.step), [1, 2, 3]);
  for (const p of dead) assert.ok([0, 0.25, 0.5, 0.75, 1].includes(p.value), `dead fraction ${p.value}`);
  assert.equal(Object.prototype.hasOwnProperty.call(model.at(1), 'forward'), false, 'the ReLU is unwrapped after training');
  // The kept model's test metrics, at the last epoch's step.
  assert.deepEqual(store.scalars(id, { tag: 'final/test_loss' }).map((p) => [p.step, p.value]), [[3, result.test!.loss]]);
  const trainLoss = store.scalars(id, { tag: 'train/loss' });
  assert.deepEqual(trainLoss.map((p) => p.step), [1, 2, 3]);
  assert.deepEqual(trainLoss.map((p) => p.value), result.history.map((h) => h.metrics['train/loss']));
  assert.deepEqual(store.scalars(id, { tag: 'batch/loss' }).map((p) => p.step), [1, 2, 3, 4, 5, 6, 7, 8, 9]);

  const names = model.namedParameters().map(([n]) => n);
  assert.deepEqual(tags.histograms, [...names.map((n) => `grads/${n}`), ...names.map((n) => `weights/${n}`)].sort());
  // weights at step 0 (before training) and every 2nd epoch; gradients only after an epoch.
  const w = store.histograms(id, { tag: `weights/${names[0]}` });
  assert.deepEqual(w.map((h) => h.step), [0, 2]);
  assert.equal(w[0]!.num, 8);
  assert.equal(w[0]!.counts.reduce((a, b) => a + b, 0), 8);
  assert.equal(w[0]!.limits.length, 5);
  assert.deepEqual(store.histograms(id, { tag: `grads/${names[0]}` }).map((h) => h.step), [2]);
  // The last weight histogram summarises the weights as they were after epoch 2, which
  // differ from the initial ones.
  assert.notEqual(w[1]!.sum, w[0]!.sum);
  store.close();
});

test('Tracker rejects a bad histogramEvery', () => {
  const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'gradlab-tracker-')), 'g.db'));
  const run = store.startRun();
  assert.throws(() => new Tracker(run, { histogramEvery: -1 }), /histogramEvery must be an integer ≥ 0, got -1/);
  run.finish();
  store.close();
});
