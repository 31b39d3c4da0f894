/**
 * Built-in objectives for `gradlab tune demo`: cheap problems whose answer is known, so that a
 * user can see samplers and pruners work before tuning a real study.
 *
 *   quadratic: f(x, lr) = (x − 2)² + (log10 lr + 3)², x ∈ [−10, 10], lr ∈ [1e-5, 1] (log);
 *              the minimum 0 is at x = 2, lr = 1e-3. Instant.
 *   mlp:       S2 in miniature: a 2→32→32→2 tanh MLP with dropout ∈ [0.1, 0.5] and an L1 penalty
 *              λ ∈ [1e-4, 1e-1] (log) on its weights, Adam (lr 1e-2), full-batch, on 200 noisy XOR
 *              points (genArti), validation cross-entropy on 200 others reported each epoch (the
 *              pruner sees it). Large λ flattens the net; the best λ is small. ~0.1 s a trial.
 * Each comes with a grid for GridSampler over the same parameters.
 */
import '../autograd/methods.js';
import { noGrad } from '../autograd/grad-mode.js';
import { genArti } from '../data/synthetic.js';
import { Dropout, Linear, Sequential, Tanh } from '../nn/index.js';
import { crossEntropy } from '../nn/functional.js';
import { Adam } from '../optim/adam.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { GridSearchSpace } from './samplers/grid.js';
import type { Objective } from './study.js';
import { TrialPruned } from './trial.js';

export interface DemoObjective {
  name: string;
  description: string;
  objective: Objective;
  grid: GridSearchSpace;
  /** The best value a perfect search can reach, when known. */
  optimum?: number;
}

export const quadratic: DemoObjective = {
  name: 'quadratic',
  description: '(x − 2)² + (log10 lr + 3)², minimum 0 at x = 2, lr = 1e-3',
  objective: (t) => {
    const x = t.suggestFloat('x', -10, 10);
    const lr = t.suggestFloat('lr', 1e-5, 1, { log: true });
    return (x - 2) ** 2 + (Math.log10(lr) + 3) ** 2;
  },
  grid: { x: [-10, -6, -2, 2, 6, 10], lr: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1] },
  optimum: 0,
};

/** 400 noisy XOR points, shuffled, split 200 / 200. */
function xorSplit(seed: number): { xTrain: Tensor; yTrain: Tensor; xVal: Tensor; yVal: Tensor } {
  const set = genArti({ kind: 'xor', n: 400, sigma: 0.5, noise: 0.1, seed });
  const order = new Generator(seed + 1).permutation(400);
  const part = (from: number): { x: Tensor; y: Tensor } => {
    const x = new Float32Array(400);
    const y = new Int32Array(200);
    for (let i = 0; i < 200; i++) {
      const p = order[from + i]!;
      x[2 * i] = set.x[2 * p]!;
      x[2 * i + 1] = set.x[2 * p + 1]!;
      y[i] = set.y[p]!;
    }
    return { x: new Tensor(x, [200, 2]), y: new Tensor(y, [200]) };
  };
  const [a, b] = [part(0), part(200)];
  return { xTrain: a.x, yTrain: a.y, xVal: b.x, yVal: b.y };
}

/** The S2-shaped MLP objective; `epochs` (default 30) and the data seed are fixed per study. */
export function mlpObjective(opts: { epochs?: number; seed?: number } = {}): DemoObjective {
  const epochs = opts.epochs ?? 30;
  const data = xorSplit(opts.seed ?? 0);
  return {
    name: 'mlp',
    description: `2→32→32→2 tanh MLP on noisy XOR, dropout and L1 λ tuned, validation cross-entropy after ${epochs} epochs`,
    objective: (t) => {
      const dropout = t.suggestFloat('dropout', 0.1, 0.5);
      const l1 = t.suggestFloat('l1', 1e-4, 1e-1, { log: true });
      const gen = new Generator(1000 + t.number);
      const model = new Sequential(new Linear(2, 32, { generator: gen }), new Tanh(), new Dropout(dropout, { generator: gen }), new Linear(32, 32, { generator: gen }), new Tanh(), new Dropout(dropout, { generator: gen }), new Linear(32, 2, { generator: gen }));
      const weights = model.namedParameters().filter(([n]) => n.endsWith('weight')).map(([, p]) => p);
      const opt = new Adam(model.parameters(), { lr: 1e-2 });
      let val = NaN;
      for (let epoch = 0; epoch < epochs; epoch++) {
        model.train();
        opt.zeroGrad();
        let loss = crossEntropy(model.forward(data.xTrain), data.yTrain);
        for (const w of weights) loss = loss.add(w.abs().sum().mul(l1));
        loss.backward();
        opt.step();
        model.eval();
        val = noGrad(() => crossEntropy(model.forward(data.xVal), data.yVal).item());
        t.report(val, epoch);
        if (t.shouldPrune()) throw new TrialPruned(`pruned at epoch ${epoch} (validation loss ${val})`);
      }
      return val;
    },
    grid: { dropout: [0.1, 0.2, 0.3, 0.4, 0.5], l1: [1e-4, 1e-3, 1e-2, 1e-1] },
  };
}
