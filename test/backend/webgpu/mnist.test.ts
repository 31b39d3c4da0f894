/**
 * The MNIST MLP (the lab's protocol: 784→100→100→100→10, Adam 1e-3, batch 300, 8,000 training
 * digits, 3 epochs, seed 1) trained on webgpu reaches the accuracy of the CPU backend (wasm) for
 * the same seed. Tolerances, float32 on both sides with different summation orders: every batch
 * loss of the first epoch within 1e-3 relative, every loss within 2e-2 relative, the test accuracy
 * within 1.5 points.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerBackend, setBackend } from '../../../src/backend/index.js';
import { loadMnistPackage } from '../../../src/data/mnist.js';
import { decodeDigits, encodeDigits } from '../../../src/lab/mnist-asset.js';
import { trainMnistMlp } from '../../../src/lab/mnist-mlp.js';
import { openWebGpu } from './util.js';

const { raw, skip } = await openWebGpu();

test('MNIST MLP, 3 epochs: webgpu reaches the CPU accuracy for the same seed', { skip, timeout: 900_000 }, async () => {
  if (!raw) return;
  const digits = decodeDigits(encodeDigits(loadMnistPackage()));
  setBackend('wasm');
  const cpu = await trainMnistMlp(digits, { seed: 1, epochs: 3 });
  registerBackend(raw);
  setBackend('webgpu');
  let gpu;
  try {
    gpu = await trainMnistMlp(digits, { seed: 1, epochs: 3 });
  } finally {
    setBackend('wasm');
  }
  const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
  const perEpoch = cpu.losses.length / 3;
  let worst = 0;
  cpu.losses.forEach((l, i) => {
    const r = rel(gpu.losses[i], l);
    worst = Math.max(worst, r);
    assert.ok(r <= (i < perEpoch ? 1e-3 : 2e-2), `batch ${i + 1}: loss ${gpu.losses[i]} on webgpu, ${l} on wasm (relative difference ${r})`);
  });
  console.log(`MNIST MLP 3 epochs: test accuracy webgpu ${gpu.testAccuracy}, wasm ${cpu.testAccuracy}; `
    + `final loss ${gpu.losses.at(-1)} vs ${cpu.losses.at(-1)}; largest relative loss difference ${worst.toExponential(2)}`);
  assert.equal(gpu.losses.length, cpu.losses.length);
  assert.ok(Math.abs(gpu.testAccuracy - cpu.testAccuracy) <= 0.015, `test accuracy ${gpu.testAccuracy} (webgpu) vs ${cpu.testAccuracy} (wasm)`);
  assert.ok(gpu.testAccuracy > 0.85, `webgpu test accuracy ${gpu.testAccuracy}`);
});
