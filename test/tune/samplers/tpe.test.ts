/** TPE: Optuna's gamma/weights/split, startup trials, reproducibility, and better optima than random search. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RandomSampler } from '../../../src/tune/samplers/random.js';
import { floatDistribution } from '../../../src/tune/distributions.js';
import { defaultGamma, defaultWeights, intersectionSearchSpace, splitTrials, TPESampler } from '../../../src/tune/samplers/tpe.js';
import { createStudy, type Objective } from '../../../src/tune/study.js';
import type { FrozenTrial } from '../../../src/tune/types.js';

test('gamma and weights are Optuna defaults', () => {
  assert.deepEqual([0, 1, 9, 10, 11, 100, 250, 300].map(defaultGamma), [0, 1, 1, 1, 2, 10, 25, 25]);
  assert.deepEqual(defaultWeights(3), [1, 1, 1]);
  assert.deepEqual(defaultWeights(25), new Array(25).fill(1));
  const w = defaultWeights(30); // linspace(1/30, 1, 5) then 25 ones
  assert.equal(w.length, 30);
  [1 / 30, 1 / 30 + (29 / 30) / 4, 1 / 30 + (29 / 30) / 2, 1 / 30 + (3 * 29) / 30 / 4, 1].forEach((x, i) => assert.ok(Math.abs(w[i]! - x) < 1e-15));
  assert.deepEqual(w.slice(5), new Array(25).fill(1));
});

function ft(number: number, state: FrozenTrial['state'], value: number | null, iv: [number, number][] = []): FrozenTrial {
  return { number, trialId: number + 1, state, value, params: {}, distributions: {}, intermediateValues: new Map(iv), userAttrs: {}, systemAttrs: {}, datetimeStart: null, datetimeComplete: null };
}

test('split: best complete trials first, then pruned by deepest step and value; both sides by number', () => {
  const trials = [ft(0, 'complete', 5), ft(1, 'pruned', 9, [[0, 9], [3, 2]]), ft(2, 'complete', 1), ft(3, 'pruned', 1, [[1, 1]]), ft(4, 'pruned', null), ft(5, 'complete', 3)];
  const [below, above] = splitTrials(trials, 4, 'minimize');
  assert.deepEqual(below.map((t) => t.number), [0, 1, 2, 5]); // complete 2, 5, 0 then pruned 1 (step 3)
  assert.deepEqual(above.map((t) => t.number), [3, 4]);
  const [bMax] = splitTrials(trials, 2, 'maximize');
  assert.deepEqual(bMax.map((t) => t.number), [0, 5]);
  // constant liar: another worker's running trial counts as bad
  const [, aboveLiar] = splitTrials([...trials, ft(6, 'running', null)], 4, 'minimize');
  assert.deepEqual(aboveLiar.map((t) => t.number), [3, 4, 6]);
});

test('constant liar: parallel async trials still sample inside the ranges and finish', async () => {
  const s = createStudy({ sampler: new TPESampler({ seed: 2, constantLiar: true, nStartupTrials: 4 }) });
  await s.optimize(async (t) => {
    const v = quadratic(t) as number;
    await new Promise((r) => setImmediate(r));
    return v;
  }, { nTrials: 16, nJobs: 4 });
  assert.equal(s.getTrials({ states: ['complete'] }).length, 16);
  assert.ok(s.trials.every((t) => (t.params.x as number) >= -10 && (t.params.x as number) <= 10));
});

const quadratic: Objective = (t) => {
  const x = t.suggestFloat('x', -10, 10);
  const lr = t.suggestFloat('lr', 1e-5, 1, { log: true });
  return (x - 2) ** 2 + (Math.log10(lr) + 3) ** 2;
};

test('first nStartupTrials are random, same seed gives the same trials, another seed others', async () => {
  const run = async (seed: number): Promise<FrozenTrial[]> => {
    const s = createStudy({ sampler: new TPESampler({ seed }) });
    await s.optimize(quadratic, { nTrials: 15 });
    return s.trials;
  };
  const [a, b, c] = [await run(7), await run(7), await run(8)];
  assert.deepEqual(a.map((t) => t.params), b.map((t) => t.params));
  assert.deepEqual(a.map((t) => t.value), b.map((t) => t.value));
  assert.notDeepEqual(a.map((t) => t.params), c.map((t) => t.params));
  const r = createStudy({ sampler: new RandomSampler({ seed: 7 }) });
  await r.optimize(quadratic, { nTrials: 10 });
  assert.deepEqual(a.slice(0, 10).map((t) => t.params), r.trials.map((t) => t.params), 'startup trials draw as RandomSampler does');
});

test('on a seeded 2-d quadratic with a log-scaled parameter TPE beats random search (mean over 6 seeds)', async () => {
  const mean = async (make: (seed: number) => TPESampler | RandomSampler): Promise<number> => {
    let sum = 0;
    for (let seed = 0; seed < 6; seed++) {
      const s = createStudy({ sampler: make(seed) });
      await s.optimize(quadratic, { nTrials: 60 });
      sum += s.bestValue;
    }
    return sum / 6;
  };
  const tpe = await mean((seed) => new TPESampler({ seed }));
  const random = await mean((seed) => new RandomSampler({ seed }));
  assert.ok(tpe < 0.6 * random, `TPE mean best ${tpe} vs random ${random}`);
});

test('categorical and integer parameters: TPE concentrates on the good choice', async () => {
  const s = createStudy({ sampler: new TPESampler({ seed: 3 }), direction: 'maximize' });
  await s.optimize((t) => {
    const act = t.suggestCategorical('act', ['relu', 'tanh', 'sigmoid', 'elu']);
    const units = t.suggestInt('units', 16, 256, { log: true });
    return (act === 'tanh' ? 1 : 0) - Math.abs(Math.log2(units) - 6) / 4;
  }, { nTrials: 50 });
  const late = s.trials.slice(25);
  assert.ok(late.filter((t) => t.params.act === 'tanh').length >= 15, `tanh chosen ${late.filter((t) => t.params.act === 'tanh').length}/25 times after the startup`);
  assert.equal(s.bestParams.act, 'tanh');
  assert.ok(s.trials.every((t) => Number.isInteger(t.params.units) && (t.params.units as number) >= 16 && (t.params.units as number) <= 256));
});

test('multivariate: joint proposals over the parameters all trials share, recorded on the trial; better than random here', async () => {
  const s = createStudy({ sampler: new TPESampler({ seed: 0, multivariate: true }) });
  await s.optimize((t) => {
    const v = quadratic(t) as number;
    if (t.number >= 12) t.suggestInt('extra', 0, 3); // not in every trial: sampled one at a time
    return v;
  }, { nTrials: 30 });
  const later = s.trials.slice(10);
  for (const t of later) {
    const rel = t.systemAttrs.relativeParams as { params: Record<string, number>; distributions: Record<string, unknown> };
    assert.deepEqual(Object.keys(rel.params), ['lr', 'x'], `trial ${t.number}`);
    assert.deepEqual([t.params.lr, t.params.x], [rel.params.lr, rel.params.x]);
  }
  assert.equal(s.trials[5]!.systemAttrs.relativeParams, undefined, 'startup trials are random');
  let mv = 0;
  let random = 0;
  for (let seed = 0; seed < 6; seed++) {
    const a = createStudy({ sampler: new TPESampler({ seed, multivariate: true }) });
    await a.optimize(quadratic, { nTrials: 60 });
    mv += a.bestValue / 6;
    const b = createStudy({ sampler: new RandomSampler({ seed }) });
    await b.optimize(quadratic, { nTrials: 60 });
    random += b.bestValue / 6;
  }
  assert.ok(mv < 0.6 * random, `multivariate TPE mean best ${mv} vs random ${random}`);
});

test('intersection search space: shared parameters with equal distributions, sorted, single values left out', () => {
  const t = (number: number, distributions: FrozenTrial['distributions']): FrozenTrial => ({ ...ft(number, 'complete', 1), distributions });
  const f01 = floatDistribution('a', 0, 1);
  const space = intersectionSearchSpace([
    t(0, { b: f01, a: f01, c: f01, one: floatDistribution('one', 2, 2) }),
    t(1, { a: f01, b: f01, c: floatDistribution('c', 0, 2), one: floatDistribution('one', 2, 2) }),
  ]);
  assert.deepEqual(space.map(([n]) => n), ['a', 'b']);
});
