/**
 * Pruners: decide from a trial's intermediate values (trial.report) whether to stop it early.
 *
 * MedianPruner / PercentilePruner follow Optuna's PercentilePruner: after nStartupTrials
 * complete trials, at steps ≥ nWarmupSteps and only at the first report of each interval of
 * intervalSteps, prune when the trial's best intermediate value so far is worse than the given
 * percentile (50 = median) of the complete trials' values at the same step (needing at least
 * nMinTrials of them). A NaN best value prunes. NopPruner never prunes.
 * SuccessiveHalvingPruner follows Optuna's asynchronous successive halving (ASHA): rungs at
 * steps minResource·η^(s+r); a trial goes on past a rung only when its value there is in the top
 * 1/η of all trials that reached that rung.
 */
import type { Pruner, StudyView } from './samplers/base.js';
import { lastStep, type FrozenTrial, type StudyDirection } from './types.js';

function positiveInt(where: string, name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${where}: ${name} must be an integer ≥ ${min}, got ${v}`);
  return v;
}

/** numpy's nanpercentile with linear interpolation; NaN when nothing is left. */
export function nanPercentile(values: readonly number[], q: number): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = ((v.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
}

function bestIntermediate(t: FrozenTrial, direction: StudyDirection): number {
  const vs = [...t.intermediateValues.values()].filter((x) => !Number.isNaN(x));
  if (vs.length === 0) return NaN;
  return direction === 'maximize' ? Math.max(...vs) : Math.min(...vs);
}

/** Whether `step` is the first report at or after the latest pruning checkpoint. */
function firstInInterval(step: number, steps: Iterable<number>, warmup: number, interval: number): boolean {
  const nearestLower = Math.floor((step - warmup) / interval) * interval + warmup;
  let secondLast = -1;
  for (const s of steps) if (s > secondLast && s !== step) secondLast = s;
  return secondLast < nearestLower;
}

export interface PercentilePrunerOptions {
  /** Complete trials needed before pruning starts (default 5). */
  nStartupTrials?: number;
  /** Steps of each trial never pruned (default 0). */
  nWarmupSteps?: number;
  /** Check every this many steps (default 1). */
  intervalSteps?: number;
  /** Complete trials that must have reported at the step (default 1). */
  nMinTrials?: number;
}

export class PercentilePruner implements Pruner {
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;

  constructor(readonly percentile: number, opts: PercentilePrunerOptions = {}) {
    const where = this.constructor.name;
    if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`${where}: percentile must be in [0, 100], got ${percentile}`);
    this.nStartupTrials = positiveInt(where, 'nStartupTrials', opts.nStartupTrials ?? 5, 0);
    this.nWarmupSteps = positiveInt(where, 'nWarmupSteps', opts.nWarmupSteps ?? 0, 0);
    this.intervalSteps = positiveInt(where, 'intervalSteps', opts.intervalSteps ?? 1, 1);
    this.nMinTrials = positiveInt(where, 'nMinTrials', opts.nMinTrials ?? 1, 1);
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const complete = study.getTrials({ states: ['complete'] });
    if (complete.length === 0 || complete.length < this.nStartupTrials) return false;
    const step = lastStep(trial);
    if (step === null || step < this.nWarmupSteps) return false;
    if (!firstInInterval(step, trial.intermediateValues.keys(), this.nWarmupSteps, this.intervalSteps)) return false;
    const best = bestIntermediate(trial, study.direction);
    if (Number.isNaN(best)) return true;
    const atStep = complete.filter((t) => t.intermediateValues.has(step)).map((t) => t.intermediateValues.get(step)!);
    if (atStep.length < this.nMinTrials) return false;
    const p = nanPercentile(atStep, study.direction === 'maximize' ? 100 - this.percentile : this.percentile);
    if (Number.isNaN(p)) return false;
    return study.direction === 'maximize' ? best < p : best > p;
  }
}

/** Prune when the best intermediate value is worse than the median at the same step. */
export class MedianPruner extends PercentilePruner {
  constructor(opts: PercentilePrunerOptions = {}) {
    super(50, opts);
  }
}

export class NopPruner implements Pruner {
  prune(): boolean {
    return false;
  }
}

export interface SuccessiveHalvingOptions {
  /** Steps before the first rung (default 1). */
  minResource?: number;
  /** η: keep the top 1/η at each rung (default 4). */
  reductionFactor?: number;
  /** s: the first rung is at minResource·η^s (default 0). */
  minEarlyStoppingRate?: number;
}

export class SuccessiveHalvingPruner implements Pruner {
  readonly minResource: number;
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;

  constructor(opts: SuccessiveHalvingOptions = {}) {
    this.minResource = positiveInt('SuccessiveHalvingPruner', 'minResource', opts.minResource ?? 1, 1);
    this.reductionFactor = positiveInt('SuccessiveHalvingPruner', 'reductionFactor', opts.reductionFactor ?? 4, 2);
    this.minEarlyStoppingRate = positiveInt('SuccessiveHalvingPruner', 'minEarlyStoppingRate', opts.minEarlyStoppingRate ?? 0, 0);
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const step = lastStep(trial);
    if (step === null) return false;
    const value = trial.intermediateValues.get(step)!;
    let rung = 0;
    while (typeof trial.systemAttrs[`completedRung${rung}`] === 'number') rung++;
    for (;;) {
      const promotionStep = this.minResource * this.reductionFactor ** (this.minEarlyStoppingRate + rung);
      if (step < promotionStep) return false;
      if (Number.isNaN(value)) return true;
      const key = `completedRung${rung}`;
      const competing = study
        .getTrials()
        .filter((t) => t.trialId !== trial.trialId && typeof t.systemAttrs[key] === 'number')
        .map((t) => t.systemAttrs[key] as number);
      competing.push(value);
      study.setTrialSystemAttr(trial.trialId, key, value);
      competing.sort((a, b) => (study.direction === 'minimize' ? a - b : b - a));
      const idx = Math.max(0, Math.floor(competing.length / this.reductionFactor) - 1);
      const cut = competing[idx]!;
      if (study.direction === 'minimize' ? value > cut : value < cut) return true;
      rung++;
    }
  }
}
