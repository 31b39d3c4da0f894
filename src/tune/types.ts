/**
 * The records a study is made of, shared by the study, the samplers, the pruners and both
 * storages: trial states, the frozen (read-only) view of a trial, and the storage contract.
 *
 * Why separate: samplers and pruners read trials but must not depend on the Study class, and
 * the in-memory and SQLite storages must return exactly the same shapes.
 */
import type { JsonValue } from '../track/types.js';
import type { Distribution, ParamValue } from './distributions.js';

export type { JsonValue };

/** Optuna's states in lower case; 'waiting' is an enqueued trial no worker has claimed yet. */
export type TrialState = 'waiting' | 'running' | 'complete' | 'pruned' | 'fail';
export type FinishedState = 'complete' | 'pruned' | 'fail';
export type StudyDirection = 'minimize' | 'maximize';

export const TRIAL_STATES: readonly TrialState[] = ['waiting', 'running', 'complete', 'pruned', 'fail'];

export function isFinished(s: TrialState): s is FinishedState {
  return s === 'complete' || s === 'pruned' || s === 'fail';
}

/** A snapshot of a trial, as Optuna's FrozenTrial (camelCase). */
export interface FrozenTrial {
  /** 0, 1, 2, … within the study, in the order trials were created. */
  readonly number: number;
  /** Unique across the storage. */
  readonly trialId: number;
  readonly state: TrialState;
  /** The objective's value (complete), the last intermediate value (pruned), else null. */
  readonly value: number | null;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** step → reported value, in report order. */
  readonly intermediateValues: ReadonlyMap<number, number>;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  readonly datetimeStart: Date | null;
  readonly datetimeComplete: Date | null;
}

/** The largest step reported, or null (Optuna's FrozenTrial.last_step). */
export function lastStep(t: FrozenTrial): number | null {
  let last: number | null = null;
  for (const s of t.intermediateValues.keys()) if (last === null || s > last) last = s;
  return last;
}

/** Seconds from start to completion, or null while unfinished. */
export function durationSeconds(t: FrozenTrial): number | null {
  return t.datetimeStart && t.datetimeComplete ? (t.datetimeComplete.getTime() - t.datetimeStart.getTime()) / 1000 : null;
}

export interface StudyRecord {
  readonly studyId: number;
  readonly studyName: string;
  readonly direction: StudyDirection;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  readonly datetimeStart: Date;
}

export interface StudySummary extends StudyRecord {
  readonly nTrials: number;
  readonly bestValue: number | null;
}

/**
 * Where studies and trials live. All calls are synchronous. A trial is written only by the
 * process that claimed it; claimTrial is atomic across processes (SQLite: one IMMEDIATE
 * transaction), so two workers never get the same trial number or the same enqueued trial.
 */
export interface Storage {
  /** A human-readable place, e.g. 'memory' or the database path (used in error messages). */
  readonly location: string;
  /** Throws DuplicatedStudyError when the name is taken. */
  createStudy(name: string, direction: StudyDirection): StudyRecord;
  getStudy(name: string): StudyRecord | null;
  listStudies(): StudySummary[];
  deleteStudy(studyId: number): void;
  setStudyUserAttr(studyId: number, key: string, value: JsonValue): void;
  setStudySystemAttr(studyId: number, key: string, value: JsonValue): void;
  /** Add a 'waiting' trial whose params are fixed (systemAttrs.fixedParams); returns it. */
  enqueueTrial(studyId: number, params: Record<string, ParamValue>, userAttrs: Record<string, JsonValue>): FrozenTrial;
  /** Atomically take the oldest waiting trial, or create a new one; it becomes 'running'. */
  claimTrial(studyId: number): FrozenTrial;
  setTrialParam(trialId: number, name: string, value: ParamValue, distribution: Distribution): void;
  setTrialIntermediateValue(trialId: number, step: number, value: number): void;
  setTrialUserAttr(trialId: number, key: string, value: JsonValue): void;
  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): void;
  /** Throws when the trial already finished (naming its number and state). */
  finishTrial(trialId: number, state: FinishedState, value: number | null): FrozenTrial;
  getTrial(trialId: number): FrozenTrial;
  /** Trials of a study ordered by number, optionally only those in `states`. */
  getTrials(studyId: number, states?: readonly TrialState[]): FrozenTrial[];
  /**
   * Like claimTrial, but null instead of a new trial when `waitingOnly` and none is waiting (a
   * grid study whose points are all claimed), or when the study already has `maxTrials` trials
   * (not counting waiting ones, nor failed ones that were re-queued). Stale trials are failed
   * (and re-queued) first, as failStaleTrials, in the same transaction.
   */
  tryClaimTrial(studyId: number, opts: ClaimOptions): FrozenTrial | null;
  /**
   * Enqueue these trials once per study and key, atomically: the first worker to call it with a
   * key enqueues them all, later calls (any process) enqueue nothing. Returns how many it queued.
   */
  enqueueTrialsOnce(studyId: number, key: string, trials: readonly EnqueueItem[]): number;
  /** Record that these running trials' worker is alive (storage clock). */
  heartbeat(trialIds: readonly number[]): void;
  /**
   * Mark 'fail' the running trials whose worker is gone: its process on this host has exited,
   * or (when the study sets DEAD_WORKER_ATTRS.graceSeconds) it has sent no heartbeat for longer
   * than the grace period. When the study sets DEAD_WORKER_ATTRS.requeue, each failed trial is
   * enqueued again with the same parameters. Returns the failed trials.
   */
  failStaleTrials(studyId: number): FrozenTrial[];
  /** The URL another thread or process can open this storage with (absent: in memory). */
  readonly url?: string;
  close(): void;
}

export interface ClaimOptions {
  waitingOnly?: boolean;
  maxTrials?: number;
}

/** A trial to enqueue: fixed parameters and extra system attributes (e.g. a grid point id). */
export interface EnqueueItem {
  params: Record<string, ParamValue>;
  systemAttrs?: Record<string, JsonValue>;
}

/** Study system attributes that say how dead workers are handled (set when the study is created). */
export const DEAD_WORKER_ATTRS = {
  /** Seconds a running trial's worker may stay silent before the trial is failed. */
  graceSeconds: 'deadWorkerGraceSeconds',
  /** Seconds between a worker's heartbeats. */
  heartbeatSeconds: 'heartbeatSeconds',
  /** true: a trial failed for a dead worker is enqueued again with the same parameters. */
  requeue: 'requeueDeadTrials',
} as const;

/** Thrown when a trial was finished by someone else (e.g. failed as stale) while its worker still ran it. */
export class TrialNotRunningError extends Error {
  constructor(readonly trialNumber: number, readonly state: TrialState, what: string) {
    super(what === 'finish' ? `trial ${trialNumber} already finished as ${state}; it cannot be told again` : `${what}: trial ${trialNumber} is ${state}, not running`);
    this.name = 'TrialNotRunningError';
  }
}

export class DuplicatedStudyError extends Error {
  constructor(readonly studyName: string, readonly location: string) {
    super(`a study named '${studyName}' already exists in ${location}; pass loadIfExists: true (--load-if-exists) to resume it, or pick another name`);
    this.name = 'DuplicatedStudyError';
  }
}

export class UnknownStudyError extends Error {
  constructor(readonly studyName: string, readonly location: string, known: string[]) {
    super(`no study named '${studyName}' in ${location}; studies there: ${known.length ? known.map((k) => `'${k}'`).join(', ') : '(none)'}`);
    this.name = 'UnknownStudyError';
  }
}
