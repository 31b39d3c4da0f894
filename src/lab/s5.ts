/**
 * The lab's S5 decision boundaries: the s5-nonlinear protocol for one dataset and one hidden size
 * (Linear(2,h) → tanh → Linear(h,1) → sigmoid, MSE on 0/1 targets, SGD lr 0.5, batch 20, 1,000
 * training and 1,000 test points), with the seed forked in the study's order, so the numbers are
 * those of `gradlab run s5-nonlinear --set datasets=<kind> --set hidden=<h>`. Reports every
 * `every` epochs the loss, accuracies and the decision-boundary figure (the study's own spec).
 * Imports only the core: it runs in a browser.
 */
import { manualSeed } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { Linear, Sequential, Sigmoid, Tanh } from '../nn/index.js';
import { mseLoss } from '../nn/functional.js';
import { SGD } from '../optim/sgd.js';
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset } from '../data/dataset.js';
import { genArti, type ArtiKind } from '../data/synthetic.js';
import { fit } from '../train/fit.js';
import { binaryAccuracyOf, decisionBoundarySpec } from '../studies/decision-boundary.js';

export const S5_KINDS: readonly ArtiKind[] = ['xor', 'checkerboard', 'blobs'];

export interface S5Options {
  kind: ArtiKind;
  hidden: number;
  seed: number;
  epochs: number;
  /** Post the figure every this many epochs (default 5). */
  every?: number;
}

export type S5Event = {
  type: 's5'; epoch: number; loss: number; trainAccuracy: number; testAccuracy: number;
  spec: { [key: string]: unknown } | null;
};

export async function trainS5(o: S5Options, on: (e: S5Event) => void = () => undefined): Promise<{ losses: number[]; testAccuracy: number }> {
  if (!S5_KINDS.includes(o.kind)) throw new RangeError(`s5: unknown dataset '${o.kind}' (one of ${S5_KINDS.join(', ')})`);
  if (!(Number.isInteger(o.hidden) && o.hidden >= 1 && o.hidden <= 64)) throw new RangeError(`s5: hidden must be an integer in 1..64, got ${o.hidden}`);
  const n = 1000;
  const gen = manualSeed(o.seed);
  const setOpts = o.kind === 'checkerboard' ? { kind: o.kind } : { kind: o.kind, sigma: o.kind === 'xor' ? 0.3 : 0.4 };
  const train = genArti({ ...setOpts, n, gen: gen.fork() });
  const test = genArti({ ...setOpts, n, gen: gen.fork() });
  const mg = gen.fork();
  const model = new Sequential(new Linear(2, o.hidden, { generator: mg }), new Tanh(), new Linear(o.hidden, 1, { generator: mg }), new Sigmoid());
  const targets = (y: Int32Array): Tensor => new Tensor(Float32Array.from(y), [y.length, 1]);
  const every = o.every ?? 5;
  const losses: number[] = [];
  await fit({
    model, optimizer: new SGD(model.parameters(), { lr: 0.5 }), epochs: o.epochs,
    lossFn: (out, y) => mseLoss(out, y),
    train: new DataLoader(new TensorDataset(new Tensor(train.x, [n, 2]), targets(train.y)), { batchSize: 20, shuffle: true, generator: gen.fork() }),
    callbacks: [{
      onEpochEnd(_ctx, logs) {
        const loss = logs.metrics['train/loss'];
        losses.push(loss);
        const last = logs.epoch === o.epochs;
        const draw = last || logs.epoch % every === 0 || logs.epoch === 1;
        const testAccuracy = binaryAccuracyOf(model, test);
        const title = `${o.kind}, ${o.hidden} hidden tanh units, epoch ${logs.epoch}: test accuracy ${testAccuracy.toFixed(3)}`;
        on({ type: 's5', epoch: logs.epoch, loss, trainAccuracy: binaryAccuracyOf(model, train), testAccuracy, spec: draw ? decisionBoundarySpec(model, test, { grid: 40, title }) : null });
      },
    }],
  });
  return { losses, testAccuracy: binaryAccuracyOf(model, test) };
}
