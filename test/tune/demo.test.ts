/** Demo objectives: the quadratic's optimum is on its grid; the MLP objective reports each epoch and is seeded. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mlpObjective, quadratic } from '../../src/tune/demo.js';
import { NopPruner } from '../../src/tune/pruners.js';
import { GridSampler } from '../../src/tune/samplers/grid.js';
import { createStudy } from '../../src/tune/study.js';

test('quadratic: grid search over its grid reaches the known optimum 0 at x = 2, lr = 1e-3', async () => {
  const s = createStudy({ sampler: new GridSampler(quadratic.grid, { seed: 0 }) });
  await s.optimize(quadratic.objective, { nTrials: 100 });
  assert.equal(s.trials.length, 36);
  assert.deepEqual([s.bestValue, s.bestParams], [0, { x: 2, lr: 1e-3 }]);
});

test('mlp: reports the validation loss of every epoch, returns the last, same numbers for the same trial', async () => {
  const run = async () => {
    const d = mlpObjective({ epochs: 4 });
    const s = createStudy({ pruner: new NopPruner() });
    s.enqueueTrial({ dropout: 0.2, l1: 1e-3 });
    s.enqueueTrial({ dropout: 0.2, l1: 1e-1 });
    await s.optimize(d.objective, { nTrials: 2 });
    return s.trials;
  };
  const [a, b] = [await run(), await run()];
  assert.deepEqual(a.map((t) => [...t.intermediateValues.keys()]), [[0, 1, 2, 3], [0, 1, 2, 3]]);
  assert.ok(a.every((t) => t.value === t.intermediateValues.get(3) && t.value! > 0 && t.value! < 2));
  assert.deepEqual(a.map((t) => t.value), b.map((t) => t.value));
});
