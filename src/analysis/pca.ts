/**
 * Principal component analysis, matching scikit-learn's PCA: components are the right singular
 * vectors of the centred data, with sklearn's sign rule (the largest-magnitude score of each
 * component is positive), explained variance s²/(n−1), and ratios over the total variance.
 *
 * 'full' diagonalises the smaller of XᵀX and XXᵀ with a Jacobi solver (exact, O(min(n,d)³));
 * 'randomized' runs seeded subspace iteration for a few leading components of wide data (the
 * t-SNE initialisation on 784-pixel images), as sklearn's randomized solver does.
 */
import { Generator } from '../tensor/random.js';
import { columnMeans, symmetricEigen, toMatrix, type DenseMatrix, type MatrixLike } from './matrix.js';

export interface PCAOptions {
  /** Number of components to keep (default min(n, d)). */
  nComponents?: number;
  /** Scale projections to unit variance. */
  whiten?: boolean;
  /** 'auto' (default): randomized when min(n, d) > 500 and nComponents < 0.8·min(n, d), else full. */
  solver?: 'auto' | 'full' | 'randomized';
  /** Seed or generator of the randomized solver. */
  seed?: number;
  generator?: Generator;
}

export class PCA {
  readonly opts: PCAOptions;
  /** k×d row-major: row c is the c-th principal axis. */
  components: Float64Array = new Float64Array(0);
  explainedVariance: Float64Array = new Float64Array(0);
  explainedVarianceRatio: Float64Array = new Float64Array(0);
  singularValues: Float64Array = new Float64Array(0);
  mean: Float64Array = new Float64Array(0);
  nComponents = 0;
  nFeatures = 0;

  constructor(opts: PCAOptions = {}) {
    this.opts = opts;
  }

  fit(X: MatrixLike): this {
    const m = toMatrix(X, 'PCA.fit', 'X');
    const { rows: n, cols: d } = m;
    if (n < 2) throw new RangeError(`PCA.fit: needs at least 2 samples, got ${n}`);
    const r = Math.min(n, d);
    const k = this.opts.nComponents ?? r;
    if (!Number.isInteger(k) || k < 1 || k > r) throw new RangeError(`PCA.fit: nComponents = ${k} must be an integer in 1..min(n, d) = ${r}`);
    this.mean = columnMeans(m);
    const xc = new Float64Array(m.data.length);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xc[i * d + j] = m.data[i * d + j] - this.mean[j];
    const centred = { data: xc, rows: n, cols: d };
    const solver = this.opts.solver ?? 'auto';
    const randomized = solver === 'randomized' || (solver === 'auto' && r > 500 && k < 0.8 * r);
    const { axes, sq } = randomized ? topAxesRandomized(centred, k, this.opts.generator ?? new Generator(this.opts.seed ?? 0)) : topAxesFull(centred, k);
    // Total variance: trace of the covariance (sum of all eigenvalues).
    let total = 0;
    for (let i = 0; i < xc.length; i++) total += xc[i] * xc[i];
    total /= n - 1;
    // sklearn's svd_flip: make the largest-|score| entry of each component's scores positive.
    for (let c = 0; c < k; c++) {
      let best = 0;
      let bestAbs = -1;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += xc[i * d + j] * axes[c * d + j];
        if (Math.abs(s) > bestAbs + 1e-12 * bestAbs) {
          bestAbs = Math.abs(s);
          best = s;
        }
      }
      if (best < 0) for (let j = 0; j < d; j++) axes[c * d + j] = -axes[c * d + j];
    }
    this.components = axes;
    this.nComponents = k;
    this.nFeatures = d;
    this.singularValues = Float64Array.from(sq, (v) => Math.sqrt(Math.max(v, 0)));
    this.explainedVariance = Float64Array.from(sq, (v) => Math.max(v, 0) / (n - 1));
    this.explainedVarianceRatio = Float64Array.from(this.explainedVariance, (v) => (total > 0 ? v / total : 0));
    return this;
  }

  /** Projections of X on the components: n×k row-major (divided by √variance when whitening). */
  transform(X: MatrixLike): DenseMatrix {
    if (this.nFeatures === 0) throw new Error('PCA.transform: call fit() first');
    const m = toMatrix(X, 'PCA.transform', 'X');
    const d = this.nFeatures;
    if (m.cols !== d) throw new RangeError(`PCA.transform: X has ${m.cols} columns but the PCA was fitted on ${d}`);
    const k = this.nComponents;
    const out = new Float64Array(m.rows * k);
    for (let i = 0; i < m.rows; i++) {
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (m.data[i * d + j] - this.mean[j]) * this.components[c * d + j];
        out[i * k + c] = this.opts.whiten ? s / Math.sqrt(this.explainedVariance[c]) : s;
      }
    }
    return { data: out, rows: m.rows, cols: k };
  }

  fitTransform(X: MatrixLike): DenseMatrix {
    return this.fit(X).transform(X);
  }
}

/** Leading k axes (k×d) and their squared singular values from an exact eigen-decomposition. */
function topAxesFull(x: DenseMatrix, k: number): { axes: Float64Array; sq: Float64Array } {
  const { rows: n, cols: d, data } = x;
  const axes = new Float64Array(k * d);
  if (d <= n) {
    const c = gram(data, n, d, true);
    const { values, vectors } = symmetricEigen(c, d);
    for (let a = 0; a < k; a++) for (let j = 0; j < d; j++) axes[a * d + j] = vectors[j * d + a];
    return { axes, sq: values.slice(0, k) };
  }
  // Wide data: eigenvectors u of XXᵀ give axes v = Xᵀu / s.
  const g = gram(data, n, d, false);
  const { values, vectors } = symmetricEigen(g, n);
  for (let a = 0; a < k; a++) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += data[i * d + j] * vectors[i * n + a];
      axes[a * d + j] = s;
      norm += s * s;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) axes[a * d + j] = norm > 0 ? axes[a * d + j] / norm : 0;
  }
  return { axes, sq: values.slice(0, k) };
}

/** XᵀX (d×d) when columns, else XXᵀ (n×n). */
function gram(x: Float64Array, n: number, d: number, columns: boolean): Float64Array {
  if (columns) {
    const c = new Float64Array(d * d);
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let a = 0; a < d; a++) {
        const xa = x[o + a];
        if (xa === 0) continue;
        for (let b = a; b < d; b++) c[a * d + b] += xa * x[o + b];
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) c[a * d + b] = c[b * d + a];
    return c;
  }
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += x[i * d + a] * x[j * d + a];
      g[i * n + j] = g[j * n + i] = s;
    }
  }
  return g;
}

/** Leading k axes by seeded subspace iteration on XᵀX with k + 10 vectors and 7 power steps. */
function topAxesRandomized(x: DenseMatrix, k: number, gen: Generator): { axes: Float64Array; sq: Float64Array } {
  const { rows: n, cols: d, data } = x;
  const l = Math.min(k + 10, Math.min(n, d));
  let q: Float64Array = new Float64Array(d * l); // d×l, column-major by vector: q[v*d + j]
  for (let i = 0; i < q.length; i++) q[i] = gen.normal();
  orthonormalize(q, d, l);
  const t = new Float64Array(n * l);
  const applyXtX = (src: Float64Array): Float64Array => {
    t.fill(0);
    for (let v = 0; v < l; v++) for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += data[i * d + j] * src[v * d + j];
      t[v * n + i] = s;
    }
    const out = new Float64Array(d * l);
    for (let v = 0; v < l; v++) for (let i = 0; i < n; i++) {
      const ti = t[v * n + i];
      if (ti === 0) continue;
      for (let j = 0; j < d; j++) out[v * d + j] += data[i * d + j] * ti;
    }
    return out;
  };
  for (let it = 0; it < 7; it++) {
    q = applyXtX(q);
    orthonormalize(q, d, l);
  }
  // Rayleigh–Ritz: eigen-decompose Qᵀ XᵀX Q (l×l).
  const z = applyXtX(q);
  const small = new Float64Array(l * l);
  for (let a = 0; a < l; a++) for (let b = 0; b < l; b++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += q[a * d + j] * z[b * d + j];
    small[a * l + b] = s;
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) small[a * l + b] = small[b * l + a] = (small[a * l + b] + small[b * l + a]) / 2;
  const { values, vectors } = symmetricEigen(small, l);
  const axes = new Float64Array(k * d);
  for (let c = 0; c < k; c++) for (let v = 0; v < l; v++) {
    const w = vectors[v * l + c];
    for (let j = 0; j < d; j++) axes[c * d + j] += w * q[v * d + j];
  }
  return { axes, sq: values.slice(0, k) };
}

/** Modified Gram–Schmidt on l vectors of length d stored one after another. */
function orthonormalize(q: Float64Array, d: number, l: number): void {
  for (let v = 0; v < l; v++) {
    for (let u = 0; u < v; u++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += q[u * d + j] * q[v * d + j];
      for (let j = 0; j < d; j++) q[v * d + j] -= s * q[u * d + j];
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += q[v * d + j] * q[v * d + j];
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) q[v * d + j] = norm > 0 ? q[v * d + j] / norm : 0;
  }
}
