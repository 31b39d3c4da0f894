/**
 * EarlyStopping: stops training when a monitored metric (default 'val/loss') has not improved
 * by more than minDelta for `patience` epochs, as Keras' callback of the same name. S3's LSTM
 * with attention used it.
 */
import type { Callback, EpochLogs, FitContext } from './callbacks.js';

export interface EarlyStoppingOptions {
  monitor?: string;
  mode?: 'min' | 'max';
  patience?: number;
  minDelta?: number;
}

export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly patience: number;
  readonly minDelta: number;
  best = NaN;
  bestEpoch = 0;
  wait = 0;
  stoppedEpoch: number | null = null;

  constructor(o: EarlyStoppingOptions = {}) {
    this.monitor = o.monitor ?? 'val/loss';
    this.mode = o.mode ?? (this.monitor.endsWith('accuracy') ? 'max' : 'min');
    this.patience = o.patience ?? 5;
    this.minDelta = Math.abs(o.minDelta ?? 0);
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new RangeError(`EarlyStopping: patience must be an integer ≥ 0, got ${o.patience}`);
  }

  /** For resume checkpoints. */
  stateDict(): { best: number; bestEpoch: number; wait: number; stoppedEpoch: number | null } {
    return { best: this.best, bestEpoch: this.bestEpoch, wait: this.wait, stoppedEpoch: this.stoppedEpoch };
  }

  loadStateDict(s: { best: number; bestEpoch: number; wait: number; stoppedEpoch: number | null }): void {
    Object.assign(this, { best: s.best, bestEpoch: s.bestEpoch, wait: s.wait, stoppedEpoch: s.stoppedEpoch });
  }

  onTrainBegin(): void {
    this.best = NaN;
    this.wait = 0;
    this.stoppedEpoch = null;
  }

  onEpochEnd(ctx: FitContext, logs: EpochLogs): void {
    const v = logs.metrics[this.monitor];
    if (v === undefined) {
      throw new Error(`EarlyStopping: metric '${this.monitor}' is not in the epoch logs (have: ${Object.keys(logs.metrics).join(', ')})`);
    }
    const better = Number.isNaN(this.best) || (this.mode === 'min' ? v < this.best - this.minDelta : v > this.best + this.minDelta);
    if (better) {
      this.best = v;
      this.bestEpoch = logs.epoch;
      this.wait = 0;
    } else if (++this.wait > this.patience) {
      this.stoppedEpoch = logs.epoch;
      ctx.stopTraining = true;
    }
  }
}
