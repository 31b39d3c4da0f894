/**
 * s5-nonlinear (S5): two-class 2-D problems that a linear model cannot solve — two Gaussian
 * blobs, four blobs in an XOR layout, a 4×4 checkerboard (genArti in src/data/synthetic.ts) —
 * with the coursework's network Linear(2, h) → tanh → Linear(h, 1) → sigmoid, MSE on 0/1
 * targets and mini-batch SGD, for h = 2…5 hidden units. Each model is one run; its decision
 * boundary is logged as a Vega-Lite figure (a grid of predicted classes as a heat-map layer,
 * the test points on top), and the study prints test accuracy per dataset and hidden size.
 *
 * Params: datasets (blobs,xor,checkerboard), hidden (2,3,4,5), activation (tanh | sigmoid for
 * the hidden layer), lr (0.5), batch (20), n (points per set, 1000), grid (cells per side, 50).
 */
import { manualSeed } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Linear, Module, Sequential, Sigmoid, Tanh } from '../nn/index.js';
import { mseLoss } from '../nn/functional.js';
import { SGD } from '../optim/sgd.js';
import { DataLoader, TensorDataset } from '../data/index.js';
import { ArtiKind, ArtiSet, genArti } from '../data/synthetic.js';
import { fit } from '../train/fit.js';
import type { Callback, EpochLogs } from '../train/callbacks.js';
import type { JsonValue } from '../track/types.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult, tracked } from './study.js';

const KINDS: ArtiKind[] = ['blobs', 'xor', 'checkerboard'];

/** P(class 1) for each row of x [n, 2] (eval mode, no graph). */
function probabilities(model: Module, x: Float32Array, n: number): Float32Array {
  model.eval();
  const out = noGrad(() => model.forward(new Tensor(x, [n, 2])));
  model.train();
  return Float32Array.from(out.data);
}

export function binaryAccuracy(model: Module, set: ArtiSet): number {
  const p = probabilities(model, set.x, set.n);
  let hits = 0;
  for (let i = 0; i < set.n; i++) if ((p[i] > 0.5 ? 1 : 0) === set.y[i]) hits++;
  return hits / set.n;
}

/** Adds train/accuracy and test/accuracy (threshold 0.5) to each epoch's metrics before they are logged. */
class BinaryAccuracy implements Callback {
  constructor(private readonly model: Module, private readonly train: ArtiSet, private readonly test: ArtiSet) {}

  onEpochEnd(_ctx: unknown, logs: EpochLogs): void {
    logs.metrics['train/accuracy'] = binaryAccuracy(this.model, this.train);
    logs.metrics['test/accuracy'] = binaryAccuracy(this.model, this.test);
  }
}

/**
 * A Vega-Lite decision-boundary figure: cells of a `grid`×`grid` lattice over the points' range,
 * coloured by predicted class (shaded by confidence), with the points coloured by true class.
 */
export function decisionBoundarySpec(model: Module, points: ArtiSet, opts: { grid?: number; title?: string; size?: number; maxPoints?: number } = {}): { [key: string]: JsonValue } {
  const g = opts.grid ?? 50;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < points.n; i++) {
    x0 = Math.min(x0, points.x[2 * i]); x1 = Math.max(x1, points.x[2 * i]);
    y0 = Math.min(y0, points.x[2 * i + 1]); y1 = Math.max(y1, points.x[2 * i + 1]);
  }
  const mx = 0.1 * (x1 - x0 || 1);
  const my = 0.1 * (y1 - y0 || 1);
  x0 -= mx; x1 += mx; y0 -= my; y1 += my;
  const dx = (x1 - x0) / g;
  const dy = (y1 - y0) / g;
  const centres = new Float32Array(2 * g * g);
  for (let r = 0; r < g; r++) for (let c = 0; c < g; c++) {
    centres[2 * (r * g + c)] = x0 + (c + 0.5) * dx;
    centres[2 * (r * g + c) + 1] = y0 + (r + 0.5) * dy;
  }
  const p = probabilities(model, centres, g * g);
  const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;
  const cells: JsonValue[] = [];
  for (let k = 0; k < g * g; k++) {
    const cx = centres[2 * k], cy = centres[2 * k + 1];
    cells.push({ x: r4(cx - dx / 2), x2: r4(cx + dx / 2), y: r4(cy - dy / 2), y2: r4(cy + dy / 2), class: p[k] > 0.5 ? '1' : '0', p: r4(p[k]) });
  }
  const pts: JsonValue[] = [];
  const every = Math.max(1, Math.ceil(points.n / (opts.maxPoints ?? points.n)));
  for (let i = 0; i < points.n; i += every) pts.push({ x: r4(points.x[2 * i]), y: r4(points.x[2 * i + 1]), class: String(points.y[i]) });
  const color = { field: 'class', type: 'nominal', scale: { domain: ['0', '1'], range: ['#4c78a8', '#e45756'] }, title: 'class' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: opts.title ?? 'decision boundary',
    width: opts.size ?? 360,
    height: opts.size ?? 360,
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', opacity: 0.35 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: { domain: [r4(x0), r4(x1)], nice: false }, title: 'x1' },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', scale: { domain: [r4(y0), r4(y1)], nice: false }, title: 'x2' },
          y2: { field: 'y2' },
          color,
          tooltip: [{ field: 'p', type: 'quantitative', title: 'P(class 1)' }],
        },
      },
      {
        data: { values: pts },
        mark: { type: 'circle', size: 14, opacity: 0.9, stroke: 'white', strokeWidth: 0.3 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color },
      },
    ],
  };
}

function floatTargets(y: Int32Array): Tensor {
  return new Tensor(Float32Array.from(y), [y.length, 1]);
}

export const s5Nonlinear: Study = {
  name: 's5-nonlinear',
  title: 'S5: 2-D blobs / XOR / checkerboard, Linear(2,h)-tanh-Linear(h,1)-sigmoid, MSE, SGD, h = 2..5; decision boundaries',
  defaultEpochs: 100,
  params: [
    { name: 'datasets', type: 'string', list: KINDS, default: KINDS.join(','), help: 'which 2-D sets' },
    { name: 'hidden', type: 'string', list: 'int', min: 1, max: 1024, default: '2,3,4,5', help: 'hidden sizes, one network each' },
    { name: 'activation', type: 'choice', choices: ['tanh', 'sigmoid'], default: 'tanh', help: 'hidden activation' },
    { name: 'lr', type: 'float', min: 1e-6, max: 100, default: 0.5, help: 'SGD learning rate' },
    { name: 'batch', type: 'int', min: 1, max: 100000, default: 20, help: 'mini-batch size' },
    { name: 'n', type: 'int', min: 10, max: 1000000, default: 1000, help: 'training (and test) points per set' },
    { name: 'grid', type: 'int', min: 5, max: 400, default: 50, help: 'decision-boundary grid cells per side' },
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const epochs = o.epochs ?? this.defaultEpochs;
    const kinds = P.list('datasets') as ArtiKind[];
    const hidden = P.nums('hidden');
    const activation = P.str('activation');
    const lr = P.num('lr');
    const batchSize = P.num('batch');
    const n = P.num('n');
    const grid = P.num('grid');
    const gen = manualSeed(o.seed);
    o.log(`s5-nonlinear: ${n} training and ${n} test points per set, Linear(2,h)-${activation}-Linear(h,1)-sigmoid, MSE, SGD lr ${lr}, batch ${batchSize}, ${epochs} epochs`);
    const results: { dataset: ArtiKind; hidden: number; trainAccuracy: number; testAccuracy: number; testLoss: number }[] = [];
    // Every decision boundary also goes into one figure grid (rows: datasets, columns: hidden sizes) of one summary run.
    const panels: { [key: string]: JsonValue }[] = [];
    for (const kind of kinds) {
      // XOR blobs are drawn wider than the default so that the classes touch a little.
      const setOpts = kind === 'checkerboard' ? { kind } : { kind, sigma: kind === 'xor' ? 0.3 : 0.4 };
      const train = genArti({ ...setOpts, n, gen: gen.fork() });
      const test = genArti({ ...setOpts, n, gen: gen.fork() });
      for (const h of hidden) {
        const mg = gen.fork();
        const model = new Sequential(new Linear(2, h, { generator: mg }), activation === 'tanh' ? new Tanh() : new Sigmoid(), new Linear(h, 1, { generator: mg }), new Sigmoid());
        const tracker = o.tracking.variant(`${kind}-h${h}`, { dataset: kind, hidden: h, activation, output: 'sigmoid', loss: 'MSE', optimizer: 'SGD', lr, batchSize, epochs, n });
        const r = await fit({
          model, optimizer: new SGD(model.parameters(), { lr }), epochs,
          lossFn: (out, y) => mseLoss(out, y),
          train: new DataLoader(new TensorDataset(new Tensor(train.x, [n, 2]), floatTargets(train.y)), { batchSize, shuffle: true, generator: gen.fork() }),
          test: new DataLoader(new TensorDataset(new Tensor(test.x, [n, 2]), floatTargets(test.y)), { batchSize: 1000 }),
          callbacks: [new BinaryAccuracy(model, train, test), ...tracked(tracker)],
        });
        const row = { dataset: kind, hidden: h, trainAccuracy: binaryAccuracy(model, train), testAccuracy: binaryAccuracy(model, test), testLoss: r.test!.loss };
        results.push(row);
        tracker?.run.logFigure('decision-boundary', {
          format: 'vega-lite',
          spec: decisionBoundarySpec(model, test, { grid, title: `${kind}, ${h} hidden ${activation} units: test accuracy ${row.testAccuracy.toFixed(3)}` }),
          caption: `predicted class over the plane (shaded) and the ${n} test points`,
        }, epochs);
        const { $schema: _s, ...panel } = decisionBoundarySpec(model, test, { grid: Math.min(grid, 30), size: 170, maxPoints: 250, title: `${kind}, h=${h}: test ${row.testAccuracy.toFixed(3)}` });
        panels.push(panel);
        o.log(`  ${kind.padEnd(12)} h=${h}  train accuracy ${row.trainAccuracy.toFixed(3)}  test accuracy ${row.testAccuracy.toFixed(3)}  test MSE ${row.testLoss.toFixed(4)}`);
      }
    }
    o.log('test accuracy (rows: dataset, columns: hidden units)');
    o.log('  ' + ''.padEnd(12) + hidden.map((h) => `h=${h}`.padStart(8)).join(''));
    for (const kind of kinds) {
      o.log('  ' + kind.padEnd(12) + hidden.map((h) => results.find((r) => r.dataset === kind && r.hidden === h)!.testAccuracy.toFixed(3).padStart(8)).join(''));
    }
    const mean = results.reduce((a, r) => a + r.testAccuracy, 0) / results.length;
    const summary = o.tracking.variant('boundaries', { datasets: kinds, hidden, activation, lr, batchSize, epochs, n });
    if (summary) {
      summary.run.logFigure('decision-boundaries', {
        format: 'vega-lite',
        spec: { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', columns: hidden.length, concat: panels, resolve: { scale: { color: 'shared' } } },
        caption: `the ${panels.length} networks' decision boundaries (rows: ${kinds.join(', ')}; columns: ${hidden.map((h) => `${h} hidden units`).join(', ')}); ${Math.min(grid, 30)}×${Math.min(grid, 30)} cells, 250 of the test points each`,
      }, epochs);
      summary.run.logMatrix('test-accuracy', {
        rows: kinds.length, cols: hidden.length, rowLabels: kinds, colLabels: hidden.map((h) => `h=${h}`), rowTitle: 'dataset', colTitle: 'hidden units',
        values: kinds.flatMap((k) => hidden.map((h) => results.find((r) => r.dataset === k && r.hidden === h)!.testAccuracy)), caption: 'test accuracy',
      }, epochs);
    }
    return {
      study: this.name, seed: o.seed, epochs, testAccuracy: mean,
      testLoss: results.reduce((a, r) => a + r.testLoss, 0) / results.length,
      history: [], results,
    };
  },
};
