/** Nearest neighbours equal a full sort; trustworthiness is 1 for an isometry and drops for a shuffled embedding. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kNearest, trustworthiness, trustworthinessAsync } from '../../src/analysis/neighbors.js';
import { Generator } from '../../src/tensor/random.js';

test('kNearest equals sorting all distances', () => {
  const g = new Generator(9);
  const n = 80;
  const d = 5;
  const data = Float64Array.from({ length: n * d }, () => g.normal());
  const k = 7;
  const nb = kNearest({ data, rows: n, cols: d }, k);
  for (let i = 0; i < n; i++) {
    const all = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i).map((j) => {
      let s = 0;
      for (let a = 0; a < d; a++) s += (data[i * d + a] - data[j * d + a]) ** 2;
      return { j, s };
    }).sort((a, b) => a.s - b.s);
    assert.deepEqual(Array.from(nb.indices.subarray(i * k, (i + 1) * k)), all.slice(0, k).map((e) => e.j));
  }
  assert.throws(() => kNearest({ data, rows: n, cols: d }, n), /k = 80 must be in 1..n−1 = 79/);
});

test('trustworthiness: 1 for a rotation, lower for a shuffled embedding', () => {
  const g = new Generator(1);
  const n = 60;
  const X = Array.from({ length: n }, () => [g.normal(), g.normal()]);
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const R = X.map(([a, b]) => [c * a - s * b, s * a + c * b]);
  assert.equal(trustworthiness(X, R, 5), 1);
  const perm = g.permutation(n);
  const S = X.map((_, i) => X[perm[i]]);
  assert.ok(trustworthiness(X, S, 5) < 0.7);
});

test('trustworthinessAsync equals trustworthiness, awaits its hook after every row, and stops with what it throws', async () => {
  const g = new Generator(4);
  const n = 50;
  const X = Array.from({ length: n }, () => [g.normal(), g.normal(), g.normal()]);
  const Y = X.map(([a, b, c]) => [a + 0.3 * c, b]);
  let calls = 0;
  const v = await trustworthinessAsync(X, Y, 5, async () => { calls++; await new Promise<void>((res) => setImmediate(res)); });
  assert.equal(v, trustworthiness(X, Y, 5));
  assert.ok(v < 1);
  assert.equal(calls, 2 * n, 'one step per row of the neighbour search and of the ranking');
  await assert.rejects(trustworthinessAsync(X, Y, 5, () => { throw new Error('stopped'); }), /stopped/);
});
