/**
 * The fit loop and what runs in any JavaScript engine (the `gradlab` core entry). The terminal
 * progress bar and the checkpoint-file callback are Node-only: train/index.ts (`gradlab/node`).
 */
export { fit } from './fit.js';
export type { FitOptions, FitResult } from './fit.js';
export { evaluate, correctCount, predictClasses } from './evaluate.js';
export type { EvalResult, LossFn, Batches, Predictions } from './evaluate.js';
export type { Callback, EpochLogs, BatchLogs, FitContext } from './callbacks.js';
export { EarlyStopping } from './early-stopping.js';
export type { EarlyStoppingOptions } from './early-stopping.js';
export { LRSchedule } from './lr-schedule.js';
