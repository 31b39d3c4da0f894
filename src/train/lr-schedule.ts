/**
 * Drives a learning-rate schedule from the fit loop: `step()` after every epoch (default) or
 * every batch, or, for ReduceLROnPlateau, `step(metric)` with the monitored epoch metric.
 */
import { LRScheduler, ReduceLROnPlateau } from '../optim/schedulers.js';
import type { Callback, EpochLogs, FitContext } from './callbacks.js';

export class LRSchedule implements Callback {
  constructor(
    readonly scheduler: LRScheduler | ReduceLROnPlateau,
    readonly o: { every?: 'epoch' | 'batch'; monitor?: string } = {},
  ) {}

  /** The scheduler's state, for resume checkpoints. */
  stateDict(): unknown {
    const s = this.scheduler;
    if (s instanceof ReduceLROnPlateau) return { best: s.best, numBadEpochs: s.numBadEpochs, cooldownCounter: s.cooldownCounter, lastEpoch: s.lastEpoch };
    return s.stateDict();
  }

  loadStateDict(st: never): void {
    const s = this.scheduler;
    // ReduceLROnPlateau's learning rates live in the optimizer's groups, restored with the optimizer.
    if (s instanceof ReduceLROnPlateau) Object.assign(s, st as { best: number; numBadEpochs: number; cooldownCounter: number; lastEpoch: number });
    else s.loadStateDict(st);
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
