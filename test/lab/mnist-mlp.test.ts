/**
 * The lab's MNIST MLP (src/lab/mnist-mlp.ts) on the wasm backend: the batch losses do not depend
 * on the thread count. Every wasm kernel splits its work so that each output value is computed by
 * one thread in a fixed order (GEMM tiles, rows, elementwise chunks), so 1, 2 and 4 threads give
 * the same bits on the same build. (The relaxed-SIMD build and the plain one differ from each
 * other: FMA rounds once; test/lab/server.test.ts compares each with Chromium on its own build.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerBackend, setBackend, backend } from '../../src/backend/index.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { loadMnistPackage } from '../../src/data/mnist.js';
import { decodeDigits, encodeDigits } from '../../src/lab/mnist-asset.js';
import { trainMnistMlp } from '../../src/lab/mnist-mlp.js';

test('MNIST MLP, seed 1, 1 epoch: the same 27 batch losses on 1, 2 and 4 threads of each wasm build', async () => {
  const digits = decodeDigits(encodeDigits(loadMnistPackage()));
  const before = backend().name;
  try {
    for (const relaxed of [true, false]) {
      const runs: number[][] = [];
      for (const threads of [1, 2, 4]) {
        const name = `wasm-mlp-${relaxed ? 'relaxed' : 'plain'}-${threads}`;
        registerBackend(createWasmBackend({ threads, relaxed }, name));
        setBackend(name);
        runs.push((await trainMnistMlp(digits, { seed: 1, epochs: 1 })).losses);
      }
      assert.equal(runs[0].length, 27);
      assert.deepEqual(runs[1], runs[0], `${relaxed ? 'relaxed' : 'plain'} build: 2 threads = 1 thread`);
      assert.deepEqual(runs[2], runs[0], `${relaxed ? 'relaxed' : 'plain'} build: 4 threads = 1 thread`);
    }
  } finally {
    setBackend(before);
  }
});
