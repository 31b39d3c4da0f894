/** Clustering metrics (purity, ARI, MI, NMI, silhouette) equal scikit-learn 1.2's; edge cases and errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  adjustedRandScore, contingencyMatrix, mutualInfoScore, normalizedMutualInfoScore, pairConfusionMatrix, purity, silhouetteSamples, silhouetteScore,
  type AverageMethod,
} from '../../src/metrics/clustering.js';
import { loadFixture, near } from './fixtures.js';

interface Case {
  name: string;
  labels_true: number[];
  labels_pred: number[];
  X?: number[][];
  expected: {
    ari: number;
    mi: number;
    nmi: Record<string, number>;
    purity: number;
    purity_per_cluster: number[];
    pair_confusion: number[][];
    silhouette?: number;
    silhouette_samples?: number[];
  };
}

const fx = loadFixture<{ cases: Case[] }>('clustering.json');

for (const c of fx.cases) {
  test(`clustering parity: ${c.name}`, () => {
    const t = c.labels_true;
    const p = c.labels_pred;
    const e = c.expected;
    near(adjustedRandScore(t, p), e.ari, `${c.name} ARI`);
    near(mutualInfoScore(t, p), e.mi, `${c.name} MI`);
    for (const [m, want] of Object.entries(e.nmi)) near(normalizedMutualInfoScore(t, p, { averageMethod: m as AverageMethod }), want, `${c.name} NMI ${m}`);
    const pu = purity(t, p);
    near(pu.overall, e.purity, `${c.name} purity`);
    near(pu.perCluster.map((k) => k.purity), e.purity_per_cluster, `${c.name} purity per cluster`);
    near(pairConfusionMatrix(t, p), e.pair_confusion, `${c.name} pair confusion`);
    if (c.X && e.silhouette !== undefined) {
      near(silhouetteScore(c.X, p), e.silhouette, `${c.name} silhouette`);
      near(silhouetteSamples(c.X, p), e.silhouette_samples ?? [], `${c.name} silhouette samples`);
    }
  });
}

test('purity reports each cluster with its majority label and size', () => {
  const r = purity([0, 0, 1, 1, 1, 2], [5, 5, 5, 7, 7, 7]);
  assert.deepEqual(r.perCluster, [
    { cluster: 5, size: 3, majority: 0, purity: 2 / 3 },
    { cluster: 7, size: 3, majority: 1, purity: 2 / 3 },
  ]);
  assert.equal(r.overall, 4 / 6);
  assert.deepEqual(contingencyMatrix([0, 0, 1], [3, 4, 4]).table, [[1, 1], [0, 1]]);
});

test('ARI stays exact for large n (pair counts beyond 2^53 when multiplied)', () => {
  const n = 40000;
  const t = Int32Array.from({ length: n }, (_, i) => i % 7);
  const p = Int32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? (i % 3) : i % 7));
  const a = adjustedRandScore(t, p);
  assert.ok(a > 0.8 && a < 1, `ARI ${a}`);
  assert.equal(adjustedRandScore(t, t), 1);
});

test('bad input is a clear error', () => {
  assert.throws(() => adjustedRandScore([0, 1], [0, 1, 1]), /labelsTrue has 2 entries but labelsPred has 3/);
  assert.throws(() => silhouetteScore([[0], [1], [2]], [0, 0, 0]), /number of labels is 1/);
  assert.throws(() => silhouetteScore([[0, 1], [1, NaN], [2, 2]], [0, 1, 1]), /NaN at row 1, column 1/);
  assert.throws(() => purity([], []), /no samples/);
});
