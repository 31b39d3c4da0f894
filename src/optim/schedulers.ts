/**
 * Learning-rate schedules as torch.optim.lr_scheduler (PyTorch 1.13's semantics). Each step
 * updates the *current* rate of every parameter group (PyTorch's chainable form), so several
 * schedulers on one optimizer compose as in PyTorch: ExponentialLR(0.9) with StepLR(3, 0.5)
 * multiplies the rate by 0.9 every step and by 0.5 every third. `step(epoch)` jumps to an epoch
 * with the closed form where one exists (as PyTorch). A scheduler applies step 0 when created;
 * call step() after optimizer.step(), once per epoch or per batch as the schedule intends.
 * getLastLr() gives the current rates. The first scheduler on an optimizer records each group's
 * initial rate (PyTorch's initial_lr); later ones take it as their base rate.
 *
 * StepLR, MultiStepLR, ExponentialLR, InverseTimeLR (lr/(1 + decay·t), the Keras-style "decay"
 * of study S2), CosineAnnealingLR, CosineAnnealingWarmRestarts, LinearLR and LinearWarmup,
 * ConstantLR, PolynomialLR, LambdaLR and MultiplicativeLR (one function, or one per group),
 * CyclicLR and OneCycleLR (which also cycle SGD's momentum or Adam's β₁), SequentialLR,
 * ChainedScheduler and ReduceLROnPlateau (step(metric)).
 */
import type { Hyper, Optimizer } from './optimizer.js';
import { checkArg, checkOptions, num, oneOf, OptionRule, OptionSpec } from '../tensor/options.js';
import { arrayOf, either, notImplemented } from '../tensor/option-rules.js';

type AnyOptimizer = Optimizer<Hyper> | Optimizer<never>;

function groups(opt: AnyOptimizer): { options: Hyper }[] {
  return (opt as Optimizer<Hyper>).paramGroups;
}

/** Each group's initial rate, recorded by the first scheduler attached (PyTorch's group['initial_lr']). */
const INITIAL_LR = new WeakMap<Hyper, number>();

export interface SchedulerOptions {
  /** PyTorch's last_epoch: only -1 (a fresh start); resume with loadStateDict. */
  lastEpoch?: number;
  /** Print each rate change, as PyTorch's verbose. */
  verbose?: boolean;
}

const BASE_SPEC: OptionSpec = { lastEpoch: notImplemented(-1, 'resume with loadStateDict'), verbose: 'boolean' };
const FINITE = num({ min: -Number.MAX_VALUE, max: Number.MAX_VALUE });
const POS_INT = num({ min: 1, integer: true });
const FN_OR_FNS: OptionRule = either('function', arrayOf('function'));

export interface SchedulerState {
  lastEpoch: number;
  baseLrs: number[];
  [key: string]: number | number[] | boolean | null | SchedulerState[];
}

export abstract class LRScheduler {
  lastEpoch = -1;
  readonly baseLrs: number[];
  protected lastLrs: number[] = [];
  protected readonly verbose: boolean;

  /** Checks `o` against the common options plus `extra`, and records the groups' initial rates. */
  constructor(readonly optimizer: AnyOptimizer, o: object = {}, extra: OptionSpec = {}) {
    const name = this.constructor.name;
    const opts = checkOptions(name, o as SchedulerOptions, { ...BASE_SPEC, ...extra });
    this.verbose = opts.verbose ?? false;
    if (!optimizer || !Array.isArray((optimizer as Optimizer<Hyper>).paramGroups)) throw new TypeError(`${name}: the first argument must be an Optimizer`);
    for (const g of groups(optimizer)) if (!INITIAL_LR.has(g.options)) INITIAL_LR.set(g.options, Number(g.options.lr));
    this.baseLrs = groups(optimizer).map((g) => INITIAL_LR.get(g.options) as number);
  }

  /** The next rates in PyTorch's chainable form (from the groups' current rates) at this.lastEpoch. */
  protected abstract getLr(): number[];

  /** The rate of group i at epoch t from the base rate alone, where the schedule has one (step(epoch) uses it). */
  protected closedForm(_t: number, _base: number, _i: number): number | null {
    return null;
  }

  /** The groups' current rates. */
  protected currentLrs(): number[] {
    return groups(this.optimizer).map((g) => Number(g.options.lr));
  }

  /** Subclasses call this at the end of their constructor: applies step 0. */
  protected start(): void {
    this.step();
  }

  /** Advances one step; with `epoch`, jumps there (closed form where the schedule has one). */
  step(epoch?: number): void {
    if (epoch === undefined) {
      this.lastEpoch++;
      this.apply(this.getLr());
      return;
    }
    checkArg(this.constructor.name, 'epoch', epoch, num({ min: 0 }));
    this.lastEpoch = epoch;
    const closed = this.baseLrs.map((b, i) => this.closedForm(epoch, b, i));
    this.apply(closed.every((v) => v !== null) ? (closed as number[]) : this.getLr());
  }

  protected apply(lrs: number[]): void {
    groups(this.optimizer).forEach((g, i) => {
      g.options.lr = lrs[i];
      if (this.verbose) console.log(`${this.constructor.name}: adjusting learning rate of group ${i} to ${lrs[i].toExponential(4)}.`);
    });
    this.lastLrs = this.currentLrs();
  }

  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  stateDict(): SchedulerState {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLrs: [...this.lastLrs] };
  }

  /**
   * Restores the position. The rates it had set are put back into the optimizer's groups too
   * (they are the optimizer's state in PyTorch, restored with it; here a scheduler state alone
   * is enough to continue).
   */
  loadStateDict(s: SchedulerState): void {
    this.lastEpoch = s.lastEpoch;
    this.baseLrs.splice(0, this.baseLrs.length, ...s.baseLrs);
    const lrs = Array.isArray(s.lastLrs) ? (s.lastLrs as number[]) : this.baseLrs.map((b, i) => this.closedForm(this.lastEpoch, b, i) ?? b);
    groups(this.optimizer).forEach((g, i) => { g.options.lr = lrs[i]; });
    this.lastLrs = [...lrs];
  }
}

/** A scheduler whose chainable step multiplies the current rate by factor(t) (1 = unchanged). */
abstract class FactorScheduler extends LRScheduler {
  protected abstract factor(t: number, i: number): number;

  protected getLr(): number[] {
    return this.currentLrs().map((lr, i) => lr * this.factor(this.lastEpoch, i));
  }
}

/** lr·γ^⌊t/stepSize⌋: the rate is multiplied by γ every stepSize steps. */
export class StepLR extends FactorScheduler {
  constructor(optimizer: AnyOptimizer, readonly stepSize: number, readonly gamma = 0.1, o: SchedulerOptions = {}) {
    super(optimizer, o);
    checkArg('StepLR', 'stepSize', stepSize, POS_INT);
    checkArg('StepLR', 'gamma', gamma, FINITE);
    this.start();
  }

  protected factor(t: number): number {
    return t === 0 || t % this.stepSize !== 0 ? 1 : this.gamma;
  }

  protected override closedForm(t: number, base: number): number {
    return base * Math.pow(this.gamma, Math.floor(t / this.stepSize));
  }
}

/** lr·γ^(number of milestones ≤ t). */
export class MultiStepLR extends FactorScheduler {
  readonly milestones: number[];

  constructor(optimizer: AnyOptimizer, milestones: number[], readonly gamma = 0.1, o: SchedulerOptions = {}) {
    super(optimizer, o);
    checkArg('MultiStepLR', 'milestones', milestones, arrayOf(num({ min: 0, integer: true })));
    checkArg('MultiStepLR', 'gamma', gamma, FINITE);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.start();
  }

  protected factor(t: number): number {
    return Math.pow(this.gamma, this.milestones.filter((m) => m === t).length);
  }

  protected override closedForm(t: number, base: number): number {
    return base * Math.pow(this.gamma, this.milestones.filter((m) => m <= t).length);
  }
}

/** lr·γᵗ. */
export class ExponentialLR extends FactorScheduler {
  constructor(optimizer: AnyOptimizer, readonly gamma: number, o: SchedulerOptions = {}) {
    super(optimizer, o);
    checkArg('ExponentialLR', 'gamma', gamma, FINITE);
    this.start();
  }

  protected factor(t: number): number {
    return t === 0 ? 1 : this.gamma;
  }

  protected override closedForm(t: number, base: number): number {
    return base * Math.pow(this.gamma, t);
  }
}

/** lr / (1 + decay·t): inverse-time decay (Keras' `decay` argument, study S2's "decay 0.009"). */
export class InverseTimeLR extends FactorScheduler {
  constructor(optimizer: AnyOptimizer, readonly decay: number, o: SchedulerOptions = {}) {
    super(optimizer, o);
    if (!(typeof decay === 'number' && decay >= 0)) throw new RangeError(`InverseTimeLR: decay must be ≥ 0, got ${decay}`);
    this.start();
  }

  protected factor(t: number): number {
    return t === 0 ? 1 : (1 + this.decay * (t - 1)) / (1 + this.decay * t);
  }

  protected override closedForm(t: number, base: number): number {
    return base / (1 + this.decay * t);
  }
}

/** η_min + (lr − η_min)·(1 + cos(π·t/tMax))/2, in PyTorch's recursive form (which keeps going past tMax). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: AnyOptimizer, readonly tMax: number, readonly etaMin = 0, o: SchedulerOptions = {}) {
    super(optimizer, o);
    if (!(typeof tMax === 'number' && tMax > 0)) throw new RangeError(`CosineAnnealingLR: tMax must be > 0, got ${tMax}`);
    checkArg('CosineAnnealingLR', 'etaMin', etaMin, FINITE);
    this.start();
  }

  protected getLr(): number[] {
    const t = this.lastEpoch;
    const T = this.tMax;
    const e = this.etaMin;
    if (t === 0) return this.currentLrs();
    if ((t - 1 - T) % (2 * T) === 0) return this.currentLrs().map((lr, i) => lr + ((this.baseLrs[i] - e) * (1 - Math.cos(Math.PI / T))) / 2);
    return this.currentLrs().map((lr) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (lr - e) + e);
  }

  protected override closedForm(t: number, base: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * t) / this.tMax))) / 2;
  }
}

/**
 * SGDR (Loshchilov & Hutter): cosine from the base rate to etaMin over tI steps, then a restart;
 * tI starts at t0 and is multiplied by tMult at each restart. step(epoch) takes fractional epochs.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  tI: number;
  tCur: number;

  constructor(optimizer: AnyOptimizer, readonly t0: number, readonly tMult = 1, readonly etaMin = 0, o: SchedulerOptions = {}) {
    super(optimizer, o);
    checkArg('CosineAnnealingWarmRestarts', 't0', t0, POS_INT);
    checkArg('CosineAnnealingWarmRestarts', 'tMult', tMult, POS_INT);
    checkArg('CosineAnnealingWarmRestarts', 'etaMin', etaMin, FINITE);
    this.tI = t0;
    this.tCur = -1;
    this.step();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }

  override step(epoch?: number): void {
    let e = epoch;
    if (e === undefined && this.lastEpoch < 0) e = 0;
    if (e === undefined) {
      e = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else {
      checkArg('CosineAnnealingWarmRestarts', 'epoch', e, num({ min: 0 }));
      if (e >= this.t0) {
        if (this.tMult === 1) this.tCur = e % this.t0;
        else {
          const n = Math.floor(Math.log((e / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = e - (this.t0 * (Math.pow(this.tMult, n) - 1)) / (this.tMult - 1);
          this.tI = this.t0 * Math.pow(this.tMult, n);
        }
      } else {
        this.tI = this.t0;
        this.tCur = e;
      }
    }
    this.lastEpoch = Math.floor(e);
    this.apply(this.getLr());
  }

  override stateDict(): SchedulerState {
    return { ...super.stateDict(), tI: this.tI, tCur: this.tCur };
  }

  override loadStateDict(s: SchedulerState): void {
    super.loadStateDict(s);
    this.tI = Number(s.tI);
    this.tCur = Number(s.tCur);
  }
}

/** lr·(start + (end − start)·min(t, totalIters)/totalIters); PyTorch defaults 1/3 → 1 over 5 steps. */
export class LinearLR extends FactorScheduler {
  constructor(optimizer: AnyOptimizer, readonly startFactor = 1 / 3, readonly endFactor = 1, readonly totalIters = 5, o: SchedulerOptions = {}) {
    super(optimizer, o);
    if (!(startFactor > 0 && startFactor <= 1)) throw new RangeError(`LinearLR: startFactor must be in (0, 1], got ${startFactor}`);
    if (!(endFactor >= 0 && endFactor <= 1)) throw new RangeError(`LinearLR: endFactor must be in [0, 1], got ${endFactor}`);
    checkArg('LinearLR', 'totalIters', totalIters, POS_INT);
    this.start();
  }

  protected factor(t: number): number {
    if (t === 0) return this.startFactor;
    if (t > this.totalIters) return 1;
    const d = this.endFactor - this.startFactor;
    return 1 + d / (this.totalIters * this.startFactor + (t - 1) * d);
  }

  protected override closedForm(t: number, base: number): number {
    return base * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(t, this.totalIters)) / this.totalIters);
  }
}

/** Linear warm-up from lr·startFactor (default 1/warmupSteps) to lr over warmupSteps steps, then constant. */
export class LinearWarmup extends LinearLR {
  constructor(optimizer: AnyOptimizer, warmupSteps: number, o: { startFactor?: number } & SchedulerOptions = {}) {
    if (!(Number.isInteger(warmupSteps) && warmupSteps >= 1)) throw new RangeError(`LinearWarmup: warmupSteps must be an integer ≥ 1, got ${warmupSteps}`);
    const { startFactor, ...rest } = checkOptions('LinearWarmup', o, { ...BASE_SPEC, startFactor: num({ min: 0, max: 1, minExclusive: true }) });
    super(optimizer, startFactor ?? 1 / warmupSteps, 1, warmupSteps, rest);
  }
}

/** lr·factor until totalIters steps, then lr. */
export class ConstantLR extends FactorScheduler {
  constructor(optimizer: AnyOptimizer, readonly factorValue = 1 / 3, readonly totalIters = 5, o: SchedulerOptions = {}) {
    super(optimizer, o);
    if (!(typeof factorValue === 'number' && factorValue >= 0 && factorValue <= 1)) throw new RangeError(`ConstantLR: factor must be in [0, 1], got ${factorValue}`);
    checkArg('ConstantLR', 'totalIters', totalIters, num({ min: 0, integer: true }));
    this.start();
  }

  protected factor(t: number): number {
    if (t === 0) return this.factorValue;
    return t === this.totalIters ? 1 / this.factorValue : 1;
  }

  protected override closedForm(t: number, base: number): number {
    return base * (this.factorValue + (t >= this.totalIters ? 1 - this.factorValue : 0));
  }
}

/** lr·(1 − min(t, totalIters)/totalIters)^power. */
export class PolynomialLR extends FactorScheduler {
  constructor(optimizer: AnyOptimizer, readonly totalIters = 5, readonly power = 1, o: SchedulerOptions = {}) {
    super(optimizer, o);
    checkArg('PolynomialLR', 'totalIters', totalIters, POS_INT);
    checkArg('PolynomialLR', 'power', power, FINITE);
    this.start();
  }

  protected factor(t: number): number {
    if (t === 0 || t > this.totalIters) return 1;
    return Math.pow((1 - t / this.totalIters) / (1 - (t - 1) / this.totalIters), this.power);
  }

  protected override closedForm(t: number, base: number): number {
    return base * Math.pow(1 - Math.min(this.totalIters, t) / this.totalIters, this.power);
  }
}

function lambdas(name: string, optimizer: AnyOptimizer, f: unknown): ((t: number) => number)[] {
  checkArg(name, 'lrLambda', f, FN_OR_FNS);
  const n = groups(optimizer).length;
  if (Array.isArray(f)) {
    if (f.length !== n) throw new RangeError(`${name}: expected ${n} lrLambda functions (one per parameter group), got ${f.length}`);
    return [...f] as ((t: number) => number)[];
  }
  return new Array<(t: number) => number>(n).fill(f as (t: number) => number);
}

/** base·f(t), with one function for all groups or one per group. Not chainable (as PyTorch). */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: ((t: number) => number)[];

  constructor(optimizer: AnyOptimizer, lrLambda: ((t: number) => number) | ((t: number) => number)[], o: SchedulerOptions = {}) {
    super(optimizer, o);
    this.lrLambdas = lambdas('LambdaLR', optimizer, lrLambda);
    this.start();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch));
  }

  protected override closedForm(t: number, base: number, i: number): number {
    return base * this.lrLambdas[i](t);
  }
}

/** lr·f(t) at every step after the first, with one function for all groups or one per group. */
export class MultiplicativeLR extends FactorScheduler {
  readonly lrLambdas: ((t: number) => number)[];

  constructor(optimizer: AnyOptimizer, lrLambda: ((t: number) => number) | ((t: number) => number)[], o: SchedulerOptions = {}) {
    super(optimizer, o);
    this.lrLambdas = lambdas('MultiplicativeLR', optimizer, lrLambda);
    this.start();
  }

  protected factor(t: number, i: number): number {
    return t > 0 ? this.lrLambdas[i](t) : 1;
  }
}

export interface CyclicOptions extends SchedulerOptions {
  stepSizeUp?: number;
  stepSizeDown?: number | null;
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  gamma?: number;
  scaleFn?: ((x: number) => number) | null;
  scaleMode?: 'cycle' | 'iterations';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
}

/**
 * Cyclical learning rates (Smith) as torch's CyclicLR: the rate goes from baseLr to maxLr over
 * stepSizeUp steps and back over stepSizeDown, scaled per cycle ('triangular', 'triangular2')
 * or per step ('exp_range', γ^t), or by scaleFn; momentum (SGD) or β₁ (Adam) moves the other way.
 * Sets the rates to baseLr when created. Meant to be stepped per batch.
 */
export class CyclicLR extends LRScheduler {
  readonly maxLrs: number[];
  readonly totalSize: number;
  readonly stepRatio: number;
  readonly mode: 'triangular' | 'triangular2' | 'exp_range';
  readonly gamma: number;
  readonly scaleMode: 'cycle' | 'iterations';
  readonly cycleMomentum: boolean;
  private readonly scaleFn: (x: number) => number;
  private readonly baseMomentums: number[] = [];
  private readonly maxMomentums: number[] = [];
  private readonly useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, baseLr: number | number[], maxLr: number | number[], o: CyclicOptions = {}) {
    const per = (name: string, v: unknown): number[] => {
      const n = groups(optimizer).length;
      checkArg('CyclicLR', name, v, either(FINITE, arrayOf(FINITE, n)));
      return Array.isArray(v) ? [...(v as number[])] : new Array<number>(n).fill(v as number);
    };
    const spec: OptionSpec = {
      stepSizeUp: num({ min: 0, minExclusive: true }), stepSizeDown: (v) => (v === null ? null : checkNum(v)), mode: oneOf(['triangular', 'triangular2', 'exp_range']),
      gamma: FINITE, scaleFn: (v) => (v === null || typeof v === 'function' ? null : 'must be a function or null'), scaleMode: oneOf(['cycle', 'iterations']),
      cycleMomentum: 'boolean', baseMomentum: either(FINITE, arrayOf(FINITE)), maxMomentum: either(FINITE, arrayOf(FINITE)),
    };
    checkOptions('CyclicLR', o, { ...BASE_SPEC, ...spec });
    const bases = per('baseLr', baseLr);
    for (const [i, g] of groups(optimizer).entries()) g.options.lr = bases[i];
    super(optimizer, { lastEpoch: o.lastEpoch, verbose: o.verbose });
    this.baseLrs.splice(0, this.baseLrs.length, ...bases);
    this.maxLrs = per('maxLr', maxLr);
    const up = o.stepSizeUp ?? 2000;
    const down = o.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = o.mode ?? 'triangular';
    this.gamma = o.gamma ?? 1;
    if (o.scaleFn) {
      this.scaleFn = o.scaleFn;
      this.scaleMode = o.scaleMode ?? 'cycle';
    } else {
      this.scaleFn = this.mode === 'triangular' ? () => 1 : this.mode === 'triangular2' ? (x) => 1 / Math.pow(2, x - 1) : (x) => Math.pow(this.gamma, x);
      this.scaleMode = this.mode === 'exp_range' ? 'iterations' : 'cycle';
    }
    this.cycleMomentum = o.cycleMomentum ?? true;
    const gs = groups(optimizer);
    this.useBeta1 = 'betas' in gs[0].options;
    if (this.cycleMomentum) {
      if (!this.useBeta1 && !('momentum' in gs[0].options)) throw new Error('CyclicLR: the optimizer has neither momentum nor betas, so cycleMomentum must be false');
      this.baseMomentums.push(...per('baseMomentum', o.baseMomentum ?? 0.8));
      this.maxMomentums.push(...per('maxMomentum', o.maxMomentum ?? 0.9));
      gs.forEach((g, i) => this.setMomentum(g.options, this.baseMomentums[i]));
    }
    this.start();
  }

  private setMomentum(options: Hyper, m: number): void {
    if (this.useBeta1) options.betas = [m, ...(options.betas as number[]).slice(1)];
    else options.momentum = m;
  }

  protected getLr(): number[] {
    const t = this.lastEpoch;
    const cycle = Math.floor(1 + t / this.totalSize);
    const x = 1 + t / this.totalSize - cycle;
    const scale = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.scaleFn(this.scaleMode === 'cycle' ? cycle : t);
    if (this.cycleMomentum) {
      groups(this.optimizer).forEach((g, i) => this.setMomentum(g.options, this.maxMomentums[i] - (this.maxMomentums[i] - this.baseMomentums[i]) * scale * s));
    }
    return this.baseLrs.map((b, i) => b + (this.maxLrs[i] - b) * scale * s);
  }
}

function checkNum(v: unknown): string | null {
  return typeof v === 'number' && v > 0 ? null : `must be a number > 0 or null, got ${JSON.stringify(v)}`;
}

/**
 * Runs schedulers one after another: schedulers[i] drives the rate between milestones[i−1] and
 * milestones[i]; at a milestone the next one starts from its own epoch 0 (as PyTorch's
 * SequentialLR, which restarts it with step(0)).
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  readonly milestones: number[];

  constructor(optimizer: AnyOptimizer, schedulers: LRScheduler[], milestones: number[], o: SchedulerOptions = {}) {
    super(optimizer, o);
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new TypeError('SequentialLR: schedulers must be a non-empty array of schedulers');
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TypeError(`SequentialLR: schedulers[${i}] is not a scheduler`);
      if (s.optimizer !== optimizer) throw new Error(`SequentialLR: schedulers[${i}] belongs to another optimizer than the one passed in`);
    });
    checkArg('SequentialLR', 'milestones', milestones, arrayOf(num({ min: 0, integer: true })));
    if (milestones.length !== schedulers.length - 1) {
      throw new RangeError(`SequentialLR: ${schedulers.length} schedulers need ${schedulers.length - 1} milestones, got ${milestones.length}`);
    }
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = 0;
    groups(optimizer).forEach((g, i) => { g.options.lr = this.baseLrs[i]; });
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].step();
    this.lastLrs = this.schedulers[0].getLastLr();
  }

  protected getLr(): number[] {
    return this.currentLrs();
  }

  override step(): void {
    this.lastEpoch++;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx] <= this.lastEpoch) idx++;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLrs = s.getLastLr();
  }

  override stateDict(): SchedulerState {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(st: SchedulerState): void {
    const inner = st.schedulers as SchedulerState[];
    inner.forEach((s, i) => this.schedulers[i].loadStateDict(s));
    super.loadStateDict(st);
  }
}

/** Steps several schedulers together (their changes multiply, as PyTorch's ChainedScheduler). */
export class ChainedScheduler extends LRScheduler {
  readonly schedulers: LRScheduler[];

  constructor(schedulers: LRScheduler[], o: Record<string, never> = {}) {
    if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
      throw new TypeError('ChainedScheduler: expected a non-empty array of schedulers');
    }
    super(schedulers[0].optimizer, o);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== schedulers[0].optimizer) throw new Error(`ChainedScheduler: schedulers[${i}] belongs to another optimizer than schedulers[0]`);
    });
    this.schedulers = [...schedulers];
    this.lastLrs = this.currentLrs();
  }

  protected getLr(): number[] {
    return this.currentLrs();
  }

  override step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLrs = this.currentLrs();
  }

  override stateDict(): SchedulerState {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(st: SchedulerState): void {
    (st.schedulers as SchedulerState[]).forEach((s, i) => this.schedulers[i].loadStateDict(s));
    this.lastLrs = this.currentLrs();
  }
}

export interface OneCycleOptions extends SchedulerOptions {
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
  private readonly o: Required<Omit<OneCycleOptions, 'totalSteps' | 'epochs' | 'stepsPerEpoch' | 'maxLr' | 'lastEpoch' | 'verbose'>>;
  private readonly useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, o: OneCycleOptions) {
    super(optimizer, o, {
      maxLr: either(FINITE, arrayOf(FINITE)), totalSteps: POS_INT, epochs: POS_INT, stepsPerEpoch: POS_INT, pctStart: num({ min: 0, max: 1 }),
      annealStrategy: oneOf(['cos', 'linear']), cycleMomentum: 'boolean', baseMomentum: FINITE, maxMomentum: FINITE,
      divFactor: num({ min: 0, minExclusive: true }), finalDivFactor: num({ min: 0, minExclusive: true }), threePhase: 'boolean',
    });
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
    gs.forEach((g, i) => INITIAL_LR.set(g.options, this.lrs[i].initial));
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

  protected getLr(): number[] {
    return this.lrs.map((_, i) => this.at(this.lastEpoch, i)[0]);
  }

  protected override closedForm(t: number, _base: number, i: number): number {
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
    checkOptions('ReduceLROnPlateau', o, {
      mode: oneOf(['min', 'max']), factor: num({ min: 0 }), patience: num({ min: 0, integer: true }), threshold: num({ min: 0 }),
      thresholdMode: oneOf(['rel', 'abs']), cooldown: num({ min: 0, integer: true }), minLr: either(num({ min: 0 }), arrayOf(num({ min: 0 }))),
      eps: num({ min: 0 }), verbose: notImplemented(false),
    });
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
