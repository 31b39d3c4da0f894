/**
 * s3-cnn (S3's text CNN): texts → 100-d pretrained embeddings (frozen, or fine-tuned with
 * `--set freeze=false`, or both with `freeze=both`) → 1, 2 or 4 Conv1d layers (kernel 3,
 * 'same' padding, ReLU; channels doubling from 16: [16], [16, 32], [16, 32, 64, 128]; max-pool
 * by 2 between layers) → max over time → 2-layer MLP (64 hidden, ReLU, dropout 0.3) → classes.
 * Each network is compared with the majority-class model: relative accuracy = test accuracy /
 * accuracy of always predicting the training split's most frequent class (also given as the
 * gain in points). One run per variant (`--set layers=1,2,4`, `maxLen=`, `batch=`, `lr=`,
 * `optimizer=`; Adam 1e-3 by default: the report gives no optimizer for the CNN).
 */
import * as A from '../autograd/index.js';
import { Conv1d, Dropout, Embedding, Linear, MaxPool1d, Module } from '../nn/index.js';
import { crossEntropy } from '../nn/functional.js';
import { manualSeed, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { fit } from '../train/fit.js';
import { ProgressBar } from '../train/progress.js';
import { makeOptimizer, type OptimizerName } from './choices.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult, historyRows, tracked } from './study.js';
import { classificationReport, formatTable, logReport, pct, predictProbs } from './text-eval.js';
import { buildVocab, loadTextCorpus, loadVectors, LR_PARAM, lrOf, majorityAccuracy, optimizerParam, RelativeAccuracy, secondsSince, TextBatches, textParams } from './text-data.js';

/** Channels of each conv layer: doubling from 16. */
export function cnnWidths(layers: number): number[] {
  return Array.from({ length: layers }, (_, i) => 16 * 2 ** i);
}

export class TextCNN extends Module {
  embedding: Embedding;
  convs: Conv1d[];
  pool: MaxPool1d;
  fc1: Linear;
  drop: Dropout;
  fc2: Linear;

  constructor(weight: Tensor, padIndex: number, classes: number, o: { layers: number; freeze: boolean; gen: Generator }) {
    super();
    this.embedding = Embedding.fromPretrained(weight, { freeze: o.freeze, paddingIdx: padIndex });
    const widths = cnnWidths(o.layers);
    let inC = weight.shape[1];
    this.convs = widths.map((w) => {
      const c = new Conv1d(inC, w, 3, { padding: 1, generator: o.gen });
      inC = w;
      return c;
    });
    this.pool = new MaxPool1d(2);
    this.fc1 = new Linear(inC, 64, { generator: o.gen });
    this.drop = new Dropout(0.3, { generator: o.gen });
    this.fc2 = new Linear(64, classes, { generator: o.gen });
  }

  /** Shortest input the pooling chain accepts. */
  get minLen(): number {
    return 2 ** (this.convs.length - 1);
  }

  forward(ids: Tensor): Tensor {
    let x = A.transpose(this.embedding.forward(ids), 1, 2); // [B, E, T]
    this.convs.forEach((conv, i) => {
      x = A.relu(conv.forward(x));
      if (i < this.convs.length - 1) x = this.pool.forward(x);
    });
    const feat = A.max(x, 2); // [B, C]: max over time
    return this.fc2.forward(this.drop.forward(A.relu(this.fc1.forward(feat))));
  }
}

export const s3Cnn: Study = {
  name: 's3-cnn',
  title: 'S3 text CNN, 1/2/4 conv1d layers (16→128 channels) over frozen 100-d vectors vs the majority class; max length 200, default 5 epochs, ~3 min on 2 cores (wasm)',
  defaultEpochs: 5,
  params: [
    ...textParams(),
    { name: 'maxLen', type: 'int', min: 1, max: 100000, default: 200, help: 'longest text kept, in tokens' },
    { name: 'batch', type: 'int', min: 1, max: 100000, default: 64, help: 'mini-batch size' },
    { name: 'layers', type: 'string', list: ['1', '2', '3', '4', '5'], default: '1,2,4', help: 'numbers of conv1d layers, one model each' },
    { name: 'freeze', type: 'choice', choices: ['true', 'false', 'both'], default: 'true', help: 'frozen pretrained embeddings, fine-tuned, or both' },
    optimizerParam('adam'),
    LR_PARAM,
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const epochs = o.epochs ?? this.defaultEpochs;
    const gen = manualSeed(o.seed);
    const maxLen = P.num('maxLen');
    const batch = P.num('batch');
    const layerList = P.nums('layers');
    const freezeParam = P.str('freeze');
    const freezes = freezeParam === 'both' ? [true, false] : [freezeParam === 'true'];
    const optName = P.str('optimizer') as OptimizerName;
    const lr = lrOf(P, optName);
    const t0 = performance.now();
    const c = loadTextCorpus(P, { gen: gen.fork(), maxTokens: maxLen });
    const { vectors, name: vecName } = loadVectors(P);
    const tv = buildVocab(P, c, vectors, gen.fork());
    o.log(`s3-cnn: ${c.description}`);
    o.log(`${vecName}: ${tv.coverage}; ready in ${secondsSince(t0)} s`);
    const maj = majorityAccuracy(c, c.test);
    o.log(`majority-class model (always '${c.classes[maj.label]}'): test accuracy ${pct(maj.accuracy)}%`);
    o.log(`${optName} lr ${lr}, batch ${batch}, max length ${maxLen}, ${epochs} epochs; conv layers ${layerList.join(', ')}; embeddings ${freezes.map((f) => (f ? 'frozen' : 'fine-tuned')).join(' and ')}`);
    const rows: string[][] = [];
    const variants: Record<string, unknown>[] = [];
    let best: { acc: number; res: StudyResult } | null = null;
    for (const freeze of freezes) {
      for (const layers of layerList) {
        const vname = `conv${layers}${freeze ? '' : '-finetuned'}`;
        const model = new TextCNN(tv.weight, tv.vocab.padIndex, c.classes.length, { layers, freeze, gen: gen.fork() });
        const mk = (idx: Int32Array, shuffle: boolean): TextBatches =>
          new TextBatches(tv.vocab, c, idx, { batchSize: shuffle ? batch : 256, maxLen, minLen: model.minLen, shuffle, gen: shuffle ? gen.fork() : undefined });
        const train = mk(c.train, true);
        const val = mk(c.val, false);
        const test = mk(c.test, false);
        const tracker = o.tracking.variant(vname, {
          convLayers: layers, channels: cnnWidths(layers), kernel: 3, mlpHidden: 64, dropout: 0.3, freezeEmbeddings: freeze,
          data: c.source, vectors: vecName, optimizer: optName, lr, batchSize: batch, maxLen, epochs, classes: [...c.classes],
        });
        o.log(`— ${vname}: channels ${cnnWidths(layers).join('→')}, embeddings ${freeze ? 'frozen' : 'fine-tuned'} (${model.parameters().filter((p) => p.requiresGrad).reduce((a, p) => a + p.size, 0)} trained parameters)`);
        const t1 = performance.now();
        const result = await fit({
          model, optimizer: makeOptimizer(optName, model, lr), epochs, lossFn: (out, y) => crossEntropy(out, y),
          train, val, test, callbacks: [new ProgressBar(), new RelativeAccuracy(majorityAccuracy(c, c.val).accuracy), ...tracked(tracker)], log: o.log,
        });
        const seconds = (performance.now() - t1) / 1000;
        const rep = classificationReport(predictProbs(model, test));
        const relative = rep.accuracy / maj.accuracy;
        if (tracker) {
          logReport(tracker.run, rep, c.classes, epochs);
          tracker.run.logScalars({ 'test/majority_accuracy': maj.accuracy, 'test/relative_accuracy': relative }, epochs);
        }
        o.log(`${vname}: best epoch ${result.bestEpoch}, test accuracy ${pct(rep.accuracy)}% vs majority ${pct(maj.accuracy)}%: relative accuracy ×${relative.toFixed(3)} (${(100 * (rep.accuracy - maj.accuracy)).toFixed(2)} points), macro F1 ${pct(rep.f1)}% (${seconds.toFixed(0)} s)`);
        const be = result.history.find((h) => h.epoch === result.bestEpoch);
        const valAcc = be?.metrics['val/accuracy'] ?? NaN;
        rows.push([vname, pct(be?.metrics['train/accuracy'] ?? NaN), pct(valAcc), pct(rep.accuracy), relative.toFixed(3), pct(rep.f1), seconds.toFixed(0)]);
        variants.push({ variant: vname, layers, freeze, valAccuracy: valAcc, testAccuracy: rep.accuracy, relativeAccuracy: relative, f1: rep.f1, bestEpoch: result.bestEpoch, seconds });
        const res: StudyResult = { study: this.name, seed: o.seed, epochs, testAccuracy: rep.accuracy, testLoss: result.test?.loss ?? NaN, history: historyRows(result.history), bestVariant: vname };
        if (!best || valAcc > best.acc) best = { acc: valAcc, res };
      }
    }
    o.log(`results (${c.source}; majority-class test accuracy ${pct(maj.accuracy)}%; relative = accuracy / majority accuracy):`);
    for (const l of formatTable(['model', 'train acc', 'val acc', 'test acc', 'relative', 'macro F1', 'seconds'], rows)) o.log(`  ${l}`);
    if (!best) throw new Error('s3-cnn: no model was trained');
    return { ...best.res, variants, majorityAccuracy: maj.accuracy, data: c.source, classes: [...c.classes] };
  },
};
