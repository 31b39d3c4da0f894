import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as g from '../../src/index.js';
import { expose, recycleArray, takeArray } from '../../src/tensor/buffer-pool.js';

const { Tensor, nn, optim } = g;

test('a recycled array comes back zero-filled for the next allocation of its dtype and length', () => {
  g.emptyCache();
  const a = takeArray('float32', 1000) as Float32Array;
  a.fill(7);
  assert.equal(recycleArray(a), true);
  assert.equal(recycleArray(a), false, 'the same array is never pooled twice');
  const other = takeArray('float64', 1000);
  assert.notEqual(other, a, 'another dtype does not take it');
  const b = takeArray('float32', 1000);
  assert.equal(b, a);
  assert.equal(b.every((v) => v === 0), true);
  assert.notEqual(takeArray('float32', 1000), a, 'a pooled array is handed out once');
});

test('views, shared memory and exposed buffers never enter the pool', () => {
  g.emptyCache();
  const whole = takeArray('float32', 64) as Float32Array;
  assert.equal(recycleArray(whole.subarray(0, 32)), false);
  assert.equal(recycleArray(new Float32Array(new SharedArrayBuffer(256))), false);
  const kept = takeArray('float32', 64);
  expose(kept.buffer);
  assert.equal(recycleArray(kept), false);
  assert.equal(g.bufferPoolStats().pooledArrays, 0);
});

test('setBufferPool(false) stops reuse and empties the pool; emptyCache drops what is pooled', () => {
  g.emptyCache();
  recycleArray(takeArray('float32', 10));
  assert.equal(g.bufferPoolStats().pooledArrays, 1);
  g.emptyCache();
  assert.deepEqual([g.bufferPoolStats().pooledArrays, g.bufferPoolStats().pooledBytes], [0, 0]);
  recycleArray(takeArray('float32', 10));
  g.setBufferPool(false);
  try {
    assert.equal(g.bufferPoolStats().pooledArrays, 0);
    assert.equal(recycleArray(takeArray('float32', 10)), false);
  } finally {
    g.setBufferPool(true);
  }
  assert.throws(() => g.setBufferPool('no' as unknown as boolean), /setBufferPool: expected true or false, got no/);
});

interface Trained { losses: number[]; weights: number[] }

/** Three optimizer steps of `model`, returning the losses and the final weights. */
function steps(model: g.nn.Module, opt: g.optim.Optimizer, lossOf: () => g.Tensor): Trained {
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    const loss = lossOf();
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return { losses, weights: model.parameters().flatMap((p) => p.toFlatArray()) };
}

/** Runs `train` with the pool off, then on: both results. */
function offThenOn(train: () => Trained): { off: Trained; on: Trained } {
  g.setBufferPool(false);
  let off: Trained;
  try {
    off = train();
  } finally {
    g.setBufferPool(true);
  }
  return { off, on: train() };
}

/** A small MLP (Linear+ReLU, shared input). */
function train(): Trained {
  const gen = new g.Generator(3);
  const model = new nn.Sequential(new nn.Linear(6, 8, { generator: gen }), new nn.ReLU(), new nn.Linear(8, 8, { generator: gen }), new nn.Tanh(), new nn.Linear(8, 3, { generator: gen }));
  const x = g.randn([5, 6], { generator: gen });
  const y = new Tensor(new Int32Array([0, 2, 1, 1, 0]), [5]);
  return steps(model, new optim.Adam(model.parameters(), { lr: 0.05 }), () => {
    const h = model.forward(x);
    // Shared subexpressions: h reaches the loss along two paths, and add passes one gradient to both.
    return g.add(nn.F.crossEntropy(h, y), g.mean(g.mul(h, h)));
  });
}

test('training gives the same numbers with the pool on and off, and the pool is used', () => {
  const before = g.bufferPoolStats().recycled;
  const { off, on } = offThenOn(train);
  // A device backend (webgpu) keeps its values on the device: the host pool is not used there.
  if (g.backend().device === undefined) assert.ok(g.bufferPoolStats().recycled > before, 'backward gave arrays back');
  assert.deepEqual(on.losses, off.losses);
  assert.deepEqual(on.weights, off.weights);
});

class Mixed extends nn.Module {
  emb: g.nn.Embedding;
  enc: g.nn.TransformerEncoderLayer;
  lstm: g.nn.LSTM;
  gru: g.nn.GRU;
  conv: g.nn.Conv2d;
  bn: g.nn.BatchNorm2d;
  head: g.nn.Linear;
  constructor(gen: g.Generator) {
    super();
    this.emb = new nn.Embedding(20, 8, { generator: gen });
    this.enc = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.1, batchFirst: true, generator: gen });
    this.lstm = new nn.LSTM(8, 6, { batchFirst: true, generator: gen });
    this.gru = new nn.GRU(6, 5, { batchFirst: true, generator: gen });
    this.conv = new nn.Conv2d(1, 3, 3, { padding: 1, generator: gen });
    this.bn = new nn.BatchNorm2d(3);
    this.head = new nn.Linear(5 + 3 * 3 * 2, 4, { generator: gen });
  }
  forward(tokens: g.Tensor): g.Tensor {
    const e = this.enc.forward(this.emb.forward(tokens)); // [B, 6, 8]
    const r = this.gru.forward(this.lstm.forward(e)); // [B, 6, 5]
    const last = g.select(r, 1, 5);
    const img = g.reshape(e, [e.shape[0], 1, 6, 8]);
    const c = nn.F.maxPool2d(g.relu(this.bn.forward(this.conv.forward(img))), 3); // [B, 3, 2, 2]
    const flat = g.reshape(g.narrow(c, 3, 0, 1), [e.shape[0], 6]);
    return this.head.forward(g.cat([last, flat, g.mul(flat, flat), g.sigmoid(flat)], 1));
  }
}

function trainMixed(): Trained {
  g.manualSeed(11);
  const gen = new g.Generator(5);
  const model = new Mixed(gen);
  const tokens = new Tensor(Int32Array.from({ length: 4 * 6 }, (_, i) => (i * 7 + 3) % 20), [4, 6]);
  const y = new Tensor(new Int32Array([0, 3, 1, 2]), [4]);
  return steps(model, new optim.AdamW(model.parameters(), { lr: 0.01 }), () => nn.F.crossEntropy(model.forward(tokens), y));
}

test('embedding, attention, dropout, LSTM, GRU, conv, batch norm and pooling train to the same numbers with the pool on and off', () => {
  const { off, on } = offThenOn(trainMixed);
  const again = trainMixed();
  assert.deepEqual(on.losses, off.losses);
  assert.deepEqual(on.weights, off.weights);
  assert.deepEqual(again.losses, off.losses, 'a warm pool changes nothing either');
  assert.ok(on.losses.every(Number.isFinite));
});

test('gradient accumulation over several backward() calls gives the same .grad with the pool on and off', () => {
  const run = (): Trained => {
    const gen = new g.Generator(8);
    const model = new nn.Sequential(new nn.Linear(4, 6, { generator: gen }), new nn.ReLU(), new nn.Linear(6, 2, { generator: gen }));
    const xs = [0, 1, 2].map(() => g.randn([3, 4], { generator: gen }));
    const losses = xs.map((x) => {
      const loss = g.mean(g.square(model.forward(x)));
      loss.backward();
      return loss.item();
    });
    return { losses, weights: model.parameters().flatMap((p) => (p.grad as g.Tensor).toFlatArray()) };
  };
  const { off, on } = offThenOn(run);
  assert.deepEqual(on, off);
});
