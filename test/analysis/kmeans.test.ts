/** k-means equals scikit-learn's labels and inertia from the same initial centres; k-means++ finds its optimum. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kmeans, kmeansAsync, kmeansPlusPlus, kmeansPredict, type KMeansStep } from '../../src/analysis/kmeans.js';
import { adjustedRandScore } from '../../src/metrics/clustering.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { loadFixture, near } from '../metrics/fixtures.js';

interface Run { init: number[][]; labels: number[]; inertia: number; centers: number[][]; n_iter: number }
interface Fx { kmeans: { X: number[][]; y: number[]; given: Run; given2: Run; kmeanspp: { labels: number[]; inertia: number } } }
const fx = loadFixture<Fx>('kmeans_pca.json').kmeans;

for (const key of ['given', 'given2'] as const) {
  test(`k-means from sklearn's initial centres (${key}): same labels, inertia, centres, iterations`, () => {
    const run = fx[key];
    const r = kmeans(fx.X, { k: 5, init: run.init });
    assert.deepEqual(Array.from(r.labels), run.labels);
    near(r.inertia, run.inertia, 'inertia', 1e-9);
    near(r.centers, run.centers, 'centres', 1e-9);
    assert.equal(r.nIter, run.n_iter);
  });
}

test('k-means++ with restarts reaches sklearn\'s optimum on well-separated blobs', () => {
  const r = kmeans(fx.X, { k: 5, seed: 1 });
  near(r.inertia, fx.kmeanspp.inertia, 'inertia', 1e-9);
  assert.equal(adjustedRandScore(r.labels, fx.kmeanspp.labels), 1);
  assert.equal(adjustedRandScore(r.labels, fx.y), 1);
  assert.deepEqual(Array.from(kmeansPredict(r, fx.X)), Array.from(r.labels));
});

test('seeded: same seed same result; k-means++ picks data points, spread over the blobs', () => {
  const t = new Tensor(Float64Array.from(fx.X.flat()), [fx.X.length, 3]);
  const a = kmeans(t, { k: 5, seed: 7, nInit: 2 });
  const b = kmeans(t, { k: 5, seed: 7, nInit: 2 });
  assert.deepEqual(Array.from(a.centers), Array.from(b.centers));
  const x = { data: Float64Array.from(fx.X.flat()), rows: fx.X.length, cols: 3 };
  const c = kmeansPlusPlus(x, 5, new Generator(2));
  const blobs = new Set<number>();
  for (let k = 0; k < 5; k++) {
    const i = fx.X.findIndex((row) => row.every((v, j) => v === c[k * 3 + j]));
    assert.ok(i >= 0, `centre ${k} is a data point`);
    blobs.add(fx.y[i]);
  }
  assert.equal(blobs.size, 5, 'one seed per blob');
});

test('kmeansAsync gives the same result as kmeans and tells every centre, iteration and restart', async () => {
  const cases = [{ k: 5, seed: 7, nInit: 3 }, { k: 4, seed: 1, nInit: 2, init: 'random' as const }, { k: 5, init: fx.given.init }];
  for (const opts of cases) {
    const sync = kmeans(fx.X, opts);
    const steps: KMeansStep[] = [];
    const r = await kmeansAsync(fx.X, { ...opts, onStep: async (s) => { steps.push(s); await new Promise<void>((res) => setImmediate(res)); } });
    assert.deepEqual(Array.from(r.centers), Array.from(sync.centers));
    assert.deepEqual(Array.from(r.labels), Array.from(sync.labels));
    assert.deepEqual({ inertia: r.inertia, nIter: r.nIter }, { inertia: sync.inertia, nIter: sync.nIter });
    const nInit = opts.nInit ?? 1;
    const restarts = steps.filter((s) => s.phase === 'restart');
    assert.deepEqual(restarts.map((s) => s.restart), Array.from({ length: nInit }, (_, i) => i));
    assert.equal(Math.min(...restarts.map((s) => (s.phase === 'restart' ? s.inertia : Infinity))), sync.inertia);
    const seeding = steps.filter((s) => s.phase === 'seeding').length;
    assert.equal(seeding, opts.init === undefined ? nInit * (opts.k - 1) : 0, 'one step per k-means++ centre after the first');
    assert.ok(steps.some((s) => s.phase === 'lloyd'));
  }
});

test('kmeansAsync: a hook that throws stops the computation with its error', async () => {
  const seen: KMeansStep[] = [];
  await assert.rejects(kmeansAsync(fx.X, { k: 5, nInit: 10, onStep: (s) => { seen.push(s); if (s.phase === 'restart' && s.restart === 1) throw new Error('stop after restart 1'); } }), /stop after restart 1/);
  assert.equal(seen.filter((s) => s.phase === 'restart').length, 2);
  await assert.rejects(kmeansAsync(fx.X, { k: 0 }), /k must be an integer ≥ 1, got 0/);
});

test('random init and empty clusters still give k non-empty clusters', () => {
  // Two initial centres far from all data: their clusters start empty and get re-seeded.
  const X = [[0, 0], [0, 1], [10, 10], [10, 11], [20, 0], [21, 0]];
  const r = kmeans(X, { k: 3, init: [[0, 0.5], [100, 100], [-100, -100]] });
  // sklearn 1.2 gives labels [0 0 0 0 2 1], inertia 201 (a local optimum) after 2 iterations.
  assert.deepEqual(Array.from(r.labels), [0, 0, 0, 0, 2, 1]);
  near(r.inertia, 201, 'inertia');
  assert.equal(r.nIter, 2);
  assert.equal(new Set(kmeans(X, { k: 3, init: 'random', seed: 4, nInit: 5 }).labels).size, 3);
});

test('bad input is a clear error', () => {
  assert.throws(() => kmeans([[0, 1], [1, 2]], { k: 3 }), /k = 3 is larger than the number of points n = 2/);
  assert.throws(() => kmeans([[0, 1], [NaN, 2]], { k: 1 }), /NaN at row 1, column 0/);
  assert.throws(() => kmeans([[0, 1], [1, 2]], { k: 2, init: [[0, 1]] }), /init has shape \[1,2\] but k×d is \[2,2\]/);
});
