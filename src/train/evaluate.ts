/** Evaluation: mean loss and accuracy over a loader, in eval mode and without recording a graph. */
import { noGrad } from '../autograd/grad-mode.js';
import { argmax } from '../autograd/ops/reduce.js';
import { eq } from '../autograd/ops/elementwise.js';
import { sum } from '../autograd/ops/reduce.js';
import { softmax } from '../autograd/ops/nn.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';

export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/** Batches of [input, target, ...]: sync (DataLoader, arrays) or async (streaming loaders). */
export type Batches = Iterable<Tensor[]> | AsyncIterable<Tensor[]>;

export interface EvalResult {
  loss: number;
  /** Present when outputs are class scores [N, C] and targets int32 labels. */
  accuracy?: number;
  count: number;
}

/** Number of rows whose argmax matches an int32 target; null when the task is not classification. */
export function correctCount(output: Tensor, target: Tensor): number | null {
  if (target.dtype !== 'int32' || output.ndim !== 2 || target.ndim !== 1) return null;
  return sum(eq(argmax(output, 1), target)).item();
}

/**
 * correctCount with the count read back asynchronously: what the fit loop and evaluate use, so
 * that they also run where values can only be read asynchronously (webgpu on a page's main thread).
 */
export async function correctCountAsync(output: Tensor, target: Tensor): Promise<number | null> {
  if (target.dtype !== 'int32' || output.ndim !== 2 || target.ndim !== 1) return null;
  const s = noGrad(() => sum(eq(argmax(output, 1), target)));
  await s.read();
  return s.item();
}

/** Mean loss (and accuracy for classification) over a loader, in eval mode without a graph. */
export async function evaluate(model: Module, loader: Batches, lossFn: LossFn): Promise<EvalResult> {
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let count = 0;
  let correct = 0;
  let classification = true;
  try {
    for await (const [x, y] of loader) {
      const { out, loss } = noGrad(() => {
        const o = model.forward(x);
        return { out: o, loss: lossFn(o, y) };
      });
      const n = x.shape[0];
      await loss.read();
      lossSum += loss.item() * n;
      const c = await correctCountAsync(out, y);
      if (c === null) classification = false;
      else correct += c;
      count += n;
    }
  } finally {
    model.train(wasTraining);
  }
  const r: EvalResult = { loss: count ? lossSum / count : NaN, count };
  if (classification && count) r.accuracy = correct / count;
  return r;
}

/** Class scores (softmax probabilities), predicted classes and true labels over a loader. */
export interface Predictions {
  /** [n, classes] row-major probabilities. */
  probs: Float32Array;
  classes: number;
  pred: Int32Array;
  target: Int32Array;
}

/** Runs the model over a loader in eval mode without a graph and collects its predictions. */
export function predictClasses(model: Module, loader: Iterable<Tensor[]>): Predictions {
  const wasTraining = model.training;
  model.eval();
  const probs: Float32Array[] = [];
  const preds: Int32Array[] = [];
  const targets: Int32Array[] = [];
  let classes = 0;
  try {
    noGrad(() => {
      for (const [x, y] of loader) {
        const out = model.forward(x);
        classes = out.shape[1];
        probs.push(Float32Array.from(softmax(out, 1).data));
        preds.push(argmax(out, 1).data as Int32Array);
        targets.push(y.data as Int32Array);
      }
    });
  } finally {
    model.train(wasTraining);
  }
  const cat = <T extends Float32Array | Int32Array>(parts: T[], make: (n: number) => T): T => {
    const out = make(parts.reduce((a, p) => a + p.length, 0));
    let off = 0;
    for (const p of parts) { out.set(p, off); off += p.length; }
    return out;
  };
  return {
    probs: cat(probs, (n) => new Float32Array(n)), classes,
    pred: cat(preds, (n) => new Int32Array(n)), target: cat(targets, (n) => new Int32Array(n)),
  };
}
