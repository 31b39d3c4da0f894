/**
 * s5-conv1d (S5): a 1-D convolutional network on the digits read as a signal of 64 values
 * (one channel), against an MLP with the same head: the report found the CNN ahead early and
 * level later (CNN 0.891 / 0.916 / 0.915 vs MLP 0.850 / 0.906 / 0.919 after 10 / 100 / 1000
 * iterations, an iteration being a pass over the training set).
 *
 *   CNN: [N, 64] → [N, 1, 64] → Conv1d(1, 32, k=3) → ReLU → MaxPool1d(2, 2) → Flatten (32·31)
 *        → Linear(992, 100) → ReLU → Linear(100, 10)
 *   MLP: Linear(64, 100) → ReLU → Linear(100, 10)
 * Cross-entropy, batch 25, SGD step 1e-3 on the batch-summed loss as in the coursework, i.e.
 * lr 0.025 on our batch-mean loss (`--set optimizer=adam` for Adam 1e-3). Data: the 8×8 digits
 * split 70/10/20 (digitsSplits). The model after each checkpoint epoch is scored on the test split
 * (no best-epoch selection: the report's numbers are "after n iterations").
 *
 * The default stops at 100 epochs (a few minutes on the js backend); `--epochs 1000` adds the
 * 1000 checkpoint (about ten times longer).
 * Params: optimizer (sgd | adam), lr, channels (32), models (cnn,mlp).
 */
import { manualSeed } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { reshape } from '../autograd/ops/shape.js';
import { Conv1d, Flatten, Linear, MaxPool1d, Module, ReLU, Sequential } from '../nn/index.js';
import { crossEntropy } from '../nn/functional.js';
import { DataLoader } from '../data/index.js';
import { fit } from '../train/fit.js';
import type { Callback, EpochLogs } from '../train/callbacks.js';
import { DIGIT_NAMES, makeOptimizer, S5_DATA_PARAMS, s5Splits, type S5Source } from './s5-usps.js';
import { classificationReport } from './classification-report.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult, historyRows, tracked } from './study.js';

/** [N, L] → [N, 1, L]: a flat signal as one channel. */
export class AsChannel extends Module {
  forward(x: Tensor): Tensor {
    return reshape(x, [x.shape[0], 1, x.shape[x.ndim - 1]]);
  }
}

export function conv1dNet(length: number, channels: number, gen: ReturnType<typeof manualSeed>): Sequential {
  const pooled = Math.floor((length - 2) / 2);
  return new Sequential(
    new AsChannel(), new Conv1d(1, channels, 3, { generator: gen }), new ReLU(), new MaxPool1d(2, { stride: 2 }), new Flatten(),
    new Linear(channels * pooled, 100, { generator: gen }), new ReLU(), new Linear(100, 10, { generator: gen }),
  );
}

export function mlpNet(length: number, gen: ReturnType<typeof manualSeed>): Sequential {
  return new Sequential(new Linear(length, 100, { generator: gen }), new ReLU(), new Linear(100, 10, { generator: gen }));
}

/** Records test accuracy at the checkpoint epochs (the fit loop evaluates the test split each epoch). */
class Checkpoints implements Callback {
  readonly accuracy: Record<number, number> = {};

  constructor(private readonly at: number[], private readonly say: (epoch: number, acc: number) => void) {}

  stateDict(): Record<number, number> {
    return { ...this.accuracy };
  }

  loadStateDict(s: Record<number, number>): void {
    for (const [e, a] of Object.entries(s)) this.accuracy[Number(e)] = a;
  }

  onEpochEnd(_ctx: unknown, logs: EpochLogs): void {
    if (!this.at.includes(logs.epoch)) return;
    const acc = logs.metrics['test/accuracy'];
    this.accuracy[logs.epoch] = acc;
    this.say(logs.epoch, acc);
  }
}

const REPORT: Record<string, Record<number, number>> = { cnn: { 10: 0.891, 100: 0.916, 1000: 0.915 }, mlp: { 10: 0.85, 100: 0.906, 1000: 0.919 } };

export const s5Conv1d: Study = {
  name: 's5-conv1d',
  title: 'S5: 1-D CNN (conv1d, max-pool, flatten, linear) vs MLP on the 8x8 digits as 64-long signals, batch 25, SGD 1e-3 on summed loss',
  defaultEpochs: 100,
  params: [
    { name: 'optimizer', type: 'choice', choices: ['sgd', 'adam'], default: 'sgd', help: 'SGD (the report) or Adam' },
    { name: 'lr', type: 'float', min: 1e-6, max: 10, help: 'learning rate (default: 0.025 for SGD on the mean loss, 1e-3 for Adam)' },
    { name: 'channels', type: 'int', min: 1, max: 1024, default: 32, help: 'conv1d output channels' },
    { name: 'models', type: 'string', list: ['cnn', 'mlp'], default: 'cnn,mlp', help: 'which networks to train' },
    ...S5_DATA_PARAMS,
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const epochs = o.epochs ?? this.defaultEpochs;
    const optKind = P.str('optimizer');
    const lr = P.numOpt('lr') ?? (optKind === 'sgd' ? 0.025 : undefined);
    const channels = P.num('channels');
    const models = P.list('models');
    const checkpoints = [...new Set([10, 100, 1000, epochs])].filter((e) => e >= 1 && e <= epochs).sort((a, b) => a - b);
    const gen = manualSeed(o.seed);
    const { train, val, test, dim, description } = s5Splits(gen.fork(), P.str('data') as S5Source, P.strOpt('dataPath'));
    o.log(`s5-conv1d: ${description} as 1x${dim} signals (${train.length}/${val.length}/${test.length}), batch 25, ${optKind}${lr !== undefined ? ` lr ${lr}` : ''}, ${epochs} epochs; checkpoints ${checkpoints.join(', ')}`);
    const results: Record<string, Record<number, number>> = {};
    const histories: Record<string, StudyResult['history']> = {};
    let testLoss = NaN;
    for (const kind of models) {
      const mg = gen.fork();
      const model = kind === 'cnn' ? conv1dNet(dim, channels, mg) : mlpNet(dim, mg);
      const { optimizer, name, lr: usedLr } = makeOptimizer(optKind, model.parameters(), lr);
      const cp = new Checkpoints(checkpoints, (e, acc) => o.log(`  ${kind} after ${e} epochs: test accuracy ${acc.toFixed(3)}`));
      const tracker = o.tracking.variant(kind, {
        model: kind, layers: kind === 'cnn' ? `conv1d(1,${channels},3)-relu-maxpool(2)-flatten-linear(${channels * Math.floor((dim - 2) / 2)},100)-relu-linear(100,10)` : `linear(${dim},100)-relu-linear(100,10)`,
        parameters: model.countParameters(), optimizer: name, lr: usedLr, batchSize: 25, epochs,
      });
      o.log(`${kind}: ${model.countParameters()} parameters`);
      const t0 = performance.now();
      const r = await fit({
        model, optimizer, epochs, keepBest: false, testEachEpoch: true,
        lossFn: (out, y) => crossEntropy(out, y),
        train: new DataLoader(train, { batchSize: 25, shuffle: true, generator: gen.fork() }),
        val: new DataLoader(val, { batchSize: 1000 }),
        test: new DataLoader(test, { batchSize: 1000 }),
        callbacks: [cp, ...tracked(tracker)],
      });
      classificationReport(model, new DataLoader(test, { batchSize: 1000 }), DIGIT_NAMES, tracker?.run ?? null, epochs);
      results[kind] = cp.accuracy;
      histories[kind] = historyRows(r.history);
      if (kind === models[0]) testLoss = r.test!.loss;
      o.log(`  ${kind}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    o.log('test accuracy after n epochs (report in brackets)');
    o.log('  model' + checkpoints.map((e) => String(e).padStart(16)).join(''));
    for (const kind of models) {
      o.log(`  ${kind.padEnd(5)}` + checkpoints.map((e) => `${results[kind][e].toFixed(3)}${REPORT[kind][e] !== undefined ? ` (${REPORT[kind][e].toFixed(3)})` : ''}`.padStart(16)).join(''));
    }
    const last = checkpoints[checkpoints.length - 1];
    return {
      study: this.name, seed: o.seed, epochs, testAccuracy: results[models[0]][last], testLoss,
      history: histories[models[0]], checkpoints, accuracy: results, histories,
    };
  },
};
