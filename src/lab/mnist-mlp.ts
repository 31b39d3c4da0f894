/**
 * The lab's MNIST MLP: the mnist-mlp study's protocol (784→100→100→100→10 ReLU, Adam 1e-3, batch
 * 300, the 10,000 digits split 8,000 / 1,000 / 1,000 with the seed, the best validation epoch
 * kept) as a function of the digits alone, so the page's training worker and a Node process run
 * the same code on the same floats. Reports through `on` as it goes: every batch's loss, and per
 * epoch the metrics, weight and gradient histograms and the validation confusion matrix. Imports
 * only the core: it runs in a browser.
 */
import { Generator, manualSeed } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { Linear, ReLU, Sequential } from '../nn/index.js';
import { crossEntropy } from '../nn/functional.js';
import { Adam } from '../optim/adam.js';
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset, randomSplit } from '../data/dataset.js';
import { fit } from '../train/fit.js';
import { predictClasses } from '../train/evaluate.js';
import type { Callback } from '../train/callbacks.js';
import { confusionMatrix } from '../metrics/classification.js';
import { summarizeHistogram } from '../track/histogram.js';
import type { HistogramSummary, MatrixData } from '../track/types.js';
import { safetensorsBytes } from '../io/safetensors-bytes.js';
import type { DigitSet } from './mnist-asset.js';

export const MNIST_MLP_LAYERS = [784, 100, 100, 100, 10];
export const DIGIT_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export interface MnistMlpOptions {
  seed: number;
  epochs: number;
  /** Histogram buckets (default 30). */
  buckets?: number;
}

export type LabEvent =
  | { type: 'batch'; step: number; epoch: number; loss: number }
  | {
    type: 'epoch'; epoch: number; step: number; metrics: Record<string, number>; seconds: number;
    weights: Record<string, HistogramSummary>; grads: Record<string, HistogramSummary>; confusion: MatrixData;
  };

export interface MnistMlpResult {
  /** Every training batch's loss, in order. */
  losses: number[];
  history: { epoch: number; metrics: Record<string, number> }[];
  bestEpoch: number | null;
  testAccuracy: number;
  testLoss: number;
  confusion: MatrixData;
  /** The kept model's weights as a safetensors file. */
  model: Uint8Array<ArrayBuffer>;
  parameters: number;
}

function mlp(sizes: number[], gen: Generator): Sequential {
  const layers = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i], sizes[i + 1], { generator: gen }));
    if (i + 2 < sizes.length) layers.push(new ReLU());
  }
  return new Sequential(...layers);
}

function confusionData(pred: Int32Array, target: Int32Array): MatrixData {
  const c = confusionMatrix(target, pred, { labels: DIGIT_NAMES.map((_, i) => i) });
  return { rows: 10, cols: 10, values: c.matrix.flat(), rowLabels: DIGIT_NAMES, colLabels: DIGIT_NAMES, rowTitle: 'true', colTitle: 'predicted' };
}

export async function trainMnistMlp(digits: DigitSet, o: MnistMlpOptions, on: (e: LabEvent) => void = () => undefined): Promise<MnistMlpResult> {
  if (digits.dim !== 784) throw new RangeError(`mnist-mlp: digits of ${digits.dim} pixels; the MLP takes 784 (28×28)`);
  const gen = manualSeed(o.seed);
  const data = new TensorDataset(new Tensor(digits.images, [digits.n, 784]), new Tensor(digits.labels, [digits.n]));
  const [train, val, test] = randomSplit(data, [8000, 1000, 1000], gen.fork());
  const model = mlp(MNIST_MLP_LAYERS, gen.fork());
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const trainLoader = new DataLoader(train, { batchSize: 300, shuffle: true, generator: gen.fork() });
  const valLoader = new DataLoader(val, { batchSize: 1000 });
  const losses: number[] = [];
  const buckets = o.buckets ?? 30;
  let grads: Record<string, HistogramSummary> = {};
  const live: Callback = {
    onBatchEnd(ctx, b) {
      losses.push(b.loss);
      // The gradients of the epoch's last batch, before the next zeroGrad.
      if (ctx.batchesPerEpoch !== null && b.step % ctx.batchesPerEpoch === 0) {
        grads = {};
        for (const [name, p] of model.namedParameters()) if (p.grad && name.endsWith('weight')) grads[name] = summarizeHistogram(p.grad.data as Float32Array, buckets);
      }
      on({ type: 'batch', step: b.step, epoch: ctx.epoch, loss: b.loss });
    },
    onEpochEnd(ctx, logs) {
      const weights: Record<string, HistogramSummary> = {};
      for (const [name, p] of model.namedParameters()) if (name.endsWith('weight')) weights[name] = summarizeHistogram(p.data as Float32Array, buckets);
      const pr = predictClasses(model, valLoader);
      on({ type: 'epoch', epoch: logs.epoch, step: ctx.step, metrics: logs.metrics, seconds: logs.seconds, weights, grads, confusion: confusionData(pr.pred, pr.target) });
    },
  };
  const result = await fit({
    model, optimizer, epochs: o.epochs,
    lossFn: (out, y) => crossEntropy(out, y),
    train: trainLoader, val: valLoader, test: new DataLoader(test, { batchSize: 1000 }),
    callbacks: [live],
  });
  const t = result.test!;
  const pr = predictClasses(model, new DataLoader(test, { batchSize: 1000 }));
  const tensors: Record<string, Tensor> = {};
  for (const [name, p] of model.namedParameters()) tensors[name] = p;
  return {
    losses, history: result.history.map((h) => ({ epoch: h.epoch, metrics: h.metrics })), bestEpoch: result.bestEpoch,
    testAccuracy: t.accuracy!, testLoss: t.loss, confusion: confusionData(pr.pred, pr.target),
    model: safetensorsBytes(tensors, { study: 'mnist-mlp', layers: MNIST_MLP_LAYERS.join('-'), seed: String(o.seed), bestEpoch: String(result.bestEpoch) }),
    parameters: model.countParameters(),
  };
}
