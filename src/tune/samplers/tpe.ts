/**
 * TPESampler: the Tree-structured Parzen Estimator with Optuna's defaults (univariate).
 *
 * For each parameter, once nStartupTrials trials are complete or pruned (before that: random):
 *  1. take the study's complete and pruned trials (n of them) and split them: the best
 *     gamma(n) = min(⌈0.1·n⌉, 25) go "below" (good), the rest "above". Complete trials rank by
 *     value; pruned trials follow them, ranked as Optuna does: the deeper the last reported step
 *     the better, then by the value at that step (NaN last; no report at all ranks after any
 *     reported step). Failed and running trials are not used.
 *  2. fit a Parzen estimator l(x) to the below trials' values of this parameter and g(x) to the
 *     above trials' (trials without the parameter are skipped; each side ordered by trial
 *     number, weights(n) = 1 for n < 25, else a ramp from 1/n up to 1 for all but the newest 25).
 *  3. draw nEiCandidates (24) values from l and return the one with the largest
 *     log l(x) − log g(x) (the first on ties).
 * priorWeight 1, considerMagicClip true, considerEndpoints false (see parzen.ts).
 * Single-valued ranges (low = high, one choice) are returned without drawing.
 *
 * multivariate: true (Optuna ≥ 5 makes it the default for one objective; here it is opt-in):
 * when a trial starts, the parameters that every complete or pruned trial has with the same
 * distribution are proposed together: l and g become mixtures over past trials of products of
 * the per-parameter kernels (same bandwidths), and the 24 candidates are joint draws. Other
 * parameters fall back to the univariate rule above.
 */
import type { Generator } from '../../tensor/random.js';
import { choiceIndex, sameDistribution, singleValue, toExternal, type Distribution, type ParamValue } from '../distributions.js';
import { lastStep, type FrozenTrial, type StudyDirection } from '../types.js';
import { samplerGenerator, type RelativeSample, type Sampler, type SeedOptions, type StudyView } from './base.js';
import { MultivariateParzenEstimator, ParzenEstimator } from './parzen.js';
import { sampleUniform } from './random.js';

/** Optuna's default_gamma: how many of n trials count as good. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default_weights: 1 for n < 25, else a linear ramp 1/n … 1 then 25 ones. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const m = n - 25;
  const ramp = Array.from({ length: m }, (_, i) => (m === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (m - 1)));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

export interface TPESamplerOptions extends SeedOptions {
  /** Random trials before TPE starts (default 10). */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per parameter (default 24). */
  nEiCandidates?: number;
  /** Number of good trials out of n (default min(⌈0.1·n⌉, 25)). */
  gamma?: (n: number) => number;
  /** Observation weights, oldest first (default: Optuna's ramp). */
  weights?: (n: number) => number[];
  priorWeight?: number;
  considerMagicClip?: boolean;
  considerEndpoints?: boolean;
  /** Propose the parameters all past trials share jointly (default false). */
  multivariate?: boolean;
  /**
   * Count other workers' running trials as bad ("above") so that parallel workers do not
   * propose the same point (Optuna's constant_liar; default false).
   */
  constantLiar?: boolean;
}

type Score = [number, number];

function prunedScore(t: FrozenTrial, direction: StudyDirection): Score {
  const step = lastStep(t);
  if (step === null) return [1, 0];
  const v = t.intermediateValues.get(step)!;
  if (Number.isNaN(v)) return [-step, Infinity];
  return [-step, direction === 'minimize' ? v : -v];
}

/** Split complete + pruned trials into (below, above), each ordered by trial number; running trials go above. */
export function splitTrials(trials: readonly FrozenTrial[], nBelow: number, direction: StudyDirection): [FrozenTrial[], FrozenTrial[]] {
  const sign = direction === 'minimize' ? 1 : -1;
  const complete = trials.filter((t) => t.state === 'complete').sort((a, b) => sign * (a.value! - b.value!) || a.number - b.number);
  const pruned = trials
    .filter((t) => t.state === 'pruned')
    .map((t) => ({ t, s: prunedScore(t, direction) }))
    .sort((a, b) => a.s[0] - b.s[0] || (a.s[1] === b.s[1] ? 0 : a.s[1] < b.s[1] ? -1 : 1) || a.t.number - b.t.number)
    .map((x) => x.t);
  const ordered = [...complete, ...pruned];
  const k = Math.max(0, Math.min(nBelow, ordered.length));
  const byNumber = (a: FrozenTrial, b: FrozenTrial): number => a.number - b.number;
  const running = trials.filter((t) => t.state === 'running');
  return [ordered.slice(0, k).sort(byNumber), [...ordered.slice(k), ...running].sort(byNumber)];
}

/** A parameter value as the estimator reads it (choice index for categorical), or null when unusable. */
function internal(d: Distribution, v: ParamValue | undefined): number | null {
  if (v === undefined) return null;
  if (d.kind === 'categorical') {
    const i = choiceIndex(d, v);
    return i >= 0 ? i : null;
  }
  return typeof v === 'number' && Number.isFinite(v) && (!d.log || v > 0) ? v : null;
}

/** The parameter's values in these trials (trials without a usable value skipped). */
function observations(trials: readonly FrozenTrial[], name: string, d: Distribution): number[] {
  const out: number[] = [];
  for (const t of trials) {
    const x = internal(d, t.params[name]);
    if (x !== null) out.push(x);
  }
  return out;
}

/** Columns of values for trials holding every parameter (Optuna's rule for the joint estimator). */
function jointObservations(trials: readonly FrozenTrial[], space: readonly [string, Distribution][]): number[][] {
  const cols: number[][] = space.map(() => []);
  for (const t of trials) {
    const row = space.map(([n, d]) => internal(d, t.params[n]));
    if (row.every((x) => x !== null)) row.forEach((x, j) => cols[j]!.push(x!));
  }
  return cols;
}

/** Parameters every trial has with the same distribution, sorted by name (single values left out). */
export function intersectionSearchSpace(trials: readonly FrozenTrial[]): [string, Distribution][] {
  let space: Map<string, Distribution> | null = null;
  for (const t of trials) {
    if (space === null) {
      space = new Map(Object.entries(t.distributions));
      continue;
    }
    for (const [n, d] of space) if (!t.distributions[n] || !sameDistribution(t.distributions[n]!, d)) space.delete(n);
  }
  return [...(space ?? new Map<string, Distribution>())].filter(([, d]) => singleValue(d) === undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export class TPESampler implements Sampler {
  readonly generator: Generator;
  readonly nStartupTrials: number;
  readonly nEiCandidates: number;
  readonly multivariate: boolean;
  readonly constantLiar: boolean;
  private readonly gamma: (n: number) => number;
  private readonly parzen: ConstructorParameters<typeof ParzenEstimator>[2];

  constructor(opts: TPESamplerOptions = {}) {
    this.generator = samplerGenerator(opts);
    this.nStartupTrials = opts.nStartupTrials ?? 10;
    this.nEiCandidates = opts.nEiCandidates ?? 24;
    if (!Number.isInteger(this.nStartupTrials) || this.nStartupTrials < 0) throw new RangeError(`TPESampler: nStartupTrials must be an integer ≥ 0, got ${this.nStartupTrials}`);
    if (!Number.isInteger(this.nEiCandidates) || this.nEiCandidates < 1) throw new RangeError(`TPESampler: nEiCandidates must be an integer ≥ 1, got ${this.nEiCandidates}`);
    this.gamma = opts.gamma ?? defaultGamma;
    this.multivariate = opts.multivariate ?? false;
    this.constantLiar = opts.constantLiar ?? false;
    this.parzen = {
      priorWeight: opts.priorWeight ?? 1,
      considerMagicClip: opts.considerMagicClip ?? true,
      considerEndpoints: opts.considerEndpoints ?? false,
      weights: opts.weights ?? defaultWeights,
    };
  }

  /** The trials TPE learns from (null before nStartupTrials are complete or pruned) and n for gamma. */
  private history(study: StudyView, trial: FrozenTrial): { trials: FrozenTrial[]; n: number } | null {
    const states = this.constantLiar ? (['complete', 'pruned', 'running'] as const) : (['complete', 'pruned'] as const);
    const trials = study.getTrials({ states }).filter((t) => t.trialId !== trial.trialId);
    const n = trials.filter((t) => t.state !== 'running').length;
    return n < this.nStartupTrials ? null : { trials, n };
  }

  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, d: Distribution): ParamValue {
    const only = singleValue(d);
    if (only !== undefined) return only;
    const h = this.history(study, trial);
    if (!h) return sampleUniform(this.generator, d);
    const [below, above] = splitTrials(h.trials, this.gamma(h.n), study.direction);
    const l = new ParzenEstimator(observations(below, name, d), d, this.parzen);
    const g = new ParzenEstimator(observations(above, name, d), d, this.parzen);
    const candidates = l.sample(this.generator, this.nEiCandidates);
    let best = candidates[0]!;
    let bestScore = -Infinity;
    for (const c of candidates) {
      const score = l.logPdf(c) - g.logPdf(c);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    return toExternal(d, best);
  }

  sampleRelative(study: StudyView, trial: FrozenTrial): RelativeSample | null {
    if (!this.multivariate) return null;
    const h = this.history(study, trial);
    if (!h) return null;
    const space = intersectionSearchSpace(h.trials.filter((t) => t.state !== 'running'));
    if (space.length === 0) return null;
    const [below, above] = splitTrials(h.trials, this.gamma(h.n), study.direction);
    const fit = (side: FrozenTrial[]): MultivariateParzenEstimator => {
      const cols = jointObservations(side, space);
      return new MultivariateParzenEstimator(space.map(([, d], j) => new ParzenEstimator(cols[j]!, d, this.parzen)));
    };
    const l = fit(below);
    const g = fit(above);
    let best: number[] | null = null;
    let bestScore = -Infinity;
    for (const c of l.sample(this.generator, this.nEiCandidates)) {
      const score = l.logPdf(c) - g.logPdf(c);
      if (best === null || score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    return {
      params: Object.fromEntries(space.map(([n, d], j) => [n, toExternal(d, best![j]!)])),
      distributions: Object.fromEntries(space),
    };
  }
}
