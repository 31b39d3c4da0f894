/** GridSampler: every grid point exactly once, then the study stops; clear errors for parameters off the grid. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GridSampler } from '../../../src/tune/samplers/grid.js';
import { createStudy } from '../../../src/tune/study.js';

const space = { dropout: [0.1, 0.2, 0.3, 0.4, 0.5], l1: [1e-4, 1e-3, 1e-2, 1e-1], act: ['relu', 'tanh'] };

test('visits every grid point exactly once, in a seeded order, and stops the study after the last', async () => {
  const run = async (seed: number) => {
    const s = createStudy({ sampler: new GridSampler(space, { seed }) });
    await s.optimize((t) => t.suggestFloat('dropout', 0.1, 0.5) + t.suggestFloat('l1', 1e-4, 1e-1, { log: true }) + (t.suggestCategorical('act', ['relu', 'tanh']) === 'relu' ? 0 : 1), { nTrials: 100 });
    return s.trials.map((t) => JSON.stringify([t.params.act, t.params.dropout, t.params.l1]));
  };
  const seen = await run(0);
  assert.equal(seen.length, 40, 'optimize stopped after the 40 points although nTrials was 100');
  assert.equal(new Set(seen).size, 40);
  const all = space.act.flatMap((a) => space.dropout.flatMap((d) => space.l1.map((l) => JSON.stringify([a, d, l]))));
  assert.deepEqual([...seen].sort(), all.sort());
  assert.deepEqual(await run(0), seen);
  assert.notDeepEqual(await run(1), seen);
});

test('the grid point of trial i is row-major over the sorted parameter names', () => {
  const g = new GridSampler({ b: [1, 2, 3], a: ['x', 'y'] });
  assert.equal(g.size, 6);
  assert.deepEqual([0, 1, 2, 5].map((i) => g.point(i)), [{ a: 'x', b: 1 }, { a: 'x', b: 2 }, { a: 'x', b: 3 }, { a: 'y', b: 3 }]);
});

test('a parameter not in the grid, or grid values outside the suggested range, is an error naming it', async () => {
  const s = createStudy({ sampler: new GridSampler({ dropout: [0.1, 0.7] }) });
  await assert.rejects(s.optimize((t) => t.suggestFloat('lr', 1e-4, 1, { log: true }), { nTrials: 1 }), { message: "GridSampler: parameter 'lr' is not in the grid (grid parameters: dropout)" });
  await assert.rejects(s.optimize((t) => t.suggestFloat('dropout', 0.1, 0.5), { nTrials: 1 }), { message: "GridSampler: grid value 0.7 of parameter 'dropout' is not in the suggested float[0.1, 0.5]" });
  assert.deepEqual(s.trials.map((t) => t.state), ['fail', 'fail']);
  assert.throws(() => new GridSampler({ x: [] }), { message: "GridSampler: parameter 'x' needs a non-empty array of values, got []" });
});
