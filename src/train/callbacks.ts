/**
 * The fit loop's extension points. A callback sees the context (model, optimizer, counters) and
 * the logs of each batch and epoch; it can stop training by setting ctx.stopTraining. Tracking,
 * progress bars, early stopping, checkpoints and schedules are all callbacks.
 */
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';

export interface EpochLogs {
  /** 1-based epoch number. */
  epoch: number;
  /** e.g. {'train/loss', 'train/accuracy', 'val/loss', 'val/accuracy', 'test/loss', 'lr'}. */
  metrics: Record<string, number>;
  /** Wall-clock seconds the epoch took (training and evaluation). */
  seconds: number;
}

export interface BatchLogs {
  /** Global step, 1-based. */
  step: number;
  loss: number;
  /** Samples in the batch. */
  size: number;
}

export interface FitContext {
  model: Module;
  optimizer: Optimizer;
  /** Current epoch (1-based) once training started. */
  epoch: number;
  epochs: number;
  /** Global step count. */
  step: number;
  /** Batches per epoch, when known. */
  batchesPerEpoch: number | null;
  /** Set to true to stop after the current epoch. */
  stopTraining: boolean;
}

export interface Callback {
  onTrainBegin?(ctx: FitContext): void | Promise<void>;
  onEpochBegin?(ctx: FitContext): void | Promise<void>;
  onBatchEnd?(ctx: FitContext, batch: BatchLogs): void | Promise<void>;
  onEpochEnd?(ctx: FitContext, logs: EpochLogs): void | Promise<void>;
  /** After training, with the test metrics of the kept (best) model: 'test/loss', 'test/accuracy', 'bestEpoch'. */
  onTestEnd?(ctx: FitContext, metrics: Record<string, number>): void | Promise<void>;
  onTrainEnd?(ctx: FitContext, history: EpochLogs[]): void | Promise<void>;
}
