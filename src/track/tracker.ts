/**
 * Tracker: the fit-loop callback that records a run without any code in the model.
 *
 * Each epoch it logs every metric of the epoch logs as a scalar (step = epoch), and every
 * `histogramEvery` epochs a histogram of each parameter's weights ('weights/<name>') and of its
 * gradient after the epoch's last batch ('grads/<name>'), all in one transaction. Before
 * training it logs the initial weights at step 0. With `logBatches`, the loss of every batch
 * goes to 'batch/loss' at the global step. When training ends the run is finished; an error
 * that escapes fit() is recorded by `tracker.fail(err)` or, failing that, at process exit.
 *
 *   const tracker = Tracker.start({ study: 'mnist-mlp', config, seed });   // opens the store
 *   await fit(model, { ..., callbacks: [tracker] });
 */
import type { Callback, EpochLogs, FitContext } from '../train/callbacks.js';
import { ReLU } from '../nn/activation.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import { DEAD_RELU_PREFIX } from './diagnostics.js';
import type { Run } from './run.js';
import { RunStore, type StartRunOptions } from './store.js';

/** The part of the fit context the tracker reads. */
type ModelLike = Pick<FitContext, 'model'>;

export interface TrackerOptions {
  /** Log histograms every this many epochs (0: never). Default 1. */
  histogramEvery?: number;
  /** Log gradient histograms too. Default true. */
  gradients?: boolean;
  /** Log each batch's loss as 'batch/loss' at the global step. Default false. */
  logBatches?: boolean;
  /** Histogram bucket count. Default 30. */
  buckets?: number;
  /** Finish the run in onTrainEnd. Default true. */
  finishOnEnd?: boolean;
  /**
   * Log, per ReLU module, the fraction of its units never active on the first batch the model
   * sees in eval mode each epoch (the validation batch) as 'diag/dead_relu/<module path>'.
   * Default true; ReLUs applied as functions (not modules) are not seen.
   */
  deadRelu?: boolean;
}

/** Watches one ReLU module's outputs in eval mode: which units were ever > 0. */
interface ReluProbe {
  path: string;
  module: Module;
  active: Uint8Array | null;
  seen: number;
}

export class Tracker implements Callback {
  private readonly histogramEvery: number;
  private readonly gradients: boolean;
  private readonly logBatches: boolean;
  private readonly buckets: number | undefined;
  private readonly finishOnEnd: boolean;
  private readonly deadRelu: boolean;
  private probes: ReluProbe[] = [];

  constructor(readonly run: Run, opts: TrackerOptions = {}) {
    this.histogramEvery = opts.histogramEvery ?? 1;
    if (!Number.isInteger(this.histogramEvery) || this.histogramEvery < 0) {
      throw new RangeError(`Tracker: histogramEvery must be an integer ≥ 0, got ${opts.histogramEvery}`);
    }
    this.gradients = opts.gradients ?? true;
    this.logBatches = opts.logBatches ?? false;
    this.buckets = opts.buckets;
    this.finishOnEnd = opts.finishOnEnd ?? true;
    this.deadRelu = opts.deadRelu ?? true;
  }

  /** Wrap every ReLU module's forward (an own property, removed again in onTrainEnd). */
  private watchRelus(model: Module): void {
    for (const [path, m] of model.namedModules()) {
      if (!(m instanceof ReLU) || Object.prototype.hasOwnProperty.call(m, 'forward')) continue;
      const probe: ReluProbe = { path: path || 'relu', module: m, active: null, seen: 0 };
      const orig = m.forward;
      m.forward = (x: Tensor): Tensor => {
        const y = orig.call(m, x);
        if (!m.training && probe.seen === 0 && y.shape.length >= 1 && y.shape[0]! > 0) {
          const units = y.size / y.shape[0]!;
          const d = y.data;
          const act = new Uint8Array(units);
          for (let i = 0; i < d.length; i++) if (Number(d[i]) > 0) act[i % units] = 1;
          probe.active = act;
          probe.seen = y.shape[0]!;
        }
        return y;
      };
      this.probes.push(probe);
    }
  }

  private unwatchRelus(): void {
    for (const p of this.probes) Reflect.deleteProperty(p.module, 'forward');
    this.probes = [];
  }

  /** Open the store (default ./runs/gradlab.db), start a run and return its tracker. */
  static start(run: StartRunOptions & { db?: string | RunStore } = {}, opts: TrackerOptions = {}): Tracker {
    const store = run.db instanceof RunStore ? run.db : RunStore.open(run.db);
    const { db: _db, ...startOpts } = run;
    return new Tracker(store.startRun(startOpts), opts);
  }

  private logParams(ctx: ModelLike, step: number, withGrads: boolean): void {
    const opts = this.buckets !== undefined ? { buckets: this.buckets } : {};
    for (const [name, p] of ctx.model.namedParameters()) {
      this.run.logHistogram(`weights/${name}`, p.data, step, opts);
      if (withGrads && p.grad !== null) this.run.logHistogram(`grads/${name}`, p.grad.data, step, opts);
    }
  }

  onTrainBegin(ctx: FitContext): void {
    if (this.deadRelu) this.watchRelus(ctx.model);
    if (this.histogramEvery > 0) this.run.batch(() => this.logParams(ctx, 0, false));
  }

  onBatchEnd(_ctx: FitContext, batch: { step: number; loss: number; size: number }): void {
    if (this.logBatches) this.run.logScalar('batch/loss', batch.loss, batch.step);
  }

  onEpochEnd(ctx: FitContext, logs: EpochLogs): void {
    this.run.batch(() => {
      for (const [tag, value] of Object.entries(logs.metrics)) this.run.logScalar(tag, value, logs.epoch);
      this.run.logScalar('time/epoch_seconds', logs.seconds, logs.epoch);
      for (const p of this.probes) {
        if (p.active === null) continue;
        let dead = 0;
        for (const a of p.active) if (a === 0) dead++;
        this.run.logScalar(`${DEAD_RELU_PREFIX}${p.path}`, dead / p.active.length, logs.epoch);
        p.active = null;
        p.seen = 0;
      }
      if (this.histogramEvery > 0 && logs.epoch % this.histogramEvery === 0) this.logParams(ctx, logs.epoch, this.gradients);
    });
  }

  /** The kept model's test metrics, under 'final/<name>' at the last epoch's step. */
  onTestEnd(ctx: FitContext, metrics: Record<string, number>): void {
    this.run.batch(() => {
      for (const [k, v] of Object.entries(metrics)) this.run.logScalar(`final/${k.replace('/', '_')}`, v, ctx.epoch);
    });
  }

  onTrainEnd(_ctx: FitContext, _history: EpochLogs[]): void {
    this.unwatchRelus();
    if (this.finishOnEnd) this.run.finish('finished');
  }

  /** Record an error that stopped training. */
  fail(error: unknown): void {
    this.run.fail(error);
  }
}
