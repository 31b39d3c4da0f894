import assert from 'node:assert/strict';
import { mkdtempSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as g from '../../src/index.js';
import { loadCheckpoint } from '../../src/io/index.js';
import { Linear, F } from '../../src/nn/index.js';
import { SGD } from '../../src/optim/index.js';
import { StepLR, ReduceLROnPlateau } from '../../src/optim/schedulers.js';
import { EarlyStopping, LRSchedule, ModelCheckpoint, fit } from '../../src/train/index.js';
import type { EpochLogs, FitContext } from '../../src/train/index.js';

function ctx(): FitContext {
  const model = new Linear(2, 2);
  return { model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epoch: 0, epochs: 10, step: 0, batchesPerEpoch: 1, stopTraining: false };
}
const logs = (epoch: number, m: Record<string, number>): EpochLogs => ({ epoch, metrics: m, seconds: 0 });

test('EarlyStopping stops after `patience` epochs without improvement', () => {
  const es = new EarlyStopping({ patience: 2 });
  const c = ctx();
  es.onTrainBegin();
  const losses = [1.0, 0.8, 0.85, 0.9, 0.95];
  losses.forEach((v, i) => { if (!c.stopTraining) es.onEpochEnd(c, logs(i + 1, { 'val/loss': v })); });
  assert.equal(c.stopTraining, true);
  assert.equal(es.stoppedEpoch, 5);
  assert.equal(es.bestEpoch, 2);
  assert.equal(new EarlyStopping({ monitor: 'val/accuracy' }).mode, 'max');
  assert.throws(() => es.onEpochEnd(c, logs(6, { 'train/loss': 1 })), /metric 'val\/loss' is not in the epoch logs \(have: train\/loss\)/);
});

test('ModelCheckpoint writes only on improvement, and the file restores the model', async () => {
  const d = mkdtempSync(join(tmpdir(), 'gradlab-ckpt-'));
  const mc = new ModelCheckpoint({ path: join(d, 'e{epoch}.safetensors') });
  const c = ctx();
  mc.onEpochEnd(c, logs(1, { 'val/loss': 1 }));
  mc.onEpochEnd(c, logs(2, { 'val/loss': 2 }));
  mc.onEpochEnd(c, logs(3, { 'val/loss': 0.5 }));
  assert.deepEqual(mc.saved.map((p) => p.slice(d.length + 1)), ['e1.safetensors', 'e3.safetensors']);
  assert.ok(!existsSync(join(d, 'e2.safetensors')));
  const fresh = new Linear(2, 2);
  const info = loadCheckpoint(join(d, 'e3.safetensors'), fresh);
  assert.equal(info.epoch, 3);
  assert.deepEqual(fresh.weight.toFlatArray(), (c.model as Linear).weight.toFlatArray());
});

test('LRSchedule steps a schedule per epoch, and ReduceLROnPlateau on the monitored metric', async () => {
  const model = new Linear(2, 2);
  const opt = new SGD(model.parameters(), { lr: 1 });
  const x = g.randn([4, 2]);
  const y = g.tensor([0, 1, 0, 1], { dtype: 'int32' });
  const r = await fit({
    model, optimizer: opt, epochs: 4, lossFn: (o, t) => F.crossEntropy(o, t), train: [[x, y]],
    callbacks: [new LRSchedule(new StepLR(opt, 2, 0.5))],
  });
  assert.deepEqual(r.history.map((h) => h.metrics.lr), [1, 1, 0.5, 0.5]);
  const opt2 = new SGD(model.parameters(), { lr: 1 });
  const plateau = new LRSchedule(new ReduceLROnPlateau(opt2, { patience: 0, factor: 0.5 }), { monitor: 'val/loss' });
  const c = { ...ctx(), optimizer: opt2 };
  plateau.onEpochEnd(c, logs(1, { 'val/loss': 1 }));
  plateau.onEpochEnd(c, logs(2, { 'val/loss': 1 }));
  assert.deepEqual(opt2.lrs, [0.5]);
});

test('ModelCheckpoint removes the temp files of saves killed in an earlier run when training starts', () => {
  const d = mkdtempSync(join(tmpdir(), 'gradlab-ckpt-tmp-'));
  const stale = join(d, '.e7.safetensors.4194311.deadbeef.tmp'); // pid above pid_max: gone
  writeFileSync(stale, new Uint8Array(4096));
  const mc = new ModelCheckpoint({ path: join(d, 'e{epoch}.safetensors') });
  mc.onTrainBegin();
  assert.equal(existsSync(stale), false);
});
