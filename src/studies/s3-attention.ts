/**
 * s3-attention (S3's attention models): texts → frozen 100-d pretrained embeddings → a pooling
 * into one vector → Linear → classes, one run per model:
 *   mean            mean of the embeddings (the baseline)
 *   learned         simple attention, learned q: p(a_i) = softmax_i(q·x_i)
 *   linear          q(t) = Linear(mean embedding of the text)
 *   mlp             q(t) = MLP(128 hidden units) of the mean embedding
 *   mlp-value       q(t) = Linear(mean) and a value network v(x): output Σ p_i·v(x_i)
 *   lstm-attention  LSTM over the embeddings, learned-q attention over its outputs
 *   lstm            LSTM, last hidden state (no attention)
 * The LSTMs cost ~5× a pooling model per epoch (`--set models=` picks a subset).
 * Protocol: SGD lr 0.01, batch 64, max length 200 (`--set optimizer=adam`, `lr=`, `batch=`,
 * `maxLen=`, `hidden=` LSTM units, `models=mean,learned,...`). The kept model is the best epoch
 * by validation accuracy (the "early stopping" of the report).
 * Recorded: each epoch, a histogram of the attention entropies H(p) = −Σ p_i log p_i of the
 * validation texts; at the end, heat-maps of a few test texts (tokens shaded by weight) and the
 * most attended words. `--set alpha=0.01,0.05,0.1,1` (or alpha=all) trains each attention model
 * with the penalty L = CE + α·mean H(p), one run per α.
 */
import * as A from '../autograd/index.js';
import { noGrad } from '../autograd/grad-mode.js';
import { AttentionPooling, Embedding, Linear, LSTM, MeanPooling, Module } from '../nn/index.js';
import { crossEntropy } from '../nn/functional.js';
import { attentionEntropy, attentionEntropyPenalty } from '../nn/regularizers.js';
import { manualSeed, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { fit } from '../train/fit.js';
import { ProgressBar } from '../train/progress.js';
import type { Callback, EpochLogs } from '../train/callbacks.js';
import type { Tracker } from '../track/tracker.js';
import { makeOptimizer, type OptimizerName } from './choices.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult, historyRows, tracked } from './study.js';
import { formatTable, pct } from './text-eval.js';
import {
  buildVocab, loadTextCorpus, loadVectors, LR_PARAM, lrOf, majorityAccuracy, optimizerParam, padMask, RelativeAccuracy, secondsSince, TextBatches, textParams, type TextCorpus,
} from './text-data.js';

export const ATTENTION_MODELS = ['mean', 'learned', 'linear', 'mlp', 'mlp-value', 'lstm-attention', 'lstm'] as const;
export type AttentionModel = (typeof ATTENTION_MODELS)[number];

export const MODEL_LABEL: Readonly<Record<AttentionModel, string>> = {
  mean: 'mean of embeddings (baseline)', learned: 'simple attention, learned q', linear: 'q(t) = linear(mean embedding)',
  mlp: 'q(t) = MLP(128)', 'mlp-value': 'q(t) linear + MLP value v(x)', 'lstm-attention': 'LSTM + attention', lstm: 'LSTM without attention',
};

/** Embeddings → pooling (or LSTM) → Linear. forward(ids [B, T]) gives logits; run() also the weights. */
export class AttentionClassifier extends Module {
  embedding: Embedding;
  pooling: MeanPooling | AttentionPooling | null = null;
  lstm: LSTM | null = null;
  head: Linear;
  /** Weights of the last forward (the entropy penalty reads them). */
  lastWeights: Tensor | null = null;
  /** When set, eval-mode forwards append each text's attention entropy here. */
  collect: number[] | null = null;

  constructor(readonly kind: AttentionModel, weight: Tensor, readonly padIndex: number, classes: number, o: { hidden: number; gen: Generator }) {
    super();
    this.embedding = Embedding.fromPretrained(weight, { freeze: true, paddingIdx: padIndex });
    const E = weight.shape[1];
    let width = E;
    if (kind === 'lstm' || kind === 'lstm-attention') {
      this.lstm = new LSTM(E, o.hidden, { batchFirst: true, generator: o.gen });
      width = o.hidden;
    }
    if (kind === 'mean') this.pooling = new MeanPooling(E);
    else if (kind === 'learned' || kind === 'lstm-attention') this.pooling = new AttentionPooling(width, { query: 'learned', generator: o.gen });
    else if (kind === 'linear') this.pooling = new AttentionPooling(E, { query: 'linear', generator: o.gen });
    else if (kind === 'mlp') this.pooling = new AttentionPooling(E, { query: 'mlp', hidden: 128, generator: o.gen });
    else if (kind === 'mlp-value') this.pooling = new AttentionPooling(E, { query: 'linear', value: true, generator: o.gen });
    this.head = new Linear(width, classes, { generator: o.gen });
  }

  run(ids: Tensor): { logits: Tensor; weights: Tensor | null } {
    const mask = padMask(ids, this.padIndex);
    let x = this.embedding.forward(ids);
    if (this.lstm) {
      const lengths = new Int32Array(ids.shape[0]);
      const m = mask.data as Int32Array;
      const T = ids.shape[1];
      for (let b = 0; b < lengths.length; b++) {
        let n = 0;
        for (let t = 0; t < T; t++) n += 1 - m[b * T + t];
        lengths[b] = Math.max(1, n);
      }
      const r = this.lstm.run(x, { lengths });
      if (!this.pooling) return { logits: this.head.forward(A.select(r.h, 0, 0)), weights: null };
      x = r.output;
    }
    const p = (this.pooling as MeanPooling | AttentionPooling).pool(x, mask);
    return { logits: this.head.forward(p.output), weights: p.weights };
  }

  forward(ids: Tensor): Tensor {
    const r = this.run(ids);
    this.lastWeights = r.weights;
    if (this.collect && !this.training && r.weights) for (const h of attentionEntropy(r.weights).data) this.collect.push(h);
    return r.logits;
  }
}

/** Logs the validation texts' attention entropies each epoch (histogram and mean). */
class EntropyProbe implements Callback {
  readonly means: number[] = [];
  constructor(private readonly model: AttentionClassifier, private readonly run: { logHistogram: (t: string, v: number[], s: number) => void; logScalar: (t: string, v: number, s: number) => void } | null) {}
  onEpochBegin(): void {
    this.model.collect = [];
  }
  stateDict(): number[] {
    return [...this.means];
  }
  loadStateDict(s: number[]): void {
    this.means.splice(0, this.means.length, ...s);
  }
  onEpochEnd(_ctx: unknown, logs: EpochLogs): void {
    const h = this.model.collect ?? [];
    this.model.collect = null;
    if (h.length === 0) return;
    const mean = h.reduce((a, b) => a + b, 0) / h.length;
    this.means.push(mean);
    logs.metrics['val/attention_entropy'] = mean;
    this.run?.logHistogram('attention/entropy', h, logs.epoch);
  }
}

/** Heat-maps of two test texts per class and the words most often given a text's highest weight. */
function attentionReport(model: AttentionClassifier, c: TextCorpus, test: TextBatches, maxLen: number, step: number, tracker: Tracker | null): string[] {
  const top = new Map<string, number>();
  const lines: string[] = [];
  const shown = new Array<number>(c.classes.length).fill(0);
  model.eval();
  noGrad(() => {
    const n = test.indices.length;
    for (let s = 0; s < n; s += 64) {
      const rows = Array.from({ length: Math.min(64, n - s) }, (_, k) => s + k);
      const [ids] = test.batch(rows);
      const w = model.run(ids).weights;
      if (!w) return;
      const T = ids.shape[1];
      rows.forEach((r, k) => {
        const i = test.indices[r];
        const toks = c.tokens[i].slice(0, maxLen);
        const weights = Array.from(w.data.subarray(k * T, k * T + toks.length));
        let best = 0;
        for (let t = 1; t < toks.length; t++) if (weights[t] > weights[best]) best = t;
        top.set(toks[best], (top.get(toks[best]) ?? 0) + 1);
        const label = c.labels[i];
        if (shown[label] >= 2) return;
        shown[label]++;
        const order = weights.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]).slice(0, 5);
        const caption = `test text ${r} (${c.classes[label]}), top words: ${order.map(([v, j]) => `${toks[j]} ${v.toFixed(3)}`).join(', ')}`;
        lines.push(`  ${caption}`);
        tracker?.run.logHeatmap(`attention/text_${r}`, { tokens: toks, weights, caption }, step);
      });
    }
  });
  model.train();
  const ranked = [...top.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
  if (ranked.length) {
    const line = `most attended words (test texts in which the word has the highest weight): ${ranked.map(([w, k]) => `${w} ${k}`).join(', ')}`;
    lines.unshift(`  ${line}`);
    tracker?.run.logText('attention/top_words', line, step);
  }
  return lines;
}

export const s3Attention: Study = {
  name: 's3-attention',
  title: 'S3 attention poolings vs mean of embeddings and LSTMs, SGD 0.01, batch 64, max length 200, e-mails or IMDB; default 10 epochs (report: 50), ~7 min on 2 cores (wasm)',
  defaultEpochs: 10,
  params: [
    ...textParams(),
    { name: 'maxLen', type: 'int', min: 1, max: 100000, default: 200, help: 'longest text kept, in tokens (the report: 200)' },
    { name: 'batch', type: 'int', min: 1, max: 100000, default: 64, help: 'mini-batch size (the report: 64)' },
    { name: 'hidden', type: 'int', min: 1, max: 4096, default: 32, help: 'LSTM and MLP hidden size' },
    optimizerParam('sgd'),
    LR_PARAM,
    { name: 'alpha', type: 'string', list: 'float', min: 0, max: 100, help: 'entropy-penalty strengths α, comma-separated (the report: 0,0.01,0.05,0.1,1); setting it trains the learned-query model only unless models is set' },
    { name: 'models', type: 'string', list: ATTENTION_MODELS, help: 'which models (default: all seven, or learned when alpha is set)' },
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const epochs = o.epochs ?? this.defaultEpochs;
    const gen = manualSeed(o.seed);
    const maxLen = P.num('maxLen');
    const batch = P.num('batch');
    const hidden = P.num('hidden');
    const optName = P.str('optimizer') as OptimizerName;
    const lr = lrOf(P, optName);
    const alphaParam = P.strOpt('alpha') ?? '';
    const alphas = alphaParam === '' ? [0] : P.nums('alpha');
    const defaultModels: AttentionModel[] = alphaParam === '' ? [...ATTENTION_MODELS] : ['learned'];
    const models = (P.has('models') ? P.list('models') : defaultModels) as AttentionModel[];
    const t0 = performance.now();
    const c = loadTextCorpus(P, { gen: gen.fork(), maxTokens: maxLen });
    const { vectors, name: vecName } = loadVectors(P);
    const tv = buildVocab(P, c, vectors, gen.fork());
    o.log(`s3-attention: ${c.description}`);
    o.log(`${vecName}: ${tv.coverage}; ready in ${secondsSince(t0)} s`);
    o.log(`${optName} lr ${lr}, batch ${batch}, max length ${maxLen}, ${epochs} epochs; models ${models.join(', ')}${alphaParam ? `; entropy penalty α ∈ {${alphas.join(', ')}}` : ''}`);
    const train = new TextBatches(tv.vocab, c, c.train, { batchSize: batch, maxLen, shuffle: true, gen: gen.fork() });
    const val = new TextBatches(tv.vocab, c, c.val, { batchSize: 256, maxLen });
    const test = new TextBatches(tv.vocab, c, c.test, { batchSize: 256, maxLen });
    const rows: string[][] = [];
    const variants: Record<string, unknown>[] = [];
    let best: { acc: number; res: StudyResult } | null = null;
    for (const kind of models) {
      for (const alpha of kind === 'mean' || kind === 'lstm' ? [0] : alphas) {
        const vname = alpha > 0 ? `${kind}-alpha${alpha}` : kind;
        const mg = gen.fork();
        const model = new AttentionClassifier(kind, tv.weight, tv.vocab.padIndex, c.classes.length, { hidden, gen: mg });
        const tracker = o.tracking.variant(vname, {
          model: kind, label: MODEL_LABEL[kind], data: c.source, vectors: vecName, optimizer: optName, lr, batchSize: batch, maxLen, epochs, alpha,
          ...(model.lstm ? { hidden } : {}), classes: [...c.classes],
        });
        const probe = new EntropyProbe(model, tracker?.run ?? null);
        o.log(`— ${vname}: ${MODEL_LABEL[kind]}${alpha > 0 ? `, penalty α = ${alpha}` : ''} (${model.countParameters()} parameters, ${model.parameters().filter((p) => p.requiresGrad).reduce((a, p) => a + p.size, 0)} trained)`);
        const t1 = performance.now();
        const result = await fit({
          model, optimizer: makeOptimizer(optName, model, lr), epochs,
          lossFn: (out, y) => crossEntropy(out, y),
          regularizer: alpha > 0 ? () => attentionEntropyPenalty(model.lastWeights as Tensor, alpha) : undefined,
          train, val, test, callbacks: [probe, new ProgressBar(), new RelativeAccuracy(majorityAccuracy(c, c.val).accuracy), ...tracked(tracker)], log: o.log,
        });
        const seconds = (performance.now() - t1) / 1000;
        const be = result.history.find((h) => h.epoch === result.bestEpoch) ?? result.history[result.history.length - 1];
        const trainAcc = be?.metrics['train/accuracy'] ?? NaN;
        const valAcc = be?.metrics['val/accuracy'] ?? NaN;
        const testAcc = result.test?.accuracy ?? NaN;
        const entropy = probe.means.length ? probe.means[(result.bestEpoch ?? probe.means.length) - 1] : NaN;
        o.log(`${vname}: best epoch ${result.bestEpoch}, train ${pct(trainAcc)}%, val ${pct(valAcc)}%, test ${pct(testAcc)}%${Number.isFinite(entropy) ? `, mean attention entropy ${entropy.toFixed(3)}` : ''} (${seconds.toFixed(0)} s)`);
        if (model.pooling && !(model.pooling instanceof MeanPooling)) {
          for (const l of attentionReport(model, c, test, maxLen, epochs, tracker)) o.log(l);
        }
        rows.push([vname, pct(trainAcc), pct(valAcc), pct(testAcc), Number.isFinite(entropy) ? entropy.toFixed(3) : '–', seconds.toFixed(0)]);
        const entry = { variant: vname, model: kind, alpha, trainAccuracy: trainAcc, valAccuracy: valAcc, testAccuracy: testAcc, meanEntropy: entropy, entropyByEpoch: probe.means, bestEpoch: result.bestEpoch, seconds };
        variants.push(entry);
        const res: StudyResult = { study: this.name, seed: o.seed, epochs, testAccuracy: testAcc, testLoss: result.test?.loss ?? NaN, history: historyRows(result.history), bestVariant: vname };
        if (!best || valAcc > best.acc) best = { acc: valAcc, res };
      }
    }
    o.log(`results (${c.source}, best epoch by validation accuracy; entropy: mean over validation texts, uniform attention would give the mean log length):`);
    for (const l of formatTable(['model', 'train acc', 'val acc', 'test acc', 'entropy', 'seconds'], rows)) o.log(`  ${l}`);
    if (!best) throw new Error('s3-attention: no model was trained');
    return { ...best.res, variants, data: c.source, classes: [...c.classes] };
  },
};
