/**
 * Learning-rate schedules as torch.optim.lr_scheduler, with closed forms (equal to PyTorch's
 * chained updates up to rounding). A scheduler sets each group's options.lr when created
 * (step 0) and on every step(); call it after optimizer.step(), once per epoch or per batch
 * as the schedule intends. getLastLr() gives the current rates.
 *
 * StepLR, MultiStepLR, ExponentialLR, InverseTimeLR (lr/(1 + decay·t), the Keras-style "decay"
 * of study S2), CosineAnnealingLR, LinearLR and LinearWarmup, LambdaLR, OneCycleLR (which
 * also cycles SGD's momentum or Adam's β₁) and ReduceLROnPlateau (step(metric)).
 */
import type { Hyper, Optimizer } from './optimizer.js';

type AnyOptimizer = Optimizer<Hyper> | Optimizer<never>;

function groups(opt: AnyOptimizer): { options: Hyper }[] {
  return (opt as Optimizer<Hyper>).paramGroups;
}

export interface SchedulerState {
  lastEpoch: number;
  baseLrs: number[];
  [key: string]: number | number[] | boolean | null;
}

export abstract class LRScheduler {
  lastEpoch = -1;
  readonly baseLrs: number[];
  protected lastLrs: number[] = [];

  constructor(readonly optimizer: AnyOptimizer) {
    this.baseLrs = groups(optimizer).map((g) => Number(g.options.lr));
  }

  /** The rate of group i at step t (t = 0 at creation). */
  protected abstract lrAt(t: number, base: number, i: number): number;

  /** Subclasses call this at the end of their constructor: applies step 0. */
  protected start(): void {
    this.step();
  }

  step(): void {
    this.lastEpoch++;
    this.apply(this.baseLrs.map((b, i) => this.lrAt(this.lastEpoch, b, i)));
  }

  protected apply(lrs: number[]): void {
    groups(this.optimizer).forEach((g, i) => { g.options.lr = lrs[i]; });
    this.lastLrs = lrs;
  }

  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  stateDict(): SchedulerState {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  loadStateDict(s: SchedulerState): void {
    this.lastEpoch = s.lastEpoch;
    this.baseLrs.splice(0, this.baseLrs.length, ...s.baseLrs);
    this.lastLrs = this.baseLrs.map((b, i) => this.lrAt(this.lastEpoch, b, i));
  }
}

/** lr·γ^⌊t/stepSize⌋. */
export class StepLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly stepSize: number, readonly gamma = 0.1) {
    super(optimizer);
    if (!(Number.isInteger(stepSize) && stepSize >= 1)) throw new RangeError(`StepLR: stepSize must be an integer ≥ 1, got ${stepSize}`);
    this.start();
  }

  protected lrAt(t: number, base: number): number {
    return base * Math.pow(this.gamma, Math.floor(t / this.stepSize));
  }
}

/** lr·γ^(number of milestones ≤ t). */
export class MultiStepLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly milestones: number[], readonly gamma = 0.1) {
    super(optimizer);
    this.start();
  }

  protected lrAt(t: number, base: number): number {
    return base * Math.pow(this.gamma, this.milestones.filter((m) => m <= t).length);
  }
}

/** lr·γᵗ. */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly gamma: number) {
    super(optimizer);
    this.start();
  }

  protected lrAt(t: number, base: number): number {
    return base * Math.pow(this.gamma, t);
  }
}

/** lr / (1 + decay·t): inverse-time decay (Keras' `decay` argument, study S2's "decay 0.009"). */
export class InverseTimeLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly decay: number) {
    super(optimizer);
    if (!(decay >= 0)) throw new RangeError(`InverseTimeLR: decay must be ≥ 0, got ${decay}`);
    this.start();
  }

  protected lrAt(t: number, base: number): number {
    return base / (1 + this.decay * t);
  }
}

/** η_min + (lr − η_min)·(1 + cos(π·t/tMax))/2 (continuing as a cosine past tMax, as PyTorch). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly tMax: number, readonly etaMin = 0) {
    super(optimizer);
    if (!(tMax > 0)) throw new RangeError(`CosineAnnealingLR: tMax must be > 0, got ${tMax}`);
    this.start();
  }

  protected lrAt(t: number, base: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * t) / this.tMax))) / 2;
  }
}

/** lr·(start + (end − start)·min(t, totalIters)/totalIters); PyTorch defaults 1/3 → 1 over 5 steps. */
export class LinearLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly startFactor = 1 / 3, readonly endFactor = 1, readonly totalIters = 5) {
    super(optimizer);
    if (!(startFactor > 0 && startFactor <= 1)) throw new RangeError(`LinearLR: startFactor must be in (0, 1], got ${startFactor}`);
    if (!(endFactor >= 0 && endFactor <= 1)) throw new RangeError(`LinearLR: endFactor must be in [0, 1], got ${endFactor}`);
    this.start();
  }

  protected lrAt(t: number, base: number): number {
    return base * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(t, this.totalIters)) / this.totalIters);
  }
}

/** Linear warm-up from lr·startFactor (default 1/warmupSteps) to lr over warmupSteps steps, then constant. */
export class LinearWarmup extends LinearLR {
  constructor(optimizer: AnyOptimizer, warmupSteps: number, o: { startFactor?: number } = {}) {
    if (!(Number.isInteger(warmupSteps) && warmupSteps >= 1)) throw new RangeError(`LinearWarmup: warmupSteps must be an integer ≥ 1, got ${warmupSteps}`);
    super(optimizer, o.startFactor ?? 1 / warmupSteps, 1, warmupSteps);
  }
}

/** lr·f(t) for a user function f (one for all groups). */
export class LambdaLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly lambda: (t: number) => number) {
    super(optimizer);
    this.start();
  }

  protected lrAt(t: number, base: number): number {
    return base * this.lambda(t);
  }
}

export interface OneCycleOptions {
  maxLr: number | number[];
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

interface Phase { end: number; lr: ['initial' | 'max' | 'min', 'initial' | 'max' | 'min']; mom: ['max' | 'base', 'max' | 'base'] }

/**
 * The 1cycle policy (Smith) as torch's OneCycleLR: warm up from maxLr/divFactor to maxLr over
 * pctStart of the steps, then anneal to initial/finalDivFactor; momentum (or β₁) moves the
 * other way between maxMomentum and baseMomentum. Stepping past totalSteps is an error.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly lrs: { initial: number; max: number; min: number }[];
  private readonly o: Required<Omit<OneCycleOptions, 'totalSteps' | 'epochs' | 'stepsPerEpoch' | 'maxLr'>>;
  private readonly useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, o: OneCycleOptions) {
    super(optimizer);
    const total = o.totalSteps ?? (o.epochs !== undefined && o.stepsPerEpoch !== undefined ? o.epochs * o.stepsPerEpoch : NaN);
    if (!(Number.isInteger(total) && total > 0)) throw new RangeError(`OneCycleLR: give totalSteps, or epochs and stepsPerEpoch, as positive integers (got ${total})`);
    this.totalSteps = total;
    this.o = {
      pctStart: o.pctStart ?? 0.3, annealStrategy: o.annealStrategy ?? 'cos', cycleMomentum: o.cycleMomentum ?? true,
      baseMomentum: o.baseMomentum ?? 0.85, maxMomentum: o.maxMomentum ?? 0.95, divFactor: o.divFactor ?? 25,
      finalDivFactor: o.finalDivFactor ?? 1e4, threePhase: o.threePhase ?? false,
    };
    if (!(this.o.pctStart >= 0 && this.o.pctStart <= 1)) throw new RangeError(`OneCycleLR: pctStart must be in [0, 1], got ${this.o.pctStart}`);
    const gs = groups(optimizer);
    const maxLrs = Array.isArray(o.maxLr) ? o.maxLr : gs.map(() => o.maxLr as number);
    if (maxLrs.length !== gs.length) throw new RangeError(`OneCycleLR: ${maxLrs.length} maxLr values for ${gs.length} parameter groups`);
    this.lrs = maxLrs.map((m) => ({ initial: m / this.o.divFactor, max: m, min: m / this.o.divFactor / this.o.finalDivFactor }));
    const p = this.o.pctStart * total;
    this.phases = this.o.threePhase
      ? [
        { end: p - 1, lr: ['initial', 'max'], mom: ['max', 'base'] },
        { end: 2 * p - 2, lr: ['max', 'initial'], mom: ['base', 'max'] },
        { end: total - 1, lr: ['initial', 'min'], mom: ['max', 'max'] },
      ]
      : [
        { end: p - 1, lr: ['initial', 'max'], mom: ['max', 'base'] },
        { end: total - 1, lr: ['max', 'min'], mom: ['base', 'max'] },
      ];
    this.useBeta1 = 'betas' in gs[0].options;
    if (this.o.cycleMomentum) {
      if (!this.useBeta1 && !('momentum' in gs[0].options)) throw new Error('OneCycleLR: the optimizer has neither momentum nor betas, so cycleMomentum must be false');
      for (const g of gs) this.setMomentum(g.options, this.o.maxMomentum);
    }
    this.start();
  }

  private setMomentum(options: Hyper, m: number): void {
    if (this.useBeta1) options.betas = [m, ...(options.betas as number[]).slice(1)];
    else options.momentum = m;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.o.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  /** [lr, momentum] of group i at step t. */
  private at(t: number, i: number): [number, number] {
    let start = 0;
    const mom = { max: this.o.maxMomentum, base: this.o.baseMomentum };
    for (const [k, ph] of this.phases.entries()) {
      if (t <= ph.end || k === this.phases.length - 1) {
        const pct = (t - start) / (ph.end - start);
        return [this.anneal(this.lrs[i][ph.lr[0]], this.lrs[i][ph.lr[1]], pct), this.anneal(mom[ph.mom[0]], mom[ph.mom[1]], pct)];
      }
      start = ph.end;
    }
    throw new Error('OneCycleLR: unreachable');
  }

  protected lrAt(t: number, _base: number, i: number): number {
    return this.at(t, i)[0];
  }

  override step(): void {
    if (this.lastEpoch + 1 > this.totalSteps) {
      throw new RangeError(`OneCycleLR: tried to step ${this.lastEpoch + 1} times; the specified number of total steps is ${this.totalSteps}`);
    }
    super.step();
    if (this.o.cycleMomentum) groups(this.optimizer).forEach((g, i) => this.setMomentum(g.options, this.at(this.lastEpoch, i)[1]));
  }
}

export interface PlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/** Multiplies the rates by `factor` when the metric has not improved for `patience` steps. */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(readonly optimizer: AnyOptimizer, o: PlateauOptions = {}) {
    this.mode = o.mode ?? 'min';
    this.factor = o.factor ?? 0.1;
    if (this.factor >= 1) throw new RangeError(`ReduceLROnPlateau: factor should be < 1, got ${this.factor}`);
    this.patience = o.patience ?? 10;
    this.threshold = o.threshold ?? 1e-4;
    this.thresholdMode = o.thresholdMode ?? 'rel';
    this.cooldown = o.cooldown ?? 0;
    const n = groups(optimizer).length;
    const minLr = o.minLr ?? 0;
    this.minLrs = Array.isArray(minLr) ? minLr : new Array<number>(n).fill(minLr);
    if (this.minLrs.length !== n) throw new RangeError(`ReduceLROnPlateau: ${this.minLrs.length} minLr values for ${n} parameter groups`);
    this.eps = o.eps ?? 1e-8;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const t = this.threshold;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < this.best * (1 - t) : a < this.best - t;
    return this.thresholdMode === 'rel' ? a > this.best * (1 + t) : a > this.best + t;
  }

  step(metric: number): void {
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs++;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      groups(this.optimizer).forEach((g, i) => {
        const old = Number(g.options.lr);
        const next = Math.max(old * this.factor, this.minLrs[i]);
        if (old - next > this.eps) g.options.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  getLastLr(): number[] {
    return groups(this.optimizer).map((g) => Number(g.options.lr));
  }
}
