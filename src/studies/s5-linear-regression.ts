/**
 * s5-linear-regression (S5): the modular library's first check. Points y = a·x1 + b·x2 + c + noise
 * with a = 1002, b = 13, c = 4 (src/data/synthetic.ts), a Linear(2, 1) trained with MSE and
 * mini-batch SGD must give back a, b and c (the report recovered 1002.01, 13.00, 3.85). The
 * exact least-squares solution of the same training points is printed beside it, so one sees
 * how much of the gap is noise in the data and how much is the optimiser.
 *
 * Params: n (points, 1000), noise (std of y's noise, 1), lr (0.1), batch (50).
 */
import { manualSeed } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { Linear } from '../nn/index.js';
import { mseLoss } from '../nn/functional.js';
import { SGD } from '../optim/sgd.js';
import { DataLoader, TensorDataset, randomSplit } from '../data/index.js';
import { linearRegressionData } from '../data/synthetic.js';
import { fit } from '../train/fit.js';
import type { Callback, EpochLogs, FitContext } from '../train/callbacks.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult, historyRows, tracked } from './study.js';

/** Exact least squares for y ≈ a·x1 + b·x2 + c (normal equations, float64, Cramer's rule). */
export function leastSquares2(x: Float32Array, y: Float32Array, rows: Int32Array): { a: number; b: number; c: number } {
  // Sums for the 3×3 system [x1 x2 1]ᵀ[x1 x2 1]·θ = [x1 x2 1]ᵀy.
  const m = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const r = [0, 0, 0];
  for (const i of rows) {
    const f = [x[2 * i], x[2 * i + 1], 1];
    for (let p = 0; p < 3; p++) {
      r[p] += f[p] * y[i];
      for (let q = 0; q < 3; q++) m[p][q] += f[p] * f[q];
    }
  }
  const det = (k: number[][]): number =>
    k[0][0] * (k[1][1] * k[2][2] - k[1][2] * k[2][1]) - k[0][1] * (k[1][0] * k[2][2] - k[1][2] * k[2][0]) + k[0][2] * (k[1][0] * k[2][1] - k[1][1] * k[2][0]);
  const d = det(m);
  if (Math.abs(d) < 1e-12) throw new RangeError(`leastSquares2: the ${rows.length} points do not determine a plane (determinant ${d})`);
  const col = (j: number): number => det(m.map((row, p) => row.map((v, q) => (q === j ? r[p] : v)))) / d;
  return { a: col(0), b: col(1), c: col(2) };
}

/** Reads a, b, c off the Linear layer. */
function coefficients(lin: Linear): { a: number; b: number; c: number } {
  const w = lin.weight.data;
  return { a: w[0], b: w[1], c: lin.bias ? lin.bias.data[0] : 0 };
}

/** Logs the coefficients each epoch ('coef/a', 'coef/b', 'coef/c') so their path can be plotted. */
class CoefficientLog implements Callback {
  constructor(private readonly lin: Linear, private readonly sink: (values: Record<string, number>, epoch: number) => void) {}

  onEpochEnd(_ctx: FitContext, logs: EpochLogs): void {
    const k = coefficients(this.lin);
    this.sink({ 'coef/a': k.a, 'coef/b': k.b, 'coef/c': k.c }, logs.epoch);
  }
}

export const s5LinearRegression: Study = {
  name: 's5-linear-regression',
  title: 'S5: Linear(2,1), MSE, mini-batch SGD on y = 1002·x1 + 13·x2 + 4 + noise; recovers a, b, c',
  defaultEpochs: 40,
  params: [
    { name: 'n', type: 'int', min: 10, max: 10000000, default: 1000, help: 'number of points (80% train, 20% test)' },
    { name: 'noise', type: 'float', min: 0, max: 1000, default: 1, help: 'standard deviation of the Gaussian noise on y' },
    { name: 'lr', type: 'float', min: 1e-6, max: 10, default: 0.1, help: 'SGD learning rate' },
    { name: 'batch', type: 'int', min: 1, max: 10000000, default: 50, help: 'mini-batch size' },
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const epochs = o.epochs ?? this.defaultEpochs;
    const n = P.num('n');
    const noise = P.num('noise');
    const lr = P.num('lr');
    const batchSize = P.num('batch');
    const gen = manualSeed(o.seed);
    const data = linearRegressionData({ n, noise, gen: gen.fork() });
    const all = new TensorDataset(new Tensor(data.x, [n, 2]), new Tensor(data.y, [n, 1]));
    const [train, test] = randomSplit(all, [0.8, 0.2], gen.fork());
    const lin = new Linear(2, 1, { generator: gen.fork() });
    o.log(`s5-linear-regression: ${n} points, y = ${data.a}·x1 + ${data.b}·x2 + ${data.c} + N(0, ${noise}²), x uniform in [-1, 1]²; ` +
      `${train.length} to train, ${test.length} to test; SGD lr ${lr}, batch ${batchSize}, ${epochs} epochs`);
    const tracker = o.tracking.variant('linear', { a: data.a, b: data.b, c: data.c, n, noise, lr, batchSize, epochs, optimizer: 'SGD', loss: 'MSE' });
    let line = 0;
    const coefLog = new CoefficientLog(lin, (v, e) => tracker?.run.logScalars(v, e));
    const result = await fit({
      model: lin, optimizer: new SGD(lin.parameters(), { lr }), epochs,
      lossFn: (out, y) => mseLoss(out, y),
      train: new DataLoader(train, { batchSize, shuffle: true, generator: gen.fork() }),
      test: new DataLoader(test, { batchSize: 1000 }),
      callbacks: [coefLog, ...tracked(tracker)],
      log: (l) => { if (++line === 1 || line % 10 === 0) o.log('  ' + l); },
    });
    const got = coefficients(lin);
    const ols = leastSquares2(data.x, data.y, train.indices);
    const f = (v: number): string => v.toFixed(2);
    o.log(`recovered by SGD:     a = ${f(got.a)}, b = ${f(got.b)}, c = ${f(got.c)}   (report: 1002.01, 13.00, 3.85)`);
    o.log(`exact least squares:  a = ${f(ols.a)}, b = ${f(ols.b)}, c = ${f(ols.c)}   (truth: ${data.a}, ${data.b}, ${data.c})`);
    o.log(`test MSE ${result.test!.loss.toFixed(4)} (noise variance ${(noise * noise).toFixed(4)})`);
    tracker?.run.logText('coefficients', `SGD: a=${f(got.a)} b=${f(got.b)} c=${f(got.c)}; least squares: a=${f(ols.a)} b=${f(ols.b)} c=${f(ols.c)}; truth: a=${data.a} b=${data.b} c=${data.c}`, epochs);
    return {
      study: this.name, seed: o.seed, epochs, testAccuracy: NaN, testLoss: result.test!.loss,
      history: historyRows(result.history), coefficients: got, leastSquares: ols, truth: { a: data.a, b: data.b, c: data.c },
    };
  },
};
