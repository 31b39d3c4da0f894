/**
 * What a sampler and a pruner see of a study, and the interfaces they implement (Optuna's
 * BaseSampler.sample_independent / before_trial / after_trial and BasePruner.prune).
 *
 * Why a narrow view instead of the Study class: samplers and pruners must work the same on any
 * storage and be testable with a hand-made list of trials.
 */
import type { Distribution, ParamValue } from '../distributions.js';
import type { EnqueueItem, FinishedState, FrozenTrial, JsonValue, StudyDirection, TrialState } from '../types.js';
import { Generator, defaultGenerator } from '../../tensor/random.js';

export interface StudyView {
  readonly direction: StudyDirection;
  /** Trials ordered by number, optionally only those in `states`. */
  getTrials(opts?: { states?: readonly TrialState[] }): FrozenTrial[];
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): void;
  /** Finish the running optimize() after the current trial (Optuna's study.stop()). */
  stop(): void;
  /** Enqueue trials once per key for the whole study, atomically across workers (storage.enqueueTrialsOnce). */
  enqueueTrialsOnce?(key: string, trials: readonly EnqueueItem[]): number;
}

/** Parameters a sampler chose together for a trial before the objective runs. */
export interface RelativeSample {
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
}

export interface Sampler {
  /**
   * Called once per Study object before its first trial is claimed (e.g. the grid sampler
   * enqueues its points here, once for the whole study).
   */
  prepareStudy?(study: StudyView): void;
  /** True: trials are only taken from the queue; the study is done when the queue is empty. */
  readonly claimsEnqueuedOnly?: boolean;
  /** Called once a trial is claimed, before the objective runs. */
  beforeTrial?(study: StudyView, trial: FrozenTrial): void;
  /**
   * Optional joint proposal (Optuna's sample_relative), asked right after beforeTrial: a
   * suggest call whose name and distribution match one of these gets its value from here.
   */
  sampleRelative?(study: StudyView, trial: FrozenTrial): RelativeSample | null;
  /** A value for one parameter (external representation: a number or one of the choices). */
  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue;
  /** Called after the trial is finished (stored), with its final state. */
  afterTrial?(study: StudyView, trial: FrozenTrial, state: FinishedState, value: number | null): void;
}

export interface Pruner {
  /** Whether the trial (its intermediate values so far) should stop now. */
  prune(study: StudyView, trial: FrozenTrial): boolean;
}

export interface SeedOptions {
  /** Seed of a new Generator for this sampler. */
  seed?: number;
  /** Or a generator to draw from (shared with the caller). */
  generator?: Generator;
}

/** The sampler's generator: given, seeded, or forked from gradlab's default generator. */
export function samplerGenerator(opts: SeedOptions): Generator {
  if (opts.generator) return opts.generator;
  if (opts.seed !== undefined) return new Generator(opts.seed);
  return defaultGenerator().fork();
}
