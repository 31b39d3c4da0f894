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

/** Three Adam steps of a small MLP (Linear+ReLU, shared input), returning losses and final weights. */
function train(): { losses: number[]; weights: number[] } {
  const gen = new g.Generator(3);
  const model = new nn.Sequential(new nn.Linear(6, 8, { generator: gen }), new nn.ReLU(), new nn.Linear(8, 8, { generator: gen }), new nn.Tanh(), new nn.Linear(8, 3, { generator: gen }));
  const x = g.randn([5, 6], { generator: gen });
  const y = new Tensor(new Int32Array([0, 2, 1, 1, 0]), [5]);
  const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    const h = model.forward(x);
    // Shared subexpressions: h reaches the loss along two paths, and add passes one gradient to both.
    const loss = g.add(nn.F.crossEntropy(h, y), g.mean(g.mul(h, h)));
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return { losses, weights: model.parameters().flatMap((p) => p.toFlatArray()) };
}

test('training gives the same numbers with the pool on and off, and the pool is used', () => {
  g.setBufferPool(false);
  let off;
  try {
    off = train();
  } finally {
    g.setBufferPool(true);
  }
  const before = g.bufferPoolStats().recycled;
  const on = train();
  // A device backend (webgpu) keeps its values on the device: the host pool is not used there.
  if (g.backend().device === undefined) assert.ok(g.bufferPoolStats().recycled > before, 'backward gave arrays back');
  assert.deepEqual(on.losses, off.losses);
  assert.deepEqual(on.weights, off.weights);
});
