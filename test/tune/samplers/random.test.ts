/** RandomSampler: seeded, inside every kind of range, uniform over the grid including the ends. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../../../src/tensor/random.js';
import { floatDistribution, intDistribution } from '../../../src/tune/distributions.js';
import { RandomSampler, sampleUniform, transformedBounds, untransform } from '../../../src/tune/samplers/random.js';
import { createStudy } from '../../../src/tune/study.js';

test('transformed bounds widen steps by half a step and take logs', () => {
  assert.deepEqual(transformedBounds(floatDistribution('x', 0, 1)), [0, 1]);
  assert.deepEqual(transformedBounds(intDistribution('n', 1, 5)), [0.5, 5.5]);
  assert.deepEqual(transformedBounds(intDistribution('n', 1, 8, { log: true })), [Math.log(0.5), Math.log(8.5)]);
  assert.equal(untransform(floatDistribution('d', 0.1, 0.5, { step: 0.1 }), 0.31), 0.3);
  assert.equal(untransform(intDistribution('n', 1, 5), 5.49), 5);
});

test('every kind of range: values inside, on the grid, end points as likely as inner points', () => {
  const gen = new Generator(11);
  const counts = new Map<number, number>();
  for (let i = 0; i < 5000; i++) {
    const v = sampleUniform(gen, intDistribution('k', 0, 4)) as number;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), [0, 1, 2, 3, 4]);
  for (const c of counts.values()) assert.ok(Math.abs(c - 1000) < 120, `count ${c}`);
  const logs = Array.from({ length: 2000 }, () => sampleUniform(gen, floatDistribution('l1', 1e-4, 1e-1, { log: true })) as number);
  assert.ok(logs.every((v) => v >= 1e-4 && v <= 1e-1));
  const decadeShare = logs.filter((v) => v < 1e-3).length / logs.length;
  assert.ok(Math.abs(decadeShare - 1 / 3) < 0.04, `first decade share ${decadeShare}`);
  assert.deepEqual([...new Set(Array.from({ length: 200 }, () => sampleUniform(gen, floatDistribution('d', 0.1, 0.5, { step: 0.1 }))))].sort(), [0.1, 0.2, 0.3, 0.4, 0.5]);
});

test('same seed, same trials', async () => {
  const run = async (seed: number): Promise<unknown[]> => {
    const s = createStudy({ sampler: new RandomSampler({ seed }) });
    await s.optimize((t) => t.suggestFloat('dropout', 0.1, 0.5) + t.suggestFloat('l1', 1e-4, 1e-1, { log: true }), { nTrials: 8 });
    return s.trials.map((t) => [t.params, t.value]);
  };
  assert.deepEqual(await run(5), await run(5));
  assert.notDeepEqual(await run(5), await run(6));
});
