/**
 * The univariate Parzen estimator of TPE, after Optuna's _ParzenEstimator (default settings,
 * multivariate off): a weighted mixture of one kernel per observed value plus one prior kernel.
 *
 * Numeric parameters, in the transformed space (log'd when log; stepped and integer ranges
 * widened by half a step on each side):
 *   kernel i: a normal at the observation, truncated to the range. Its bandwidth is the larger
 *   gap to its sorted neighbours (the range ends count as neighbours; with consider_endpoints off,
 *   the first and last kernels use their inner gap only), clipped to
 *   [(high − low) / min(100, 1 + n_kernels), high − low] ("magic clip", n_kernels = n + 1).
 *   prior kernel: centred on the middle of the range, bandwidth high − low.
 *   Stepped and integer values get the mass of [x − step/2, x + step/2] instead of a density.
 * Categorical parameters: kernel i puts weight 1 + priorWeight/(n+1) on the observed choice and
 * priorWeight/(n+1) on every choice (then normalised); the prior kernel is uniform.
 * Mixture weights: weights(n) for the observations (in trial order) and priorWeight for the
 * prior, normalised; with no observation the prior alone.
 */
import type { Generator } from '../../tensor/random.js';
import type { Distribution, NumericDistribution } from '../distributions.js';
import { logGaussMass, normLogPdf, sampleTruncNorm } from './normal.js';
import { stepOf, transformedBounds, untransform } from './random.js';

export interface ParzenOptions {
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
  /** Weights of n observations ordered oldest first (Optuna's default_weights). */
  weights: (n: number) => number[];
}

const EPS = 1e-12;

function normalise(w: number[]): number[] {
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

function pick(gen: Generator, probs: readonly number[]): number {
  const u = gen.random();
  let acc = 0;
  for (let i = 0; i < probs.length; i++) {
    acc += probs[i]!;
    if (u < acc) return i;
  }
  // NOTE: rounding can leave the cumulative sum just under 1; take the last positive entry.
  for (let i = probs.length - 1; i >= 0; i--) if (probs[i]! > 0) return i;
  return probs.length - 1;
}

function logSumExp(xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** Bandwidths of kernels at `mus` in [low, high], as Optuna computes them (before clipping). */
export function bandwidths(mus: readonly number[], low: number, high: number, considerEndpoints: boolean): number[] {
  const order = mus.map((_, i) => i).sort((a, b) => mus[a]! - mus[b]! || a - b);
  const s = [low, ...order.map((i) => mus[i]!), high];
  const sorted = order.map((_, j) => Math.max(s[j + 1]! - s[j]!, s[j + 2]! - s[j + 1]!));
  if (!considerEndpoints && s.length >= 4) {
    sorted[0] = s[2]! - s[1]!;
    sorted[sorted.length - 1] = s[s.length - 2]! - s[s.length - 3]!;
  }
  const out = new Array<number>(mus.length);
  order.forEach((i, j) => (out[i] = sorted[j]!));
  return out;
}

export class ParzenEstimator {
  /** Mixture weights, observations first, prior last. */
  readonly weights: number[];
  /** Numeric: kernel centres and bandwidths in the transformed space (prior last). */
  readonly mus: number[] = [];
  readonly sigmas: number[] = [];
  /** Categorical: one probability row per kernel. */
  readonly rows: number[][] = [];
  /** Numeric: log of each kernel's mass inside the range. */
  private logZ: number[] = [];
  private low = 0;
  private high = 0;

  /** `observations`: values for numeric distributions, choice indices for categorical ones. */
  constructor(observations: readonly number[], readonly distribution: Distribution, opts: ParzenOptions) {
    if (!(opts.priorWeight >= 0)) throw new RangeError(`TPE: priorWeight must be ≥ 0, got ${opts.priorWeight}`);
    const n = observations.length;
    const w = opts.weights(n).slice(0, n);
    if (w.length !== n || w.some((x) => !(x >= 0) || !Number.isFinite(x))) throw new RangeError(`TPE: weights(${n}) must give ${n} finite values ≥ 0, got [${w.join(', ')}]`);
    this.weights = n === 0 ? [1] : normalise([...w, opts.priorWeight]);
    if (distribution.kind === 'categorical') this.initCategorical(observations, distribution.choices.length, opts.priorWeight);
    else this.initNumeric(observations, distribution, opts);
  }

  private initCategorical(obs: readonly number[], k: number, priorWeight: number): void {
    const n = obs.length;
    if (n === 0) {
      this.rows.push(new Array<number>(k).fill(1 / k));
      return;
    }
    for (let i = 0; i <= n; i++) {
      const row = new Array<number>(k).fill(priorWeight / (n + 1));
      if (i < n) row[obs[i]!]! += 1;
      const s = row.reduce((a, b) => a + b, 0);
      this.rows.push(s === 0 ? row : row.map((x) => x / s));
    }
  }

  private initNumeric(obs: readonly number[], d: NumericDistribution, opts: ParzenOptions): void {
    [this.low, this.high] = transformedBounds(d);
    const { low, high } = this;
    // NOTE: an enqueued value may lie outside today's range; clamp it so every kernel's centre is
    // inside the range (the truncated-normal draw relies on it).
    const mus = obs.map((v) => Math.min(high, Math.max(low, d.log ? Math.log(v) : v)));
    const raw = bandwidths(mus, low, high, opts.considerEndpoints);
    const maxSigma = high - low;
    const minSigma = opts.considerMagicClip ? (high - low) / Math.min(100, 1 + (mus.length + 1)) : EPS;
    this.mus.push(...mus, 0.5 * (low + high));
    this.sigmas.push(...raw.map((s) => Math.min(maxSigma, Math.max(minSigma, s))), high - low);
    this.logZ = this.mus.map((mu, k) => logGaussMass((low - mu) / this.sigmas[k]!, (high - mu) / this.sigmas[k]!));
  }

  /** Index of a kernel drawn by the mixture weights. */
  pickKernel(gen: Generator): number {
    return pick(gen, this.weights);
  }

  /** One draw from kernel k (a value, or a choice index for categorical). */
  sampleKernel(gen: Generator, k: number): number {
    const d = this.distribution;
    if (d.kind === 'categorical') return pick(gen, this.rows[k]!);
    return untransform(d, sampleTruncNorm(gen, this.mus[k]!, this.sigmas[k]!, this.low, this.high));
  }

  /** `size` draws (values for numeric distributions, choice indices for categorical ones). */
  sample(gen: Generator, size: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < size; i++) out.push(this.sampleKernel(gen, this.pickKernel(gen)));
    return out;
  }

  /** log density (continuous) or log probability (stepped, integer, categorical) of x under each kernel, weights left out. */
  kernelLogPdfs(x: number): number[] {
    const d = this.distribution;
    if (d.kind === 'categorical') return this.rows.map((row) => Math.log(row[x]!));
    const step = stepOf(d);
    const xt = d.log ? Math.log(x) : x;
    if (step === 0 && (xt < this.low || xt > this.high)) return this.mus.map(() => -Infinity);
    const left = d.log ? Math.log(x - step / 2) : x - step / 2;
    const right = d.log ? Math.log(x + step / 2) : x + step / 2;
    return this.mus.map((mu, k) => {
      const sigma = this.sigmas[k]!;
      // continuous: truncated-normal density; stepped: its mass on [x − step/2, x + step/2]
      const lp = step === 0 ? normLogPdf((xt - mu) / sigma) - Math.log(sigma) : logGaussMass((left - mu) / sigma, (right - mu) / sigma);
      return lp - this.logZ[k]!;
    });
  }

  /** log density (continuous) or log probability (stepped, integer, categorical) of one value. */
  logPdf(x: number): number {
    const lps = this.kernelLogPdfs(x);
    return logSumExp(lps.map((lp, k) => Math.log(this.weights[k]!) + lp));
  }
}

/**
 * Optuna's multivariate TPE estimator: one ParzenEstimator per parameter over the same trials;
 * a draw picks one kernel (one past trial, or the prior) and draws every parameter from it, and
 * the density is the mixture of the kernels' products.
 */
export class MultivariateParzenEstimator {
  constructor(readonly parts: readonly ParzenEstimator[]) {
    if (parts.length === 0) throw new RangeError('MultivariateParzenEstimator: needs at least one parameter');
  }

  sample(gen: Generator, size: number): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < size; i++) {
      const k = this.parts[0]!.pickKernel(gen);
      out.push(this.parts.map((p) => p.sampleKernel(gen, k)));
    }
    return out;
  }

  logPdf(xs: readonly number[]): number {
    const w = this.parts[0]!.weights;
    const sums = w.map((wk) => Math.log(wk));
    this.parts.forEach((p, d) => p.kernelLogPdfs(xs[d]!).forEach((lp, k) => (sums[k]! += lp)));
    return logSumExp(sums);
  }
}
