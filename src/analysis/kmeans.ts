/**
 * k-means (Lloyd's algorithm) as scikit-learn runs it: greedy k-means++ seeding
 * (2 + ⌊ln k⌋ candidates per centre, the one lowering the potential most is kept), `nInit`
 * restarts keeping the lowest inertia, convergence when labels stop changing or the total
 * squared centre shift falls below tol × mean feature variance, empty clusters re-seeded with
 * the points farthest from their centres. Data are centred before iterating, as sklearn does,
 * so results agree with it to rounding when both start from the same centres.
 *
 * `kmeans` runs to the end in one go; `kmeansAsync` runs the same steps (same numbers) and calls
 * an `onStep` hook after each k-means++ centre, each Lloyd iteration and each restart, which may
 * await (give the event loop a turn so a Ctrl-C handler can run) or throw (stop the computation).
 */
import { Generator } from '../tensor/random.js';
import { columnMeans, sqDist, toMatrix, type DenseMatrix, type MatrixLike } from './matrix.js';
import { drain, driveAsync, type Steps } from './steps.js';

export interface KMeansOptions {
  k: number;
  /** 'k-means++' (default), 'random' (k distinct samples), or a k×d matrix of initial centres. */
  init?: 'k-means++' | 'random' | MatrixLike;
  /** Restarts (default 10, or 1 when init is a matrix); the run with the lowest inertia wins. */
  nInit?: number;
  maxIter?: number;
  /** Relative tolerance on the centre shift (default 1e-4). */
  tol?: number;
  seed?: number;
  generator?: Generator;
}

export interface KMeansResult {
  /** k×d row-major centres. */
  centers: Float64Array;
  labels: Int32Array;
  /** Sum of squared distances of samples to their centre. */
  inertia: number;
  /** Lloyd iterations of the winning run. */
  nIter: number;
  k: number;
  dim: number;
}

/** Where a k-means computation is, as told to `kmeansAsync`'s `onStep` hook. */
export type KMeansStep =
  /** A k-means++ centre was chosen (`centers` of k chosen so far). */
  | { phase: 'seeding'; restart: number; centers: number }
  /** A Lloyd iteration ended (`iteration` counted from 1). */
  | { phase: 'lloyd'; restart: number; iteration: number }
  /** A restart ended with this inertia after `nIter` Lloyd iterations. */
  | { phase: 'restart'; restart: number; inertia: number; nIter: number };

export interface KMeansAsyncOptions extends KMeansOptions {
  /**
   * Called after every step; it may return a promise (awaited before the next step) or throw
   * (the error ends the computation and is what kmeansAsync rejects with).
   */
  onStep?: (step: KMeansStep) => void | Promise<void>;
}

/** k-means clustering of the rows of X (synchronous). */
export function kmeans(X: MatrixLike, opts: KMeansOptions): KMeansResult {
  return drain(kmeansSteps(X, opts));
}

/** The same computation as `kmeans`, with `onStep` called (and awaited) between steps. */
export async function kmeansAsync(X: MatrixLike, opts: KMeansAsyncOptions): Promise<KMeansResult> {
  const { onStep, ...rest } = opts;
  return driveAsync(kmeansSteps(X, rest), onStep);
}

function* kmeansSteps(X: MatrixLike, opts: KMeansOptions): Steps<KMeansStep, KMeansResult> {
  const fn = 'kmeans';
  const m = toMatrix(X, fn, 'X');
  const { rows: n, cols: d } = m;
  const k = opts.k;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${fn}: k must be an integer ≥ 1, got ${k}`);
  if (k > n) throw new RangeError(`${fn}: k = ${k} is larger than the number of points n = ${n}`);
  const init = opts.init ?? 'k-means++';
  const given = typeof init === 'string' ? null : toMatrix(init, fn, 'init');
  if (given && (given.rows !== k || given.cols !== d)) throw new RangeError(`${fn}: init has shape [${given.rows},${given.cols}] but k×d is [${k},${d}]`);
  const nInit = opts.nInit ?? (given ? 1 : 10);
  if (!Number.isInteger(nInit) || nInit < 1) throw new RangeError(`${fn}: nInit must be an integer ≥ 1, got ${nInit}`);
  const maxIter = opts.maxIter ?? 300;
  const gen = opts.generator ?? new Generator(opts.seed ?? 0);
  // Centre the data (sklearn does, for precision); tolerance scales with the mean variance.
  const mean = columnMeans(m);
  const x = new Float64Array(m.data.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = m.data[i * d + j] - mean[j];
  const xc = { data: x, rows: n, cols: d };
  let meanVar = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * d + j] * x[i * d + j];
    meanVar += s / n;
  }
  const tol = (opts.tol ?? 1e-4) * (d > 0 ? meanVar / d : 0);
  let best: KMeansResult | null = null;
  for (let run = 0; run < nInit; run++) {
    let centers: Float64Array;
    if (given) {
      centers = new Float64Array(k * d);
      for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) centers[c * d + j] = given.data[c * d + j] - mean[j];
    } else if (init === 'random') {
      const idx = gen.permutation(n).subarray(0, k);
      centers = new Float64Array(k * d);
      idx.forEach((i, c) => centers.set(x.subarray(i * d, (i + 1) * d), c * d));
    } else {
      const seeding = kmeansPlusPlusSteps(xc, k, gen);
      for (;;) {
        const s = seeding.next();
        if (s.done) {
          centers = s.value;
          break;
        }
        yield { phase: 'seeding', restart: run, centers: s.value };
      }
    }
    const lloydRun = lloyd(xc, centers, k, maxIter, tol);
    let r: KMeansResult;
    for (;;) {
      const s = lloydRun.next();
      if (s.done) {
        r = s.value;
        break;
      }
      yield { phase: 'lloyd', restart: run, iteration: s.value };
    }
    if (best === null || r.inertia < best.inertia) best = r;
    yield { phase: 'restart', restart: run, inertia: r.inertia, nIter: r.nIter };
  }
  const out = best as KMeansResult;
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) out.centers[c * d + j] += mean[j];
  return out;
}

/**
 * Greedy k-means++ seeding: the first centre is a uniform sample; each next one is the best of
 * 2 + ⌊ln k⌋ candidates drawn with probability ∝ squared distance to the nearest chosen centre.
 */
export function kmeansPlusPlus(x: DenseMatrix, k: number, gen: Generator): Float64Array {
  return drain(kmeansPlusPlusSteps(x, k, gen));
}

/** kmeansPlusPlus as a generator: yields the number of centres chosen so far after each new one. */
function* kmeansPlusPlusSteps(x: DenseMatrix, k: number, gen: Generator): Steps<number, Float64Array> {
  const { rows: n, cols: d, data } = x;
  const centers = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = gen.int(n);
  centers.set(data.subarray(first * d, (first + 1) * d), 0);
  let closest: Float64Array = new Float64Array(n);
  let pot = 0;
  for (let i = 0; i < n; i++) pot += closest[i] = sqDist(data, i, data, first, d);
  const cum = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) cum[i] = acc += closest[i];
    let bestPot = Infinity;
    let bestId = 0;
    let bestDist: Float64Array = closest;
    for (let t = 0; t < trials; t++) {
      const r = gen.random() * pot;
      // searchsorted (left): first index with cum >= r, clipped to n − 1.
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid] < r) lo = mid + 1;
        else hi = mid;
      }
      const cand = lo;
      const dist = new Float64Array(n);
      let p = 0;
      for (let i = 0; i < n; i++) p += dist[i] = Math.min(closest[i], sqDist(data, i, data, cand, d));
      if (p < bestPot) {
        bestPot = p;
        bestId = cand;
        bestDist = dist;
      }
    }
    centers.set(data.subarray(bestId * d, (bestId + 1) * d), c * d);
    closest = bestDist;
    pot = bestPot;
    yield c + 1;
  }
  return centers;
}

/** Index of the nearest centre of each row, and the squared distance to it. */
export function assign(x: DenseMatrix, centers: Float64Array, k: number, labels: Int32Array, dist: Float64Array): void {
  const d = x.cols;
  for (let i = 0; i < x.rows; i++) {
    let best = 0;
    let bd = Infinity;
    for (let c = 0; c < k; c++) {
      const s = sqDist(x.data, i, centers, c, d);
      if (s < bd) {
        bd = s;
        best = c;
      }
    }
    labels[i] = best;
    dist[i] = bd;
  }
}

/** Nearest-centre labels of new points for a fitted result. */
export function kmeansPredict(result: KMeansResult, X: MatrixLike): Int32Array {
  const m = toMatrix(X, 'kmeansPredict', 'X');
  if (m.cols !== result.dim) throw new RangeError(`kmeansPredict: X has ${m.cols} columns but the centres have ${result.dim}`);
  const labels = new Int32Array(m.rows);
  assign(m, result.centers, result.k, labels, new Float64Array(m.rows));
  return labels;
}

/** Lloyd iterations from `start`; yields the iterations done after each one. */
function* lloyd(x: DenseMatrix, start: Float64Array, k: number, maxIter: number, tol: number): Steps<number, KMeansResult> {
  const { rows: n, cols: d, data } = x;
  let centers = Float64Array.from(start);
  const labels = new Int32Array(n);
  const old = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  let strict = false;
  let it = 0;
  for (it = 0; it < Math.max(maxIter, 1); it++) {
    assign(x, centers, k, labels, dist);
    const next = new Float64Array(k * d);
    const count = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      count[labels[i]]++;
      for (let j = 0; j < d; j++) next[labels[i] * d + j] += data[i * d + j];
    }
    relocateEmpty(x, labels, dist, next, count);
    for (let c = 0; c < k; c++) if (count[c] > 0) for (let j = 0; j < d; j++) next[c * d + j] /= count[c];
    let shift = 0;
    for (let i = 0; i < k * d; i++) shift += (next[i] - centers[i]) ** 2;
    centers = next;
    let same = true;
    for (let i = 0; i < n; i++) if (labels[i] !== old[i]) { same = false; break; }
    if (same) { strict = true; break; }
    if (shift <= tol) break;
    old.set(labels);
    yield it + 1;
  }
  // Labels must match the final centres.
  if (!strict) assign(x, centers, k, labels, dist);
  else for (let i = 0; i < n; i++) dist[i] = sqDist(data, i, centers, labels[i], d);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += dist[i];
  return { centers, labels, inertia, nIter: Math.min(it + 1, Math.max(maxIter, 1)), k, dim: d };
}

/**
 * Gives each empty cluster the point farthest from its centre (taking it out of its old cluster's
 * sum). As in sklearn, labels are left alone: the next assignment step settles them.
 */
function relocateEmpty(x: DenseMatrix, labels: Int32Array, dist: Float64Array, sums: Float64Array, count: Float64Array): void {
  const empty: number[] = [];
  count.forEach((c, i) => { if (c === 0) empty.push(i); });
  if (empty.length === 0) return;
  const d = x.cols;
  const far = Array.from({ length: x.rows }, (_, i) => i).sort((a, b) => dist[b] - dist[a]).slice(0, empty.length);
  empty.forEach((c, e) => {
    const i = far[e];
    const from = labels[i];
    for (let j = 0; j < d; j++) {
      sums[from * d + j] -= x.data[i * d + j];
      sums[c * d + j] = x.data[i * d + j];
    }
    count[from]--;
    count[c] = 1;
  });
}
