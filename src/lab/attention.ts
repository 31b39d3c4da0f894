/**
 * The lab's attention demo: a small generated text set (bundled as code, seeded): eight-word
 * "reviews" of neutral filler words with one opinion word placed at random, labelled by that word's
 * polarity. A model that must find the one word that matters: Embedding(V, 16) → attention pooling
 * with a learned query (nn.AttentionPooling, S3's pooling) → Linear(16, 2), Adam 1e-2, batch 32.
 * Reports per epoch the loss and accuracies, and the attention weights over a few test sentences
 * (the heat-map: weight on the opinion word rises as it learns). Imports only the core.
 */
import { Generator, manualSeed } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Embedding, Linear, Module, AttentionPooling } from '../nn/index.js';
import { crossEntropy } from '../nn/functional.js';
import { Adam } from '../optim/adam.js';
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset } from '../data/dataset.js';
import { fit } from '../train/fit.js';
import { evaluate } from '../train/evaluate.js';

const FILLER = ['the', 'film', 'was', 'a', 'story', 'about', 'it', 'and', 'with', 'this', 'actor', 'plot', 'scene', 'music', 'ending', 'really', 'quite', 'very', 'some', 'of'];
const POSITIVE = ['great', 'wonderful', 'moving', 'brilliant', 'superb', 'delightful'];
const NEGATIVE = ['boring', 'awful', 'dull', 'terrible', 'clumsy', 'tedious'];
export const VOCAB = [...FILLER, ...POSITIVE, ...NEGATIVE];
const LENGTH = 8;

export interface TextSet { tokens: number[][]; labels: number[] }

/** n sentences of LENGTH words: filler, with one opinion word at a random position; label 1 = positive. */
export function makeTextSet(n: number, gen: Generator): TextSet {
  const pick = (k: number): number => Math.min(k - 1, Math.floor(gen.random() * k));
  const tokens: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: LENGTH }, () => pick(FILLER.length));
    const positive = pick(2);
    const opinion = positive ? FILLER.length + pick(POSITIVE.length) : FILLER.length + POSITIVE.length + pick(NEGATIVE.length);
    words[pick(LENGTH)] = opinion;
    tokens.push(words);
    labels.push(positive);
  }
  return { tokens, labels };
}

class AttentionClassifier extends Module {
  emb: Embedding;
  pool: AttentionPooling;
  out: Linear;
  constructor(gen: Generator) {
    super();
    this.emb = new Embedding(VOCAB.length, 16, { generator: gen });
    this.pool = new AttentionPooling(16, { generator: gen });
    this.out = new Linear(16, 2, { generator: gen });
  }
  weights(x: Tensor): Tensor {
    return this.pool.pool(this.emb.forward(x)).weights;
  }
  forward(x: Tensor): Tensor {
    return this.out.forward(this.pool.pool(this.emb.forward(x)).output);
  }
}

export type AttentionEvent = {
  type: 'attention'; epoch: number; metrics: Record<string, number>;
  heatmaps: { tokens: string[]; weights: number[]; label: string; predicted: string }[];
};

export async function trainAttention(o: { seed: number; epochs: number }, on: (e: AttentionEvent) => void = () => undefined): Promise<{ losses: number[]; testAccuracy: number }> {
  const gen = manualSeed(o.seed);
  const train = makeTextSet(800, gen.fork());
  const test = makeTextSet(200, gen.fork());
  const asData = (s: TextSet): TensorDataset => new TensorDataset(new Tensor(Int32Array.from(s.tokens.flat()), [s.tokens.length, LENGTH]), new Tensor(Int32Array.from(s.labels), [s.labels.length]));
  const model = new AttentionClassifier(gen.fork());
  const testLoader = new DataLoader(asData(test), { batchSize: 200 });
  const shown = test.tokens.slice(0, 6);
  const shownX = new Tensor(Int32Array.from(shown.flat()), [shown.length, LENGTH]);
  const losses: number[] = [];
  await fit({
    model, optimizer: new Adam(model.parameters(), { lr: 1e-2 }), epochs: o.epochs,
    lossFn: (out, y) => crossEntropy(out, y),
    train: new DataLoader(asData(train), { batchSize: 32, shuffle: true, generator: gen.fork() }),
    val: testLoader, keepBest: false,
    callbacks: [{
      onEpochEnd(_ctx, logs) {
        losses.push(logs.metrics['train/loss']);
        model.eval();
        const { w, logits } = noGrad(() => ({ w: model.weights(shownX), logits: model.forward(shownX) }));
        model.train();
        const heatmaps = shown.map((words, i) => {
          const l = logits.data;
          return {
            tokens: words.map((k) => VOCAB[k]), weights: Array.from(w.data.subarray(i * LENGTH, (i + 1) * LENGTH)),
            label: test.labels[i] ? 'positive' : 'negative', predicted: l[2 * i + 1] > l[2 * i] ? 'positive' : 'negative',
          };
        });
        on({ type: 'attention', epoch: logs.epoch, metrics: logs.metrics, heatmaps });
      },
    }],
  });
  const r = await evaluate(model, testLoader, (out, y) => crossEntropy(out, y));
  return { losses, testAccuracy: r.accuracy ?? NaN };
}
