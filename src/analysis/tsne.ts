/**
 * t-SNE (van der Maaten & Hinton), following scikit-learn 1.2's TSNE step by step so that its
 * KL divergences are comparable: PCA initialisation scaled to std 1e-4 (or Gaussian 1e-4),
 * learning rate 'auto' = max(n / early_exaggeration / 4, 50), 250 iterations of early
 * exaggeration (×12) with momentum 0.5, then momentum 0.8 up to nIter, delta-bar-delta gains
 * (+0.2 / ×0.8, floor 0.01), KL and gradient norm checked every 50 iterations, stopping after
 * nIterWithoutProgress checks without improvement or when the gradient norm < minGradNorm.
 * Student-t with dof = max(nComponents − 1, 1).
 *
 * method 'exact' computes all O(n²) pairs (small n); 'barnes_hut' (default) uses sparse
 * nearest-neighbour affinities and a quadtree/octree with θ = angle for the repulsion (2-d or 3-d).
 *
 * `tsne` runs to the end in one go; `tsneAsync` runs the same steps (same numbers) and calls an
 * `onIteration` hook after the affinities and after every gradient step, which may await (give the
 * event loop a turn so a Ctrl-C handler can run) or throw (stop the computation).
 */
import { Generator } from '../tensor/random.js';
import { toMatrix, type DenseMatrix, type MatrixLike } from './matrix.js';
import { PCA } from './pca.js';
import { SPTree } from './sptree.js';
import { drain, driveAsync, relabel, type Steps } from './steps.js';
import { jointProbabilitiesNNSteps, jointProbabilitiesSteps, MACHINE_EPSILON, type SparseP } from './tsne-affinity.js';

export interface TSNEProgress {
  iteration: number;
  kl: number;
  gradNorm: number;
  /** True during early exaggeration (the KL is then of the exaggerated P). */
  exaggerated: boolean;
}

export interface TSNEOptions {
  nComponents?: number;
  perplexity?: number;
  earlyExaggeration?: number;
  learningRate?: number | 'auto';
  nIter?: number;
  nIterWithoutProgress?: number;
  minGradNorm?: number;
  /** 'pca' (default), 'random', or an n×nComponents starting embedding. */
  init?: 'pca' | 'random' | MatrixLike;
  method?: 'barnes_hut' | 'exact';
  /** Barnes–Hut θ (default 0.5). */
  angle?: number;
  seed?: number;
  generator?: Generator;
  /** Called at every check (every 50 iterations) with the current KL divergence. */
  onProgress?: (p: TSNEProgress) => void;
}

export interface TSNEResult {
  /** n×nComponents row-major. */
  embedding: Float64Array;
  rows: number;
  cols: number;
  /** KL divergence at the last check (the Barnes–Hut estimate for that method). */
  kl: number;
  /** Index of the last iteration run (sklearn's n_iter_). */
  nIter: number;
  learningRate: number;
}

const CHECK = 50;
const EXPLORATION = 250;
const FLOAT32_TINY = 1.1754943508222875e-38;

type Objective = (y: Float64Array, grad: Float64Array, computeError: boolean, exaggeration: number) => number;

export interface TSNEAsyncOptions extends TSNEOptions {
  /**
   * Called with 0 while the affinities are computed (after every row) and once they are, then
   * with the number of gradient steps done after each step. It may return a promise (awaited before the next step) or throw (the error
   * ends the computation and is what tsneAsync rejects with).
   */
  onIteration?: (iteration: number) => void | Promise<void>;
}

/** t-SNE embedding of the rows of X (synchronous). */
export function tsne(X: MatrixLike, opts: TSNEOptions = {}): TSNEResult {
  return drain(tsneSteps(X, opts));
}

/** The same computation as `tsne`, with `onIteration` called (and awaited) between steps. */
export async function tsneAsync(X: MatrixLike, opts: TSNEAsyncOptions = {}): Promise<TSNEResult> {
  const { onIteration, ...rest } = opts;
  return driveAsync(tsneSteps(X, rest), onIteration);
}

/** The computation as steps: yields 0 while the affinities are computed and once they are, then the steps done after each step. */
function* tsneSteps(X: MatrixLike, opts: TSNEOptions): Steps<number, TSNEResult> {
  const fn = 'tsne';
  const x = toMatrix(X, fn, 'X');
  const n = x.rows;
  const D = opts.nComponents ?? 2;
  const perplexity = opts.perplexity ?? 30;
  const method = opts.method ?? 'barnes_hut';
  const ee = opts.earlyExaggeration ?? 12;
  const nIter = opts.nIter ?? 1000;
  const angle = opts.angle ?? 0.5;
  if (!Number.isInteger(D) || D < 1) throw new RangeError(`${fn}: nComponents must be an integer ≥ 1, got ${D}`);
  if (method === 'barnes_hut' && D > 3) throw new RangeError(`${fn}: Barnes-Hut needs nComponents ≤ 3 (quadtree/octree), got ${D}; use method 'exact'`);
  if (method !== 'barnes_hut' && method !== 'exact') throw new RangeError(`${fn}: method must be 'barnes_hut' or 'exact', got ${String(method)}`);
  if (n < 2) throw new RangeError(`${fn}: needs at least 2 points, got ${n}`);
  if (!(perplexity > 0)) throw new RangeError(`${fn}: perplexity must be > 0, got ${perplexity}`);
  if (perplexity >= n) throw new RangeError(`${fn}: perplexity (${perplexity}) must be less than the number of points (${n})`);
  if (!(ee >= 1)) throw new RangeError(`${fn}: earlyExaggeration must be ≥ 1, got ${ee}`);
  if (!Number.isInteger(nIter) || nIter < 250) throw new RangeError(`${fn}: nIter must be an integer ≥ 250, got ${nIter}`);
  const lr = opts.learningRate === undefined || opts.learningRate === 'auto' ? Math.max(n / ee / 4, 50) : opts.learningRate;
  if (!(lr > 0)) throw new RangeError(`${fn}: learningRate must be > 0 or 'auto', got ${lr}`);
  const gen = opts.generator ?? new Generator(opts.seed ?? 0);
  const y = initialEmbedding(x, D, opts.init ?? 'pca', gen);
  const dof = Math.max(D - 1, 1);
  const objective: Objective = method === 'exact'
    ? exactObjective(yield* relabel(jointProbabilitiesSteps(x, perplexity), 0), n, D, dof)
    : bhObjective(yield* relabel(jointProbabilitiesNNSteps(x, perplexity), 0), n, D, dof, angle);
  const common = { lr, minGradNorm: opts.minGradNorm ?? 1e-7, onProgress: opts.onProgress };
  yield 0;
  // Stage 1: early exaggeration, momentum 0.5.
  const s1 = yield* descend(objective, y, { ...common, start: 0, end: EXPLORATION, momentum: 0.5, withoutProgress: EXPLORATION, exaggeration: ee });
  // Stage 2: momentum 0.8 (fresh gains and velocity, as sklearn's second _gradient_descent call).
  const s2 = yield* descend(objective, y, { ...common, start: s1.last + 1, end: nIter, momentum: 0.8, withoutProgress: opts.nIterWithoutProgress ?? 300, exaggeration: 1 });
  return { embedding: y, rows: n, cols: D, kl: s2.error, nIter: s2.last, learningRate: lr };
}

function initialEmbedding(x: DenseMatrix, D: number, init: 'pca' | 'random' | MatrixLike, gen: Generator): Float64Array {
  const n = x.rows;
  if (init === 'random') return Float64Array.from({ length: n * D }, () => 1e-4 * gen.normal());
  if (init === 'pca') {
    if (D > Math.min(n, x.cols)) throw new RangeError(`tsne: PCA init needs nComponents ≤ min(n, features) = ${Math.min(n, x.cols)}; use init 'random'`);
    const p = new PCA({ nComponents: D, generator: gen }).fitTransform(x).data;
    // Scale so that the first coordinate has standard deviation 1e-4 (sklearn, issue #18018).
    let m = 0;
    for (let i = 0; i < n; i++) m += p[i * D];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (p[i * D] - m) ** 2;
    const sd = Math.sqrt(v / n);
    return Float64Array.from(p, (t) => (sd > 0 ? (t / sd) * 1e-4 : t));
  }
  const m = toMatrix(init, 'tsne', 'init');
  if (m.rows !== n || m.cols !== D) throw new RangeError(`tsne: init has shape [${m.rows},${m.cols}] but [n, nComponents] is [${n},${D}]`);
  return Float64Array.from(m.data);
}

interface DescentOpts {
  start: number;
  end: number;
  momentum: number;
  lr: number;
  withoutProgress: number;
  minGradNorm: number;
  exaggeration: number;
  onProgress?: (p: TSNEProgress) => void;
}

/**
 * sklearn's _gradient_descent: momentum, per-parameter gains, checks every 50 iterations.
 * Yields the number of steps done (counted from iteration 0 of stage 1) after each step.
 */
function* descend(objective: Objective, p: Float64Array, o: DescentOpts): Steps<number, { error: number; last: number }> {
  const update = new Float64Array(p.length);
  const gains = new Float64Array(p.length).fill(1);
  const grad = new Float64Array(p.length);
  let error = Number.MAX_VALUE;
  let bestError = Number.MAX_VALUE;
  let bestIter = o.start;
  let i = o.start;
  for (i = o.start; i < o.end; i++) {
    const check = (i + 1) % CHECK === 0;
    error = objective(p, grad, check || i === o.end - 1, o.exaggeration);
    let norm = 0;
    for (let t = 0; t < p.length; t++) {
      const g = grad[t];
      gains[t] = update[t] * g < 0 ? gains[t] + 0.2 : gains[t] * 0.8;
      if (gains[t] < 0.01) gains[t] = 0.01;
      const gg = g * gains[t];
      norm += gg * gg;
      update[t] = o.momentum * update[t] - o.lr * gg;
      p[t] += update[t];
    }
    if (check) {
      const gradNorm = Math.sqrt(norm);
      o.onProgress?.({ iteration: i + 1, kl: error, gradNorm, exaggerated: o.exaggeration !== 1 });
      if (error < bestError) {
        bestError = error;
        bestIter = i;
      } else if (i - bestIter > o.withoutProgress) break;
      if (gradNorm <= o.minGradNorm) break;
    }
    yield i + 1;
  }
  return { error, last: Math.min(i, o.end - 1) };
}

/** Exact O(n²) KL divergence and gradient (sklearn's _kl_divergence). */
function exactObjective(P: Float64Array, n: number, D: number, dof: number): Objective {
  const W = new Float64Array(n * n);
  const expo = (dof + 1) / 2;
  const c = (2 * (dof + 1)) / dof;
  return (y, grad, computeError, ex) => {
    let sumW = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let d2 = 0;
        for (let a = 0; a < D; a++) {
          const t = y[i * D + a] - y[j * D + a];
          d2 += t * t;
        }
        let w = 1 / (1 + d2 / dof);
        if (dof !== 1) w = w ** expo;
        W[i * n + j] = W[j * n + i] = w;
        sumW += 2 * w;
      }
    }
    grad.fill(0);
    let kl = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const w = W[i * n + j];
        const q = Math.max(w / sumW, MACHINE_EPSILON);
        const p = P[i * n + j] * ex;
        if (computeError) kl += 2 * p * Math.log(Math.max(p, MACHINE_EPSILON) / q);
        const f = (p - q) * w;
        for (let a = 0; a < D; a++) {
          const t = f * (y[i * D + a] - y[j * D + a]);
          grad[i * D + a] += t;
          grad[j * D + a] -= t;
        }
      }
    }
    for (let t = 0; t < grad.length; t++) grad[t] *= c;
    return computeError ? kl : NaN;
  };
}

/** Barnes–Hut KL estimate and gradient (sklearn's _kl_divergence_bh). */
function bhObjective(P: SparseP, n: number, D: number, dof: number, angle: number): Objective {
  const neg = new Float64Array(n * D);
  const force = new Float64Array(D);
  const expo = (dof + 1) / 2;
  const c = (2 * (dof + 1)) / dof;
  const theta2 = angle * angle;
  return (y, grad, computeError, ex) => {
    const tree = new SPTree(y, n, D);
    let sumQ = 0;
    for (let i = 0; i < n; i++) {
      force.fill(0);
      sumQ += tree.negative(i, theta2, dof, force);
      for (let a = 0; a < D; a++) neg[i * D + a] = force[a];
    }
    let kl = 0;
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < D; a++) grad[i * D + a] = 0;
      for (let e = P.indptr[i]; e < P.indptr[i + 1]; e++) {
        const j = P.indices[e];
        const p = P.values[e] * ex;
        let d2 = 0;
        for (let a = 0; a < D; a++) {
          const t = y[i * D + a] - y[j * D + a];
          d2 += t * t;
        }
        let q = dof / (dof + d2);
        if (dof !== 1) q = expo === 1.5 ? q * Math.sqrt(q) : q ** expo;
        const f = p * q;
        for (let a = 0; a < D; a++) grad[i * D + a] += f * (y[i * D + a] - y[j * D + a]);
        if (computeError) kl += p * Math.log(Math.max(p, FLOAT32_TINY) / Math.max(q / sumQ, FLOAT32_TINY));
      }
      for (let a = 0; a < D; a++) grad[i * D + a] = c * (grad[i * D + a] - neg[i * D + a] / sumQ);
    }
    return computeError ? kl : NaN;
  };
}
