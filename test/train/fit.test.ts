import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as g from '../../src/index.js';
import { DataLoader, TensorDataset } from '../../src/data/index.js';
import { Linear, ReLU, Sequential, F } from '../../src/nn/index.js';
import { Adam, SGD } from '../../src/optim/index.js';
import { fit, NonFiniteLossError, InterruptedError, requestStop, clearStop } from '../../src/train/index.js';
import type { Callback, EpochLogs } from '../../src/train/index.js';

/** Two Gaussian blobs in 2-d: an easy, seeded classification problem. */
function blobs(n: number, seed: number): TensorDataset {
  const gen = new g.Generator(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    x[2 * i] = gen.normal(y[i] ? 2 : -2, 1);
    x[2 * i + 1] = gen.normal(y[i] ? 2 : -2, 1);
  }
  return new TensorDataset(new g.Tensor(x, [n, 2]), new g.Tensor(y, [n]));
}

test('fit learns, logs every epoch, keeps the best model and calls callbacks in order', async () => {
  g.manualSeed(0);
  const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
  const events: string[] = [];
  const cb: Callback = {
    onTrainBegin: () => { events.push('begin'); },
    onEpochEnd: (_c, l: EpochLogs) => { events.push(`epoch${l.epoch}`); },
    onTrainEnd: () => { events.push('end'); },
  };
  const lines: string[] = [];
  const r = await fit({
    model, optimizer: new Adam(model.parameters(), { lr: 0.05 }), epochs: 5,
    lossFn: (o, y) => F.crossEntropy(o, y),
    train: new DataLoader(blobs(400, 1), { batchSize: 50, shuffle: true, generator: new g.Generator(2) }),
    val: new DataLoader(blobs(200, 3), { batchSize: 100 }),
    test: new DataLoader(blobs(200, 4), { batchSize: 100 }),
    callbacks: [cb], log: (l) => lines.push(l),
  });
  assert.deepEqual(events, ['begin', 'epoch1', 'epoch2', 'epoch3', 'epoch4', 'epoch5', 'end']);
  assert.equal(r.history.length, 5);
  assert.ok(r.history[4].metrics['train/loss'] < r.history[0].metrics['train/loss']);
  assert.ok(r.test!.accuracy! > 0.95, `test accuracy ${r.test!.accuracy}`);
  const bestVal = Math.max(...r.history.map((h) => h.metrics['val/accuracy']));
  assert.equal(r.history[r.bestEpoch! - 1].metrics['val/accuracy'], bestVal);
  assert.match(lines[0], /^epoch 1\/5  train\/loss [\d.]+  train\/accuracy [\d.]+  val\/loss [\d.]+  val\/accuracy [\d.]+/);
  assert.equal(r.history[0].metrics.lr, 0.05);
});

test('a callback can stop training early', async () => {
  const model = new Linear(2, 2);
  const r = await fit({
    model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 10,
    lossFn: (o, y) => F.crossEntropy(o, y),
    train: new DataLoader(blobs(40, 1), { batchSize: 10 }),
    callbacks: [{ onEpochEnd: (c) => { if (c.epoch === 3) c.stopTraining = true; } }],
  });
  assert.equal(r.history.length, 3);
});

test('a diverging loss stops with a message naming epoch and step', async () => {
  const model = new Linear(2, 1);
  const x = g.tensor([[1e30, 1e30]]);
  const y = g.tensor([[0]]);
  await assert.rejects(
    fit({ model, optimizer: new SGD(model.parameters(), { lr: 1e10 }), epochs: 3, lossFn: (o, t) => F.mseLoss(o, t), train: [[x, y], [x, y]] }),
    /the training loss became (Infinity|NaN) at epoch 1, step \d/,
  );
});

test('a non-finite loss restores the weights of the last good epoch before stopping', async () => {
  g.manualSeed(3);
  const model = new Linear(2, 1);
  const good = g.tensor([[1, 2]]);
  const bad = g.tensor([[1e30, 1e30]]);
  const y = g.tensor([[0]]);
  let kept: number[] = [];
  const err = await fit({
    model, optimizer: new SGD(model.parameters(), { lr: 1e10 }), epochs: 3, lossFn: (o, t) => F.mseLoss(o, t),
    // epoch 1 trains on a finite batch; epoch 2 sees the batch that overflows
    train: { length: 1, *[Symbol.iterator]() { yield (kept.length === 0 ? [good, y] : [bad, y]) as [g.Tensor, g.Tensor]; } },
    callbacks: [{ onEpochEnd: (c) => { kept = Array.from(c.model.parameters().flatMap((p) => Array.from(p.data as ArrayLike<number>))); } }],
  }).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof NonFiniteLossError, String(err));
  assert.match(err.message, /became (Infinity|NaN) at epoch 2, step 2 .*the model holds epoch 1's weights again/);
  const now = model.parameters().flatMap((p) => Array.from(p.data as ArrayLike<number>));
  assert.ok(now.every(Number.isFinite), `weights ${now}`);
  assert.deepEqual(now, kept);
});

test('a loss growing by orders of magnitude is flagged once (Adam at a huge rate)', async () => {
  g.manualSeed(4);
  const model = new Linear(4, 1);
  const gen = new g.Generator(5);
  const x = g.tensor(Array.from({ length: 32 }, () => Array.from({ length: 4 }, () => gen.normal(0, 1))));
  const y = g.tensor(Array.from({ length: 32 }, () => [gen.normal(0, 1)]));
  const lines: string[] = [];
  const r = await fit({
    model, optimizer: new Adam(model.parameters(), { lr: 1e6 }), epochs: 20, lossFn: (o, t) => F.mseLoss(o, t),
    train: [[x, y]], log: (l) => lines.push(l),
  });
  assert.ok(r.diverged, 'diverged is set');
  assert.ok(r.diverged.loss >= 1000 * r.diverged.firstLoss);
  const warnings = lines.filter((l) => l.includes('diverging'));
  assert.equal(warnings.length, 1, lines.join('\n'));
  assert.match(warnings[0]!, /the training loss is diverging: .* at epoch \d+, step \d+/);
  // a healthy run is not flagged
  const calm = new Linear(4, 1);
  const r2 = await fit({ model: calm, optimizer: new Adam(calm.parameters(), { lr: 1e-2 }), epochs: 20, lossFn: (o, t) => F.mseLoss(o, t), train: [[x, y]], log: () => undefined });
  assert.equal(r2.diverged, null);
});

test('a stop request (Ctrl-C in the CLI) ends fit at the next step with InterruptedError', async () => {
  g.manualSeed(6);
  const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
  const epochs: number[] = [];
  try {
    await assert.rejects(
      fit({
        model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 50, lossFn: (o, y) => F.crossEntropy(o, y),
        train: new DataLoader(blobs(40, 1), { batchSize: 10 }),
        callbacks: [{
          onEpochEnd: (_c, l) => { epochs.push(l.epoch); },
          onBatchEnd: (c) => { if (c.epoch === 2 && c.step === 6) requestStop('SIGINT'); },
        }],
      }),
      (e: unknown) => e instanceof InterruptedError && e.exitCode === 130 && /fit \(epoch 2, step 6\): interrupted by SIGINT/.test(e.message),
    );
  } finally {
    clearStop();
  }
  assert.deepEqual(epochs, [1]);
});

test('fit gives the event loop turns: a timer set before fit runs during it', async () => {
  const model = new Linear(2, 2);
  let fired = -1;
  let steps = 0;
  setTimeout(() => { fired = steps; }, 0);
  const x = g.randn([4, 2]);
  const y = g.tensor([0, 1, 0, 1], { dtype: 'int32' });
  await fit({
    model, optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: 400, lossFn: (o, t) => F.crossEntropy(o, t), train: [[x, y]],
    callbacks: [{ onBatchEnd: () => { steps++; } }],
  });
  assert.ok(fired >= 0 && fired < steps, `timer fired after ${fired} of ${steps} steps`);
});

// NOTE: on webgpu, device buffers are freed by FinalizationRegistry callbacks, which run only when the
// event loop turns; this loop is synchronous on purpose (test/backend/webgpu/memory.test.ts covers webgpu).
const syncLoopSkip = process.env.GRADLAB_BACKEND === 'webgpu'
  ? 'webgpu frees device buffers when the event loop turns, and this loop never yields (see test/backend/webgpu/memory.test.ts)' : false;

test('a 2,000-step training loop keeps its memory flat', { skip: syncLoopSkip }, () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  g.manualSeed(1);
  const model = new Sequential(new Linear(64, 64), new ReLU(), new Linear(64, 10));
  const opt = new Adam(model.parameters());
  const x = g.randn([32, 64]);
  const y = g.randint(0, 10, [32]);
  const used = (): number => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  // Each step allocates ~40 KB of tensors (activations, gradients, graph); a leak of even a tenth
  // of that would add > 6 MiB over 1,500 steps. ArrayBuffer backing stores are freed a little
  // after gc(), so each point is the smallest of three readings ten steps apart.
  const early: number[] = [];
  const late: number[] = [];
  for (let step = 1; step <= 2000; step++) {
    opt.zeroGrad();
    F.crossEntropy(model.forward(x), y).backward();
    opt.step();
    if (step === 500 || step === 510 || step === 520) early.push(used());
    if (step === 1980 || step === 1990 || step === 2000) late.push(used());
  }
  const growth = Math.min(...late) - Math.min(...early);
  assert.ok(growth < 6 * 1024 * 1024, `memory grew by ${(growth / 1048576).toFixed(2)} MiB between step 500 and 2000`);
});

test('resume: a fit stopped after epoch 2 and continued from its snapshot (dropout, LR schedule, early stopping, shuffles) equals the uninterrupted fit', async () => {
  const { Dropout } = await import('../../src/nn/index.js');
  const { StepLR } = await import('../../src/optim/schedulers.js');
  const { LRSchedule } = await import('../../src/train/lr-schedule.js');
  const { EarlyStopping } = await import('../../src/train/early-stopping.js');
  const { saveFitSnapshot, loadFitSnapshot } = await import('../../src/io/checkpoint.js');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  type Snap = import('../../src/io/checkpoint.js').FitSnapshot;
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-fit-resume-'));
  const build = () => {
    const gen = new g.Generator(3);
    const model = new Sequential(new Linear(2, 8, { generator: gen }), new ReLU(), new Dropout(0.3, { generator: gen }), new Linear(8, 2, { generator: gen }));
    const optimizer = new Adam(model.parameters(), { lr: 0.05 });
    const data = blobs(120, 1);
    return {
      model, optimizer, epochs: 5, lossFn: (o: g.Tensor, y: g.Tensor) => F.crossEntropy(o, y),
      train: new DataLoader(data, { batchSize: 16, shuffle: true, generator: gen.fork() }),
      val: new DataLoader(blobs(40, 2), { batchSize: 40 }),
      callbacks: [new LRSchedule(new StepLR(optimizer, 2, 0.5)), new EarlyStopping({ patience: 10 })],
    };
  };
  const files = new Map<string, string>();
  class Stop extends Error {}
  const checkpointer = (stopAfter: number | null) => ({
    open: () => ({ key: 'fit-0', snapshot: files.has('last') ? loadFitSnapshot(files.get('last')!).snapshot : null }),
    save: (_k: string, s: Snap) => {
      const f = join(dir, `e${s.epoch}${s.done ? 'd' : ''}.safetensors`);
      saveFitSnapshot(f, s);
      files.set('last', f);
      if (stopAfter !== null && s.epoch === stopAfter && !s.done) throw new Stop('killed');
    },
  });
  const full = await fit({ ...build(), checkpoint: false });
  await assert.rejects(fit({ ...build(), checkpoint: checkpointer(2) }), Stop);
  const lines: string[] = [];
  const resumed = await fit({ ...build(), checkpoint: checkpointer(null), log: (l) => lines.push(l) });
  assert.match(lines[0], /resumed from checkpoint 'fit-0' after epoch 2/);
  assert.deepEqual(resumed.history.map((h) => h.metrics), full.history.map((h) => h.metrics));
  assert.equal(resumed.bestEpoch, full.bestEpoch);
  // A finished snapshot returns at once with the same result.
  const again = await fit({ ...build(), checkpoint: checkpointer(null) });
  assert.deepEqual(again.history.map((h) => h.metrics), full.history.map((h) => h.metrics));
  // startEpoch must be a positive integer.
  await assert.rejects(fit({ ...build(), startEpoch: 0, checkpoint: false }), /startEpoch must be an integer ≥ 1, got 0/);
});
