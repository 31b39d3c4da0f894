/** PCA equals scikit-learn's (components up to sign, variances, projections), tall and wide data, both solvers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { symmetricEigen } from '../../src/analysis/matrix.js';
import { PCA } from '../../src/analysis/pca.js';
import { Generator } from '../../src/tensor/random.js';
import { loadFixture, near } from '../metrics/fixtures.js';

interface Fx {
  pca: {
    X: number[][]; components: number[][]; explained_variance: number[]; explained_variance_ratio: number[];
    singular_values: number[]; mean: number[]; transform: number[][]; whiten3_transform: number[][];
    wide: { X: number[][]; components: number[][]; explained_variance: number[] };
  };
}
const fx = loadFixture<Fx>('kmeans_pca.json').pca;

/** Rows of a k×d matrix equal up to the sign of each row. */
function sameUpToSign(got: Float64Array, want: number[][], what: string, tol: number, rows = want.length): void {
  const d = want[0].length;
  for (let c = 0; c < rows; c++) {
    const row = Array.from(got.subarray(c * d, (c + 1) * d));
    const dot = row.reduce((a, v, j) => a + v * want[c][j], 0);
    near(row.map((v) => v * Math.sign(dot)), want[c], `${what} component ${c}`, tol);
  }
}

test('PCA matches sklearn on tall data (components, variances, transform)', () => {
  const p = new PCA().fit(fx.X);
  sameUpToSign(p.components, fx.components, 'full', 1e-9);
  // sklearn's sign rule is reproduced too, so the projections agree exactly.
  near(p.components, fx.components, 'signs', 1e-9);
  near(p.explainedVariance, fx.explained_variance, 'explained variance');
  near(p.explainedVarianceRatio, fx.explained_variance_ratio, 'explained variance ratio');
  near(p.singularValues, fx.singular_values, 'singular values');
  near(p.mean, fx.mean, 'mean');
  near(p.transform(fx.X.slice(0, 5)).data, fx.transform, 'transform');
  const w = new PCA({ nComponents: 3, whiten: true }).fit(fx.X);
  near(w.transform(fx.X.slice(0, 5)).data, fx.whiten3_transform, 'whitened transform');
});

test('PCA matches sklearn on wide data (more features than samples)', () => {
  const p = new PCA().fit(fx.wide.X);
  // The last component of rank-deficient centred data is arbitrary: compare the first n − 1.
  sameUpToSign(p.components, fx.wide.components, 'wide', 1e-9, fx.wide.X.length - 1);
  near(p.explainedVariance, fx.wide.explained_variance, 'wide variance', 1e-9);
});

test('randomized solver finds the same leading components', () => {
  const p = new PCA({ nComponents: 2, solver: 'randomized', seed: 3 }).fit(fx.X);
  sameUpToSign(p.components, fx.components, 'randomized', 1e-8, 2);
  near(p.explainedVarianceRatio, fx.explained_variance_ratio.slice(0, 2), 'randomized ratio', 1e-9);
});

test('Jacobi eigen-decomposition: A v = λ v, orthonormal vectors, decreasing values', () => {
  const g = new Generator(5);
  const n = 9;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = g.normal();
  const { values, vectors } = symmetricEigen(a, n);
  for (let c = 0; c < n; c++) {
    if (c > 0) assert.ok(values[c] <= values[c - 1]);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * vectors[j * n + c];
      near(s, values[c] * vectors[i * n + c], `Av=λv [${c}][${i}]`, 1e-12);
    }
    for (let c2 = 0; c2 < n; c2++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += vectors[i * n + c] * vectors[i * n + c2];
      near(dot, c === c2 ? 1 : 0, `orthonormal ${c},${c2}`, 1e-12);
    }
  }
});

test('bad input is a clear error', () => {
  assert.throws(() => new PCA().fit([[1, 2], [3, NaN], [4, 5]]), /NaN at row 1, column 1/);
  assert.throws(() => new PCA({ nComponents: 3 }).fit([[1, 2], [3, 4], [5, 7]]), /nComponents = 3 must be an integer in 1..min\(n, d\) = 2/);
  assert.throws(() => new PCA().fit([[1, 2], [3, 4]]).transform([[1, 2, 3]]), /X has 3 columns but the PCA was fitted on 2/);
});
