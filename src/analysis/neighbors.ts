/**
 * Exact nearest neighbours (brute force, each pair once) and trustworthiness, the measure of how
 * well an embedding keeps neighbourhoods (Venna & Kaski), defined as scikit-learn's
 * sklearn.manifold.trustworthiness:
 *   T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ N_k(i) in the embedding} max(0, r(i, j) − k)
 * where r(i, j) is the rank of j among i's neighbours in the input space (1 = nearest).
 */
import { sqDist, toMatrix, type DenseMatrix, type MatrixLike } from './matrix.js';
import { drain, driveAsync, type Steps } from './steps.js';

export interface Neighbors {
  k: number;
  /** n×k neighbour indices, nearest first (a point is not its own neighbour). */
  indices: Int32Array;
  /** n×k squared euclidean distances matching indices. */
  sqDistances: Float64Array;
}

/** The k nearest neighbours of every row (O(n² d), symmetric pairs computed once). */
export function kNearest(x: DenseMatrix, k: number): Neighbors {
  return drain(kNearestSteps(x, k));
}

/** kNearest as steps: yields after each row of the pair loop. */
export function* kNearestSteps(x: DenseMatrix, k: number): Steps<void, Neighbors> {
  const { rows: n, cols: d, data } = x;
  if (!Number.isInteger(k) || k < 1 || k > n - 1) throw new RangeError(`kNearest: k = ${k} must be in 1..n−1 = ${n - 1}`);
  // One bounded max-heap of size k per row, stored flat.
  const hd = new Float64Array(n * k).fill(Infinity);
  const hi = new Int32Array(n * k).fill(-1);
  const push = (row: number, j: number, dist: number): void => {
    const o = row * k;
    if (dist >= hd[o]) return;
    // Replace the root (largest) and sift down.
    let pos = 0;
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= k) break;
      const r = l + 1;
      const c = r < k && hd[o + r] > hd[o + l] ? r : l;
      if (hd[o + c] <= dist) break;
      hd[o + pos] = hd[o + c];
      hi[o + pos] = hi[o + c];
      pos = c;
    }
    hd[o + pos] = dist;
    hi[o + pos] = j;
  };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = sqDist(data, i, data, j, d);
      push(i, j, s);
      push(j, i, s);
    }
    yield;
  }
  // Sort each heap ascending (ties by index).
  const indices = new Int32Array(n * k);
  const sqDistances = new Float64Array(n * k);
  const order = Array.from({ length: k }, (_, t) => t);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    order.sort((a, b) => hd[o + a] - hd[o + b] || hi[o + a] - hi[o + b]);
    order.forEach((t, r) => {
      indices[o + r] = hi[o + t];
      sqDistances[o + r] = hd[o + t];
    });
    for (let t = 0; t < k; t++) order[t] = t;
  }
  return { k, indices, sqDistances };
}

/** Trustworthiness of embedding Y of X at k neighbours (k < n/2), as sklearn computes it. */
export function trustworthiness(X: MatrixLike, Y: MatrixLike, k = 5): number {
  return drain(trustworthinessSteps(X, Y, k));
}

/** The same as trustworthiness, awaiting `onStep` after each row of its two O(n²) loops (it may throw to stop). */
export function trustworthinessAsync(X: MatrixLike, Y: MatrixLike, k = 5, onStep?: () => void | Promise<void>): Promise<number> {
  return driveAsync(trustworthinessSteps(X, Y, k), onStep);
}

function* trustworthinessSteps(X: MatrixLike, Y: MatrixLike, k: number): Steps<void, number> {
  const fn = 'trustworthiness';
  const x = toMatrix(X, fn, 'X');
  const y = toMatrix(Y, fn, 'Y');
  const n = x.rows;
  if (y.rows !== n) throw new RangeError(`${fn}: X has ${n} rows but Y has ${y.rows}`);
  if (!(k < n / 2)) throw new RangeError(`${fn}: k (${k}) should be less than n_samples / 2 (${n / 2})`);
  const nb = yield* kNearestSteps(y, k);
  const dx = new Float64Array(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) dx[j] = j === i ? Infinity : sqDist(x.data, i, x.data, j, x.cols);
    for (let r = 0; r < k; r++) {
      const j = nb.indices[i * k + r];
      const dj = dx[j];
      // Rank of j in the input space: 1 + number of points strictly closer (ties broken by index).
      let rank = 1;
      for (let l = 0; l < n; l++) if (dx[l] < dj || (dx[l] === dj && l < j)) rank++;
      if (rank > k) t += rank - k;
    }
    yield;
  }
  return 1 - (t * 2) / (n * k * (2 * n - 3 * k - 1));
}
