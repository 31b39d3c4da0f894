/**
 * The live trial handed to an objective (Optuna's Trial): suggest parameters, report
 * intermediate values, ask whether to prune, attach user attributes.
 *
 * Each suggest is validated here (errors name the call, the parameter and the values), then
 * answered by: the value already suggested under that name in this trial (same distribution
 * only), else a value fixed by study.enqueueTrial, else the sampler's joint proposal made when
 * the trial started (multivariate TPE; same distribution only), else the sampler's draw for
 * this one parameter. Every answer is
 * written to storage at once, so a crash leaves what the trial had tried.
 */
import {
  categoricalDistribution,
  contains,
  describe,
  floatDistribution,
  intDistribution,
  sameDistribution,
  type CategoricalChoice,
  type Distribution,
  type ParamValue,
  type RangeOptions,
} from './distributions.js';
import type { Pruner, RelativeSample, Sampler, StudyView } from './samplers/base.js';
import type { FrozenTrial, JsonValue, Storage } from './types.js';

/** Throw this from an objective to end the trial as 'pruned' (Optuna's TrialPruned). */
export class TrialPruned extends Error {
  constructor(message = 'trial pruned') {
    super(message);
    this.name = 'TrialPruned';
  }
}

/** What a trial needs of its study. */
export interface TrialHost {
  readonly storage: Storage;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly view: StudyView;
}

export class Trial {
  constructor(private readonly host: TrialHost, readonly trialId: number, readonly number: number) {}

  /** The trial as stored now. */
  snapshot(): FrozenTrial {
    return this.host.storage.getTrial(this.trialId);
  }

  get params(): Readonly<Record<string, ParamValue>> {
    return this.snapshot().params;
  }

  get distributions(): Readonly<Record<string, Distribution>> {
    return this.snapshot().distributions;
  }

  get userAttrs(): Readonly<Record<string, JsonValue>> {
    return this.snapshot().userAttrs;
  }

  get datetimeStart(): Date | null {
    return this.snapshot().datetimeStart;
  }

  suggestFloat(name: string, low: number, high: number, opts: RangeOptions = {}): number {
    const where = `suggestFloat('${checkName('suggestFloat', name)}')`;
    return this.suggest(where, name, floatDistribution(where, low, high, opts)) as number;
  }

  suggestInt(name: string, low: number, high: number, opts: RangeOptions = {}): number {
    const where = `suggestInt('${checkName('suggestInt', name)}')`;
    return this.suggest(where, name, intDistribution(where, low, high, opts)) as number;
  }

  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    const where = `suggestCategorical('${checkName('suggestCategorical', name)}')`;
    return this.suggest(where, name, categoricalDistribution(where, choices)) as T;
  }

  private suggest(where: string, name: string, d: Distribution): ParamValue {
    const t = this.snapshot();
    if (t.state !== 'running') throw new Error(`${where}: trial ${t.number} is ${t.state}; only a running trial can suggest`);
    const prev = t.distributions[name];
    if (prev) {
      if (!sameDistribution(prev, d)) throw new Error(`${where}: parameter '${name}' was already suggested in trial ${t.number} as ${describe(prev)}, now asked as ${describe(d)}`);
      return t.params[name]!;
    }
    const fixed = (t.systemAttrs.fixedParams as Record<string, ParamValue> | undefined)?.[name];
    const relative = t.systemAttrs.relativeParams as unknown as RelativeSample | undefined;
    let value: ParamValue;
    if (fixed === undefined && relative && name in relative.params && sameDistribution(relative.distributions[name]!, d)) {
      value = relative.params[name]!;
    } else if (fixed !== undefined) {
      if (!contains(d, fixed)) {
        if (d.kind === 'categorical' || typeof fixed !== 'number') throw new RangeError(`${where}: enqueued value ${JSON.stringify(fixed)} of parameter '${name}' is not in ${describe(d)}`);
        process.emitWarning(`${where}: enqueued value ${fixed} of parameter '${name}' is outside ${describe(d)}; it is used anyway`, 'TuneWarning');
      }
      value = fixed;
    } else {
      value = this.host.sampler.sampleIndependent(this.host.view, t, name, d);
    }
    this.host.storage.setTrialParam(this.trialId, name, value, d);
    return value;
  }

  /** Record an intermediate objective value at a step (an integer ≥ 0); a repeated step is ignored with a warning. */
  report(value: number, step: number): void {
    if (typeof value !== 'number') throw new TypeError(`report: value must be a number, got ${JSON.stringify(value)} (${typeof value}) at step ${step}`);
    if (!Number.isInteger(step) || step < 0) throw new RangeError(`report: step must be an integer ≥ 0, got ${step} (value ${value})`);
    const t = this.snapshot();
    if (t.state !== 'running') throw new Error(`report: trial ${t.number} is ${t.state}; only a running trial can report`);
    if (t.intermediateValues.has(step)) {
      process.emitWarning(`report: trial ${t.number} already reported ${t.intermediateValues.get(step)} at step ${step}; ${value} is ignored`, 'TuneWarning');
      return;
    }
    this.host.storage.setTrialIntermediateValue(this.trialId, step, value);
  }

  /** Ask the study's pruner whether this trial should stop now (after report). */
  shouldPrune(): boolean {
    return this.host.pruner.prune(this.host.view, this.snapshot());
  }

  setUserAttr(key: string, value: JsonValue): void {
    if (typeof key !== 'string' || key === '') throw new TypeError(`setUserAttr: key must be a non-empty string, got ${JSON.stringify(key)}`);
    this.host.storage.setTrialUserAttr(this.trialId, key, value);
  }
}

function checkName(where: string, name: string): string {
  if (typeof name !== 'string' || name === '') throw new TypeError(`${where}: the parameter name must be a non-empty string, got ${JSON.stringify(name)}`);
  return name;
}
