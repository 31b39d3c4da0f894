export { fit } from './fit.js';
export type { FitOptions, FitResult } from './fit.js';
export { evaluate, correctCount, predictClasses } from './evaluate.js';
export type { EvalResult, LossFn } from './evaluate.js';
export { ProgressBar } from './progress.js';
export type { Callback, EpochLogs, BatchLogs, FitContext } from './callbacks.js';
