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
import { decisionBoundarySpec, probabilities } from './decision-boundary.js';

export { decisionBoundarySpec };

const KINDS: ArtiKind[] = ['blobs', 'xor', 'checkerboard'];

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
