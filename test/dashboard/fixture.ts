/**
 * A run database made the way users make one: a short real training run (fit() with the
 * Tracker, a 784-32-10 MLP on 600 MNIST digits for 3 epochs, a couple of seconds), plus one
 * record of every media kind (a text heat-map, a digit image, a confusion matrix, ROC curves,
 * t-SNE-like points, a Vega-Lite figure, an SVG figure, text). Shared by the dashboard,
 * browser, CLI and report tests.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataLoader, randomSplit } from '../../src/data/index.js';
import { loadMnistPackage } from '../../src/data/mnist.js';
import { TensorDataset } from '../../src/data/dataset.js';
import { Linear, ReLU, Sequential } from '../../src/nn/index.js';
import { crossEntropy } from '../../src/nn/functional.js';
import { Adam } from '../../src/optim/adam.js';
import { fit } from '../../src/train/fit.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { RunStore } from '../../src/track/store.js';
import { Tracker } from '../../src/track/tracker.js';
import type { Run } from '../../src/track/run.js';

export interface Fixture {
  dir: string;
  dbPath: string;
  runId: string;
  /** A second, smaller run of the same study (for overlays and comparisons). */
  otherId: string;
  heatmap: { tokens: string[]; weights: number[] };
}

/** 600 train + 200 validation digits taken evenly from all classes. */
function digits(gen: Generator): { train: TensorDataset; val: TensorDataset } {
  const s = loadMnistPackage();
  const pick = gen.permutation(s.n).slice(0, 800);
  const x = new Float32Array(800 * 784);
  const y = new Int32Array(800);
  pick.forEach((k, i) => {
    x.set(s.images.subarray(k * 784, (k + 1) * 784), i * 784);
    y[i] = s.labels[k]!;
  });
  const all = new TensorDataset(new Tensor(x, [800, 784]), new Tensor(y, [800]));
  const [train, val] = randomSplit(all, [600, 200], gen.fork());
  return { train: train as unknown as TensorDataset, val: val as unknown as TensorDataset };
}

async function train(store: RunStore, seed: number, hidden: number, epochs: number, lr: number): Promise<Run> {
  const gen = new Generator(seed);
  const { train: tr, val } = digits(gen.fork());
  const model = new Sequential(new Linear(784, hidden, { generator: gen.fork() }), new ReLU(), new Linear(hidden, 10, { generator: gen.fork() }));
  const tracker = Tracker.start({ db: store, study: 'dash-test', config: { hidden, lr, epochs, batchSize: 100 }, seed }, { buckets: 20, finishOnEnd: false });
  await fit({
    model, optimizer: new Adam(model.parameters(), { lr }), epochs,
    lossFn: (o, t) => crossEntropy(o, t),
    train: new DataLoader(tr, { batchSize: 100, shuffle: true, generator: gen.fork() }),
    val: new DataLoader(val, { batchSize: 200 }),
    callbacks: [tracker],
  });
  return tracker.run;
}

export async function makeFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-dash-'));
  const dbPath = join(dir, 'gradlab.db');
  const store = RunStore.open(dbPath);
  const other = await train(store, 2, 16, 2, 3e-3);
  other.finish();
  const w = await train(store, 1, 32, 3, 2e-3);
  const heatmap = { tokens: ['the', 'movie', 'was', 'not', 'good', 'at', 'all'], weights: [0.02, 0.1, 0.03, 0.35, 0.4, 0.04, 0.06] };
  // What a study logs after fit(), before it finishes the run.
  w.logHeatmap('attention/review-0', { ...heatmap, caption: 'attention over a review' }, 3);
  const s = loadMnistPackage();
  w.logImage('digits/first', { width: 28, height: 28, channels: 1, data: s.images.subarray(0, 784) }, 3);
  w.logMatrix('confusion/val', { rows: 3, cols: 3, values: [50, 2, 1, 3, 45, 4, 0, 5, 40], rowLabels: ['0', '1', '2'], colLabels: ['0', '1', '2'], rowTitle: 'true', colTitle: 'predicted' }, 3);
  w.logCurves('roc/val', { series: [{ label: 'class 0', x: [0, 0.1, 0.3, 1], y: [0, 0.7, 0.9, 1], score: 0.91 }, { label: 'class 1', x: [0, 0.2, 0.5, 1], y: [0, 0.5, 0.8, 1], score: 0.78 }], xLabel: 'false positive rate', yLabel: 'true positive rate' }, 3);
  w.logPoints('tsne/val', { dims: 2, coords: [0, 0, 1, 1, 0.5, 0.2, 3, 3, 3.2, 2.9, 2.8, 3.1], labels: [0, 0, 0, 1, 1, 1] }, 3);
  w.logFigure('boundary/vl', { format: 'vega-lite', spec: { data: { values: [{ a: 1, b: 2 }, { a: 2, b: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'ordinal' }, y: { field: 'b', type: 'quantitative' } } } }, 3);
  w.logFigure('boundary/svg', { format: 'svg', svg: '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#4c78a8"/></svg>' }, 3);
  w.logText('notes', 'best epoch 3', 3);
  w.finish();
  store.close();
  return { dir, dbPath, runId: w.id, otherId: other.id, heatmap };
}

