/**
 * s4-compare (S4): optimizers, activations and losses on a 3-class task. Each text becomes the
 * average of its words' 100-d vectors (wink's, or GloVe with --set glove=), standardised with
 * the training split's statistics; an MLP 100→256→128→64→32→C with dropout 0.4, 0.3, 0.2, 0.1
 * (`--set hidden=`, `dropout=`) is trained with batch 400 (`batch=`). Default corpus: the
 * e-mails as easy-ham / hard-ham / spam (IMDB, with --set data=imdb, is neg / pos: it has no
 * third class). The kept model is the best epoch by validation accuracy.
 *
 * `--set compare=optimizers|activations|losses|none` (default optimizers): one run per variant.
 * Base configuration: the report's best, PReLU and RAdam with cross-entropy, but at RAdam's
 * default lr 1e-3 (the report's 2e-4 was for a larger corpus: with ~4,200 training e-mails and
 * batch 400 an epoch is 11 steps; `--set lr=2e-4` to use it) (`activation=`, `optimizer=`, `loss=`). Compared optimizers use PyTorch's default
 * learning rates (SGD 0.01 with momentum 0.9) unless --set lr= is given.
 *
 * How each loss meets 3-class outputs (the network always outputs C scores z; the predicted
 * class is argmax z, and the test cross-entropy is always that of softmax(z)):
 *   ce            cross-entropy of softmax(z) and the class
 *   nll           NLL of log-softmax(z): the same value as ce (a LogSoftmax output layer + NLLLoss)
 *   gaussian-nll  softmax(z) as the mean of a Gaussian over the one-hot target, with one learned
 *                 variance shared by all outputs (homoscedastic): ½(log σ² + ‖p − y‖²/σ²) per output
 *   poisson-nll   z as log-rates of Poisson counts, the one-hot target as counts: e^z − y·z
 *   kl            KL(one-hot ‖ softmax(z)) with batchmean reduction: equal to ce for one-hot targets
 *   l1            mean |softmax(z) − one-hot| (bounded: weak gradients far from the target)
 *   multimargin   multi-class hinge on z: Σ_{i≠y} max(0, 1 − z_y + z_i) / C
 * Test set: accuracy, macro F1 / recall / precision, cross-entropy, ROC curves per class (one
 * against the rest, logged as curves); per-epoch train/val losses (the Tracker) and validation
 * cross-entropy (comparable across losses).
 */
import * as A from '../autograd/index.js';
import { averageEmbeddings } from '../data/embeddings/bag.js';
import { DataLoader, TensorDataset } from '../data/index.js';
import { Dropout, Linear, Module, Parameter, Sequential } from '../nn/index.js';
import { crossEntropy, nllLoss } from '../nn/functional.js';
import { gaussianNllLoss, klDiv, l1Loss, multiMarginLoss, poissonNllLoss } from '../nn/losses-extra.js';
import { logLoss } from '../metrics/classification.js';
import { zeros } from '../tensor/creation.js';
import { Generator, manualSeed } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { EpochLogs } from '../train/callbacks.js';
import { fit } from '../train/fit.js';
import { ProgressBar } from '../train/progress.js';
import {
  ACTIVATIONS, ACTIVATION_LABEL, DEFAULT_LR, makeActivation, makeOptimizer, OPTIMIZERS, OPTIMIZER_LABEL, type ActivationName, type OptimizerName,
} from './choices.js';
import { Study, StudyOptions, StudyResult, historyRows, tracked } from './study.js';
import { classificationReport, formatTable, logReport, pct, predictProbs } from './text-eval.js';
import { loadTextCorpus, loadVectors, optimizerParam, secondsSince, textParams } from './text-data.js';
import { studyParams } from './params.js';

export const LOSSES = ['ce', 'nll', 'gaussian-nll', 'poisson-nll', 'kl', 'l1', 'multimargin'] as const;
export type LossName = (typeof LOSSES)[number];
export const LOSS_LABEL: Readonly<Record<LossName, string>> = {
  ce: 'cross-entropy', nll: 'NLL (log-softmax)', 'gaussian-nll': 'Gaussian NLL', 'poisson-nll': 'Poisson NLL', kl: 'KL divergence', l1: 'L1', multimargin: 'MultiMargin',
};

/** The MLP, plus a learned log-variance used only by the Gaussian NLL loss. */
export class S4Net extends Module {
  net: Sequential;
  logVar: Parameter | null;

  constructor(inDim: number, classes: number, o: { hidden: number[]; dropout: number[]; activation: ActivationName; gaussian: boolean; gen: Generator }) {
    super();
    const layers: Module[] = [];
    let d = inDim;
    o.hidden.forEach((h, i) => {
      layers.push(new Linear(d, h, { generator: o.gen }), makeActivation(o.activation), new Dropout(o.dropout[i] ?? 0, { generator: o.gen }));
      d = h;
    });
    layers.push(new Linear(d, classes, { generator: o.gen }));
    this.net = new Sequential(...layers);
    this.logVar = o.gaussian ? new Parameter(zeros([1])) : null;
  }

  forward(x: Tensor): Tensor {
    return this.net.forward(x);
  }
}

function oneHot(y: Tensor, C: number, dtype: Tensor['dtype']): Tensor {
  const d = new Float32Array(y.size * C);
  const yd = y.data as Int32Array;
  for (let i = 0; i < yd.length; i++) d[i * C + yd[i]] = 1;
  return A.cast(new Tensor(d, [y.size, C]), dtype);
}

/** The training loss of each name, on scores z [N, C] and int32 classes y [N]. */
export function makeLoss(name: LossName, model: S4Net): (z: Tensor, y: Tensor) => Tensor {
  switch (name) {
    case 'ce': return (z, y) => crossEntropy(z, y);
    case 'nll': return (z, y) => nllLoss(A.logSoftmax(z, 1), y);
    case 'gaussian-nll': return (z, y) => {
      const v = A.broadcastTo(A.reshape(A.exp(model.logVar as Parameter), [1, 1]), [z.shape[0], 1]);
      return gaussianNllLoss(A.softmax(z, 1), oneHot(y, z.shape[1], z.dtype), v);
    };
    case 'poisson-nll': return (z, y) => poissonNllLoss(z, oneHot(y, z.shape[1], z.dtype), { logInput: true });
    case 'kl': return (z, y) => klDiv(A.logSoftmax(z, 1), oneHot(y, z.shape[1], z.dtype), { reduction: 'batchmean' });
    case 'l1': return (z, y) => l1Loss(A.softmax(z, 1), oneHot(y, z.shape[1], z.dtype));
    case 'multimargin': return (z, y) => multiMarginLoss(z, y);
  }
}

export const s4Compare: Study = {
  name: 's4-compare',
  title: 'S4 optimizers / activations / losses: MLP on averaged 100-d word vectors, e-mails easy-ham / hard-ham / spam (or IMDB), batch 400; 50 epochs, ~2 min for the 9 optimizers on 2 cores (wasm)',
  defaultEpochs: 50,
  params: [
    ...textParams(),
    { name: 'compare', type: 'choice', choices: ['optimizers', 'activations', 'losses', 'none'], default: 'optimizers', help: 'what the runs compare' },
    { name: 'activation', type: 'choice', choices: ACTIVATIONS, default: 'prelu', help: 'activation when not compared' },
    optimizerParam('radam'),
    { name: 'loss', type: 'choice', choices: LOSSES, default: 'ce', help: 'loss when not compared' },
    { name: 'lr', type: 'float', min: 1e-7, max: 100, help: 'learning rate (default: 1e-3; each optimizer\'s own when comparing optimizers)' },
    { name: 'hidden', type: 'string', list: 'int', min: 1, max: 100000, default: '256,128,64,32', help: 'hidden layer sizes' },
    { name: 'dropout', type: 'string', list: 'float', min: 0, max: 0.99, default: '0.4,0.3,0.2,0.1', help: 'dropout after each hidden layer' },
    { name: 'batch', type: 'int', min: 1, max: 1000000, default: 400, help: 'mini-batch size' },
    { name: 'optimizers', type: 'string', list: OPTIMIZERS, default: OPTIMIZERS.join(','), help: 'the optimizers compared (compare=optimizers)' },
    { name: 'activations', type: 'string', list: ACTIVATIONS, default: ACTIVATIONS.join(','), help: 'the activations compared (compare=activations)' },
    { name: 'losses', type: 'string', list: LOSSES, default: LOSSES.join(','), help: 'the losses compared (compare=losses)' },
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const epochs = o.epochs ?? this.defaultEpochs;
    const gen = manualSeed(o.seed);
    const compare = P.str('compare');
    const activation = P.str('activation') as ActivationName;
    const optimizer = P.str('optimizer') as OptimizerName;
    const loss = P.str('loss') as LossName;
    const userLr = P.numOpt('lr');
    const baseLr = userLr ?? 1e-3;
    const hidden = P.nums('hidden');
    const dropout = P.nums('dropout');
    const batch = P.num('batch');
    const t0 = performance.now();
    const c = loadTextCorpus(P, { threeWay: true, gen: gen.fork(), maxTokens: 1000 });
    const { vectors, name: vecName } = loadVectors(P);
    const bag = averageEmbeddings(c.tokens, vectors);
    const C = c.classes.length;
    const x = new Tensor(bag.features, [bag.n, bag.dim]);
    const y = new Tensor(c.labels, [bag.n]);
    const trainX = A.indexSelect(x, 0, c.train);
    const xs = A.div(A.sub(x, A.mean(trainX, 0)), A.add(A.std(trainX, 0), 1e-6));
    const part = (idx: Int32Array): TensorDataset => new TensorDataset(A.indexSelect(xs, 0, idx), A.indexSelect(y, 0, idx));
    const train = part(c.train);
    const val = part(c.val);
    const test = part(c.test);
    o.log(`s4-compare: ${c.description}`);
    o.log(`${vecName}: ${(100 * bag.tokenCoverage).toFixed(1)}% of tokens have a vector, ${bag.emptyRows} texts without any; features ready in ${secondsSince(t0)} s`);

    type Variant = { name: string; activation: ActivationName; optimizer: OptimizerName; lr: number; loss: LossName };
    const base: Variant = { name: 'base', activation, optimizer, lr: baseLr, loss };
    let plan: Variant[];
    if (compare === 'optimizers') {
      plan = (P.list('optimizers') as OptimizerName[]).map((n) => ({ ...base, name: n, optimizer: n, lr: userLr ?? DEFAULT_LR[n] }));
    } else if (compare === 'activations') {
      plan = (P.list('activations') as ActivationName[]).map((n) => ({ ...base, name: n, activation: n }));
    } else if (compare === 'losses') {
      plan = (P.list('losses') as LossName[]).map((n) => ({ ...base, name: n, loss: n }));
    } else plan = [{ ...base, name: `${activation}-${optimizer}-${loss}` }];
    o.log(`compare ${compare}: ${plan.length} run(s), MLP ${[bag.dim, ...hidden, C].join('→')}, dropout ${dropout.join(', ')}, batch ${batch}, ${epochs} epochs; base ${ACTIVATION_LABEL[activation]}, ${OPTIMIZER_LABEL[optimizer]} lr ${baseLr}, ${LOSS_LABEL[loss]}`);

    const rows: string[][] = [];
    const variants: Record<string, unknown>[] = [];
    let best: { acc: number; res: StudyResult } | null = null;
    for (const v of plan) {
      // Every variant starts from the same seeds (initial weights, dropout masks, batch order), so only the compared choice differs.
      const vgen = new Generator(o.seed + 1000);
      const model = new S4Net(bag.dim, C, { hidden, dropout, activation: v.activation, gaussian: v.loss === 'gaussian-nll', gen: vgen.fork() });
      const opt = makeOptimizer(v.optimizer, model, v.lr, { momentum: v.optimizer === 'sgd' ? 0.9 : 0 });
      const tracker = o.tracking.variant(`${compare}/${v.name}`, {
        compare, activation: ACTIVATION_LABEL[v.activation], optimizer: OPTIMIZER_LABEL[v.optimizer], lr: v.lr, loss: LOSS_LABEL[v.loss],
        ...(v.optimizer === 'sgd' ? { momentum: 0.9 } : {}), hidden, dropout, batchSize: batch, epochs, data: c.source, vectors: vecName, classes: [...c.classes],
      });
      const valLoader = new DataLoader(val, { batchSize: 1000 });
      // Validation cross-entropy each epoch, comparable whatever the training loss.
      const valCe = { onEpochEnd: (_ctx: unknown, logs: EpochLogs): void => {
        const s = predictProbs(model, valLoader);
        logs.metrics['val/cross_entropy'] = logLoss(s.target, { rows: s.n, cols: s.classes, data: s.probs }, { labels: c.classes.map((_, i) => i) });
      } };
      o.log(`— ${v.name}: ${ACTIVATION_LABEL[v.activation]}, ${OPTIMIZER_LABEL[v.optimizer]} lr ${v.lr}, ${LOSS_LABEL[v.loss]}`);
      const t1 = performance.now();
      const result = await fit({
        model, optimizer: opt, epochs, lossFn: makeLoss(v.loss, model),
        train: new DataLoader(train, { batchSize: batch, shuffle: true, generator: vgen.fork() }),
        val: valLoader, test: new DataLoader(test, { batchSize: 1000 }),
        callbacks: [valCe, new ProgressBar(), ...tracked(tracker)], log: o.log,
      });
      const seconds = (performance.now() - t1) / 1000;
      const rep = classificationReport(predictProbs(model, new DataLoader(test, { batchSize: 1000 })));
      if (tracker) logReport(tracker.run, rep, c.classes, epochs);
      const aucs = rep.auc.map((a, k) => `${c.classes[k]} ${a.toFixed(3)}`).join(', ');
      o.log(`${v.name}: best epoch ${result.bestEpoch}: accuracy ${pct(rep.accuracy)}%, macro F1 ${pct(rep.f1)}%, recall ${pct(rep.recall)}%, precision ${pct(rep.precision)}%, cross-entropy ${rep.crossEntropy.toFixed(4)}; ROC AUC ${aucs} (${seconds.toFixed(0)} s)`);
      const meanAuc = rep.auc.filter(Number.isFinite).reduce((a, b, _, arr) => a + b / arr.length, 0);
      rows.push([v.name, pct(rep.accuracy), pct(rep.f1), pct(rep.recall), pct(rep.precision), rep.crossEntropy.toFixed(4), meanAuc.toFixed(3), String(result.bestEpoch), seconds.toFixed(0)]);
      variants.push({ variant: v.name, activation: v.activation, optimizer: v.optimizer, lr: v.lr, loss: v.loss, accuracy: rep.accuracy, f1: rep.f1, recall: rep.recall, precision: rep.precision, crossEntropy: rep.crossEntropy, auc: rep.auc, bestEpoch: result.bestEpoch, seconds });
      const be = result.history.find((h) => h.epoch === result.bestEpoch);
      const valAcc = be?.metrics['val/accuracy'] ?? NaN;
      const res: StudyResult = { study: this.name, seed: o.seed, epochs, testAccuracy: rep.accuracy, testLoss: rep.crossEntropy, history: historyRows(result.history), bestVariant: v.name };
      if (!best || valAcc > best.acc) best = { acc: valAcc, res };
    }
    o.log(`results on the test set (${c.source}, ${c.classes.join(' / ')}; macro averages; AUC: mean of the one-vs-rest AUCs):`);
    for (const l of formatTable([{ optimizers: 'optimizer', activations: 'activation', losses: 'loss' }[compare] ?? 'run', 'accuracy', 'F1', 'recall', 'precision', 'cross-ent', 'AUC', 'best ep', 'seconds'], rows)) o.log(`  ${l}`);
    if (!best) throw new Error('s4-compare: no model was trained');
    return { ...best.res, compare, variants, data: c.source, classes: [...c.classes] };
  },
};
