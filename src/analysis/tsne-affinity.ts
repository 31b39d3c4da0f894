/**
 * t-SNE input affinities. For each point a Gaussian bandwidth is found by binary search so that
 * the conditional distribution p(j|i) has the requested perplexity (entropy = ln perplexity,
 * tolerance 1e-5, at most 100 steps, as scikit-learn), then p_ij = (p(j|i) + p(i|j)) / Σ.
 *
 * Exact: over all pairs, stored as a full n×n matrix with entries floored at machine epsilon
 * (as sklearn's _joint_probabilities). Sparse: over the ⌊3·perplexity + 1⌋ nearest neighbours
 * only (sklearn's _joint_probabilities_nn), stored as CSR rows, for Barnes–Hut.
 */
import { kNearestSteps } from './neighbors.js';
import { sqDist, type DenseMatrix } from './matrix.js';
import { drain, type Steps } from './steps.js';

const TOL = 1e-5;
const STEPS = 100;
const EPS_SUM = 1e-8;
export const MACHINE_EPSILON = 2.220446049250313e-16;

/**
 * Fills out[0..m) with p(j|i) ∝ exp(−β·dist[j]) at the β giving the desired entropy; entries at
 * `skip` (the point itself) stay 0. Returns β.
 */
export function calibrateRow(dist: ArrayLike<number>, m: number, desiredEntropy: number, out: Float64Array, skip = -1): number {
  let beta = 1;
  let betaMin = -Infinity;
  let betaMax = Infinity;
  for (let step = 0; step < STEPS; step++) {
    let sum = 0;
    for (let j = 0; j < m; j++) {
      const v = j === skip ? 0 : Math.exp(-dist[j] * beta);
      out[j] = v;
      sum += v;
    }
    if (sum === 0) sum = EPS_SUM;
    let sumDP = 0;
    for (let j = 0; j < m; j++) {
      out[j] /= sum;
      sumDP += dist[j] * out[j];
    }
    const diff = Math.log(sum) + beta * sumDP - desiredEntropy;
    if (Math.abs(diff) <= TOL) break;
    if (diff > 0) {
      betaMin = beta;
      beta = betaMax === Infinity ? beta * 2 : (beta + betaMax) / 2;
    } else {
      betaMax = beta;
      beta = betaMin === -Infinity ? beta / 2 : (beta + betaMin) / 2;
    }
  }
  return beta;
}

/** Exact joint probabilities: full symmetric n×n, zero diagonal, off-diagonal ≥ machine epsilon. */
export function jointProbabilities(x: DenseMatrix, perplexity: number): Float64Array {
  return drain(jointProbabilitiesSteps(x, perplexity));
}

/** jointProbabilities as steps: yields after each row. */
export function* jointProbabilitiesSteps(x: DenseMatrix, perplexity: number): Steps<void, Float64Array> {
  const { rows: n, cols: d, data } = x;
  const P = new Float64Array(n * n);
  const dist = new Float64Array(n);
  const row = new Float64Array(n);
  const h = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) dist[j] = j === i ? 0 : sqDist(data, i, data, j, d);
    calibrateRow(dist, n, h, row, i);
    P.set(row, i * n);
    yield;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sum += 2 * (P[i * n + j] + P[j * n + i]);
  sum = Math.max(sum, MACHINE_EPSILON);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = Math.max((P[i * n + j] + P[j * n + i]) / sum, MACHINE_EPSILON);
      P[i * n + j] = P[j * n + i] = v;
    }
    P[i * n + i] = 0;
  }
  return P;
}

/** A sparse symmetric matrix in CSR form. */
export interface SparseP {
  n: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** Sparse joint probabilities over the k = min(n − 1, ⌊3·perplexity + 1⌋) nearest neighbours. */
export function jointProbabilitiesNN(x: DenseMatrix, perplexity: number): SparseP {
  return drain(jointProbabilitiesNNSteps(x, perplexity));
}

/** jointProbabilitiesNN as steps: yields after each row of the neighbour search and of the calibration. */
export function* jointProbabilitiesNNSteps(x: DenseMatrix, perplexity: number): Steps<void, SparseP> {
  const n = x.rows;
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const nb = yield* kNearestSteps(x, k);
  const h = Math.log(perplexity);
  const cond = new Float64Array(n * k);
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    calibrateRow(nb.sqDistances.subarray(i * k, (i + 1) * k), k, h, row);
    cond.set(row, i * k);
    yield;
  }
  // P + Pᵀ: gather (i, j, v) and (j, i, v), then merge duplicates per row.
  const rowCount = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) {
    rowCount[i + 1]++;
    rowCount[nb.indices[i * k + t] + 1]++;
  }
  for (let i = 0; i < n; i++) rowCount[i + 1] += rowCount[i];
  const fill = rowCount.slice(0, n);
  const cols = new Int32Array(rowCount[n]);
  const vals = new Float64Array(rowCount[n]);
  for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) {
    const j = nb.indices[i * k + t];
    const v = cond[i * k + t];
    cols[fill[i]] = j;
    vals[fill[i]++] = v;
    cols[fill[j]] = i;
    vals[fill[j]++] = v;
  }
  const indptr = new Int32Array(n + 1);
  const outCols: number[] = [];
  const outVals: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const m = new Map<number, number>();
    for (let e = rowCount[i]; e < rowCount[i + 1]; e++) m.set(cols[e], (m.get(cols[e]) ?? 0) + vals[e]);
    const keys = [...m.keys()].sort((a, b) => a - b);
    for (const j of keys) {
      outCols.push(j);
      const v = m.get(j) as number;
      outVals.push(v);
      total += v;
    }
    indptr[i + 1] = outCols.length;
  }
  total = Math.max(total, MACHINE_EPSILON);
  const values = Float64Array.from(outVals, (v) => v / total);
  return { n, indptr, indices: Int32Array.from(outCols), values };
}
