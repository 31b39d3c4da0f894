/** The wasm runtime: the arena grows to the largest call and then stays flat; the non-shared fallback. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsBackend } from '../../../src/backend/js/index.js';
import { createWasmBackend, sharedMemorySupported } from '../../../src/backend/wasm/index.js';
import { close, randF32 } from './util.js';

test('shared memory is detected in Node', () => {
  assert.equal(sharedMemorySupported(), true);
});

test('memory grows for a large call, then stays flat over a long loop of training-sized calls', () => {
  const be = createWasmBackend({ threads: 2 }, 'wasm-arena');
  const big = randF32(1 << 20, 1);
  const out = new Float32Array(big.length);
  be.unary('relu', big, out);
  const afterBig = be.memoryBytes();
  assert.ok(afterBig >= 2 * 4 * big.length, `memory ${afterBig} bytes holds input and output`);
  const p = randF32(78400, 2);
  const g = randF32(78400, 3);
  const m = new Float32Array(78400);
  const v = new Float32Array(78400);
  const x = randF32(300 * 784, 4);
  const w = randF32(784 * 100, 5);
  const h = new Float32Array(300 * 100);
  for (let step = 1; step <= 1000; step++) {
    be.matmul(x, w, h, { batch: 1, m: 300, k: 784, n: 100, transA: false, transB: false, strideA: 0, strideB: 0 });
    be.adamStep(p, g, m, v, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step }, null);
  }
  assert.equal(be.memoryBytes(), afterBig, 'memory did not grow during the loop');
});

test('the non-shared build runs on one thread and matches js', () => {
  const be = createWasmBackend({ shared: false, threads: 4 }, 'wasm-plain');
  assert.equal(be.threads(), 1);
  assert.equal(be.relaxed(), false);
  const a = randF32(70 * 90, 6);
  const b = randF32(90 * 50, 7);
  const spec = { batch: 1, m: 70, k: 90, n: 50, transA: false, transB: false, strideA: 0, strideB: 0 };
  const got = new Float32Array(70 * 50);
  const want = new Float32Array(70 * 50);
  be.matmul(a, b, got, spec);
  jsBackend.matmul(a, b, want, spec);
  close(got, want, 'plain matmul', 1e-4, 1e-4);
});

test('available() reports a working runtime', () => {
  const be = createWasmBackend({ threads: 1 }, 'wasm-available');
  assert.equal(be.available(), true);
  assert.equal(be.failure(), null);
});
