/**
 * Diagnostics on real runs built to show each problem, and on runs built not to: tiny data →
 * over-fitting; a large negative bias → dead ReLU units; a deep sigmoid net → vanishing
 * gradients; a huge learning rate → loss divergence. Each run is a real fit() recorded by the
 * Tracker in a real store; the diagnostics read only the store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { constant_ } from '../../src/nn/init.js';
import { CrossEntropyLoss, Linear, MSELoss, ReLU, Sequential, Sigmoid, Tanh } from '../../src/nn/index.js';
import type { Module } from '../../src/nn/module.js';
import { Adam } from '../../src/optim/adam.js';
import { SGD } from '../../src/optim/sgd.js';
import { fit } from '../../src/train/fit.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { detectDivergence, detectOverfitting, diagnoseRun, type Diagnostic } from '../../src/track/diagnostics.js';
import { RunStore } from '../../src/track/store.js';
import { Tracker } from '../../src/track/tracker.js';

const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'gradlab-diag-')), 'g.db'));

/** n points in d dims, 2 classes by the sign of a fixed linear function, labels flipped with probability `noise`. */
function classification(gen: Generator, n: number, d: number, noise: number, batch: number): Tensor[][] {
  const out: Tensor[][] = [];
  for (let s = 0; s < n; s += batch) {
    const m = Math.min(batch, n - s);
    const x = Float32Array.from({ length: m * d }, () => gen.normal());
    const y = Int32Array.from({ length: m }, (_, i) => {
      let v = 0;
      for (let j = 0; j < d; j++) v += x[i * d + j]! * (j % 2 ? -1 : 1);
      const label = v > 0 ? 1 : 0;
      return gen.uniform(0, 1) < noise ? 1 - label : label;
    });
    out.push([new Tensor(x, [m, d]), new Tensor(y, [m])]);
  }
  return out;
}

async function record(name: string, model: Module, o: { train: Tensor[][]; val: Tensor[][]; epochs: number; lr: number; adam?: boolean; mse?: boolean }): Promise<Diagnostic[]> {
  const tracker = Tracker.start({ db: store, study: 'diag-test', name, seed: 1 });
  const ce = new CrossEntropyLoss();
  const mse = new MSELoss();
  const optimizer = o.adam ? new Adam(model.parameters(), { lr: o.lr }) : new SGD(model.parameters(), { lr: o.lr });
  await fit({
    model, optimizer, epochs: o.epochs, train: o.train, val: o.val, keepBest: false,
    lossFn: (out, t) => (o.mse ? mse.forward(out, t) : ce.forward(out, t)), callbacks: [tracker],
  });
  return diagnoseRun(store, tracker.run.id);
}

const kinds = (ds: Diagnostic[]): string[] => [...new Set(ds.map((d) => d.kind))].sort();

test('over-fitting: a wide MLP on 12 noisy samples is flagged at its validation minimum; the same net on 600 clean samples is not', async () => {
  const g = new Generator(3);
  const mlp = (): Module => new Sequential(new Linear(10, 64, { generator: g }), new Tanh(), new Linear(64, 64, { generator: g }), new Tanh(), new Linear(64, 2, { generator: g }));
  const val = classification(g, 200, 10, 0, 200);
  const over = await record('overfit', mlp(), { train: classification(g, 12, 10, 0.25, 12), val, epochs: 80, lr: 0.01, adam: true });
  const of = over.find((d) => d.kind === 'overfitting');
  assert.ok(of, `expected over-fitting, got ${JSON.stringify(over)}`);
  assert.ok(of.step >= 1 && of.step < 75, `onset at epoch ${of.step}`);
  assert.match(of.message, /^over-fitting from epoch \d+: validation loss/);
  const fine = await record('no-overfit', mlp(), { train: classification(g, 600, 10, 0, 50), val, epochs: 8, lr: 0.003, adam: true });
  assert.deepEqual(kinds(fine), [], JSON.stringify(fine));
});

test('over-fitting needs patience: a validation loss that rises for fewer epochs than the patience is not flagged', () => {
  const steps = [1, 2, 3, 4, 5, 6, 7];
  const train = steps.map((s) => ({ step: s, value: 1 / s }));
  const val = [1, 0.8, 0.7, 0.75, 0.78, 0.65, 0.6].map((v, i) => ({ step: i + 1, value: v }));
  assert.equal(detectOverfitting(train, val, { patience: 3 }), null);
  const up = [1, 0.8, 0.7, 0.75, 0.78, 0.8, 0.9].map((v, i) => ({ step: i + 1, value: v }));
  assert.equal(detectOverfitting(train, up, { patience: 3 })?.step, 3);
});

test('dead ReLU units: a bias of −20 before the ReLU kills every unit; default init leaves most alive', async () => {
  const g = new Generator(5);
  const data = classification(g, 64, 6, 0, 32);
  const dead = new Sequential(new Linear(6, 16, { generator: g }), new ReLU(), new Linear(16, 2, { generator: g }));
  constant_((dead.at(0) as Linear).bias!, -20);
  const ds = await record('dead-relu', dead, { train: data, val: data, epochs: 2, lr: 0.01 });
  const d = ds.find((x) => x.kind === 'dead-relu');
  assert.ok(d, JSON.stringify(ds));
  assert.equal(d.layer, '1');
  assert.equal(d.value, 1);
  const alive = new Sequential(new Linear(6, 16, { generator: g }), new ReLU(), new Linear(16, 2, { generator: g }));
  const ok = await record('alive-relu', alive, { train: data, val: data, epochs: 2, lr: 0.01 });
  assert.deepEqual(kinds(ok), [], JSON.stringify(ok));
  const frac = store.lastScalars(store.listRuns({ search: 'alive-relu' })[0]!.id)['diag/dead_relu/1']!.value;
  assert.ok(frac < 0.5, `alive net: ${frac} dead`);
});

test('vanishing gradients: a 10-layer sigmoid net is flagged; a 3-layer tanh net is not', async () => {
  const g = new Generator(9);
  const data = classification(g, 64, 8, 0, 32);
  const layers: Module[] = [];
  for (let i = 0; i < 10; i++) layers.push(new Linear(8, 8, { generator: g }), new Sigmoid());
  const deep = new Sequential(...layers, new Linear(8, 2, { generator: g }));
  const ds = await record('deep-sigmoid', deep, { train: data, val: data, epochs: 2, lr: 0.01 });
  const v = ds.find((x) => x.kind === 'vanishing-gradients');
  assert.ok(v, JSON.stringify(ds));
  assert.equal(v.layer, '0.weight');
  assert.ok(v.value < 1e-2);
  const shallow = new Sequential(new Linear(8, 8, { generator: g }), new Tanh(), new Linear(8, 8, { generator: g }), new Tanh(), new Linear(8, 2, { generator: g }));
  const ok = await record('shallow-tanh', shallow, { train: data, val: data, epochs: 2, lr: 0.01 });
  assert.deepEqual(kinds(ok), [], JSON.stringify(ok));
});

test('loss divergence: SGD past its stability limit (lr 0.15 on inputs of std 3) grows the loss each step and is flagged; lr 0.01 is not', async () => {
  const g = new Generator(11);
  const reg = (): Tensor[][] => Array.from({ length: 4 }, () => {
    const x = Float32Array.from({ length: 16 * 4 }, () => g.normal() * 3);
    const y = Float32Array.from({ length: 16 }, (_, i) => 2 * x[i * 4]! - x[i * 4 + 1]! + 0.5);
    return [new Tensor(x, [16, 4]), new Tensor(y, [16, 1])];
  });
  const data = reg();
  const net = (): Module => new Sequential(new Linear(4, 1, { generator: g }));
  const ds = await record('diverge', net(), { train: data, val: data, epochs: 6, lr: 0.15, mse: true });
  assert.ok(ds.some((d) => d.kind === 'divergence'), JSON.stringify(ds));
  const ok = await record('converge', net(), { train: data, val: data, epochs: 6, lr: 0.01, mse: true });
  assert.deepEqual(kinds(ok), [], JSON.stringify(ok));
  assert.equal(detectDivergence([{ step: 1, value: 1 }, { step: 2, value: 0.5 }, { step: 3, value: 0.4 }]), null);
});
