/**
 * ModelCheckpoint: saves model and optimizer to a safetensors checkpoint (atomically) after each
 * epoch, or only when the monitored metric improves. A killed training leaves the last complete
 * checkpoint, which `loadCheckpoint` (io/) restores.
 */
import { saveCheckpoint } from '../io/checkpoint.js';
import { cleanStaleTempFiles } from '../io/atomic.js';
import type { Callback, EpochLogs, FitContext } from './callbacks.js';
import { checkOptions, oneOf } from '../tensor/options.js';

export interface ModelCheckpointOptions {
  /** File to write; `{epoch}` is replaced by the epoch number. */
  path: string;
  monitor?: string;
  mode?: 'min' | 'max';
  /** Only write when the monitored metric improves (default true). */
  saveBestOnly?: boolean;
}

export class ModelCheckpoint implements Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly saveBestOnly: boolean;
  best = NaN;
  /** Paths written so far. */
  readonly saved: string[] = [];

  constructor(readonly o: ModelCheckpointOptions) {
    checkOptions('ModelCheckpoint', o, { path: 'string', monitor: 'string', mode: oneOf(['min', 'max']), saveBestOnly: 'boolean' });
    this.monitor = o.monitor ?? 'val/loss';
    this.mode = o.mode ?? (this.monitor.endsWith('accuracy') ? 'max' : 'min');
    this.saveBestOnly = o.saveBestOnly ?? true;
  }

  /** On start, remove the temp files that saves killed midway left next to the checkpoints. */
  onTrainBegin(): void {
    const cut = this.o.path.lastIndexOf('/');
    cleanStaleTempFiles(cut < 0 ? '.' : this.o.path.slice(0, cut) || '/');
  }

  onEpochEnd(ctx: FitContext, logs: EpochLogs): void {
    const v = logs.metrics[this.monitor];
    if (this.saveBestOnly) {
      if (v === undefined) throw new Error(`ModelCheckpoint: metric '${this.monitor}' is not in the epoch logs (have: ${Object.keys(logs.metrics).join(', ')})`);
      const better = Number.isNaN(this.best) || (this.mode === 'min' ? v < this.best : v > this.best);
      if (!better) return;
      this.best = v;
    }
    const path = this.o.path.replace('{epoch}', String(logs.epoch));
    saveCheckpoint(path, ctx.model, ctx.optimizer, { epoch: logs.epoch, metrics: logs.metrics });
    this.saved.push(path);
  }
}
