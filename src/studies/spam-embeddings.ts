/**
 * spam-embeddings (the data side of S3/S4 on the e-mail corpus): each of the 6,046 SpamAssassin
 * e-mails becomes the mean of its words' 100-d wink vectors (GloVe-derived, installed with
 * gradlab), standardised with training statistics, and an MLP 100→64→2 (ReLU, dropout 0.2)
 * trained with Adam classifies ham vs spam (`--set classes=3` for easy-ham / hard-ham / spam).
 * Split 70/15/15 with the seed; the best epoch by validation accuracy is tested.
 */
import { manualSeed } from '../tensor/random.js';
import * as A from '../autograd/index.js';
import { Dropout, Linear, ReLU, Sequential } from '../nn/index.js';
import { crossEntropy } from '../nn/functional.js';
import { Adam } from '../optim/adam.js';
import { DataLoader, TensorDataset, randomSplit } from '../data/index.js';
import { bagTensors, emailBagOfEmbeddings } from '../data/embeddings/bag.js';
import { fit } from '../train/fit.js';
import { ProgressBar } from '../train/progress.js';
import { classificationReport, confusionLines } from './classification-report.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult, historyRows, tracked } from './study.js';

export const spamEmbeddings: Study = {
  name: 'spam-embeddings',
  title: 'Bag of wink 100-d word vectors per e-mail (SpamAssassin, 6,046), MLP, ham vs spam',
  defaultEpochs: 30,
  params: [
    { name: 'classes', type: 'choice', choices: ['2', '3'], default: '2', help: 'ham/spam (2) or easy-ham/hard-ham/spam (3)' },
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const epochs = o.epochs ?? this.defaultEpochs;
    const gen = manualSeed(o.seed);
    const threeWay = studyParams(this, o).str('classes') === '3';
    const t0 = performance.now();
    const bag = emailBagOfEmbeddings();
    o.log(`spam-embeddings: ${bag.n} e-mails, ${(bag.tokenCoverage * 100).toFixed(1)}% of tokens have a vector, ` +
      `${bag.emptyRows} e-mails without any (${bag.fromCache ? 'from the cache' : 'built and cached'} in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const { x, y } = bagTensors(bag, { threeWay });
    const classes = threeWay ? bag.classes3 : bag.classes;
    const [trainIdx, valIdx, testIdx] = randomSplit(new TensorDataset(x, y), [0.7, 0.15, 0.15], gen.fork()).map((s) => s.indices);
    // Standardise every feature with the training split's mean and deviation.
    const trainX = A.indexSelect(x, 0, trainIdx);
    const mu = A.mean(trainX, 0);
    const sd = A.add(A.std(trainX, 0), 1e-6);
    const xs = A.div(A.sub(x, mu), sd);
    const part = (idx: Int32Array): TensorDataset => new TensorDataset(A.indexSelect(xs, 0, idx), A.indexSelect(y, 0, idx));
    const train = part(trainIdx);
    const val = part(valIdx);
    const test = part(testIdx);
    const mg = gen.fork();
    const model = new Sequential(new Linear(bag.dim, 64, { generator: mg }), new ReLU(), new Dropout(0.2, { generator: mg }), new Linear(64, classes.length, { generator: mg }));
    const tracker = o.tracking.variant(threeWay ? 'mlp-3-way' : 'mlp', { features: 'mean wink-100d', hidden: 64, dropout: 0.2, optimizer: 'Adam', lr: 1e-3, batchSize: 64, epochs, classes: [...classes] });
    o.log(`split ${train.length}/${val.length}/${test.length}; classes: ${classes.join(', ')}`);
    const result = await fit({
      model, optimizer: new Adam(model.parameters(), { lr: 1e-3 }), epochs,
      lossFn: (out, t) => crossEntropy(out, t),
      train: new DataLoader(train, { batchSize: 64, shuffle: true, generator: gen.fork() }),
      val: new DataLoader(val, { batchSize: 1000 }),
      test: new DataLoader(test, { batchSize: 1000 }),
      callbacks: [new ProgressBar(), ...tracked(tracker)], log: o.log,
    });
    const t = result.test!;
    const rep = classificationReport(model, new DataLoader(test, { batchSize: 1000 }), classes, tracker?.run ?? null, epochs);
    const cm = rep.confusion;
    o.log(`best epoch ${result.bestEpoch}: test accuracy ${t.accuracy!.toFixed(4)}, test loss ${t.loss.toFixed(4)}, macro F1 ${rep.f1.toFixed(4)}, AUC ${rep.auc.map((a) => a.toFixed(4)).join(' / ')}`);
    o.log('confusion matrix (rows: true class, columns: predicted):');
    for (const line of confusionLines(cm, classes)) o.log(line);
    return {
      study: this.name, seed: o.seed, epochs, testAccuracy: t.accuracy!, testLoss: t.loss, bestEpoch: result.bestEpoch,
      history: historyRows(result.history), classes: [...classes], confusion: cm.matrix, macroF1: rep.f1, auc: rep.auc, tokenCoverage: bag.tokenCoverage,
    };
  },
};

