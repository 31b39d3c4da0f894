/**
 * The memory rule on the GPU: a training loop of 1,000 steps on the webgpu backend, with no
 * dispose() anywhere, keeps the number of live device buffers flat. Buffers are freed when their
 * tensors are garbage-collected (a FinalizationRegistry sends the ids to the device); the loop
 * yields to the event loop as fit() does, so the collection callbacks run. The count is taken on
 * the device side (what the worker holds) after a full collection every 100 steps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { registerBackend, setBackend } from '../../../src/backend/index.js';
import { Linear, ReLU, Sequential } from '../../../src/nn/index.js';
import { crossEntropy } from '../../../src/nn/functional.js';
import { Adam } from '../../../src/optim/adam.js';
import { manualSeed } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { openWebGpu } from './util.js';

const { raw, skip } = await openWebGpu();

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 0));
  }
}

test('1,000 training steps on webgpu keep the live device buffers flat (no dispose)', { skip, timeout: 600_000 }, async () => {
  if (!raw) return;
  registerBackend(raw);
  setBackend('webgpu');
  try {
    const gen = manualSeed(3);
    const model = new Sequential(new Linear(20, 32, { generator: gen }), new ReLU(), new Linear(32, 4, { generator: gen }));
    const opt = new Adam(model.parameters(), { lr: 1e-2 });
    const x = new Tensor(Float32Array.from({ length: 64 * 20 }, () => gen.uniform(-1, 1)), [64, 20]);
    const y = new Tensor(Int32Array.from({ length: 64 }, (_, i) => i % 4), [64]);
    const counts: number[] = [];
    let first = 0;
    let last = 0;
    for (let step = 1; step <= 1000; step++) {
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      if (step === 1) first = loss.item();
      if (step % 10 === 0) await new Promise((r) => setImmediate(r));
      if (step % 100 === 0) {
        last = loss.item();
        await settle();
        counts.push(await raw.client.liveBuffers());
      }
    }
    assert.ok(last < first, `the loss went down (${first} → ${last}): the loop really trained on the device`);
    const [c100, ...rest] = counts;
    const peak = Math.max(...rest);
    assert.ok(peak <= c100 + 20, `live device buffers every 100 steps: ${counts.join(', ')} (must stay flat)`);
    console.log(`live device buffers every 100 steps: ${counts.join(', ')}`);
  } finally {
    setBackend('js');
  }
});
