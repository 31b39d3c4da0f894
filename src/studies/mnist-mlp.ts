/**
 * mnist-mlp (S2's network, without regularisation): 784→100→100→100→10 with ReLU, Adam lr 1e-3,
 * batch 300, cross-entropy, on the 10,000 MNIST digits of the `mnist` package split 8,000 /
 * 1,000 / 1,000 with the run's seed. Keeps the best epoch by validation accuracy and reports
 * its test accuracy.
 */
import { Generator, manualSeed } from '../tensor/random.js';
import { Linear, ReLU, Sequential } from '../nn/index.js';
import { crossEntropy } from '../nn/functional.js';
import { Adam } from '../optim/adam.js';
import { DataLoader, mnistDataset, randomSplit } from '../data/index.js';
import { fit } from '../train/fit.js';
import { ProgressBar } from '../train/progress.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult, historyRows, tracked } from './study.js';
import { classificationReport } from './classification-report.js';

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function mlp(sizes: number[], gen: Generator): Sequential {
  const layers = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i], sizes[i + 1], { generator: gen }));
    if (i + 2 < sizes.length) layers.push(new ReLU());
  }
  return new Sequential(...layers);
}

export const mnistMlp: Study = {
  name: 'mnist-mlp',
  title: 'MLP 784-100-100-100-10, Adam 1e-3, batch 300, on the 10,000 MNIST digits (S2 without regularisation)',
  defaultEpochs: 25,
  params: [
    { name: 'lr', type: 'float', min: 1e-6, max: 1, default: 1e-3, help: 'Adam learning rate' },
    { name: 'batch', type: 'int', min: 1, max: 8000, default: 300, help: 'mini-batch size' },
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const lr = P.num('lr');
    const batch = P.num('batch');
    const epochs = o.epochs ?? this.defaultEpochs;
    const gen = manualSeed(o.seed);
    const data = mnistDataset();
    const [train, val, test] = randomSplit(data, [8000, 1000, 1000], gen.fork());
    const model = mlp([784, 100, 100, 100, 10], gen.fork());
    o.log(`mnist-mlp: ${data.length} digits split 8000/1000/1000, ${model.countParameters()} parameters, seed ${o.seed}`);
    const optimizer = new Adam(model.parameters(), { lr });
    const tracker = o.tracking.variant('mlp', { layers: [784, 100, 100, 100, 10], optimizer: 'Adam', lr, batchSize: batch, epochs });
    const result = await fit({
      model, optimizer, epochs,
      lossFn: (out, y) => crossEntropy(out, y),
      train: new DataLoader(train, { batchSize: batch, shuffle: true, generator: gen.fork() }),
      val: new DataLoader(val, { batchSize: 1000 }),
      test: new DataLoader(test, { batchSize: 1000 }),
      callbacks: [new ProgressBar(), ...tracked(tracker)],
      log: o.log,
    });
    const t = result.test!;
    const rep = classificationReport(model, new DataLoader(test, { batchSize: 1000 }), DIGITS, tracker?.run ?? null, epochs);
    o.log(`best epoch ${result.bestEpoch}: test accuracy ${t.accuracy!.toFixed(4)}, test loss ${t.loss.toFixed(4)}, macro F1 ${rep.f1.toFixed(4)}`);
    return {
      study: this.name, seed: o.seed, epochs, testAccuracy: t.accuracy!, testLoss: t.loss,
      bestEpoch: result.bestEpoch, history: historyRows(result.history), macroF1: rep.f1, confusion: rep.confusion.matrix,
    };
  },
};
