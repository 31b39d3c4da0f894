/**
 * mnist-linear (S1, the NumPy coursework redone on gradlab tensors).
 *
 * Part 1: a linear softmax classifier o = softmax(Wx + b) trained by per-sample SGD (step 0.1)
 * with the backward pass written by hand: for NLL of a stable softmax, dL/dlogits = p − onehot(y),
 * so dW = (p − onehot) ⊗ x (an outer product) and db = p − onehot. No autograd involved; a test
 * checks these gradients against autograd.
 * Part 2: the DeepNetwork with autograd: one tanh hidden layer of 100 with Glorot init, SGD
 * lr 0.01, per-sample updates, best epoch kept by validation accuracy, and the test confusion
 * matrix (the report saw 4↔9 mistakes).
 */
import { Generator, manualSeed } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, zeros } from '../tensor/creation.js';
import * as A from '../autograd/index.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Dropout, Linear, Module, ReLU, Sequential, Tanh } from '../nn/index.js';
import { crossEntropy } from '../nn/functional.js';
import { kaimingUniform, xavierUniform, zeros_ } from '../nn/init.js';
import { ExponentialLR } from '../optim/schedulers.js';
import { LRSchedule } from '../train/lr-schedule.js';
import { studyParams } from './params.js';
import { SGD } from '../optim/sgd.js';
import { DataLoader, Subset, TensorDataset, mnistDataset, randomSplit } from '../data/index.js';
import { fit } from '../train/fit.js';
import { ProgressBar } from '../train/progress.js';
import { classificationReport, confusionLines } from './classification-report.js';
import { Study, StudyOptions, StudyResult, historyRows, tracked } from './study.js';

/** Softmax regression with its gradients written out by hand. */
export class SoftmaxRegression {
  readonly W: Tensor;
  readonly b: Tensor;

  constructor(inFeatures: number, classes: number) {
    this.W = zeros([classes, inFeatures]);
    this.b = zeros([classes]);
  }

  /** Log-probabilities [N, C] (stable: log-softmax subtracts the row max). */
  logProbs(x: Tensor): Tensor {
    return A.logSoftmax(A.linear(x, this.W, this.b), 1);
  }

  /** Mean NLL and the hand-derived gradients dW = (p − onehot)ᵀ·x / N, db = mean(p − onehot). */
  lossAndGrads(x: Tensor, y: Tensor): { loss: number; dW: Tensor; db: Tensor } {
    return noGrad(() => {
      const logp = this.logProbs(x);
      const n = x.shape[0];
      const loss = -A.gather(logp, 1, A.unsqueeze(y, 1)).sum().item() / n;
      const onehot = A.eq(A.unsqueeze(y, 1), A.unsqueeze(arange(logp.shape[1]), 0));
      const delta = A.div(A.sub(A.exp(logp), A.cast(onehot, logp.dtype)), n);
      return { loss, dW: A.mm(delta, x, true, false), db: A.sum(delta, 0) };
    });
  }

  sgdStep(x: Tensor, y: Tensor, lr: number): number {
    const { loss, dW, db } = this.lossAndGrads(x, y);
    noGrad(() => {
      this.W.data.set(A.sub(this.W, A.mul(dW, lr)).data);
      this.b.data.set(A.sub(this.b, A.mul(db, lr)).data);
    });
    return loss;
  }

  accuracy(ds: TensorDataset | Subset): number {
    const [x, y] = batchAll(ds);
    return noGrad(() => A.sum(A.eq(A.argmax(this.logProbs(x), 1), y)).item() / y.size);
  }
}

function batchAll(ds: TensorDataset | Subset): Tensor[] {
  return ds.getBatch(Int32Array.from({ length: ds.length }, (_, i) => i));
}

export interface DeepNetworkOptions {
  /** Hidden activation (default tanh, the report's). */
  activation?: 'tanh' | 'relu';
  /** Weight init (default glorot; kaiming is He's, for ReLU). */
  init?: 'glorot' | 'kaiming';
  /** Dropout after each hidden activation (0: none, the report's). */
  dropout?: number;
}

/** The S1 DeepNetwork: Linear → activation (→ dropout) for each hidden size, then a Linear to the classes. */
export function deepNetwork(inFeatures: number, hidden: number[], classes: number, gen: Generator, opts: DeepNetworkOptions = {}): Module {
  const act = opts.activation ?? 'tanh';
  const layers: Module[] = [];
  let prev = inFeatures;
  for (const h of hidden) {
    layers.push(new Linear(prev, h, { generator: gen }), act === 'relu' ? new ReLU() : new Tanh());
    if ((opts.dropout ?? 0) > 0) layers.push(new Dropout(opts.dropout, { generator: gen }));
    prev = h;
  }
  layers.push(new Linear(prev, classes, { generator: gen }));
  const net = new Sequential(...layers);
  for (const m of net.layers) {
    if (m instanceof Linear) {
      if ((opts.init ?? 'glorot') === 'kaiming') kaimingUniform(m.weight, { nonlinearity: act === 'relu' ? 'relu' : 'tanh', generator: gen });
      else xavierUniform(m.weight, 1, gen);
      if (m.bias) zeros_(m.bias);
    }
  }
  return net;
}

export const mnistLinear: Study = {
  name: 'mnist-linear',
  title: 'S1: softmax regression with a hand-written backward, then a tanh DeepNetwork, confusion matrix',
  defaultEpochs: 10,
  params: [
    { name: 'linearEpochs', type: 'int', min: 0, max: 1000, help: 'epochs of the part-1 softmax regression (default: --epochs, else 12 as the report)' },
    { name: 'hidden', type: 'string', list: 'int', min: 1, max: 4096, default: '100', help: 'hidden layer sizes of the DeepNetwork, comma-separated' },
    { name: 'activation', type: 'choice', choices: ['tanh', 'relu'], default: 'tanh', help: 'hidden activation (the report: tanh)' },
    { name: 'init', type: 'choice', choices: ['glorot', 'kaiming'], default: 'glorot', help: 'weight init: Glorot (tanh) or Kaiming/He (ReLU)' },
    { name: 'lr', type: 'float', min: 1e-6, max: 10, default: 0.01, help: 'SGD step of the DeepNetwork' },
    { name: 'lrDecay', type: 'float', min: 0.01, max: 1, default: 1, help: 'further work: multiply the step by this after every epoch (1: no decay)' },
    { name: 'batch', type: 'int', min: 1, max: 8000, default: 1, help: 'further work: mini-batch size (1: per-sample SGD, the report)' },
    { name: 'dropout', type: 'float', min: 0, max: 0.9, default: 0, help: 'further work: dropout after each hidden layer' },
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const gen = manualSeed(o.seed);
    const P = studyParams(this, o);
    const linearEpochs = P.numOpt('linearEpochs') ?? o.epochs ?? 12;
    const epochs = o.epochs ?? this.defaultEpochs;
    const hidden = P.nums('hidden');
    const activation = P.str('activation') as 'tanh' | 'relu';
    const init = P.str('init') as 'glorot' | 'kaiming';
    const lr = P.num('lr');
    const lrDecay = P.num('lrDecay');
    const batch = P.num('batch');
    const dropout = P.num('dropout');
    const data = mnistDataset();
    const [train, val, test] = randomSplit(data, [8000, 1000, 1000], gen.fork());

    o.log(`part 1: softmax regression, per-sample SGD, step 0.1, ${linearEpochs} epochs`);
    const reg = new SoftmaxRegression(784, 10);
    const [tx, ty] = batchAll(train);
    const linTrack = o.tracking.variant('softmax-regression', { lr: 0.1, epochs: linearEpochs, batchSize: 1 });
    const shuffle = gen.fork();
    const linHistory: Array<{ epoch: number } & Record<string, number>> = [];
    for (let e = 1; e <= linearEpochs; e++) {
      let lossSum = 0;
      for (const i of shuffle.permutation(train.length)) {
        lossSum += reg.sgdStep(A.narrow(tx, 0, i, 1), A.narrow(ty, 0, i, 1), 0.1);
      }
      const row = { epoch: e, 'train/loss': lossSum / train.length, 'train/accuracy': reg.accuracy(train), 'val/accuracy': reg.accuracy(val) };
      linHistory.push(row);
      linTrack?.run.logScalars({ 'train/loss': row['train/loss'], 'train/accuracy': row['train/accuracy'], 'val/accuracy': row['val/accuracy'] }, e);
      o.log(`  epoch ${e}/${linearEpochs}  train/loss ${row['train/loss'].toFixed(4)}  train/accuracy ${row['train/accuracy'].toFixed(4)}  val/accuracy ${row['val/accuracy'].toFixed(4)}`);
    }
    const linearTest = reg.accuracy(test);
    o.log(`  softmax regression test accuracy ${linearTest.toFixed(4)}`);

    const extras = [lrDecay < 1 ? `lr ×${lrDecay} per epoch` : '', dropout > 0 ? `dropout ${dropout}` : ''].filter(Boolean).join(', ');
    o.log(`part 2: DeepNetwork 784-${hidden.join('-')}-10 ${activation}, ${init === 'glorot' ? 'Glorot' : 'Kaiming'} init, SGD lr ${lr}, ${batch === 1 ? 'per-sample' : `batch ${batch}`}${extras ? ', ' + extras : ''}, ${epochs} epochs`);
    const model = deepNetwork(784, hidden, 10, gen.fork(), { activation, init, dropout });
    const variant = activation === 'tanh' && init === 'glorot' ? 'deep-tanh' : `deep-${activation}-${init}`;
    const tracker = o.tracking.variant(variant, { hidden, activation, init, lr, lrDecay, dropout, batchSize: batch, epochs });
    const optimizer = new SGD(model.parameters(), { lr });
    const schedule = lrDecay < 1 ? [new LRSchedule(new ExponentialLR(optimizer, lrDecay))] : [];
    const result = await fit({
      model, optimizer, epochs,
      lossFn: (out, y) => crossEntropy(out, y),
      train: new DataLoader(train, { batchSize: batch, shuffle: true, generator: gen.fork() }),
      val: new DataLoader(val, { batchSize: 1000 }),
      test: new DataLoader(test, { batchSize: 1000 }),
      callbacks: [new ProgressBar(), ...schedule, ...tracked(tracker)], log: (l) => o.log('  ' + l),
    });
    const testEval = result.test!;
    const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const rep = classificationReport(model, new DataLoader(test, { batchSize: 1000 }), digits, tracker?.run ?? null, epochs);
    const cm = rep.confusion;
    o.log(`  best epoch ${result.bestEpoch}: test accuracy ${testEval.accuracy!.toFixed(4)}, macro F1 ${rep.f1.toFixed(4)}`);
    o.log('  confusion matrix (rows: true digit, columns: predicted):');
    for (const line of confusionLines(cm, digits)) o.log('  ' + line);
    // The most frequent confusion between two different digits, both directions together.
    let worst = { a: 0, b: 0, count: -1 };
    for (let a = 0; a < 10; a++) for (let b = a + 1; b < 10; b++) {
      const c = cm.matrix[a][b] + cm.matrix[b][a];
      if (c > worst.count) worst = { a, b, count: c };
    }
    o.log(`  most confused pair: ${worst.a}↔${worst.b} (${worst.count} test digits)`);
    return {
      study: this.name, seed: o.seed, epochs, testAccuracy: testEval.accuracy!, testLoss: testEval.loss,
      history: historyRows(result.history), bestEpoch: result.bestEpoch,
      linear: { epochs: linearEpochs, testAccuracy: linearTest, history: linHistory },
      confusion: cm.matrix, mostConfused: worst,
    };
  },
};
