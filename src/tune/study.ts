/**
 * Studies, as Optuna's: createStudy / loadStudy / deleteStudy, study.optimize(objective), the
 * ask-and-tell interface, enqueueTrial, and the best trial.
 *
 * A study is a name, a direction and its trials in a storage (in memory by default, or a
 * SQLite file shared by worker processes). Defaults as Optuna: direction 'minimize',
 * TPESampler, MedianPruner, a generated name. optimize() runs trials one after another (or
 * nJobs at a time for async objectives); an objective that throws TrialPruned ends its trial as
 * 'pruned' (value: its last intermediate value); one that returns NaN or a non-number ends it
 * as 'fail'; any other error marks the trial 'fail' and is thrown again unless `catch` says
 * otherwise (Optuna's default).
 */
import { randomUUID } from 'node:crypto';
import type { ParamValue } from './distributions.js';
import { MedianPruner } from './pruners.js';
import { optimizeProgress } from './progress.js';
import type { Pruner, Sampler, StudyView } from './samplers/base.js';
import { TPESampler } from './samplers/tpe.js';
import { InMemoryStorage, bestOf } from './storage/memory.js';
import { Heartbeat } from './heartbeat.js';
import { openStorageUrl } from './storage/open.js';
import { trialsDataFrame, type TrialRow } from './table.js';
import { Trial, TrialPruned, type TrialHost } from './trial.js';
import {
  DEAD_WORKER_ATTRS,
  DuplicatedStudyError,
  TrialNotRunningError,
  UnknownStudyError,
  type FinishedState,
  type FrozenTrial,
  type JsonValue,
  type Storage,
  type StudyDirection,
  type StudySummary,
  type TrialState,
} from './types.js';

export type Objective = (trial: Trial) => number | Promise<number>;
export type TrialCallback = (study: Study, trial: FrozenTrial) => void;
type ErrorClass = abstract new (...args: never[]) => Error;

export interface OptimizeOptions {
  /** Trials this call runs (in this process); default: until timeout or study.stop(). */
  nTrials?: number;
  /** Start no new trial after this many seconds. */
  timeoutSeconds?: number;
  /** Called after each trial is stored (Optuna's callbacks). */
  onTrialEnd?: TrialCallback;
  callbacks?: TrialCallback[];
  /** Errors that fail the trial but do not stop optimize (true: all). Default: none. */
  catch?: boolean | ErrorClass[];
  /** Trials in flight at once (useful when the objective awaits); default 1. */
  nJobs?: number;
  /** Progress bar on stderr; default: when stderr is a TTY. */
  showProgressBar?: boolean;
  /**
   * Stop once the study (all workers together) has this many trials, not counting failed
   * trials that were re-queued; the check is part of the claim transaction, so N workers
   * together make exactly this many.
   */
  studyTrials?: number;
}

/** How the study treats workers that die (stored with the study when it is created). */
export interface DeadWorkerOptions {
  /** Seconds without a heartbeat after which a running trial is failed (default 60). */
  graceSeconds?: number;
  /** Seconds between heartbeats (default: a quarter of the grace period, at most 10). */
  heartbeatSeconds?: number;
  /** Enqueue a trial failed for a dead worker again, with the same parameters (default false). */
  requeue?: boolean;
}

export interface CreateStudyOptions {
  studyName?: string;
  direction?: StudyDirection;
  sampler?: Sampler;
  pruner?: Pruner;
  /** A storage URL (a SQLite path, sqlite:///path, postgresql://…), a Storage, or null/undefined for memory. */
  storage?: string | Storage | null;
  loadIfExists?: boolean;
  /** Dead-worker policy, stored with a new study (an existing study keeps its own). */
  deadWorkers?: DeadWorkerOptions;
}

function openStorage(storage: string | Storage | null | undefined): { storage: Storage; owned: boolean } {
  if (storage === null || storage === undefined) return { storage: new InMemoryStorage(), owned: true };
  if (typeof storage === 'string') return { storage: openStorageUrl(storage), owned: true };
  return { storage, owned: false };
}

/** Grace and heartbeat seconds of a study from its system attributes (defaults 60 and 10). */
export function deadWorkerPolicy(attrs: Readonly<Record<string, JsonValue>>): Required<DeadWorkerOptions> {
  const grace = typeof attrs[DEAD_WORKER_ATTRS.graceSeconds] === 'number' ? (attrs[DEAD_WORKER_ATTRS.graceSeconds] as number) : 60;
  const beat = typeof attrs[DEAD_WORKER_ATTRS.heartbeatSeconds] === 'number' ? (attrs[DEAD_WORKER_ATTRS.heartbeatSeconds] as number) : Math.min(10, grace / 4);
  return { graceSeconds: grace, heartbeatSeconds: beat, requeue: attrs[DEAD_WORKER_ATTRS.requeue] === true };
}

export class Study implements TrialHost {
  readonly view: StudyView;
  private stopRequested = false;
  private prepared = false;
  private heartbeat: Heartbeat | null = null;

  constructor(
    readonly studyName: string,
    readonly studyId: number,
    readonly direction: StudyDirection,
    readonly storage: Storage,
    readonly sampler: Sampler,
    readonly pruner: Pruner,
    private readonly ownsStorage = false,
  ) {
    this.view = {
      direction,
      getTrials: (o) => this.getTrials(o),
      setTrialSystemAttr: (id, k, v) => storage.setTrialSystemAttr(id, k, v),
      stop: () => this.stop(),
      enqueueTrialsOnce: (key, items) => storage.enqueueTrialsOnce(studyId, key, items),
    };
  }

  /** Every trial, ordered by number. */
  get trials(): FrozenTrial[] {
    return this.storage.getTrials(this.studyId);
  }

  getTrials(opts: { states?: readonly TrialState[] } = {}): FrozenTrial[] {
    return this.storage.getTrials(this.studyId, opts.states);
  }

  /** The complete trial with the best value (the earliest on ties). */
  get bestTrial(): FrozenTrial {
    const complete = this.getTrials({ states: ['complete'] });
    const best = bestOf(complete.map((t) => t.value!), this.direction);
    if (best === null) {
      const n = this.trials.length;
      throw new Error(`study '${this.studyName}' has no complete trial yet (${n} trial${n === 1 ? '' : 's'} so far), so it has no best trial`);
    }
    return complete.find((t) => t.value === best)!;
  }

  get bestValue(): number {
    return this.bestTrial.value!;
  }

  get bestParams(): Readonly<Record<string, ParamValue>> {
    return this.bestTrial.params;
  }

  get userAttrs(): Readonly<Record<string, JsonValue>> {
    return this.storage.getStudy(this.studyName)?.userAttrs ?? {};
  }

  setUserAttr(key: string, value: JsonValue): void {
    this.storage.setStudyUserAttr(this.studyId, key, value);
  }

  /** Stop optimize() after the trials in flight. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Queue a trial whose parameters are fixed (parameters not given are sampled). With
   * skipIfExists, nothing is queued when a trial with the same params already exists.
   */
  enqueueTrial(params: Record<string, ParamValue>, opts: { userAttrs?: Record<string, JsonValue>; skipIfExists?: boolean } = {}): void {
    if (typeof params !== 'object' || params === null) throw new TypeError(`enqueueTrial: params must be an object of parameter values, got ${JSON.stringify(params)}`);
    if (opts.skipIfExists) {
      const key = JSON.stringify(Object.entries(params).sort());
      for (const t of this.trials) {
        const fixed = (t.systemAttrs.fixedParams as Record<string, ParamValue> | undefined) ?? t.params;
        if (JSON.stringify(Object.entries(fixed).sort()) === key) return;
      }
    }
    this.storage.enqueueTrial(this.studyId, params, opts.userAttrs ?? {});
  }

  /** Start a trial (the oldest enqueued one, else a new one) for the ask-and-tell interface. */
  ask(): Trial {
    const t = this.tryAsk({});
    if (!t) throw new Error(`ask: study '${this.studyName}' has no trial left to run (every grid point is claimed)`);
    return t;
  }

  /** ask(), or null when the study is done (grid exhausted, or `maxTrials` reached). */
  private tryAsk(opts: { maxTrials?: number }): Trial | null {
    if (!this.prepared) {
      this.prepared = true;
      this.sampler.prepareStudy?.(this.view);
    }
    const waitingOnly = this.sampler.claimsEnqueuedOnly === true;
    const frozen = waitingOnly || opts.maxTrials !== undefined ? this.storage.tryClaimTrial(this.studyId, { waitingOnly, ...(opts.maxTrials !== undefined ? { maxTrials: opts.maxTrials } : {}) }) : this.storage.claimTrial(this.studyId);
    if (!frozen) return null;
    this.beat()?.add(frozen.trialId);
    const trial = new Trial(this, frozen.trialId, frozen.number);
    this.sampler.beforeTrial?.(this.view, frozen);
    const relative = this.sampler.sampleRelative?.(this.view, this.storage.getTrial(frozen.trialId));
    if (relative && Object.keys(relative.params).length > 0) this.storage.setTrialSystemAttr(frozen.trialId, 'relativeParams', relative as unknown as JsonValue);
    return trial;
  }

  /** The heartbeat thread of this process for a storage other processes can see (started on first use). */
  private beat(): Heartbeat | null {
    if (this.heartbeat || !this.storage.url) return this.heartbeat;
    const policy = deadWorkerPolicy(this.storage.getStudy(this.studyName)?.systemAttrs ?? {});
    this.heartbeat = new Heartbeat(this.storage.url, policy.heartbeatSeconds);
    return this.heartbeat;
  }

  /**
   * Finish a trial: with a value it is 'complete' (NaN → 'fail'); state 'pruned' takes the last
   * intermediate value; state 'fail' has no value.
   */
  tell(trial: Trial | number, value?: number | null, state?: FinishedState): FrozenTrial {
    const t = typeof trial === 'number' ? this.trials.find((x) => x.number === trial) : trial.snapshot();
    if (!t) throw new RangeError(`tell: study '${this.studyName}' has no trial number ${String(trial)} (it has ${this.trials.length})`);
    let st: FinishedState = state ?? (value === undefined || value === null ? 'fail' : 'complete');
    let v: number | null = null;
    if (st === 'complete') {
      if (typeof value !== 'number' || Number.isNaN(value)) {
        process.emitWarning(`trial ${t.number} failed: the objective gave ${String(value)}, not a number`, 'TuneWarning');
        this.storage.setTrialSystemAttr(t.trialId, 'failReason', `objective value ${String(value)} is not a number`);
        st = 'fail';
      } else {
        v = value;
      }
    } else if (st === 'pruned') {
      const steps = [...t.intermediateValues.keys()];
      v = steps.length ? t.intermediateValues.get(Math.max(...steps))! : null;
    }
    this.heartbeat?.remove(t.trialId);
    let done: FrozenTrial;
    try {
      done = this.storage.finishTrial(t.trialId, st, v);
    } catch (e) {
      if (!(e instanceof TrialNotRunningError) || t.state !== 'running') throw e;
      // Failed as stale by another worker while this one still ran it (silent past the grace period).
      const now = this.storage.getTrial(t.trialId);
      process.emitWarning(`trial ${t.number} was marked ${now.state} by another worker (${String(now.systemAttrs.failReason ?? 'no reason recorded')}); its result here (${st}${v === null ? '' : ` ${v}`}) is not stored`, 'TuneWarning');
      return now;
    }
    this.sampler.afterTrial?.(this.view, done, st, v);
    return done;
  }

  private async runTrial(objective: Objective, caught: OptimizeOptions['catch'], maxTrials: number | undefined): Promise<FrozenTrial | null> {
    const trial = this.tryAsk(maxTrials !== undefined ? { maxTrials } : {});
    if (!trial) return null;
    let value: number;
    try {
      value = await objective(trial);
    } catch (e) {
      if (e instanceof TrialPruned) return this.tell(trial, null, 'pruned');
      if (e instanceof TrialNotRunningError && e.trialNumber === trial.number) return this.tell(trial, null, 'fail');
      this.storage.setTrialSystemAttr(trial.trialId, 'failReason', e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      const done = this.tell(trial, null, 'fail');
      const keep = caught === true || (Array.isArray(caught) && caught.some((c) => e instanceof c));
      if (!keep) throw e;
      return done;
    }
    return this.tell(trial, value, 'complete');
  }

  /** Run the objective on new trials (Optuna's study.optimize). */
  async optimize(objective: Objective, opts: OptimizeOptions = {}): Promise<void> {
    const { nTrials, timeoutSeconds } = opts;
    const nJobs = opts.nJobs ?? 1;
    if (typeof objective !== 'function') throw new TypeError(`optimize: objective must be a function (trial) => number, got ${typeof objective}`);
    if (nTrials !== undefined && (!Number.isInteger(nTrials) || nTrials < 0)) throw new RangeError(`optimize: nTrials must be an integer ≥ 0, got ${nTrials}`);
    if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) throw new RangeError(`optimize: timeoutSeconds must be > 0, got ${timeoutSeconds}`);
    if (!Number.isInteger(nJobs) || nJobs < 1) throw new RangeError(`optimize: nJobs must be an integer ≥ 1, got ${nJobs}`);
    if (opts.studyTrials !== undefined && (!Number.isInteger(opts.studyTrials) || opts.studyTrials < 0)) throw new RangeError(`optimize: studyTrials must be an integer ≥ 0, got ${opts.studyTrials}`);
    this.stopRequested = false;
    const t0 = Date.now();
    let started = 0;
    let finished = 0;
    let firstError: { e: unknown } | null = null;
    const callbacks = [...(opts.callbacks ?? []), ...(opts.onTrialEnd ? [opts.onTrialEnd] : [])];
    const bar = optimizeProgress({
      ...(nTrials !== undefined ? { nTrials } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(opts.showProgressBar !== undefined ? { enabled: opts.showProgressBar } : {}),
    });
    const best = (): number | null => bestOf(this.getTrials({ states: ['complete'] }).map((t) => t.value!), this.direction);
    const worker = async (): Promise<void> => {
      while (!this.stopRequested && !firstError) {
        if (nTrials !== undefined && started >= nTrials) return;
        if (timeoutSeconds !== undefined && (Date.now() - t0) / 1000 >= timeoutSeconds) return;
        started++;
        try {
          const done = await this.runTrial(objective, opts.catch, opts.studyTrials);
          if (!done) return; // the study is done: every grid point claimed, or studyTrials reached
          finished++;
          if (bar.shown) bar.update(finished, best());
          for (const cb of callbacks) cb(this, done);
        } catch (e) {
          firstError ??= { e };
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: nJobs }, worker));
    } finally {
      bar.stop();
    }
    if (firstError) throw (firstError as { e: unknown }).e;
  }

  /** One row per trial with Optuna's columns (see table.ts). */
  trialsDataFrame(): TrialRow[] {
    return trialsDataFrame(this.trials);
  }

  /** Mark 'fail' the running trials whose worker process is gone (SQLite storage). */
  failStaleTrials(): FrozenTrial[] {
    return this.storage.failStaleTrials(this.studyId);
  }

  /** Close the storage when the study opened it (a SQLite path). */
  close(): void {
    this.heartbeat?.stop();
    this.heartbeat = null;
    if (this.ownsStorage) this.storage.close();
  }
}

export function createStudy(opts: CreateStudyOptions = {}): Study {
  const direction = opts.direction ?? 'minimize';
  if (direction !== 'minimize' && direction !== 'maximize') throw new RangeError(`createStudy: direction must be 'minimize' or 'maximize', got ${JSON.stringify(direction)}`);
  const name = opts.studyName ?? `no-name-${randomUUID()}`;
  const { storage, owned } = openStorage(opts.storage);
  try {
    let rec = storage.getStudy(name);
    let created = false;
    if (rec && !opts.loadIfExists) rec = storage.createStudy(name, direction); // throws DuplicatedStudyError
    if (!rec) {
      try {
        rec = storage.createStudy(name, direction);
        created = true;
      } catch (e) {
        // Another worker created it between our look and our insert: load theirs.
        if (!(e instanceof DuplicatedStudyError && opts.loadIfExists)) throw e;
        rec = storage.getStudy(name)!;
      }
    }
    if (created && (opts.deadWorkers || storage.url)) {
      const d = opts.deadWorkers ?? {};
      if (d.graceSeconds !== undefined && !(d.graceSeconds > 0)) throw new RangeError(`createStudy: deadWorkers.graceSeconds must be > 0, got ${d.graceSeconds}`);
      if (d.heartbeatSeconds !== undefined && !(d.heartbeatSeconds > 0)) throw new RangeError(`createStudy: deadWorkers.heartbeatSeconds must be > 0, got ${d.heartbeatSeconds}`);
      const p = deadWorkerPolicy({ ...(d.graceSeconds !== undefined ? { [DEAD_WORKER_ATTRS.graceSeconds]: d.graceSeconds } : {}), ...(d.heartbeatSeconds !== undefined ? { [DEAD_WORKER_ATTRS.heartbeatSeconds]: d.heartbeatSeconds } : {}) });
      storage.setStudySystemAttr(rec.studyId, DEAD_WORKER_ATTRS.graceSeconds, p.graceSeconds);
      storage.setStudySystemAttr(rec.studyId, DEAD_WORKER_ATTRS.heartbeatSeconds, p.heartbeatSeconds);
      storage.setStudySystemAttr(rec.studyId, DEAD_WORKER_ATTRS.requeue, d.requeue === true);
    }
    if (opts.direction && rec.direction !== opts.direction) throw new Error(`createStudy: study '${name}' in ${storage.location} was created to ${rec.direction}, not ${direction}`);
    storage.failStaleTrials(rec.studyId);
    return new Study(name, rec.studyId, rec.direction, storage, opts.sampler ?? new TPESampler(), opts.pruner ?? new MedianPruner(), owned);
  } catch (e) {
    if (owned) storage.close();
    throw e;
  }
}

export interface LoadStudyOptions {
  studyName: string;
  storage: string | Storage;
  sampler?: Sampler;
  pruner?: Pruner;
}

export function loadStudy(opts: LoadStudyOptions): Study {
  const { storage, owned } = openStorage(opts.storage);
  const rec = storage.getStudy(opts.studyName);
  if (!rec) {
    const known = storage.listStudies().map((s) => s.studyName);
    if (owned) storage.close();
    throw new UnknownStudyError(opts.studyName, storage.location, known);
  }
  storage.failStaleTrials(rec.studyId);
  return new Study(rec.studyName, rec.studyId, rec.direction, storage, opts.sampler ?? new TPESampler(), opts.pruner ?? new MedianPruner(), owned);
}

export function deleteStudy(opts: { studyName: string; storage: string | Storage }): void {
  const { storage, owned } = openStorage(opts.storage);
  try {
    const rec = storage.getStudy(opts.studyName);
    if (!rec) throw new UnknownStudyError(opts.studyName, storage.location, storage.listStudies().map((s) => s.studyName));
    storage.deleteStudy(rec.studyId);
  } finally {
    if (owned) storage.close();
  }
}

export function getAllStudySummaries(storageArg: string | Storage): StudySummary[] {
  const { storage, owned } = openStorage(storageArg);
  try {
    return storage.listStudies();
  } finally {
    if (owned) storage.close();
  }
}
