/**
 * s3-transformer (S3's transformer encoder): texts → frozen 100-d pretrained embeddings →
 * L encoder blocks (self-attention with linear q, k, v scaled by 1/√d, residual + LayerNorm,
 * MLP 100→500→100 ReLU, dropout 0.2; PyTorch's post-norm TransformerEncoderLayer) → global
 * average pooling over the real tokens (or a learned CLS token's output) → Linear → classes.
 * Variants (`--set variants=pool,pe,cls,cls-pe`, one run each): pool (average pooling, no
 * position information), pe (sinusoidal positional encoding added to the embeddings), cls
 * (CLS token instead of pooling), cls-pe (both). `--set layers=` (L), `heads=` (must divide the
 * model width; `dModel=96` puts a Linear 100→96 in front, e.g. for 8 heads), `dropout=`,
 * `maxLen=`, `batch=`, `optimizer=`, `lr=`. Protocol: SGD lr 0.01, batch 16, max length 500,
 * L = 3; the default here is cut to what 2 CPU cores do in minutes (see the title).
 * Recorded: the matrix of positional-encoding dot products PE·PEᵀ (variants with pe, else the
 * first run), and the last block's attention received per token for a few test texts.
 */
import * as A from '../autograd/index.js';
import { noGrad } from '../autograd/grad-mode.js';
import { maskedMean } from '../nn/pooling-attention.js';
import { ClsToken, Embedding, Linear, Module, PositionalEncoding, TransformerEncoder, TransformerEncoderLayer } from '../nn/index.js';
import { sinusoidTable } from '../nn/positional.js';
import type { JsonValue } from '../track/types.js';
import { crossEntropy } from '../nn/functional.js';
import { manualSeed, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { fit } from '../train/fit.js';
import { ProgressBar } from '../train/progress.js';
import type { Run } from '../track/run.js';
import { makeOptimizer, type OptimizerName } from './choices.js';
import { studyParams } from './params.js';
import { Study, StudyOptions, StudyResult, historyRows, tracked } from './study.js';
import { formatTable, pct } from './text-eval.js';
import { buildVocab, loadTextCorpus, loadVectors, LR_PARAM, lrOf, optimizerParam, padMask, secondsSince, TextBatches, textParams, type TextCorpus } from './text-data.js';

export const TRANSFORMER_VARIANTS = ['pool', 'pe', 'cls', 'cls-pe'] as const;
export type TransformerVariant = (typeof TRANSFORMER_VARIANTS)[number];

export interface TextTransformerOptions {
  layers: number;
  heads: number;
  dModel: number;
  dropout: number;
  positional: boolean;
  cls: boolean;
  maxLen: number;
  gen: Generator;
}

export class TextTransformer extends Module {
  embedding: Embedding;
  project: Linear | null = null;
  positional: PositionalEncoding | null = null;
  cls: ClsToken | null = null;
  encoder: TransformerEncoder;
  head: Linear;

  constructor(weight: Tensor, readonly padIndex: number, classes: number, o: TextTransformerOptions) {
    super();
    const E = weight.shape[1];
    if (o.dModel % o.heads !== 0) {
      const divisors = Array.from({ length: o.dModel }, (_, i) => i + 1).filter((d) => o.dModel % d === 0 && d <= 32);
      throw new RangeError(`s3-transformer: ${o.heads} heads do not divide the model width ${o.dModel} (choose heads in ${divisors.join(', ')}, or set dModel, e.g. --set dModel=${Math.max(1, Math.floor(o.dModel / o.heads)) * o.heads} for ${o.heads} heads)`);
    }
    this.embedding = Embedding.fromPretrained(weight, { freeze: true, paddingIdx: padIndex });
    if (o.dModel !== E) this.project = new Linear(E, o.dModel, { generator: o.gen });
    if (o.positional) this.positional = new PositionalEncoding(o.dModel, { dropout: o.dropout, maxLen: o.maxLen + 1, batchFirst: true, generator: o.gen });
    if (o.cls) this.cls = new ClsToken(o.dModel, { generator: o.gen });
    const layer = new TransformerEncoderLayer(o.dModel, o.heads, { dimFeedforward: 500, dropout: o.dropout, batchFirst: true, generator: o.gen });
    this.encoder = new TransformerEncoder(layer, o.layers);
    this.head = new Linear(o.dModel, classes, { generator: o.gen });
  }

  /** Logits and the last block's attention weights [B, L, S] (averaged over heads). */
  run(ids: Tensor): { logits: Tensor; weights: Tensor | null; offset: number } {
    let mask = padMask(ids, this.padIndex);
    let x = this.embedding.forward(ids);
    if (this.project) x = this.project.forward(x);
    if (this.cls) {
      x = this.cls.forward(x);
      mask = this.cls.extendMask(mask);
    }
    if (this.positional) x = this.positional.forward(x);
    const r = this.encoder.run(x, { srcKeyPaddingMask: mask });
    const pooled = this.cls ? this.cls.pick(r.output) : maskedMean(r.output, mask);
    return { logits: this.head.forward(pooled), weights: r.weights[r.weights.length - 1], offset: this.cls ? 1 : 0 };
  }

  forward(ids: Tensor): Tensor {
    return this.run(ids).logits;
  }
}

/** PE·PEᵀ over the first n positions: how similar the encodings of two positions are. */
export function positionalDotProducts(n: number, dModel: number): number[] {
  const pe = sinusoidTable(n, dModel);
  return Array.from(A.matmul(pe, A.transpose(pe, 0, 1)).data);
}

/**
 * The PE·PEᵀ heat-map with position axes that stay readable: quantitative axes ticked every 10
 * positions (a matrix of n×n categories would label all n of them).
 */
export function positionalHeatmapSpec(values: readonly number[], n: number): { [key: string]: JsonValue } {
  const cells: JsonValue[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cells.push({ i, j, i2: i + 1, j2: j + 1, v: Math.round(values[i * n + j] * 1000) / 1000 });
  const ticks = Array.from({ length: Math.floor((n - 1) / 10) + 1 }, (_, k) => k * 10);
  const axis = (title: string): JsonValue => ({ title, values: ticks, format: 'd', grid: false });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 360, height: 360,
    data: { values: cells },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'j', type: 'quantitative', scale: { domain: [0, n], nice: false }, axis: axis('position') },
      x2: { field: 'j2' },
      y: { field: 'i', type: 'quantitative', scale: { domain: [0, n], nice: false, reverse: true }, axis: axis('position') },
      y2: { field: 'i2' },
      color: { field: 'v', type: 'quantitative', title: 'PE·PE', scale: { scheme: 'viridis' } },
      tooltip: [{ field: 'i', title: 'row' }, { field: 'j', title: 'column' }, { field: 'v', title: 'dot product' }],
    },
  };
}

/** Attention each token receives in the last block (mean over query positions), as heat-maps. */
function logAttention(run: Run, model: TextTransformer, c: TextCorpus, test: TextBatches, maxLen: number, step: number): void {
  model.eval();
  noGrad(() => {
    const rows = Array.from({ length: Math.min(4, test.indices.length) }, (_, k) => k);
    for (const r of rows) {
      const [ids] = test.batch([r]);
      const { weights, offset } = model.run(ids);
      if (!weights) continue;
      const received = A.mean(weights, 1).data; // [1, S]: mean over query positions
      const toks = c.tokens[test.indices[r]].slice(0, maxLen);
      const w = Array.from(received).slice(offset, offset + toks.length);
      const label = c.classes[c.labels[test.indices[r]]];
      run.logHeatmap(`attention/text_${r}`, { tokens: toks, weights: w, caption: `test text ${r} (${label}): attention received in the last block, mean over positions${offset ? ' (CLS column left out)' : ''}` }, step);
    }
  });
  model.train();
}

export const s3Transformer: Study = {
  name: 's3-transformer',
  title: 'S3 transformer encoder (L blocks, MLP 100→500→100, dropout 0.2, pooling or CLS, sinusoidal PE option); default 1 block, 2,000 e-mails, max length 128, 5 epochs (--set layers=3 limit=all maxLen=500 for the protocol), ~4 min on 2 cores (wasm)',
  defaultEpochs: 5,
  params: [
    // The default cuts the corpus to 2,000 texts; --set limit=0 keeps everything.
    ...textParams({ limit: 2000 }),
    { name: 'maxLen', type: 'int', min: 1, max: 100000, default: 128, help: 'longest text kept, in tokens (the report: 500)' },
    { name: 'batch', type: 'int', min: 1, max: 100000, default: 16, help: 'mini-batch size (the report: 16)' },
    { name: 'layers', type: 'int', min: 1, max: 48, default: 1, help: 'encoder blocks (the report: 3, 4, 6)' },
    { name: 'heads', type: 'int', min: 1, max: 64, default: 1, help: 'attention heads (must divide the width)' },
    { name: 'dropout', type: 'float', min: 0, max: 0.99, default: 0.2, help: 'dropout in the blocks' },
    { name: 'dModel', type: 'int', min: 1, max: 4096, help: 'model width (default: the word vectors\' dimension; otherwise a linear projection)' },
    optimizerParam('sgd'),
    LR_PARAM,
    { name: 'variants', type: 'string', list: TRANSFORMER_VARIANTS, default: 'pool', help: 'pooling, sinusoidal PE, CLS token, CLS + PE' },
  ],
  async run(o: StudyOptions): Promise<StudyResult> {
    const P = studyParams(this, o);
    const epochs = o.epochs ?? this.defaultEpochs;
    const gen = manualSeed(o.seed);
    const maxLen = P.num('maxLen');
    const batch = P.num('batch');
    const layers = P.num('layers');
    const heads = P.num('heads');
    const dropout = P.num('dropout');
    const optName = P.str('optimizer') as OptimizerName;
    const lr = lrOf(P, optName);
    const variants = P.list('variants') as TransformerVariant[];
    const t0 = performance.now();
    const c = loadTextCorpus(P, { gen: gen.fork(), maxTokens: maxLen });
    const { vectors, name: vecName } = loadVectors(P);
    const tv = buildVocab(P, c, vectors, gen.fork());
    const dModel = P.numOpt('dModel') ?? tv.dim;
    o.log(`s3-transformer: ${c.description}`);
    o.log(`${vecName}: ${tv.coverage}; ready in ${secondsSince(t0)} s`);
    o.log(`${layers} block(s), ${heads} head(s), width ${dModel}, MLP ${dModel}→500→${dModel}, dropout ${dropout}; ${optName} lr ${lr}, batch ${batch}, max length ${maxLen}, ${epochs} epochs; variants ${variants.join(', ')}`);
    const train = new TextBatches(tv.vocab, c, c.train, { batchSize: batch, maxLen, shuffle: true, gen: gen.fork() });
    const val = new TextBatches(tv.vocab, c, c.val, { batchSize: 128, maxLen });
    const test = new TextBatches(tv.vocab, c, c.test, { batchSize: 128, maxLen });
    const rows: string[][] = [];
    const results: Record<string, unknown>[] = [];
    let best: { acc: number; res: StudyResult } | null = null;
    let peLogged = false;
    for (const v of variants) {
      const positional = v === 'pe' || v === 'cls-pe';
      const cls = v === 'cls' || v === 'cls-pe';
      const model = new TextTransformer(tv.weight, tv.vocab.padIndex, c.classes.length, { layers, heads, dModel, dropout, positional, cls, maxLen, gen: gen.fork() });
      const tracker = o.tracking.variant(v, {
        layers, heads, dModel, dimFeedforward: 500, dropout, positionalEncoding: positional, clsToken: cls, pooling: cls ? 'cls' : 'mean',
        data: c.source, vectors: vecName, optimizer: optName, lr, batchSize: batch, maxLen, epochs, classes: [...c.classes],
      });
      if (tracker && (positional || (!peLogged && !variants.some((x) => x.endsWith('pe'))))) {
        const n = Math.min(maxLen, 100);
        tracker.run.logFigure('positional/dot_products', {
          format: 'vega-lite', spec: positionalHeatmapSpec(positionalDotProducts(n, dModel), n),
          caption: `dot products of the sinusoidal positional encodings (width ${dModel}) of positions 0–${n - 1}`,
        }, 0);
        peLogged = true;
      }
      o.log(`— ${v}: ${cls ? 'CLS token' : 'average pooling'}${positional ? ' + sinusoidal positional encoding' : ''} (${model.parameters().filter((p) => p.requiresGrad).reduce((a, p) => a + p.size, 0)} trained parameters)`);
      const t1 = performance.now();
      const result = await fit({
        model, optimizer: makeOptimizer(optName, model, lr), epochs, lossFn: (out, y) => crossEntropy(out, y),
        train, val, test, callbacks: [new ProgressBar(), ...tracked(tracker)], log: o.log,
      });
      const seconds = (performance.now() - t1) / 1000;
      if (tracker) logAttention(tracker.run, model, c, test, maxLen, epochs);
      const be = result.history.find((h) => h.epoch === result.bestEpoch);
      const valAcc = be?.metrics['val/accuracy'] ?? NaN;
      const testAcc = result.test?.accuracy ?? NaN;
      o.log(`${v}: best epoch ${result.bestEpoch}, val ${pct(valAcc)}%, test ${pct(testAcc)}% (${seconds.toFixed(0)} s)`);
      rows.push([v, pct(be?.metrics['train/accuracy'] ?? NaN), pct(valAcc), pct(testAcc), seconds.toFixed(0)]);
      results.push({ variant: v, positional, cls, valAccuracy: valAcc, testAccuracy: testAcc, bestEpoch: result.bestEpoch, seconds });
      const res: StudyResult = { study: this.name, seed: o.seed, epochs, testAccuracy: testAcc, testLoss: result.test?.loss ?? NaN, history: historyRows(result.history), bestVariant: v };
      if (!best || valAcc > best.acc) best = { acc: valAcc, res };
    }
    o.log(`results (${c.source}, ${layers} block(s), ${heads} head(s); best epoch by validation accuracy):`);
    for (const l of formatTable(['variant', 'train acc', 'val acc', 'test acc', 'seconds'], rows)) o.log(`  ${l}`);
    if (!best) throw new Error('s3-transformer: no model was trained');
    return { ...best.res, variants: results, layers, heads, data: c.source, classes: [...c.classes] };
  },
};
