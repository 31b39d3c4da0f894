/**
 * Tuning any study: `gradlab tune <study> --space … --trials N --storage URL --study NAME` and
 * `gradlab tune worker --storage URL --study NAME`.
 *
 * The search (objective, space, sampler, pruner, seed, trial budget, epochs, metric, fixed
 * parameters) is stored with the tune study (system attribute 'gradlabTune'), so a worker on any
 * machine needs only the storage URL and the study name to join. Each trial runs the study once
 * with the trial's parameters (the study's own checks apply), records its runs in the run store
 * (run config: tuneStudy, tuneTrial; trial user attribute runIds), reports the study's main
 * validation metric after every epoch (for the pruner) and returns its last value.
 *
 * Which metric: --metric, else 'val/loss' when the study reports it per epoch, else the first
 * 'val/…' metric, else 'train/loss' (said once, in one line). Direction: minimize, unless the
 * metric names an accuracy/F1/AUC (maximize) or --direction says otherwise.
 */
import { hostname } from 'node:os';
import { findStudy } from '../studies/index.js';
import { checkParamValue, describeParam, StudyParamError } from '../studies/params.js';
import type { ParamSpec, Study as LabStudy, StudyResult } from '../studies/study.js';
import { StudyTracking, type StudyConfig } from '../studies/tracking.js';
import { unknownNameMessage } from '../tensor/options.js';
import type { EpochLogs, FitContext } from '../train/callbacks.js';
import { parseStorageUrl } from '../track/storage-url.js';
import { RunStore } from '../track/store.js';
import { Tracker } from '../track/tracker.js';
import type { JsonValue } from '../track/types.js';
import { mlpObjective, quadratic, type DemoObjective } from '../tune/demo.js';
import type { ParamValue } from '../tune/distributions.js';
import { MedianPruner, NopPruner } from '../tune/pruners.js';
import type { Pruner, Sampler } from '../tune/samplers/base.js';
import { GridSampler } from '../tune/samplers/grid.js';
import { RandomSampler } from '../tune/samplers/random.js';
import { TPESampler } from '../tune/samplers/tpe.js';
import { gridOfSpace, parseSpace, suggestSpace, type SpaceParam } from '../tune/space.js';
import { createStudy, loadStudy, type Objective, type Study } from '../tune/study.js';
import { Trial, TrialPruned } from '../tune/trial.js';
import type { StudyDirection } from '../tune/types.js';

export const SPEC_ATTR = 'gradlabTune';

/** Everything a worker needs to run trials of a study; stored with the study. */
export interface TuneSpec {
  /** 'study:<name>' (a gradlab study), 'demo:quadratic', 'demo:mlp' or 'demo:trivial'. */
  objective: string;
  space: string[];
  sampler: 'tpe' | 'random' | 'grid';
  pruner: 'median' | 'none';
  seed: number;
  /** Trials of the study in all (failed-and-re-queued ones not counted). */
  trials: number;
  epochs: number | null;
  metric: string | null;
  /** Fixed study parameters (--set). */
  set: Record<string, string>;
  /** Record a run per trial: true = in the storage's database (same URL), false = no runs. */
  track: boolean;
}

const DEMOS: Record<string, () => DemoObjective> = {
  'demo:quadratic': () => quadratic,
  'demo:mlp': () => mlpObjective({ seed: 0 }),
};

/** A one-parameter objective that costs nothing: to measure what the storage itself costs per trial. */
const trivial: Objective = (t) => (t.suggestFloat('x', -1, 1) - 0.5) ** 2;

export function isMaximizeMetric(metric: string): boolean {
  return /acc|f1|auc|precision|recall|purity|rand|r2/i.test(metric.split('/').pop() ?? metric);
}

/** Check a search space against a study's declared parameters: names, types and ranges. */
export function checkSpace(study: LabStudy, space: readonly SpaceParam[], set: Readonly<Record<string, string>>): void {
  const specs = new Map<string, ParamSpec>((study.params ?? []).map((p) => [p.name, p]));
  const valid = [...specs.keys()];
  for (const p of space) {
    const spec = specs.get(p.name);
    if (!spec) throw new StudyParamError(`${study.name}: --space ${JSON.stringify(p.text)}: ${unknownNameMessage('parameter', p.name, valid)}; the study declares: ${valid.length ? valid.join(', ') : 'none'}`);
    if (p.name in set) throw new StudyParamError(`${study.name}: parameter '${p.name}' is both searched (--space) and fixed (--set ${p.name}=${set[p.name]})`);
    const bad = (why: string): StudyParamError => new StudyParamError(`${study.name}: --space ${JSON.stringify(p.text)}: ${why} (${describeParam(spec)})`);
    if (spec.list || spec.type === 'path' || spec.type === 'string') throw bad(`a ${spec.list ? 'list' : spec.type} parameter cannot be searched`);
    const values: ParamValue[] = p.kind === 'categorical' ? [...p.choices] : [p.low, p.high];
    if (p.kind !== 'categorical') {
      if (spec.type !== 'int' && spec.type !== 'float') throw bad(`${p.kind} range for a ${spec.type} parameter; use choice(...)`);
      if (spec.type === 'int' && p.kind === 'float') throw bad(`'${p.name}' is an integer; use int(low,high) or logint(low,high)`);
    }
    for (const v of values) {
      try {
        checkParamValue(study.name, spec, v === null ? 'null' : v);
      } catch (e) {
        const why = e instanceof StudyParamError ? e.message.replace(/^.*?: [^:]*?: /, '').replace(/ \(.*\)$/, '') : String(e);
        throw bad(`${JSON.stringify(v)} is ${why}`);
      }
    }
  }
}

export function samplerFor(spec: TuneSpec, space: readonly SpaceParam[], seed: number): Sampler {
  if (spec.sampler === 'grid') {
    const grid = spec.objective.startsWith('study:') ? gridOfSpace(space) : DEMOS[spec.objective]?.().grid ?? { x: [-1, -0.5, 0, 0.5, 1] };
    return new GridSampler(grid, { seed: spec.seed }); // one order for every worker: the queue is filled once
  }
  if (spec.sampler === 'random') return new RandomSampler({ seed });
  return new TPESampler({ seed });
}

function prunerFor(spec: TuneSpec): Pruner {
  return spec.pruner === 'none' ? new NopPruner() : new MedianPruner({ nWarmupSteps: spec.objective === 'demo:mlp' ? 5 : 1 });
}

/** Records each run of a trial in the store and reports the metric to the trial after each epoch. */
class TrialTracking extends StudyTracking {
  private reported = false;
  chosen: string | null = null;

  constructor(
    private readonly runStore: RunStore | null,
    study: string,
    seed: number,
    private readonly trial: Trial,
    private readonly tuneStudy: string,
    private readonly metric: string | null,
    private readonly say: (line: string) => void,
  ) {
    super(runStore, study, seed);
  }

  override variant(name: string, config: StudyConfig): Tracker | null {
    const linked: StudyConfig = { ...config, tuneStudy: this.tuneStudy, tuneTrial: this.trial.number, tuneParams: this.trial.params as Record<string, JsonValue> };
    const first = !this.reported;
    this.reported = true;
    const run = this.runStore?.startRun({ name: `${this.study}/${name}/trial-${this.trial.number}`, study: this.study, config: linked, seed: this.seed }) ?? null;
    if (run) this.runs.push(run);
    const self = this;
    // Only the first variant of a trial reports to the pruner (studies that train several models report one).
    const report = (logs: EpochLogs): void => {
      if (!first) return;
      const m = self.pick(logs.metrics);
      if (m === null) return;
      const v = logs.metrics[m]!;
      if (Number.isFinite(v)) self.trial.report(v, logs.epoch);
      if (self.trial.shouldPrune()) throw new TrialPruned(`trial ${self.trial.number} pruned at epoch ${logs.epoch} (${m} = ${v})`);
    };
    if (run) {
      return new (class extends Tracker {
        override onEpochEnd(ctx: FitContext, logs: EpochLogs): void {
          super.onEpochEnd(ctx, logs);
          report(logs);
        }
      })(run, { finishOnEnd: false, histogramEvery: 0 });
    }
    return null;
  }

  /** The metric to optimize among an epoch's metrics (see the file comment). */
  pick(metrics: Record<string, number>): string | null {
    if (this.chosen) return this.chosen in metrics ? this.chosen : null;
    const keys = Object.keys(metrics);
    if (this.metric) {
      if (!(this.metric in metrics)) throw new Error(`--metric ${this.metric}: the study reports no such metric per epoch; it reports ${keys.join(', ')}`);
      this.chosen = this.metric;
    } else if ('val/loss' in metrics) this.chosen = 'val/loss';
    else {
      this.chosen = keys.find((k) => k.startsWith('val/')) ?? ('train/loss' in metrics ? 'train/loss' : keys[0] ?? null);
      if (this.chosen) this.say(`note: ${this.study} reports no val/loss per epoch; tuning on ${this.chosen}`);
    }
    return this.chosen;
  }
}

/** The objective of a stored spec, with the run store it records into (null: none). */
export function objectiveFor(spec: TuneSpec, tuneStudy: string, store: RunStore | null, say: (line: string) => void): Objective {
  const demo = DEMOS[spec.objective];
  if (demo || spec.objective === 'demo:trivial') {
    const fn = demo ? demo().objective : trivial;
    return async (trial) => {
      const value = await fn(trial);
      if (store) {
        const run = store.startRun({ name: `${spec.objective}/trial-${trial.number}`, study: `tune:${spec.objective}`, config: { tuneStudy, tuneTrial: trial.number, tuneParams: trial.params as Record<string, JsonValue> }, seed: spec.seed, handleSignals: false });
        run.logScalar('objective', value, 0);
        run.finish();
        trial.setUserAttr('runIds', [run.id]);
      }
      return value;
    };
  }
  if (!spec.objective.startsWith('study:')) throw new Error(`unknown objective '${spec.objective}' in study '${tuneStudy}' (expected study:<name> or demo:quadratic|mlp|trivial)`);
  const lab = findStudy(spec.objective.slice('study:'.length));
  const space = parseSpace(spec.space);
  checkSpace(lab, space, spec.set);
  let said = false;
  const sayOnce = (l: string): void => {
    if (!said) say(l);
    said = true;
  };
  return async (trial) => {
    const values = suggestSpace(trial, space);
    const tracking = new TrialTracking(store, lab.name, spec.seed, trial, tuneStudy, spec.metric, sayOnce);
    let result: StudyResult;
    try {
      result = await lab.run({ seed: spec.seed, ...(spec.epochs !== null ? { epochs: spec.epochs } : {}), params: { ...spec.set, ...(values as Record<string, string | number | boolean>) }, tracking, log: () => undefined });
      tracking.finish();
    } catch (e) {
      tracking.finish(e instanceof TrialPruned ? undefined : e);
      throw e;
    } finally {
      if (tracking.runIds.length) trial.setUserAttr('runIds', tracking.runIds);
    }
    const last = result.history[result.history.length - 1];
    const m = last ? tracking.pick(last) : null;
    if (m !== null && last && typeof last[m] === 'number') {
      trial.setUserAttr('metric', m);
      return last[m];
    }
    sayOnce(`note: ${lab.name} reports no metric per epoch; the objective is its test loss`);
    trial.setUserAttr('metric', 'test/loss');
    return result.testLoss;
  };
}

export interface WorkerReport {
  ran: number;
  complete: number;
  pruned: number;
  failed: number;
}

/**
 * Run trials of a stored study until it has its trials (or its grid is done). `seedOffset`
 * gives each worker its own sampler stream (TPE/random), so workers do not propose alike.
 */
export async function runWorker(storageUrl: string, studyName: string, o: { seedOffset?: number; say?: (l: string) => void; dbUrl?: string; maxTrials?: number } = {}): Promise<WorkerReport> {
  const say = o.say ?? ((l: string) => void process.stderr.write(l + '\n'));
  const probe = loadStudy({ studyName, storage: storageUrl });
  const raw = probe.storage.getStudy(studyName)!.systemAttrs[SPEC_ATTR];
  probe.close();
  if (!raw || typeof raw !== 'object') throw new Error(`study '${studyName}' in ${parseStorageUrl(storageUrl).shown} was not made by 'gradlab tune <study>' (no ${SPEC_ATTR} record); nothing tells a worker what to run`);
  const spec = raw as unknown as TuneSpec;
  const space = spec.objective.startsWith('study:') ? parseSpace(spec.space) : [];
  const seed = spec.seed * 1000 + (o.seedOffset ?? (process.pid % 997));
  const study = loadStudy({ studyName, storage: storageUrl, sampler: samplerFor(spec, space, seed), pruner: prunerFor(spec) });
  const store = spec.track ? RunStore.open(o.dbUrl ?? storageUrl) : null;
  const rep: WorkerReport = { ran: 0, complete: 0, pruned: 0, failed: 0 };
  try {
    await study.optimize(objectiveFor(spec, studyName, store, say), {
      studyTrials: spec.trials,
      ...(o.maxTrials !== undefined ? { nTrials: o.maxTrials } : {}),
      catch: true,
      showProgressBar: false,
      onTrialEnd: (_s, t) => {
        rep.ran++;
        if (t.state === 'complete') rep.complete++;
        else if (t.state === 'pruned') rep.pruned++;
        else rep.failed++;
      },
    });
  } finally {
    study.close();
    store?.close();
  }
  return rep;
}

export interface NewTuneOptions {
  storage: string;
  studyName: string;
  spec: TuneSpec;
  direction: StudyDirection;
  graceSeconds?: number;
  heartbeatSeconds?: number;
  requeue?: boolean;
}

/** Create the tune study (or check that an existing one has the same search) and store its spec. */
export function prepareTuneStudy(o: NewTuneOptions): Study {
  const { spec } = o;
  if (spec.objective.startsWith('study:')) {
    const lab = findStudy(spec.objective.slice('study:'.length));
    const space = parseSpace(spec.space);
    if (space.length === 0) throw new StudyParamError(`${lab.name}: give the search space with --space name=form(args), e.g. --space "lr=loguniform(1e-4,1e-1)"; the study declares: ${(lab.params ?? []).map((p) => p.name).join(', ') || 'no parameters'}`);
    checkSpace(lab, space, spec.set);
    if (spec.sampler === 'grid') gridOfSpace(space);
  }
  const study = createStudy({
    studyName: o.studyName,
    storage: o.storage,
    direction: o.direction,
    loadIfExists: true,
    deadWorkers: { ...(o.graceSeconds !== undefined ? { graceSeconds: o.graceSeconds } : {}), ...(o.heartbeatSeconds !== undefined ? { heartbeatSeconds: o.heartbeatSeconds } : {}), requeue: o.requeue ?? false },
  });
  const rec = study.storage.getStudy(o.studyName)!;
  const existing = rec.systemAttrs[SPEC_ATTR] as unknown as TuneSpec | undefined;
  if (existing) {
    const a = JSON.stringify({ ...existing, trials: 0 });
    const b = JSON.stringify({ ...spec, trials: 0 });
    if (a !== b) {
      study.close();
      throw new Error(`study '${o.studyName}' in ${study.storage.location} exists with another search (${existing.objective}, ${existing.space.join(' ')}, ${existing.sampler}); pick another --study name, or join it with 'gradlab tune worker'`);
    }
  }
  study.storage.setStudySystemAttr(rec.studyId, SPEC_ATTR, spec as unknown as JsonValue);
  study.storage.setStudySystemAttr(rec.studyId, 'createdOn', hostname());
  return study;
}
