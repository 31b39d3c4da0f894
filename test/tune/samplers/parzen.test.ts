/** The Parzen estimator: Optuna's bandwidth rule, mixture weights, and proper (normalised) densities. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Generator } from '../../../src/tensor/random.js';
import { categoricalDistribution, floatDistribution, intDistribution, type Distribution } from '../../../src/tune/distributions.js';
import { bandwidths, MultivariateParzenEstimator, ParzenEstimator, type ParzenOptions } from '../../../src/tune/samplers/parzen.js';
import { defaultWeights } from '../../../src/tune/samplers/tpe.js';

const opts: ParzenOptions = { priorWeight: 1, considerMagicClip: true, considerEndpoints: false, weights: defaultWeights };

function closeAll(a: readonly number[], b: readonly number[], tol = 1e-12): void {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= tol, `[${i}] ${x} vs ${b[i]}`));
}

test('bandwidths and magic clip follow Optuna (values from its compute_sigmas in numpy)', () => {
  const pe = new ParzenEstimator([0.5, 0.1, 0.12, 0.9, 0.3], floatDistribution('x', 0, 1), opts);
  closeAll(pe.sigmas, [0.4, 0.14285714285714285, 0.18, 0.4, 0.2, 1]); // prior last: high − low
  closeAll(pe.mus, [0.5, 0.1, 0.12, 0.9, 0.3, 0.5]);
  closeAll(pe.weights, [1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6]);
  closeAll(new ParzenEstimator([0.5], floatDistribution('x', 0, 1), opts).sigmas, [0.5, 1]);
  closeAll(new ParzenEstimator([0.2, 0.7], floatDistribution('x', 0, 1), opts).sigmas, [0.5, 0.5, 1], 1e-15);
  // consider_endpoints: the outer kernels also measure their gap to the range ends
  closeAll(bandwidths([0.1, 0.3], 0, 1, true), [0.2, 0.7]);
  closeAll(bandwidths([0.1, 0.3], 0, 1, false), [0.2, 0.2]);
});

test('log scale and steps: kernels live in the log / half-step-widened space', () => {
  const pe = new ParzenEstimator([1e-3], floatDistribution('l1', 1e-4, 1e-1, { log: true }), opts);
  closeAll(pe.mus, [Math.log(1e-3), 0.5 * (Math.log(1e-4) + Math.log(1e-1))]);
  const pi = new ParzenEstimator([], intDistribution('n', 1, 5), opts);
  closeAll(pi.mus, [3]);
  closeAll(pi.sigmas, [5]); // [0.5, 5.5]
  assert.deepEqual(pi.weights, [1]);
});

test('densities integrate to 1; stepped, integer and categorical probabilities sum to 1', () => {
  const d = floatDistribution('x', -2, 3);
  const pe = new ParzenEstimator([-1.9, 0, 0.1, 2.5], d, opts);
  let integral = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) integral += Math.exp(pe.logPdf(-2 + ((i + 0.5) * 5) / n)) * (5 / n);
  assert.ok(Math.abs(integral - 1) < 1e-6, `∫ = ${integral}`);
  const dl = floatDistribution('lr', 1e-4, 1, { log: true });
  const pl = new ParzenEstimator([1e-3, 3e-2], dl, opts);
  let li = 0;
  for (let i = 0; i < n; i++) li += Math.exp(pl.logPdf(Math.exp(Math.log(1e-4) + ((i + 0.5) * Math.log(1e4)) / n))) * (Math.log(1e4) / n);
  assert.ok(Math.abs(li - 1) < 1e-6, `∫ over log space = ${li}`);
  const di = intDistribution('k', 1, 9, { step: 2 });
  const pk = new ParzenEstimator([1, 1, 7], di, opts);
  const total = [1, 3, 5, 7, 9].reduce((a, k) => a + Math.exp(pk.logPdf(k)), 0);
  assert.ok(Math.abs(total - 1) < 1e-12, `Σ = ${total}`);
  const dc = categoricalDistribution('c', ['a', 'b', 'c']);
  const pc = new ParzenEstimator([0, 0, 2], dc, opts);
  // kernel rows: 1 + 1/4 on the observed choice, 1/4 elsewhere, /1.75; prior row uniform
  const p = [0, 1, 2].map((c) => Math.exp(pc.logPdf(c)));
  closeAll(p, [(2 * (1.25 / 1.75) + 0.25 / 1.75 + 1 / 3) / 4, (3 * (0.25 / 1.75) + 1 / 3) / 4, (2 * (0.25 / 1.75) + 1.25 / 1.75 + 1 / 3) / 4]);
});

test('draws respect the range and the grid, and follow the kernels', () => {
  const gen = new Generator(1);
  const di = intDistribution('k', 1, 9, { step: 2 });
  const draws = new ParzenEstimator([3, 3, 3, 3, 3, 3, 3, 3], di, opts).sample(gen, 400);
  assert.ok(draws.every((x) => [1, 3, 5, 7, 9].includes(x)));
  assert.ok(draws.filter((x) => x === 3).length > 200, 'most mass on the observed value');
  const dl = floatDistribution('lr', 1e-4, 1e-1, { log: true });
  const dl2 = new ParzenEstimator([1e-3], dl, opts).sample(gen, 400);
  assert.ok(dl2.every((x) => x >= 1e-4 && x <= 1e-1));
  const df = floatDistribution('d', 0.1, 0.5, { step: 0.1 });
  const df2 = new ParzenEstimator([0.2], df, opts).sample(gen, 100);
  assert.deepEqual([...new Set(df2)].sort(), [0.1, 0.2, 0.3, 0.4, 0.5].filter((v) => df2.includes(v)));
  assert.ok(df2.every((v) => [0.1, 0.2, 0.3, 0.4, 0.5].includes(v)));
});

type DistJson = { kind: 'float' | 'int'; low: number; high: number; log: boolean; step: number | null } | { kind: 'categorical'; choices: string[] };

interface OptunaCase {
  name: string;
  distribution: DistJson;
  observations: number[];
  points: number[];
  logPdf: number[];
}

interface OptunaFixture {
  univariate: OptunaCase[];
  joint: { names: string[]; distributions: DistJson[]; observations: number[][]; points: number[][]; logPdf: number[] };
}

function toDistribution(name: string, src: DistJson): Distribution {
  if (src.kind === 'categorical') return categoricalDistribution(name, src.choices);
  if (src.kind === 'int') return intDistribution(name, src.low, src.high, { log: src.log, step: src.step ?? 1 });
  return floatDistribution(name, src.low, src.high, { log: src.log, ...(src.step !== null ? { step: src.step } : {}) });
}

/** test/tune/fixtures/optuna-parzen.json, found by walking up from this compiled file to the repository. */
function optunaFixture(): OptunaFixture {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'test', 'tune', 'fixtures', 'optuna-parzen.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('optuna-parzen.json not found above the test file');
    dir = up;
  }
  return JSON.parse(readFileSync(join(dir, 'test', 'tune', 'fixtures', 'optuna-parzen.json'), 'utf8')) as OptunaFixture;
}

test("log densities equal Optuna 5.0's _ParzenEstimator on every kind of distribution (fixtures/optuna_parzen.py)", () => {
  for (const c of optunaFixture().univariate) {
    const pe = new ParzenEstimator(c.observations, toDistribution(c.name, c.distribution), opts);
    c.points.forEach((x, i) => {
      const got = pe.logPdf(x);
      assert.ok(Math.abs(got - c.logPdf[i]!) <= 1e-9 * Math.max(1, Math.abs(c.logPdf[i]!)), `${c.name} at ${x}: ${got} vs Optuna ${c.logPdf[i]}`);
    });
  }
});

test("the multivariate estimator's joint log density equals Optuna's on four mixed parameters", () => {
  const j = optunaFixture().joint;
  const mpe = new MultivariateParzenEstimator(j.names.map((n, d) => new ParzenEstimator(j.observations[d]!, toDistribution(n, j.distributions[d]!), opts)));
  j.logPdf.forEach((expected, i) => {
    const got = mpe.logPdf(j.names.map((_, d) => j.points[d]![i]!));
    assert.ok(Math.abs(got - expected) <= 1e-9 * Math.abs(expected), `point ${i}: ${got} vs Optuna ${expected}`);
  });
  const draws = mpe.sample(new Generator(0), 50);
  assert.ok(draws.every((x) => x.length === 4 && x[0]! >= 0.1 && x[0]! <= 0.5 && [0, 1].includes(x[2]!) && x[3]! % 16 === 0));
});
