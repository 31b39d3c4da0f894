/**
 * In-memory storage: the default when createStudy gets no storage (Optuna's InMemoryStorage).
 * Lives and dies with the process; a study here cannot be shared between processes.
 *
 * Reads return snapshots: a FrozenTrial never changes after it is returned (a write makes a
 * new snapshot), so callers may keep one. Snapshots are shared between reads (samplers read
 * every trial for every suggestion); treat them as read-only, as their types say.
 */
import { hostname } from 'node:os';
import type { Distribution, ParamValue } from '../distributions.js';
import {
  DuplicatedStudyError,
  isFinished,
  type FinishedState,
  type FrozenTrial,
  type JsonValue,
  type Storage,
  type StudyDirection,
  type StudyRecord,
  type StudySummary,
  type TrialState,
  type EnqueueItem,
  type ClaimOptions,
  TrialNotRunningError,
} from '../types.js';

interface MutableTrial {
  number: number;
  trialId: number;
  studyId: number;
  state: TrialState;
  value: number | null;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  intermediateValues: Map<number, number>;
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  datetimeStart: Date | null;
  datetimeComplete: Date | null;
}

interface MutableStudy {
  studyId: number;
  studyName: string;
  direction: StudyDirection;
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  datetimeStart: Date;
  trials: MutableTrial[];
}

const clone = <T>(v: T): T => structuredClone(v);

export function freezeTrial(t: MutableTrial): FrozenTrial {
  return {
    number: t.number,
    trialId: t.trialId,
    state: t.state,
    value: t.value,
    params: { ...t.params },
    distributions: { ...t.distributions },
    intermediateValues: new Map(t.intermediateValues),
    userAttrs: clone(t.userAttrs),
    systemAttrs: clone(t.systemAttrs),
    datetimeStart: t.datetimeStart ? new Date(t.datetimeStart) : null,
    datetimeComplete: t.datetimeComplete ? new Date(t.datetimeComplete) : null,
  };
}

/** Best value among complete trials for a direction, or null. */
export function bestOf(values: Iterable<number>, direction: StudyDirection): number | null {
  let best: number | null = null;
  for (const v of values) if (best === null || (direction === 'minimize' ? v < best : v > best)) best = v;
  return best;
}

export class InMemoryStorage implements Storage {
  readonly location = 'memory';
  private studies = new Map<number, MutableStudy>();
  private trials = new Map<number, MutableTrial>();
  private snapshots = new Map<number, FrozenTrial>();
  private nextStudyId = 1;
  private nextTrialId = 1;

  private study(studyId: number): MutableStudy {
    const s = this.studies.get(studyId);
    if (!s) throw new Error(`in-memory storage: no study with id ${studyId}`);
    return s;
  }

  /** The stored trial, to change: its snapshot is dropped. */
  private trial(trialId: number): MutableTrial {
    const t = this.trials.get(trialId);
    if (!t) throw new Error(`in-memory storage: no trial with id ${trialId}`);
    this.snapshots.delete(trialId);
    return t;
  }

  private snapshot(t: MutableTrial): FrozenTrial {
    let f = this.snapshots.get(t.trialId);
    if (!f) this.snapshots.set(t.trialId, (f = freezeTrial(t)));
    return f;
  }

  private record(s: MutableStudy): StudyRecord {
    return { studyId: s.studyId, studyName: s.studyName, direction: s.direction, userAttrs: clone(s.userAttrs), systemAttrs: clone(s.systemAttrs), datetimeStart: new Date(s.datetimeStart) };
  }

  createStudy(name: string, direction: StudyDirection): StudyRecord {
    if (this.getStudy(name)) throw new DuplicatedStudyError(name, this.location);
    const s: MutableStudy = { studyId: this.nextStudyId++, studyName: name, direction, userAttrs: {}, systemAttrs: {}, datetimeStart: new Date(), trials: [] };
    this.studies.set(s.studyId, s);
    return this.record(s);
  }

  getStudy(name: string): StudyRecord | null {
    for (const s of this.studies.values()) if (s.studyName === name) return this.record(s);
    return null;
  }

  listStudies(): StudySummary[] {
    return [...this.studies.values()].map((s) => ({
      ...this.record(s),
      nTrials: s.trials.length,
      bestValue: bestOf(s.trials.filter((t) => t.state === 'complete').map((t) => t.value!), s.direction),
    }));
  }

  deleteStudy(studyId: number): void {
    const s = this.study(studyId);
    for (const t of s.trials) this.trials.delete(t.trialId);
    this.studies.delete(studyId);
  }

  setStudyUserAttr(studyId: number, key: string, value: JsonValue): void {
    this.study(studyId).userAttrs[key] = clone(value);
  }

  setStudySystemAttr(studyId: number, key: string, value: JsonValue): void {
    this.study(studyId).systemAttrs[key] = clone(value);
  }

  private newTrial(s: MutableStudy, state: TrialState): MutableTrial {
    const t: MutableTrial = {
      number: s.trials.length,
      trialId: this.nextTrialId++,
      studyId: s.studyId,
      state,
      value: null,
      params: {},
      distributions: {},
      intermediateValues: new Map(),
      userAttrs: {},
      systemAttrs: {},
      datetimeStart: state === 'running' ? new Date() : null,
      datetimeComplete: null,
    };
    s.trials.push(t);
    this.trials.set(t.trialId, t);
    return t;
  }

  enqueueTrial(studyId: number, params: Record<string, ParamValue>, userAttrs: Record<string, JsonValue>): FrozenTrial {
    const t = this.newTrial(this.study(studyId), 'waiting');
    t.systemAttrs.fixedParams = clone(params);
    t.userAttrs = clone(userAttrs);
    return this.snapshot(t);
  }

  claimTrial(studyId: number): FrozenTrial {
    const s = this.study(studyId);
    let t = s.trials.find((x) => x.state === 'waiting');
    if (t) {
      t.state = 'running';
      t.datetimeStart = new Date();
    } else {
      t = this.newTrial(s, 'running');
    }
    this.snapshots.delete(t.trialId);
    t.systemAttrs.pid = process.pid;
    t.systemAttrs.hostname = hostname();
    return this.snapshot(t);
  }

  tryClaimTrial(studyId: number, opts: ClaimOptions): FrozenTrial | null {
    const s = this.study(studyId);
    if (s.trials.some((x) => x.state === 'waiting')) return this.claimTrial(studyId);
    if (opts.waitingOnly) return null;
    if (opts.maxTrials !== undefined && s.trials.filter((t) => t.state !== 'waiting' && !(t.state === 'fail' && t.systemAttrs.requeuedAs !== undefined)).length >= opts.maxTrials) return null;
    return this.claimTrial(studyId);
  }

  enqueueTrialsOnce(studyId: number, key: string, trials: readonly EnqueueItem[]): number {
    const s = this.study(studyId);
    const mark = `enqueued:${key}`;
    if (s.systemAttrs[mark] !== undefined) return 0;
    for (const item of trials) {
      const t = this.newTrial(s, 'waiting');
      t.systemAttrs = { ...clone(item.systemAttrs ?? {}), fixedParams: clone(item.params) };
    }
    s.systemAttrs[mark] = trials.length;
    return trials.length;
  }

  heartbeat(): void {
    // every trial here belongs to this process
  }

  private running(trialId: number, what: string): MutableTrial {
    const t = this.trial(trialId);
    if (t.state !== 'running') throw new TrialNotRunningError(t.number, t.state, what);
    return t;
  }

  setTrialParam(trialId: number, name: string, value: ParamValue, distribution: Distribution): void {
    const t = this.running(trialId, `set parameter '${name}'`);
    t.params[name] = value;
    t.distributions[name] = distribution;
  }

  setTrialIntermediateValue(trialId: number, step: number, value: number): void {
    this.running(trialId, `report at step ${step}`).intermediateValues.set(step, value);
  }

  setTrialUserAttr(trialId: number, key: string, value: JsonValue): void {
    this.trial(trialId).userAttrs[key] = clone(value);
  }

  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): void {
    this.trial(trialId).systemAttrs[key] = clone(value);
  }

  finishTrial(trialId: number, state: FinishedState, value: number | null): FrozenTrial {
    const t = this.trial(trialId);
    if (isFinished(t.state)) throw new TrialNotRunningError(t.number, t.state, 'finish');
    t.state = state;
    t.value = value;
    t.datetimeComplete = new Date();
    if (!t.datetimeStart) t.datetimeStart = t.datetimeComplete;
    return this.snapshot(t);
  }

  getTrial(trialId: number): FrozenTrial {
    const t = this.trials.get(trialId);
    if (!t) throw new Error(`in-memory storage: no trial with id ${trialId}`);
    return this.snapshot(t);
  }

  getTrials(studyId: number, states?: readonly TrialState[]): FrozenTrial[] {
    const all = this.study(studyId).trials;
    return (states ? all.filter((t) => states.includes(t.state)) : all).map((t) => this.snapshot(t));
  }

  failStaleTrials(): FrozenTrial[] {
    return []; // every trial here belongs to this process
  }

  close(): void {
    // nothing to release
  }
}
