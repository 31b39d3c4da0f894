/**
 * t-SNE against scikit-learn 1.2 on the same data and perplexity: KL divergence within 10%
 * (exact and Barnes–Hut, 2-d and 3-d), neighbourhoods kept (trustworthiness ≥ 0.9 at k = 5),
 * joint probabilities equal to sklearn's; on the 8×8 digits when python3-sklearn is installed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { trustworthiness } from '../../src/analysis/neighbors.js';
import { jointProbabilities } from '../../src/analysis/tsne-affinity.js';
import { tsne, tsneAsync, type TSNEProgress } from '../../src/analysis/tsne.js';
import { DIGITS_PATH, loadDigits } from '../../src/data/datasets/digits.js';
import { loadFixture, near } from '../metrics/fixtures.js';

interface Fx {
  synthetic: {
    X: number[][]; y: number[]; perplexity: number; kl_exact_2d: number; kl_bh_3d: number; kl_bh_3d_random_starts: number[];
    embedding_exact_2d: number[][]; trust_5: number; trust_12: number; joint_P_first40_perp10: number[];
  };
  digits?: { exact_first500: { kl: number; trust_5: number }; bh_all: { kl: number; trust_5: number } };
}
const fx = loadFixture<Fx>('tsne.json');
const syn = fx.synthetic;

function within10(kl: number, ref: number, what: string): void {
  assert.ok(Math.abs(kl - ref) <= 0.1 * ref, `${what}: KL ${kl} not within 10% of sklearn's ${ref}`);
}

test('joint probabilities equal sklearn\'s (perplexity calibration by binary search)', () => {
  const P = jointProbabilities({ data: Float64Array.from(syn.X.slice(0, 40).flat()), rows: 40, cols: 10 }, 10);
  const condensed: number[] = [];
  for (let i = 0; i < 40; i++) for (let j = i + 1; j < 40; j++) condensed.push(P[i * 40 + j]);
  // sklearn searches on float32 distances: agreement to ~1e-6 relative.
  near(condensed, syn.joint_P_first40_perp10.map((v) => v), 'P', 1e-5 * Math.max(...syn.joint_P_first40_perp10) * 1e3);
  for (let k = 0; k < condensed.length; k++) {
    const e = syn.joint_P_first40_perp10[k];
    assert.ok(Math.abs(condensed[k] - e) <= 2e-5 * e + 1e-15, `P[${k}]: ${condensed[k]} vs sklearn ${e}`);
  }
});

test('trustworthiness equals sklearn\'s on the same embedding', () => {
  near(trustworthiness(syn.X, syn.embedding_exact_2d, 5), syn.trust_5, 'T(5)');
  near(trustworthiness(syn.X, syn.embedding_exact_2d, 12), syn.trust_12, 'T(12)');
});

test('exact 2-d t-SNE on 4 blobs: KL within 10% of sklearn\'s, neighbourhoods kept, progress reported', () => {
  const progress: TSNEProgress[] = [];
  const r = tsne(syn.X, { method: 'exact', perplexity: syn.perplexity, seed: 0, onProgress: (p) => progress.push(p) });
  within10(r.kl, syn.kl_exact_2d, 'exact 2-d');
  assert.ok(trustworthiness(syn.X, { data: r.embedding, rows: r.rows, cols: 2 }, 5) >= 0.9);
  assert.deepEqual(progress.slice(0, 5).map((p) => p.iteration), [50, 100, 150, 200, 250]);
  assert.equal(progress[4].exaggerated, true);
  assert.equal(progress[5].exaggerated, false);
  assert.equal(progress[progress.length - 1].kl, r.kl);
  assert.equal(r.learningRate, 50);
});

test('Barnes-Hut 3-d t-SNE (octree): KL within 10% of the spread of sklearn\'s runs', () => {
  // In 3-d the final KL depends much on the start (sklearn itself spreads over ±20%): compare
  // with the range of sklearn's PCA-initialised run and 8 random starts.
  const r = tsne(syn.X, { nComponents: 3, perplexity: syn.perplexity, seed: 0 });
  const runs = [syn.kl_bh_3d, ...syn.kl_bh_3d_random_starts];
  const lo = Math.min(...runs);
  const hi = Math.max(...runs);
  assert.ok(r.kl >= 0.9 * lo && r.kl <= 1.1 * hi, `Barnes-Hut 3-d: KL ${r.kl} outside sklearn's [${lo}, ${hi}] ± 10%`);
  assert.equal(r.cols, 3);
  assert.ok(trustworthiness(syn.X, { data: r.embedding, rows: r.rows, cols: 3 }, 5) >= 0.9);
});

test('seeded: the same seed gives the same embedding', () => {
  const X = syn.X.slice(0, 60);
  const a = tsne(X, { perplexity: 10, init: 'random', seed: 3, nIter: 300 });
  const b = tsne(X, { perplexity: 10, init: 'random', seed: 3, nIter: 300 });
  assert.deepEqual(Array.from(a.embedding), Array.from(b.embedding));
  const c = tsne(X, { perplexity: 10, init: 'random', seed: 4, nIter: 300 });
  assert.notDeepEqual(Array.from(a.embedding), Array.from(c.embedding));
});

test('tsneAsync gives the same embedding as tsne, calls its hook after every step, and gives timers a turn', async () => {
  const X = syn.X.slice(0, 80);
  for (const [opts, rowSteps] of [[{ perplexity: 10, seed: 5, nIter: 300 }, 160], [{ perplexity: 8, init: 'random' as const, method: 'exact' as const, seed: 2, nIter: 260 }, 80]] as const) {
    const sync = tsne(X, opts);
    const seen: number[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const r = await tsneAsync(X, { ...opts, onIteration: async (i) => { seen.push(i); if (i % 10 === 0) await new Promise<void>((res) => setImmediate(res)); } });
    clearInterval(timer);
    assert.deepEqual(Array.from(r.embedding), Array.from(sync.embedding));
    assert.deepEqual({ kl: r.kl, nIter: r.nIter, lr: r.learningRate }, { kl: sync.kl, nIter: sync.nIter, lr: sync.learningRate });
    // 0 after each row of the affinities (Barnes-Hut: neighbour search and calibration) and once
    // they are done, then 1, 2, … after each gradient step.
    assert.deepEqual(seen, [...new Array<number>(rowSteps + 1).fill(0), ...Array.from({ length: sync.nIter + 1 }, (_, i) => i + 1)]);
    assert.ok(ticks > 0, 'a timer ran while t-SNE was computing');
  }
});

test('tsneAsync: a hook that throws stops the computation at that step with its error', async () => {
  const X = syn.X.slice(0, 60);
  let last = -1;
  await assert.rejects(tsneAsync(X, { perplexity: 10, nIter: 1000, onIteration: (i) => { last = i; if (i === 60) throw new Error('stop at 60'); } }), /stop at 60/);
  assert.equal(last, 60);
  await assert.rejects(tsneAsync(X, { perplexity: 60 }), /perplexity \(60\) must be less than the number of points \(60\)/);
});

test('8x8 digits: KL within 10% of sklearn\'s and trustworthiness ≥ 0.9 (exact on 500, Barnes-Hut on all 1,797)', (t) => {
  if (!existsSync(DIGITS_PATH) || !fx.digits) {
    t.skip(`${DIGITS_PATH} absent (apt-get install python3-sklearn)`);
    return;
  }
  const d = loadDigits();
  const sub = { data: d.images.subarray(0, 500 * 64), rows: 500, cols: 64 };
  const e = tsne(sub, { method: 'exact', perplexity: 30, seed: 0 });
  within10(e.kl, fx.digits.exact_first500.kl, 'digits exact');
  assert.ok(trustworthiness(sub, { data: e.embedding, rows: 500, cols: 2 }, 5) >= 0.9);
  const all = { data: d.images, rows: d.n, cols: 64 };
  const b = tsne(all, { perplexity: 30, seed: 0 });
  within10(b.kl, fx.digits.bh_all.kl, 'digits Barnes-Hut');
  assert.ok(trustworthiness(all, { data: b.embedding, rows: d.n, cols: 2 }, 5) >= 0.9);
});

test('bad input is a clear error', () => {
  const X = syn.X.slice(0, 20);
  assert.throws(() => tsne(X, { perplexity: 20 }), /perplexity \(20\) must be less than the number of points \(20\)/);
  assert.throws(() => tsne([[0, 1], [1, NaN], [2, 3]], { perplexity: 1 }), /NaN at row 1, column 1/);
  assert.throws(() => tsne(X, { perplexity: 5, nComponents: 4 }), /Barnes-Hut needs nComponents ≤ 3/);
  assert.throws(() => tsne(X, { perplexity: 5, init: [[0, 0]] }), /init has shape \[1,2\] but \[n, nComponents\] is \[20,2\]/);
  assert.throws(() => trustworthiness(X, X, 10), /k \(10\) should be less than n_samples \/ 2 \(10\)/);
  assert.throws(() => trustworthiness(X, X.slice(1), 3), /X has 20 rows but Y has 19/);
});
