/**
 * gradlab's side of the benchmark: workloads W1–W5 of issue 5 on the active backend. Each maker
 * builds the model and data once and returns a function that runs one timed unit (one GEMM,
 * one epoch, one step).
 */
import * as A from '../src/autograd/index.js';
import { backend } from '../src/backend/index.js';
import { Tensor } from '../src/tensor/tensor.js';
import { Generator } from '../src/tensor/random.js';
import { Linear, ReLU, Sequential, Flatten, Module } from '../src/nn/index.js';
import { crossEntropy } from '../src/nn/functional.js';
import { Conv2d } from '../src/nn/conv.js';
import { MaxPool2d } from '../src/nn/pooling.js';
import { Embedding } from '../src/nn/embedding.js';
import { TransformerEncoder, TransformerEncoderLayer } from '../src/nn/transformer.js';
import { LSTM } from '../src/nn/recurrent.js';
import { Adam, SGD } from '../src/optim/index.js';
import { CNN, GEMM_REPEATS, MLP, SEEDS, SEQ, ints, uniform } from './data.js';

export type Runner = () => void;

function gemm(n: number): Runner {
  const a = uniform(n * n, SEEDS.gemmA);
  const b = uniform(n * n, SEEDS.gemmB);
  const out = new Float32Array(n * n);
  const spec = { batch: 1, m: n, k: n, n, transA: false, transB: false, strideA: 0, strideB: 0 };
  const reps = GEMM_REPEATS[n] ?? 1;
  return () => {
    for (let r = 0; r < reps; r++) backend().matmul(a, b, out, spec);
  };
}

function mlp(): Runner {
  const { samples, inFeatures, hidden, classes, batch } = MLP;
  const X = uniform(samples * inFeatures, SEEDS.mlpX);
  const Y = ints(samples, classes, SEEDS.mlpY);
  const g = new Generator(0);
  const model = new Sequential(
    new Linear(inFeatures, hidden, { generator: g }), new ReLU(), new Linear(hidden, hidden, { generator: g }), new ReLU(),
    new Linear(hidden, hidden, { generator: g }), new ReLU(), new Linear(hidden, classes, { generator: g }));
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  return () => {
    for (let i = 0; i < samples; i += batch) {
      const b = Math.min(batch, samples - i);
      // NOTE: views of the data, as PyTorch's X[i:i + 300] (torch_bench.py) and TF.js's batches
      // made before the timed epoch (tfjs-server.ts, browser-tfjs.ts): the epoch times training,
      // not copying the inputs (a 0.9 MB copy per batch cost 20 ms per epoch in Chromium).
      const x = new Tensor(X.subarray(i * inFeatures, (i + b) * inFeatures), [b, inFeatures]);
      const y = new Tensor(Y.subarray(i, i + b), [b]);
      opt.zeroGrad();
      crossEntropy(model.forward(x), y).backward();
      opt.step();
    }
  };
}

function cnn(): Runner {
  const X = new Tensor(uniform(CNN.batch * 784, SEEDS.cnnX), [CNN.batch, 1, 28, 28]);
  const Y = new Tensor(ints(CNN.batch, 10, SEEDS.cnnY), [CNN.batch]);
  const g = new Generator(0);
  const model = new Sequential(
    new Conv2d(1, 32, 5, { generator: g }), new ReLU(), new MaxPool2d(2), new Conv2d(32, 64, 5, { generator: g }), new ReLU(),
    new MaxPool2d(2), new Flatten(), new Linear(1024, 100, { generator: g }), new ReLU(), new Linear(100, 10, { generator: g }));
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  return () => {
    opt.zeroGrad();
    crossEntropy(model.forward(X), Y).backward();
    opt.step();
  };
}

class TransformerClassifier extends Module {
  emb: Embedding;
  enc: TransformerEncoder;
  out: Linear;
  constructor(heads: number, frozen: boolean, g: Generator) {
    super();
    this.emb = new Embedding(SEQ.vocab, SEQ.embed, { generator: g });
    this.emb.weight.requiresGrad = !frozen;
    const layer = new TransformerEncoderLayer(SEQ.embed, heads, { dimFeedforward: SEQ.ffn, dropout: 0.2, batchFirst: true, generator: g });
    this.enc = new TransformerEncoder(layer, 3);
    this.out = new Linear(SEQ.embed, 2, { generator: g });
  }
  forward(x: Tensor): Tensor {
    return this.out.forward(A.mean(this.enc.forward(this.emb.forward(x)), 1));
  }
}

class LstmClassifier extends Module {
  emb: Embedding;
  lstm: LSTM;
  out: Linear;
  constructor(frozen: boolean, g: Generator) {
    super();
    this.emb = new Embedding(SEQ.vocab, SEQ.embed, { generator: g });
    this.emb.weight.requiresGrad = !frozen;
    this.lstm = new LSTM(SEQ.embed, SEQ.hidden, { batchFirst: true, generator: g });
    this.out = new Linear(SEQ.hidden, 2, { generator: g });
  }
  forward(x: Tensor): Tensor {
    const h = this.lstm.run(this.emb.forward(x)).h; // [1, B, H]
    return this.out.forward(A.select(h, 0, 0));
  }
}

function seq(model: Module, batch: number, opt: 'sgd' | 'adam'): Runner {
  const X = new Tensor(ints(batch * SEQ.length, SEQ.vocab, SEEDS.seqX), [batch, SEQ.length]);
  const Y = new Tensor(ints(batch, 2, SEEDS.seqY), [batch]);
  const params = model.parameters().filter((p) => p.requiresGrad);
  const o = opt === 'sgd' ? new SGD(params, { lr: 0.01 }) : new Adam(params, { lr: 1e-3 });
  model.train();
  return () => {
    o.zeroGrad();
    crossEntropy(model.forward(X), Y).backward();
    o.step();
  };
}

export const GRADLAB: Record<string, () => Runner> = {
  'W1-256': () => gemm(256),
  'W1-512': () => gemm(512),
  'W1-1024': () => gemm(1024),
  W2: mlp,
  W3: cnn,
  W4: () => seq(new TransformerClassifier(1, false, new Generator(0)), SEQ.transformerBatch, 'sgd'),
  'W4-4h': () => seq(new TransformerClassifier(4, false, new Generator(0)), SEQ.transformerBatch, 'sgd'),
  W4F: () => seq(new TransformerClassifier(1, true, new Generator(0)), SEQ.transformerBatch, 'sgd'),
  W5: () => seq(new LstmClassifier(false, new Generator(0)), SEQ.lstmBatch, 'adam'),
  W5F: () => seq(new LstmClassifier(true, new Generator(0)), SEQ.lstmBatch, 'adam'),
};
