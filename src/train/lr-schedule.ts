/**
 * Drives a learning-rate schedule from the fit loop: `step()` after every epoch (default) or
 * every batch, or, for ReduceLROnPlateau, `step(metric)` with the monitored epoch metric.
 */
import { LRScheduler, ReduceLROnPlateau } from '../optim/schedulers.js';
import type { Callback, EpochLogs, FitContext } from './callbacks.js';
import { checkOptions, oneOf } from '../tensor/options.js';

export class LRSchedule implements Callback {
  constructor(
    readonly scheduler: LRScheduler | ReduceLROnPlateau,
    readonly o: { every?: 'epoch' | 'batch'; monitor?: string } = {},
  ) {
    checkOptions('LRSchedule', o, { every: oneOf(['epoch', 'batch']), monitor: 'string' });
  }

  private get plateau(): boolean {
    return this.scheduler instanceof ReduceLROnPlateau;
  }

  onBatchEnd(): void {
    if ((this.o.every ?? 'epoch') === 'batch' && this.scheduler instanceof LRScheduler) this.scheduler.step();
  }

  onEpochEnd(_ctx: FitContext, logs: EpochLogs): void {
    if (this.plateau) {
      const key = this.o.monitor ?? 'val/loss';
      const v = logs.metrics[key];
      if (v === undefined) throw new Error(`LRSchedule: metric '${key}' is not in the epoch logs (have: ${Object.keys(logs.metrics).join(', ')})`);
      (this.scheduler as ReduceLROnPlateau).step(v);
    } else if ((this.o.every ?? 'epoch') === 'epoch' && this.scheduler instanceof LRScheduler) this.scheduler.step();
  }
}
